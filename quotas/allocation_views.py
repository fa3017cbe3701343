"""The allocation table of a rule: the grid typed on the page, its import from .xlsx and
its download in the appendix layout."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common import clock
from common.imports import import_page, note
from common.workbook import xlsx_download
from organizations import access
from organizations.access import Perm

from . import selectors, services, view_helpers
from .forms import AllocationImportForm, InForceForm
from .imports import COLUMNS, allocation_import
from .models import PlanStatus, RuleKind
from .sentences import allocation_notation


def _allocation_rule(request, plan_pk, rule_pk, perm):
    plan = view_helpers.visible_plan(request, plan_pk, perm)
    rule = view_helpers.plan_rule(request, plan, rule_pk)
    if rule.kind != RuleKind.ALLOCATION:
        raise Http404
    return plan, rule


def _int_or_none(value):
    value = (value or "").strip()
    if not value:
        return None, None
    try:
        number = int(value)
    except ValueError:
        return None, _("“%(value)s” is not a whole number") % {"value": value}
    if number < 0:
        return None, _("a quota cannot be negative")
    return number, None


def _posted_rows(request, grid):
    """The grid's rows as the user typed them, and the problems found reading them."""
    rows, problems = [], []
    for row in grid.rows:
        pk = row.organization.pk
        total, problem = _int_or_none(request.POST.get(f"total-{pk}"))
        if problem:
            problems.append(f"{row.organization.name}: {problem}")
        subs = {}
        for category, _label, _abbr in grid.categories:
            count, problem = _int_or_none(request.POST.get(f"sub-{pk}-{category}"))
            if problem:
                problems.append(f"{row.organization.name}: {problem}")
            if count:
                subs[category] = count
        try:
            version = int(request.POST.get(f"version-{pk}", "0"))
        except ValueError:
            version = -1
        rows.append(services.RowInput(pk, total, subs, version))
    return rows, problems


@require_http_methods(["GET", "POST"])
def allocation_grid(request, plan_pk, rule_pk):
    perm = Perm.EDIT_PLANS if request.method == "POST" else Perm.VIEW
    plan, rule = _allocation_rule(request, plan_pk, rule_pk, perm)
    grid = selectors.allocation_grid(rule, user=request.user)
    can_edit = access.has_perm(request.user, plan.issuer, Perm.EDIT_PLANS) and plan.status in (
        PlanStatus.DRAFT,
        PlanStatus.ISSUED,
    )
    errors = []
    reason = ""
    in_force = InForceForm(request.POST or None)
    if request.method == "POST":
        reason = request.POST.get("reason", "").strip()
        rows, errors = _posted_rows(request, grid)
        if not in_force.is_valid():
            label = in_force.fields["in_force_from"].label
            errors += [f"{label}: {message}" for message in in_force.errors["in_force_from"]]
        by_org = {r.organization_id: r for r in rows}
        stored = {g.organization.pk: (g.total, g.sub_quotas) for g in grid.rows}
        changed = [r for r in rows if (r.total, r.sub_quotas) != stored[r.organization_id]]
        if not errors:
            try:
                services.allocation_set(
                    rule=rule,
                    rows=changed,
                    user=request.user,
                    today=clock.today(),
                    reason=reason,
                    in_force_from=in_force.cleaned_data["in_force_from"],
                )
            except services.StaleVersion as exc:
                errors = exc.messages
                fresh = selectors.allocation_grid(rule)
                stored = {g.organization.pk: g for g in fresh.rows}
                for g in grid.rows:  # keep what the user typed, show what is stored now
                    mine = by_org[g.organization.pk]
                    now = stored.get(g.organization.pk)
                    if now is not None and now.version != mine.version:
                        g.saved_total, g.saved_subs = now.total, now.sub_quotas
                        g.saved_text = allocation_notation(now.total, now.sub_quotas) if now.total is not None else "—"
                        g.version = now.version
                    g.total, g.sub_quotas = mine.total, mine.sub_quotas
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, _("Allocation saved."))
                return redirect("quotas:allocations", plan_pk=plan.pk, rule_pk=rule.pk)
        if errors and not any(g.saved_total is not None for g in grid.rows):
            for g in grid.rows:
                mine = by_org[g.organization.pk]
                g.total, g.sub_quotas = mine.total, mine.sub_quotas
    return render(
        request,
        "quotas/allocations.html",
        {
            "plan": plan,
            "rule": rule,
            "grid": grid,
            "can_edit": can_edit,
            "amending": view_helpers.is_amending(plan),
            "errors": errors,
            "reason": reason,
            "in_force": in_force,
        },
        status=409 if errors and any(g.saved_total is not None for g in grid.rows) else 200,
    )


@require_http_methods(["GET", "POST"])
def allocation_import_view(request, plan_pk, rule_pk):
    plan, rule = _allocation_rule(request, plan_pk, rule_pk, Perm.EDIT_PLANS)
    table = reverse("quotas:allocations", args=[plan.pk, rule.pk])
    return import_page(
        request,
        AllocationImportForm(request.POST or None, request.FILES or None, amending=view_helpers.is_amending(plan)),
        run=lambda data: allocation_import(
            upload=data["file"],
            rule=rule,
            user=request.user,
            today=clock.today(),
            reason=data.get("reason", ""),
            in_force_from=data.get("in_force_from"),
        ),
        success=_("%(n)d rows imported."),
        done=table,
        title=_("Import an allocation table"),
        back_url=table,
        back_label=_("Allocation table"),
        notes=[
            note(
                _(
                    "The first sheet in the appendix layout: STT | TCCSĐ | CHỈ TIÊU. The organization by its exact "
                    "name or code; the quota as in the plan, e.g. 09 or 03 (01 HS)."
                ),
                reverse("quotas:allocation_template", args=[plan.pk, rule.pk]),
                _("Download the current table"),
            )
        ],
        rule=_(
            "The import is all-or-nothing: if any row is wrong, nothing is saved and every wrong row is listed. "
            "Organizations not in the file keep their quota."
        ),
        narrow=True,
    )


@require_GET
def allocation_template(request, plan_pk, rule_pk):
    """The appendix layout, pre-filled with the table's organizations and quotas."""
    plan, rule = _allocation_rule(request, plan_pk, rule_pk, Perm.VIEW)
    grid = selectors.allocation_grid(rule, user=request.user)
    rows = [[titles[0] for titles in COLUMNS.values()]]
    for number, row in enumerate(grid.rows, start=1):
        quota = allocation_notation(row.total, row.sub_quotas) if row.total is not None else ""
        rows.append([f"{number:02d}", row.organization.name, quota])
    return xlsx_download(
        rows, title="Phan bo", filename=f"phan-bo-chi-tieu-{plan.pk}-{rule.pk}.xlsx", widths={"B": 60, "C": 16}
    )
