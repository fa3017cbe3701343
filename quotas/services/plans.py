"""Writes to plans: create, edit, issue, close, copy to another year, implement a parent's
plan; and their milestones.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from common.audit import stamp as _stamp
from organizations.models import Organization

from ..models import Allocation, Milestone, MilestoneKind, Plan, PlanAmendment, PlanStatus, Rule, RuleKind, SubQuota
from .amendments import _amend, _change, _is_issued, _require_editable
from .derived import rules_applying_to
from .rules import RULE_FIELDS

PLAN_FIELDS = (
    "number",
    "symbol",
    "issued_on",
    "title",
    "first_year",
    "last_year",
    "signer_title",
    "signer_name",
    "note",
)


def _validate_plan(plan: Plan) -> None:
    plan.full_clean(exclude=["issuer", "implements", "replaced_by", "created_by", "document"])
    if plan.last_year is not None and plan.last_year < plan.first_year:
        raise ValidationError({"last_year": _("The last year cannot come before the first year.")})
    if not 1990 <= plan.first_year <= 2100:
        raise ValidationError({"first_year": _("Enter a year between 1990 and 2100.")})


def _validate_implements(issuer: Organization, implements) -> None:
    for parent in implements:
        if not issuer.path.startswith(parent.issuer.path) or parent.issuer_id == issuer.pk:
            raise ValidationError(
                _("A plan can only implement plans of the committees above its issuer (%(ref)s is not).")
                % {"ref": parent.label}
            )


@transaction.atomic
def plan_create(
    *,
    issuer: Organization,
    title: str,
    symbol: str,
    first_year: int,
    last_year: int | None = None,
    number: str = "",
    issued_on: dt.date | None = None,
    note: str = "",
    signer_title: str = "",
    signer_name: str = "",
    implements=(),
    document=None,
    user=None,
) -> Plan:
    """A new draft plan of `issuer`."""
    if not issuer.is_active:
        raise ValidationError(_("A dissolved organization cannot issue plans."))
    plan = Plan(
        issuer=issuer,
        title=title.strip(),
        symbol=symbol.strip(),
        number=(number or "").strip(),
        first_year=first_year,
        last_year=last_year,
        issued_on=issued_on,
        note=note,
        signer_title=signer_title or "",
        signer_name=(signer_name or "").strip(),
        created_by=user,
        status=PlanStatus.DRAFT,
    )
    if document:
        plan.document = document
    _validate_plan(plan)
    _validate_implements(issuer, implements)
    _stamp(plan, user, gettext_noop("created"))
    plan.save()
    if implements:
        plan.implements.set(implements)
    return plan


@transaction.atomic
def plan_update(*, plan: Plan, user=None, today: dt.date, reason: str = "", document=None, **fields) -> Plan:
    """Change a plan's own fields; on an issued plan this is a recorded amendment."""
    unknown = set(fields) - set(PLAN_FIELDS) - {"implements"}
    if unknown:
        raise TypeError(f"Cannot update {sorted(unknown)} here")
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    reason = _require_editable(plan, reason)
    implements = fields.pop("implements", None)
    before_years = (plan.first_year, plan.last_year)
    changes = []
    for name, value in fields.items():
        old = getattr(plan, name)
        if isinstance(value, str):
            value = value.strip()
        if old != value:
            changes.append(_change(Plan._meta.get_field(name).verbose_name, old, value))
            setattr(plan, name, value)
    if document:
        changes.append(_change(_("signed document"), plan.document.name, document.name))
        plan.document = document
    _validate_plan(plan)
    if _is_issued(plan):
        _check_years_kept(before_years, plan, today)
    if implements is not None:
        _validate_implements(plan.issuer, implements)
        old_refs = sorted(p.label for p in plan.implements.all())
        new_refs = sorted(p.label for p in implements)
        if old_refs != new_refs:
            changes.append(_change(_("implements"), ", ".join(old_refs), ", ".join(new_refs)))
    if _is_issued(plan) and plan.issued_on is None:
        raise ValidationError({"issued_on": _("An issued plan needs its date.")})
    _stamp(plan, user, reason or gettext_noop("edited"))
    plan.save()
    if implements is not None:
        plan.implements.set(implements)
    _amend(plan=plan, user=user, today=today, reason=reason, changes=changes)
    return plan


def _check_years_kept(before: tuple[int, int | None], plan: Plan, today: dt.date) -> None:
    """An issued plan's years change only for the years to come: reports of the years up to
    this one read the years it covers as they are now (they are not read back as its rules
    and tables are: quotas.in_force), so a year they counted stays counted."""
    was = Plan(first_year=before[0], last_year=before[1])
    upto = range(min(before[0], plan.first_year), today.year + 1)
    if [y for y in upto if was.covers(y)] != [y for y in upto if plan.covers(y)]:
        raise ValidationError(
            {
                "last_year": _(
                    "An issued plan's years can only change for the years to come: reports up to %(year)s read"
                    " the years it covered. Close it (its targets still hold in the reports of the days before),"
                    " or copy it to another year."
                )
                % {"year": today.year}
            }
        )


@transaction.atomic
def plan_issue(*, plan: Plan, number: str, issued_on: dt.date, today: dt.date, user=None) -> Plan:
    """Draft → issued: from now on it changes only by amendment."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(_("Only a draft can be issued."))
    if issued_on > today:
        raise ValidationError({"issued_on": _("The date of issue cannot be in the future.")})
    if not plan.rules.exists():
        raise ValidationError(_("A plan without any quota rule cannot be issued."))
    plan.number = (number or "").strip()
    plan.issued_on = issued_on
    plan.status = PlanStatus.ISSUED
    _validate_plan(plan)
    _stamp(plan, user, gettext_noop("issued"))
    plan.save()
    return plan


@transaction.atomic
def plan_close(*, plan: Plan, today: dt.date, reason: str, user=None, replaced_by: Plan | None = None) -> Plan:
    """Issued → closed (or replaced by a newer plan of the same issuer)."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.ISSUED:
        raise ValidationError(_("Only an issued plan can be closed or replaced."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for closing the plan."))
    old = plan.get_status_display()
    if replaced_by is not None:
        if replaced_by.issuer_id != plan.issuer_id or replaced_by.pk == plan.pk:
            raise ValidationError(_("A plan can only be replaced by another plan of the same issuer."))
        plan.replaced_by = replaced_by
        plan.status = PlanStatus.REPLACED
    else:
        plan.status = PlanStatus.CLOSED
    plan.closed_on = today
    _stamp(plan, user, reason)
    plan.save()
    PlanAmendment.objects.create(
        plan=plan,
        made_on=today,
        in_force_from=today,
        made_by=user,
        reason=reason,
        changes=[_change(_("status"), old, plan.get_status_display())],
    )
    return plan


def _copy_rule(rule: Rule, plan: Plan, *, user, order: int, **overrides) -> Rule:
    values = {name: getattr(rule, name) for name in RULE_FIELDS}
    values.update(overrides)
    copy = Rule(plan=plan, order=order, **values)
    _stamp(copy, user, f"copied from rule {rule.pk}")
    copy.save()
    return copy


def _copy_allocations(source: Rule, copy: Rule, user) -> None:
    for row in source.allocations.prefetch_related("sub_quotas"):
        new = Allocation(rule=copy, organization_id=row.organization_id, total=row.total, order=row.order)
        _stamp(new, user, gettext_noop("copied"))
        new.save()
        for sub in row.sub_quotas.all():
            SubQuota.objects.create(allocation=new, category=sub.category, count=sub.count)


@transaction.atomic
def plan_copy_to_year(*, plan: Plan, year: int, user=None, title: str = "") -> Plan:
    """A new one-year draft of the same issuer with the same rules, allocations, signer and
    milestones (dates moved by the difference of years)."""
    if year == plan.first_year and plan.last_year == plan.first_year:
        raise ValidationError(_("The plan already covers %(year)d only: choose another year.") % {"year": year})
    shift = year - plan.first_year
    new = plan_create(
        issuer=plan.issuer,
        title=title or plan.title.replace(str(plan.first_year), str(year)),
        symbol=plan.symbol,
        first_year=year,
        last_year=year,
        implements=list(plan.implements.all()),
        # the same board signs the next year's plan, as a rule: a draft, changed before it is issued
        signer_title=plan.signer_title,
        signer_name=plan.signer_name,
        user=user,
    )
    for order, rule in enumerate(plan.rules.all()):
        copy = _copy_rule(rule, new, user=user, order=order)
        if rule.kind == RuleKind.ALLOCATION:
            _copy_allocations(rule, copy, user)
    for milestone in plan.milestones.all():
        Milestone.objects.create(
            plan=new,
            title=milestone.title,
            kind=milestone.kind,
            due_on=_shift_years(milestone.due_on, shift),
            recurrence=milestone.recurrence,
            responsible=milestone.responsible,
        )
    return new


def _shift_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def may_implement(parent: Plan, organization: Organization) -> bool:
    """Only an organization below a plan's issuer implements it (the pages offer no other)."""
    return organization.is_descendant_of(parent.issuer)


@transaction.atomic
def plan_implement(
    *, parent: Plan, issuer: Organization, title: str, symbol: str, first_year: int, last_year=None, user=None
) -> Plan:
    """A draft plan of `issuer` implementing `parent`, pre-filled with the parent's rules
    that apply to `issuer` (its allocation row becomes a count rule)."""
    parent = Plan.objects.select_related("issuer").get(pk=parent.pk)
    if parent.status == PlanStatus.DRAFT:
        raise ValidationError(_("A draft cannot be implemented: wait until it is issued."))
    if not may_implement(parent, issuer):
        raise ValidationError(_("Only an organization below the issuer can implement this plan."))
    new = plan_create(
        issuer=issuer,
        title=title,
        symbol=symbol,
        first_year=first_year,
        last_year=last_year,
        implements=[parent],
        user=user,
    )
    for order, item in enumerate(rules_applying_to(parent, issuer)):
        rule = Rule(plan=new, order=order, **item.values)
        _stamp(rule, user, f"from rule {item.source.pk} of plan {parent.pk}")
        rule.save()
    return new


@transaction.atomic
def milestone_create(
    *,
    plan: Plan,
    title: str,
    due_on: dt.date,
    recurrence: str,
    responsible: str = "",
    kind: str = "",
    user=None,
    today: dt.date,
    reason: str = "",
) -> Milestone:
    """A milestone of `plan`; without a `kind`, the kind its words say (a report, dossiers…)."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    reason = _require_editable(plan, reason)
    milestone = Milestone(
        plan=plan,
        title=title.strip(),
        kind=kind or MilestoneKind.of_title(title),
        due_on=due_on,
        recurrence=recurrence,
        responsible=responsible,
    )
    milestone.full_clean(exclude=["plan"])
    _stamp(milestone, user, reason or gettext_noop("created"))
    milestone.save()
    _amend(
        plan=plan,
        user=user,
        today=today,
        reason=reason,
        changes=[_change(_("new milestone"), "", f"{milestone.title} ({due_on:%d/%m/%Y})")],
    )
    return milestone
