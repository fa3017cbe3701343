from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common import clock
from common.audit import with_last_change
from common.views import form_page

from . import access, locks, selectors, services
from .access import Perm, org_view
from .forms import DissolveForm, MemberCountForm, MergeForm, MoveForm, OrganizationEditForm, OrganizationForm
from .models import UPPER_COMMITTEE_FORMS, Organization
from .nesting import holder_forms, parent_forms
from .positions import children_on

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
        today = clock.today()
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
        {"children": selectors.children(organization, on=clock.today())},
    )


@require_GET
@org_view(Perm.VIEW)
def detail(request, organization):
    today = clock.today()
    ancestors = selectors.ancestors_by_path([organization])
    chain = selectors.parent_chain(organization, ancestors=ancestors)
    visible = access.organizations(request.user)
    counted = selectors.with_member_counts(Organization.objects.filter(pk=organization.pk), on=today).get()
    kids = _children(organization, today=today, visible=visible)
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
        "children_until": organization.last_day,
        "can_manage": can_manage,
        "can_count": access.has_perm(request.user, organization, Perm.EDIT_PLANS),
        "counts": with_last_change(organization.member_counts.all())[:5],
        "history": selectors.recent_history(organization) if can_manage else [],
        # Mergers may cross subtrees: name only the organizations the user may see.
        "merged_from": organization.merged_from.filter(access.scope_q(request.user)),
        "past_names": organization.past_names.order_by("valid_until"),
        "merged_into_visible": organization.merged_into_id is not None
        and access.has_perm(request.user, organization.merged_into, Perm.VIEW),
    }
    return render(request, "organizations/detail.html", context)


def _children(organization: Organization, *, today, visible) -> list[Organization]:
    """The children the page lists, each with its members and `visible` (the reader may open
    its page): today's, dissolved ones included, with the organizations below each; those of
    a dissolved or merged organization as they stood on its last day (the units it had
    then, wherever they stand now), with their members that day."""
    if organization.last_day is None:
        kids = list(selectors.children(organization, on=today, include_dissolved=True))
        below = selectors.descendant_counts(visible, scope=organization)
        for kid in kids:
            kid.descendants, kid.visible = below.get(kid.path, 0), True  # in the reader's subtree
        return kids
    last_day = organization.last_day
    kids = list(selectors.with_member_counts(children_on(organization, last_day), on=last_day))
    may_open = set(visible.filter(pk__in=[kid.pk for kid in kids]).values_list("pk", flat=True))
    for kid in kids:
        kid.descendants, kid.visible = None, kid.pk in may_open
    return kids


def _form_page(request, organization, form, title, submit, **extra):
    return render(
        request,
        "organizations/form.html",
        {"org": organization, "form": form, "title": title, "submit": submit, **extra},
    )


def _detail(organization):
    return redirect("organizations:detail", org_pk=organization.pk)


@require_http_methods(["GET", "POST"])
@org_view(Perm.MANAGE)
def add_child(request, organization):
    form = OrganizationForm(request.POST or None)
    return form_page(
        request,
        form,
        save=lambda data: services.organization_create(parent=organization, user=request.user, **data),
        success=lambda child: _("Organization “%(name)s” created.") % {"name": child.name},
        redirect_to=_detail,
        render_page=lambda: _form_page(
            request, organization, form, _("New organization under %(name)s") % {"name": organization}, _("Create")
        ),
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.MANAGE)
def edit(request, organization):
    form = OrganizationEditForm(request.POST or None, instance=Organization.objects.get(pk=organization.pk))
    return form_page(
        request,
        form,
        save=lambda data: services.organization_update(
            organization=organization, user=request.user, today=clock.today(), **data
        ),
        success=_("Changes saved."),
        redirect_to=lambda _saved: _detail(organization),
        render_page=lambda: _form_page(
            request, organization, form, _("Edit %(name)s") % {"name": organization}, _("Save")
        ),
    )


def _manageable_others(request, organization):
    """Active organizations the user administers, outside the given subtree."""
    return (
        access.organizations(request.user, Perm.MANAGE)
        .filter(dissolved_on__isnull=True)
        .exclude(path__startswith=organization.path)
        .order_by("path")
    )


def _merge_targets(request, organization):
    """Where the organization may merge: organizations that may hold each of its active
    children (organizations.nesting); the service checks again."""
    children = Organization.objects.get_children(organization).filter(dissolved_on__isnull=True)
    forms = holder_forms(children.values_list("form", flat=True).distinct())
    return _manageable_others(request, organization).filter(form__in=forms)


def _tree_change(request, organization, form, *, change, success, destination, title, submit):
    """Move, merge and dissolve: `change(data, on_date=, today=, user=)` on a valid form, then the
    page of `destination(data)`."""

    def save(data):
        change(data, on_date=data["on_date"], today=clock.today(), user=request.user)
        return data

    return form_page(
        request,
        form,
        save=save,
        success=success,
        redirect_to=lambda data: _detail(destination(data)),
        render_page=lambda: _form_page(request, organization, form, title % {"name": organization}, submit),
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.MANAGE)
def move(request, organization):
    return _tree_change(
        request,
        organization,
        MoveForm(
            request.POST or None,
            # only parents that may hold it (organizations.nesting); the service checks again
            parents=_manageable_others(request, organization).filter(form__in=parent_forms(organization.form)),
        ),
        change=lambda data, **when: services.organization_move(
            organization=organization, new_parent=data["new_parent"], **when
        ),
        success=_("Organization moved."),
        destination=lambda data: organization,
        title=_("Move %(name)s"),
        submit=_("Move"),
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.MANAGE)
def merge(request, organization):
    return _tree_change(
        request,
        organization,
        MergeForm(request.POST or None, targets=_merge_targets(request, organization)),
        change=lambda data, **when: services.organization_merge(source=organization, target=data["target"], **when),
        success=_("Organization merged."),
        destination=lambda data: data["target"],
        title=_("Merge %(name)s into another organization"),
        submit=_("Merge"),
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.MANAGE)
def dissolve(request, organization):
    return _tree_change(
        request,
        organization,
        DissolveForm(request.POST or None),
        change=lambda data, **when: services.organization_dissolve(organization=organization, **when),
        success=_("Organization dissolved."),
        destination=lambda data: organization,
        title=_("Dissolve %(name)s"),
        submit=_("Dissolve"),
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_PLANS)
def add_count(request, organization):
    form = MemberCountForm(request.POST or None)
    today = clock.today()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["as_of"] > today:
            form.add_error("as_of", _("The date cannot be in the future."))
        else:
            try:
                services.member_count_record(organization=organization, user=request.user, today=today, **data)
            except ValidationError as exc:  # a locked period, or a day it did not stand
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
