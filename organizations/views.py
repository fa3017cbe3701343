import base64
import datetime as dt
import hashlib
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.xlsx import ImportFailed, workbook_bytes, xlsx_response

from . import access, locks, selectors, services
from .access import Perm, org_view
from .forms import DissolveForm, ImportForm, MemberCountForm, MergeForm, MoveForm, OrganizationForm, ReorganizeForm
from .imports import COLUMNS, COUNT_COLUMNS, member_count_import, tree_import
from .models import UPPER_COMMITTEE_FORMS, Organization, Reorganization
from .reorganize import COLUMNS as REORGANIZE_COLUMNS
from .reorganize import reorganization_apply, reorganization_preview


def _today():
    return timezone.localdate()


# Up to this many roots open with their children shown.
OPEN_ROOTS = 5


@require_GET
def tree(request):
    query = request.GET.get("q", "").strip()
    visible = access.organizations(request.user)
    context = {"query": query}
    if query:
        results = selectors.search(visible, query=query)
        ancestors = selectors.ancestors_by_path(results)
        context["results"] = [(org, selectors.parent_chain(org, ancestors=ancestors)) for org in results]
    else:
        today = _today()
        roots = list(selectors.with_member_counts(access.top_organizations(request.user), on=today))
        # The tree opens at the user's own level with its children shown (a query per root: a
        # user has a handful of memberships); deeper levels load when opened.
        context["roots"] = [
            (org, list(selectors.children(org, on=today)) if len(roots) <= OPEN_ROOTS else None) for org in roots
        ]
    return render(request, "organizations/tree.html", context)


@require_GET
@org_view(Perm.VIEW)
def children(request, organization):
    """The children of one node, loaded when the user expands it."""
    return render(
        request,
        "organizations/_children.html",
        {"children": selectors.children(organization, on=_today())},
    )


@require_GET
@org_view(Perm.VIEW)
def detail(request, organization):
    today = _today()
    ancestors = selectors.ancestors_by_path([organization])
    chain = selectors.parent_chain(organization, ancestors=ancestors)
    visible = access.organizations(request.user)
    counted = selectors.with_member_counts(Organization.objects.filter(pk=organization.pk), on=today).get()
    kids = list(selectors.children(organization, on=today, include_dissolved=True))
    below = selectors.descendant_counts(visible, scope=organization)
    for kid in kids:
        kid.descendants = below.get(kid.path, 0)
    can_manage = access.has_perm(request.user, organization, Perm.MANAGE)
    context = {
        "org": organization,
        "chain": [(o, access.has_perm(request.user, o, Perm.VIEW)) for o in chain],
        "members": counted.members,
        "members_as_of": counted.members_as_of,
        # A committee above the grassroots has no count of its own: its grassroots organizations' sum.
        "subtree_members": selectors.grassroots_members(organization, on=today)
        if counted.members is None and organization.form in UPPER_COMMITTEE_FORMS
        else None,
        "children": kids,
        "can_manage": can_manage,
        "can_count": access.has_perm(request.user, organization, Perm.EDIT_PLANS),
        "counts": organization.member_counts.all()[:5],
        "history": selectors.recent_history(organization) if can_manage else [],
        # Mergers may cross subtrees: name only the organizations the user may see.
        "merged_from": organization.merged_from.filter(access.scope_q(request.user)),
        "merged_into_visible": organization.merged_into_id is not None
        and access.has_perm(request.user, organization.merged_into, Perm.VIEW),
    }
    return render(request, "organizations/detail.html", context)


def _form_page(request, organization, form, title, submit, **extra):
    return render(
        request,
        "organizations/form.html",
        {"org": organization, "form": form, "title": title, "submit": submit, **extra},
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.MANAGE)
def add_child(request, organization):
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            child = services.organization_create(parent=organization, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Organization “%(name)s” created.") % {"name": child.name})
            return redirect("organizations:detail", org_pk=child.pk)
    return _form_page(
        request, organization, form, _("New organization under %(name)s") % {"name": organization}, _("Create")
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.MANAGE)
def edit(request, organization):
    form = OrganizationForm(request.POST or None, instance=Organization.objects.get(pk=organization.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(organization=organization, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("organizations:detail", org_pk=organization.pk)
    return _form_page(request, organization, form, _("Edit %(name)s") % {"name": organization}, _("Save"))


def _manageable_others(request, organization):
    """Active organizations the user administers, outside the given subtree."""
    return (
        access.organizations(request.user, Perm.MANAGE)
        .filter(dissolved_on__isnull=True)
        .exclude(path__startswith=organization.path)
        .order_by("path")
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.MANAGE)
def move(request, organization):
    form = MoveForm(request.POST or None, parents=_manageable_others(request, organization))
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_move(
                organization=organization,
                new_parent=form.cleaned_data["new_parent"],
                on_date=form.cleaned_data["on_date"],
                today=_today(),
                user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Organization moved."))
            return redirect("organizations:detail", org_pk=organization.pk)
    return _form_page(request, organization, form, _("Move %(name)s") % {"name": organization}, _("Move"))


@require_http_methods(["GET", "POST"])
@org_view(Perm.MANAGE)
def merge(request, organization):
    form = MergeForm(request.POST or None, targets=_manageable_others(request, organization))
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_merge(
                source=organization,
                target=form.cleaned_data["target"],
                on_date=form.cleaned_data["on_date"],
                today=_today(),
                user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Organization merged."))
            return redirect("organizations:detail", org_pk=form.cleaned_data["target"].pk)
    return _form_page(
        request, organization, form, _("Merge %(name)s into another organization") % {"name": organization}, _("Merge")
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.MANAGE)
def dissolve(request, organization):
    form = DissolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_dissolve(
                organization=organization, on_date=form.cleaned_data["on_date"], today=_today(), user=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Organization dissolved."))
            return redirect("organizations:detail", org_pk=organization.pk)
    return _form_page(request, organization, form, _("Dissolve %(name)s") % {"name": organization}, _("Dissolve"))


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_PLANS)
def add_count(request, organization):
    form = MemberCountForm(request.POST or None)
    today = _today()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["as_of"] > today:
            form.add_error("as_of", _("The date cannot be in the future."))
        else:
            try:
                services.member_count_record(organization=organization, user=request.user, today=today, **data)
            except ValidationError as exc:  # a locked period
                form.add_error(None, exc)
            else:
                messages.success(request, _("Member count saved."))
                return redirect("organizations:detail", org_pk=organization.pk)
    return _form_page(
        request,
        organization,
        form,
        _("Member count of %(name)s") % {"name": organization},
        _("Save"),
        lock_banner=locks.banner_locks(organization=organization, today=today),
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.MANAGE)
def import_tree(request, organization):
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            created = tree_import(
                upload=form.cleaned_data["file"], under=organization, user=request.user, today=_today()
            )
        except ImportFailed as exc:
            errors = exc.errors
        else:
            messages.success(request, _("%(n)d organizations imported.") % {"n": len(created)})
            return redirect("organizations:detail", org_pk=organization.pk)
    return render(
        request,
        "organizations/import.html",
        {"org": organization, "form": form, "errors": errors, "records": _reorganizations(request, organization)[:5]},
    )


@require_GET
@org_view(Perm.MANAGE)
def import_template(request, organization):
    rows = [
        [titles[0] for titles in COLUMNS.values()],
        [organization.code, "Đảng bộ xã Ví Dụ", "Đảng bộ cơ sở", "Xã, phường, thị trấn", "VD-01"],
        ["VD-01", "Chi bộ thôn Ví Dụ", "Chi bộ", "Thôn, tổ dân phố", "VD-01-01"],
    ]
    content = workbook_bytes(rows, title="To chuc", widths=dict.fromkeys("ABCDE", 32))
    return xlsx_response(content, "mau-nhap-to-chuc.xlsx")


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_PLANS)
def import_counts(request, organization):
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            n = member_count_import(
                upload=form.cleaned_data["file"], under=organization, user=request.user, today=_today()
            )
        except ImportFailed as exc:
            errors = exc.errors
        else:
            messages.success(request, _("%(n)d member counts imported.") % {"n": n})
            return redirect("organizations:detail", org_pk=organization.pk)
    return render(
        request,
        "organizations/import.html",
        {
            "org": organization,
            "form": form,
            "errors": errors,
            "title": _("Import member counts under %(name)s") % {"name": organization.name},
            "lock_banner": locks.banner_locks(organization=organization, today=_today()),
            "help": _("The first sheet needs the columns: code, as of (dd/mm/yyyy), members."),
            "columns": [titles[0] for titles in COUNT_COLUMNS.values()],
        },
    )


# ------------------------------------------------------------------ reorganization
#
# Upload → preview (planners and administrators of the scope) → "Áp dụng" (administrators).
# Between the two, the uploaded bytes wait in the session (a reorganization file is a few
# kilobytes); the confirmation carries their digest, so what is applied is what was
# previewed, and nothing from the form names a file on the server.

REORGANIZE_MAX_BYTES = 2 * 1024 * 1024


def _pending_key(organization) -> str:
    return f"reorganize:{organization.pk}"


def _reorganizations(request, organization):
    """The reorganizations applied to this organization's tree (those of several trees, made
    by the command, only for superusers)."""
    records = Reorganization.objects.select_related("applied_by", "organization").order_by("-applied_at", "-pk")
    if request.user.is_superuser:
        return records.filter(Q(organization__path__startswith=organization.path) | Q(organization__isnull=True))
    return records.filter(organization__path__startswith=organization.path)


def _reorganize_page(request, organization, form, **context):
    records = _reorganizations(request, organization)
    return render(
        request,
        "organizations/reorganize.html",
        {
            "org": organization,
            "form": form,
            "can_apply": access.has_perm(request.user, organization, Perm.MANAGE),
            "records": records[:20],
            "columns": [titles[0] for titles in REORGANIZE_COLUMNS.values()],
            **context,
        },
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_PLANS)
def reorganize(request, organization):
    """Upload a reorganization file and see what it would do."""
    form = ReorganizeForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _reorganize_page(request, organization, form)
    upload = form.cleaned_data["file"]
    if upload.size > REORGANIZE_MAX_BYTES:
        form.add_error("file", _("The file is too large for a reorganization (at most 2 MB)."))
        return _reorganize_page(request, organization, form)
    data = upload.read()
    can_apply = access.has_perm(request.user, organization, Perm.MANAGE)
    try:
        preview = reorganization_preview(
            upload=io.BytesIO(data),
            today=_today(),
            user=request.user,
            under=organization,
            perm=Perm.MANAGE if can_apply else Perm.EDIT_PLANS,
            file_name=upload.name,
        )
    except ImportFailed as exc:
        request.session.pop(_pending_key(organization), None)
        return _reorganize_page(request, organization, form, errors=exc.errors)
    digest = hashlib.sha256(data).hexdigest()
    if can_apply:
        decision_date = form.cleaned_data["decision_date"]
        request.session[_pending_key(organization)] = {
            "data": base64.b64encode(data).decode("ascii"),
            "name": upload.name,
            "digest": digest,
            "decision": form.cleaned_data["decision"],
            "decision_date": decision_date.isoformat() if decision_date else "",
        }
    return _reorganize_page(request, organization, form, preview=preview, digest=digest)


@require_POST
@org_view(Perm.MANAGE)
def reorganize_apply(request, organization):
    """Apply the previewed file, in one transaction."""
    pending = request.session.get(_pending_key(organization))
    if not pending or pending.get("digest") != request.POST.get("digest"):
        messages.error(request, _("The previewed file is no longer waiting: upload it again."))
        return redirect("organizations:reorganize", org_pk=organization.pk)
    decision_date = pending["decision_date"]
    try:
        record = reorganization_apply(
            upload=io.BytesIO(base64.b64decode(pending["data"])),
            today=_today(),
            user=request.user,
            under=organization,
            decision=pending["decision"],
            decision_date=dt.date.fromisoformat(decision_date) if decision_date else None,
            file_name=pending["name"],
        )
    except ImportFailed as exc:
        return _reorganize_page(request, organization, ReorganizeForm(), errors=exc.errors)
    request.session.pop(_pending_key(organization), None)
    counts = record.summary["counts"]
    messages.success(
        request,
        _("Reorganization applied: %(n)d operations.") % {"n": len(record.summary["operations"])}
        + " "
        + _(
            "Created: %(created)d, renamed: %(renamed)d, moved: %(moved)d, merged: %(merged)d, dissolved: %(dissolved)d"
        )
        % counts,
    )
    return redirect("organizations:reorganize", org_pk=organization.pk)


@require_GET
@org_view(Perm.EDIT_PLANS)
def reorganize_template(request, organization):
    """An example file: a new commune committee under this organization, a cell under it, a rename."""
    day = _today().strftime("%d/%m/%Y")
    form, sector = "Đảng ủy xã, phường trực thuộc tỉnh", "Xã, phường, thị trấn"
    rows = [
        [titles[0] for titles in REORGANIZE_COLUMNS.values()],
        ["thành lập", day, "VD-XA", organization.code, "Đảng ủy xã Ví Dụ", form, sector],
        ["thành lập", day, "VD-XA-01", "VD-XA", "Chi bộ Thôn Ví Dụ", "Chi bộ", "Thôn, tổ dân phố"],
        ["đổi tên", day, "VD-XA-01", "", "Chi bộ Thôn Ví Dụ 1", "", ""],
    ]
    widths = dict(zip("ABCDEFG", (12, 14, 14, 14, 36, 34, 24), strict=True))
    return xlsx_response(workbook_bytes(rows, title="Sap xep", widths=widths), "mau-sap-xep-to-chuc.xlsx")
