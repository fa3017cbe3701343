from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_tables2 import RequestConfig

from admissions.categories import Category
from common import clock
from common.views import form_page
from organizations import access
from organizations.access import Perm, org_view
from organizations.models import Organization

from . import selectors, services
from .forms import (
    CloseForm,
    CopyForm,
    ImplementForm,
    IssueForm,
    MilestoneForm,
    PlanForm,
)
from .models import PlanStatus, Recurrence, Rule
from .sentences import rule_bounds
from .tables import PlanFilter, PlanTable
from .view_helpers import is_amending, plan_symbol, to_plan, visible_plan


def _form_page(request, plan, form, title, submit, *, org=None, multipart=False, intro=""):
    return render(
        request,
        "quotas/form.html",
        {
            "plan": plan,
            "org": org,
            "form": form,
            "title": title,
            "submit": submit,
            "multipart": multipart,
            "intro": intro,
        },
    )


def _plan_form(request, plan, form, *, save, success, title, submit, **page):
    """A form page that changes `plan` and goes back to it."""
    return form_page(
        request,
        form,
        save=save,
        success=success,
        redirect_to=lambda _saved: to_plan(plan),
        render_page=lambda: _form_page(request, plan, form, title, submit, **page),
    )


def _parents_for(user, issuer: Organization):
    """Plans `issuer` may implement: issued plans of the committees above it that the user sees."""
    return (
        selectors.visible_plans(user)
        .filter(issuer__path__in=issuer.ancestor_paths())
        .exclude(status=PlanStatus.DRAFT)
        .select_related("issuer")
    )


# --- plans ---------------------------------------------------------------------------


def _plan_list_page(request, queryset, org=None):
    issuers = access.organizations(request.user).filter(plans__isnull=False).distinct().order_by("path")
    filters = PlanFilter(request.GET or None, queryset=queryset, issuers=issuers)
    table = PlanTable(filters.qs)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    can_create = access.organizations(request.user, Perm.EDIT_PLANS).exists()
    # On the list of every plan: "Add a plan" for the organizations at the top of the user's planning scope.
    create_for = [] if org or not can_create else list(selectors.creatable_issuers(request.user))
    return render(
        request,
        "quotas/list.html",
        {"table": table, "filter": filters, "org": org, "can_create": can_create, "create_for": create_for},
    )


@require_GET
def plan_list(request):
    return _plan_list_page(request, selectors.plan_list(request.user))


@require_GET
@org_view(Perm.VIEW)
def org_plans(request, organization):
    plans = selectors.plan_list(request.user).filter(issuer__path__startswith=organization.path)
    return _plan_list_page(request, plans, organization)


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_PLANS)
def plan_create(request, organization):
    year = clock.today().year
    form = PlanForm(
        request.POST or None,
        request.FILES or None,
        parents=_parents_for(request.user, organization),
        initial={
            "first_year": year,
            "last_year": year,
            "title": _("Party development plan %(year)d") % {"year": year},
            "symbol": plan_symbol(organization),
        },
    )
    return form_page(
        request,
        form,
        save=lambda data: services.plan_create(issuer=organization, user=request.user, **data),
        success=_("Draft plan created. Add its quota rules, then issue it."),
        redirect_to=to_plan,
        render_page=lambda: _form_page(
            request,
            None,
            form,
            _("New plan of %(name)s") % {"name": organization.name},
            _("Create"),
            org=organization,
            multipart=True,
        ),
    )


def _with_next_due(plan):
    """The plan's milestones, a recurring one with its next due day (a yearly "31/10" is
    due every year: its first day alone reads as long past)."""
    milestones = list(plan.milestones.all())
    for m in milestones:
        if m.recurrence != Recurrence.ONCE:
            m.next_due = selectors.next_occurrence(m, plan=plan, today=clock.today())
    return milestones


@require_GET
def plan_detail(request, plan_pk):
    plan = visible_plan(request, plan_pk)
    can_edit = access.has_perm(request.user, plan.issuer, Perm.EDIT_PLANS)
    rules = selectors.plan_rules(plan, user=request.user)
    context = {
        "plan": plan,
        "rules": rules,
        "totals_disagreeing": selectors.totals_disagreeing(rules),
        "milestones": _with_next_due(plan),
        # Every related list goes through the user's scope: no names of plans elsewhere.
        "implements": selectors.implemented_plans(request.user, plan=plan),
        "implemented_by": selectors.implementing_plans(request.user, plan=plan),
        "amendments": plan.amendments.select_related("made_by")[:50],
        "can_edit": can_edit and plan.status in (PlanStatus.DRAFT, PlanStatus.ISSUED),
        "can_manage": can_edit,
        "implementers": []
        if plan.status == PlanStatus.DRAFT
        else selectors.editable_roots_below(request.user, organization=plan.issuer),
    }
    return render(request, "quotas/detail.html", context)


@require_http_methods(["GET", "POST"])
def plan_edit(request, plan_pk):
    plan = visible_plan(request, plan_pk, Perm.EDIT_PLANS)
    initial = {name: getattr(plan, name) for name in services.PLAN_FIELDS}
    initial["implements"] = list(plan.implements.all())
    form = PlanForm(
        request.POST or None,
        request.FILES or None,
        parents=_parents_for(request.user, plan.issuer),
        amending=is_amending(plan),
        initial=initial,
    )
    return _plan_form(
        request,
        plan,
        form,
        save=lambda data: services.plan_update(plan=plan, user=request.user, today=clock.today(), **data),
        success=_("Changes saved."),
        title=_("Edit the plan"),
        submit=_("Save"),
        multipart=True,
    )


@require_http_methods(["GET", "POST"])
def plan_issue(request, plan_pk):
    plan = visible_plan(request, plan_pk, Perm.EDIT_PLANS)
    form = IssueForm(
        request.POST or None, initial={"number": plan.number, "issued_on": plan.issued_on or clock.today()}
    )
    return _plan_form(
        request,
        plan,
        form,
        save=lambda data: services.plan_issue(plan=plan, today=clock.today(), user=request.user, **data),
        success=_("The plan is issued. From now on it changes only by recorded amendments."),
        title=_("Issue the plan"),
        submit=_("Issue"),
        intro=_("Once issued, every change to the plan is recorded as an amendment with its reason."),
    )


@require_http_methods(["GET", "POST"])
def plan_close(request, plan_pk):
    plan = visible_plan(request, plan_pk, Perm.EDIT_PLANS)
    form = CloseForm(request.POST or None)
    return _plan_form(
        request,
        plan,
        form,
        save=lambda data: services.plan_close(plan=plan, today=clock.today(), user=request.user, reason=data["reason"]),
        success=_("The plan is closed."),
        title=_("Close the plan"),
        submit=_("Close"),
    )


@require_http_methods(["GET", "POST"])
def plan_copy(request, plan_pk):
    plan = visible_plan(request, plan_pk, Perm.EDIT_PLANS)
    form = CopyForm(request.POST or None, initial={"year": (plan.last_year or plan.first_year) + 1})
    return form_page(
        request,
        form,
        save=lambda data: services.plan_copy_to_year(plan=plan, user=request.user, **data),
        success=lambda new: _("Draft copy for %(year)d created.") % {"year": new.first_year},
        redirect_to=to_plan,
        render_page=lambda: _form_page(request, plan, form, _("Copy the plan to another year"), _("Copy")),
    )


def _derived_lines(derived) -> list[dict]:
    """The rules a new implementing draft starts from, as the page lists them: the kind of the
    parent's rule, the figures as the plan's sentence writes them ("từ 2% đến 5%") and the
    category's label, never its code."""
    lines = []
    for d in derived:
        rule = Rule(**d.values)
        category = rule.category
        lines.append(
            {
                "kind": d.source.get_kind_display(),
                "bounds": rule_bounds(rule),
                "category": Category(category).label if category in Category.values else category,
            }
        )
    return lines


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_PLANS)
def plan_implement(request, organization, plan_pk):
    """A draft plan of `organization` implementing a plan of a committee above it."""
    parent = visible_plan(request, plan_pk)
    if not services.may_implement(parent, organization):
        raise Http404
    year = max(clock.today().year, parent.first_year)
    form = ImplementForm(
        request.POST or None,
        initial={
            "title": parent.title,
            "symbol": plan_symbol(organization),
            "first_year": year,
            "last_year": parent.last_year,
        },
    )

    def render_page():
        derived = services.rules_applying_to(parent, organization) if parent.status != PlanStatus.DRAFT else []
        context = {"parent": parent, "org": organization, "form": form, "derived": _derived_lines(derived)}
        return render(request, "quotas/implement.html", context)

    return form_page(
        request,
        form,
        save=lambda data: services.plan_implement(parent=parent, issuer=organization, user=request.user, **data),
        success=_("Draft plan created with the rules of the plan above that apply here."),
        redirect_to=to_plan,
        render_page=render_page,
    )


# --- milestones and cascade -----------------------------------------------------------


@require_http_methods(["GET", "POST"])
def milestone_create(request, plan_pk):
    plan = visible_plan(request, plan_pk, Perm.EDIT_PLANS)
    form = MilestoneForm(request.POST or None, amending=is_amending(plan))
    return _plan_form(
        request,
        plan,
        form,
        save=lambda data: services.milestone_create(plan=plan, user=request.user, today=clock.today(), **data),
        success=_("Milestone added."),
        title=_("New milestone"),
        submit=_("Add"),
    )


@require_GET
@org_view(Perm.VIEW)
def cascade(request, organization):
    try:
        year = int(request.GET.get("year") or clock.today().year)
    except ValueError:
        year = clock.today().year
    parent_plans, rows = selectors.cascade(organization, year=year)
    return render(
        request,
        "quotas/cascade.html",
        {
            "org": organization,
            "year": year,
            "parent_plans": parent_plans,
            "rows": rows,
            "issued": sum(1 for r in rows if r.plans),
        },
    )
