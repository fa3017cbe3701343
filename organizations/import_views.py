"""The imports of an organization's page: organizations and member counts from .xlsx, and a
reorganization from a file (upload → preview → apply)."""

import base64
import datetime as dt
import hashlib
import io

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common import clock
from common.imports import import_page, note
from common.workbook import xlsx_download
from common.xlsx import ImportFailed

from . import access, locks
from .access import Perm, org_view
from .forms import ImportForm, ReorganizeForm
from .imports import COLUMNS, member_count_import, tree_import
from .models import Reorganization
from .reorganize import COLUMNS as REORGANIZE_COLUMNS
from .reorganize import reorganization_apply, reorganization_preview


def _import_page(request, organization, *, run, success, title, **context):
    return import_page(
        request,
        ImportForm(request.POST or None, request.FILES or None),
        run=lambda data: run(upload=data["file"], under=organization, user=request.user, today=clock.today()),
        success=success,
        done=reverse("organizations:detail", args=[organization.pk]),
        title=title,
        back_url=reverse("organizations:detail", args=[organization.pk]),
        back_label=organization.name,
        **context,
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.MANAGE)
def import_tree(request, organization):
    records = [
        f"{r.decision or '—'} ({timezone.localtime(r.applied_at):%d/%m/%Y})"
        for r in _reorganizations(request, organization)[:5]
    ]
    notes = [
        note(
            _(
                "The first sheet needs the columns: parent (code or name; empty = this organization), name, form, "
                "sector, code. Forms and sectors may be written as in the application."
            ),
            reverse("organizations:import_template", args=[organization.pk]),
            _("Download a template"),
        ),
        note(
            _("To merge, move, rename or dissolve many organizations at once by a decision:"),
            reverse("organizations:reorganize", args=[organization.pk]),
            _("Reorganization from a file"),
        ),
    ]
    if records:
        notes.append(note(f"{_('Reorganizations applied')}: {'; '.join(records)}", muted=True))
    return _import_page(
        request,
        organization,
        run=lambda **kwargs: len(tree_import(**kwargs)),
        success=_("%(n)d organizations imported."),
        title=_("Import organizations"),
        heading=_("Import organizations under %(name)s") % {"name": organization.name},
        notes=notes,
    )


@require_GET
@org_view(Perm.MANAGE)
def import_template(request, organization):
    rows = [
        [titles[0] for titles in COLUMNS.values()],
        [organization.code, "Đảng bộ xã Ví Dụ", "Đảng bộ cơ sở", "Xã, phường, thị trấn", "VD-01"],
        ["VD-01", "Chi bộ thôn Ví Dụ", "Chi bộ", "Thôn, tổ dân phố", "VD-01-01"],
    ]
    return xlsx_download(rows, title="To chuc", filename="mau-nhap-to-chuc.xlsx", widths=dict.fromkeys("ABCDE", 32))


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_PLANS)
def import_counts(request, organization):
    return _import_page(
        request,
        organization,
        run=member_count_import,
        success=_("%(n)d member counts imported."),
        title=_("Import member counts"),
        heading=_("Import member counts under %(name)s") % {"name": organization.name},
        notes=[note(_("The first sheet needs the columns: code, as of (dd/mm/yyyy), members."))],
        lock_banner=locks.banner_locks(organization=organization, today=clock.today()),
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
            today=clock.today(),
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
            today=clock.today(),
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
    day = clock.today().strftime("%d/%m/%Y")
    form, sector = "Đảng ủy xã, phường trực thuộc tỉnh", "Xã, phường, thị trấn"
    rows = [
        [titles[0] for titles in REORGANIZE_COLUMNS.values()],
        ["thành lập", day, "VD-XA", organization.code, "Đảng ủy xã Ví Dụ", form, sector],
        ["thành lập", day, "VD-XA-01", "VD-XA", "Chi bộ Thôn Ví Dụ", "Chi bộ", "Thôn, tổ dân phố"],
        ["đổi tên", day, "VD-XA-01", "", "Chi bộ Thôn Ví Dụ 1", "", ""],
    ]
    widths = dict(zip("ABCDEFG", (12, 14, 14, 14, 36, 34, 24), strict=True))
    return xlsx_download(rows, title="Sap xep", filename="mau-sap-xep-to-chuc.xlsx", widths=widths)
