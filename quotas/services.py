"""Writes to plans, rules, allocations and milestones. Views, imports, demo and tests call these.

An issued plan changes only through an amendment: every write to an issued plan (or
its rules, allocations, milestones) needs a reason and records a PlanAmendment with
each old → new. Rules and allocation rows carry a version: a save names the version it
was read at and is refused if someone saved in between.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from admissions.categories import Category
from common.audit import stamp as _stamp
from organizations.models import Organization, OrgForm, Sector

from .models import Allocation, Milestone, Plan, PlanAmendment, PlanStatus, Rule, RuleKind, SubQuota
from .sentences import allocation_notation, rule_sentence

RULE_FIELDS = (
    "kind",
    "target",
    "applies_to_each",
    "forms",
    "sectors",
    "depth",
    "category",
    "min_count",
    "max_count",
    "min_percent",
    "max_percent",
    "years_without",
    "is_soft",
    "max_is_cap",
    "note",
)
PLAN_FIELDS = ("number", "symbol", "issued_on", "title", "first_year", "last_year", "note")


class StaleVersion(ValidationError):
    """Someone saved the same object after it was read: nothing was saved."""


def _is_issued(plan: Plan) -> bool:
    return plan.status != PlanStatus.DRAFT


def _require_editable(plan: Plan, reason: str) -> str:
    """Drafts change freely; issued plans only with a reason (an amendment)."""
    reason = (reason or "").strip()
    if plan.status in (PlanStatus.REPLACED, PlanStatus.CLOSED):
        raise ValidationError(_("This plan is closed or replaced and can no longer be changed."))
    if _is_issued(plan) and not reason:
        raise ValidationError(_("The plan is issued: give the reason for this amendment."))
    return reason


def _amend(*, plan: Plan, user, today: dt.date, reason: str, changes: list[dict]) -> PlanAmendment | None:
    if not _is_issued(plan) or not changes:
        return None
    return PlanAmendment.objects.create(plan=plan, made_on=today, made_by=user, reason=reason, changes=changes)


def _change(what: str, old, new) -> dict:
    return {"what": str(what), "old": "" if old is None else str(old), "new": "" if new is None else str(new)}


# --- plans -------------------------------------------------------------------------


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
                % {"ref": parent.reference or parent.title}
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
    if implements is not None:
        _validate_implements(plan.issuer, implements)
        old_refs = sorted(p.reference or p.title for p in plan.implements.all())
        new_refs = sorted(p.reference or p.title for p in implements)
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
    """A new one-year draft of the same issuer with the same rules, allocations and
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


def selector_matches(rule: Rule, organization: Organization, issuer: Organization) -> bool:
    """Does `organization` match the rule's form/sector/depth selector below `issuer`?"""
    if not organization.path.startswith(issuer.path) or organization.pk == issuer.pk:
        return False
    if rule.forms and organization.form not in rule.forms:
        return False
    if rule.sectors and organization.sector not in rule.sectors:
        return False
    return rule.depth is None or organization.depth - issuer.depth == rule.depth


@dataclass
class DerivedRule:
    """A parent plan's rule as it applies to one organization below the issuer."""

    source: Rule
    values: dict  # RULE_FIELDS for a rule of the implementing plan


def rules_applying_to(plan: Plan, organization: Organization, below=None) -> list[DerivedRule]:
    """The rules of `plan` that bind `organization` (a committee below the issuer), written
    as rules of an implementing plan issued by `organization`.

    A selector rule carries over when `organization` itself matches it, or when some
    active organization below it does (`below`: those organizations, if already loaded).
    """
    issuer = plan.issuer
    gap = organization.depth - issuer.depth
    if below is None:
        below = list(
            Organization.objects.filter(path__startswith=organization.path, dissolved_on__isnull=True).exclude(
                pk=organization.pk
            )
        )
    else:
        below = [o for o in below if o.path.startswith(organization.path) and o.pk != organization.pk]
    derived: list[DerivedRule] = []
    if "rules" in getattr(plan, "_prefetched_objects_cache", {}):
        rules = plan.rules.all()  # the caller prefetched rules__target, rules__allocations__sub_quotas
    else:
        rules = plan.rules.select_related("target").prefetch_related("allocations__sub_quotas")
    for rule in rules:
        base = {name: getattr(rule, name) for name in RULE_FIELDS}
        if rule.kind == RuleKind.ALLOCATION:
            row = next((a for a in rule.allocations.all() if a.organization_id == organization.pk), None)
            if row is None:
                continue
            base.update(kind=RuleKind.COUNT, target=None, applies_to_each=False, min_count=row.total, max_count=None)
            base.update(forms=[], sectors=[], depth=None, category="")
            derived.append(DerivedRule(rule, base))
            for sub in row.sub_quotas.all():
                derived.append(DerivedRule(rule, {**base, "category": sub.category, "min_count": sub.count}))
            continue
        if rule.applies_to_each:
            if selector_matches(rule, organization, issuer):
                base.update(applies_to_each=False, forms=[], sectors=[], depth=None)
                derived.append(DerivedRule(rule, base))
            elif any(selector_matches(rule, o, issuer) for o in below):
                base["depth"] = None if rule.depth is None else rule.depth - gap
                derived.append(DerivedRule(rule, base))
            continue
        target = rule.target or issuer
        if target.pk == organization.pk:
            base["target"] = None
            derived.append(DerivedRule(rule, base))
        elif target.path.startswith(organization.path):
            derived.append(DerivedRule(rule, base))
    return derived


@transaction.atomic
def plan_implement(
    *, parent: Plan, issuer: Organization, title: str, symbol: str, first_year: int, last_year=None, user=None
) -> Plan:
    """A draft plan of `issuer` implementing `parent`, pre-filled with the parent's rules
    that apply to `issuer` (its allocation row becomes a count rule)."""
    parent = Plan.objects.select_related("issuer").get(pk=parent.pk)
    if parent.status == PlanStatus.DRAFT:
        raise ValidationError(_("A draft cannot be implemented: wait until it is issued."))
    if not issuer.path.startswith(parent.issuer.path) or issuer.pk == parent.issuer_id:
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


# --- rules -------------------------------------------------------------------------


def _validate_rule(rule: Rule) -> None:
    """Everything the rule editor promises, in the user's language, before any save."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    kind = rule.kind
    if kind not in RuleKind.values:
        add("kind", _("Choose the kind of rule."))
    if rule.min_count is not None and rule.max_count is not None and rule.min_count > rule.max_count:
        add("max_count", _("“At most” cannot be less than “at least”."))
    for name in ("min_percent", "max_percent"):
        value = getattr(rule, name)
        if value is not None and not Decimal(0) <= value <= Decimal(100):
            add(name, _("A percentage lies between 0 and 100."))
    if rule.min_percent is not None and rule.max_percent is not None and rule.min_percent > rule.max_percent:
        add("max_percent", _("“At most (%)” cannot be less than “at least (%)”."))
    if rule.applies_to_each and rule.target_id:
        add("target", _("Choose either one organization or “every matching organization”, not both."))
    if rule.applies_to_each and kind == RuleKind.ALLOCATION:
        add("applies_to_each", _("An allocation table belongs to one committee, not to a selector."))
    issuer = rule.plan.issuer
    if rule.target_id:
        target = rule.target
        if not target.path.startswith(issuer.path):
            add("target", _("The organization must lie within %(issuer)s.") % {"issuer": issuer.name})
        elif not target.is_active:
            add("target", _("The organization is dissolved."))
    bad_forms = [f for f in rule.forms or [] if f not in OrgForm.values]
    bad_sectors = [s for s in rule.sectors or [] if s not in Sector.values]
    if bad_forms:
        add("forms", _("Unknown form: %(value)s.") % {"value": ", ".join(map(str, bad_forms))})
    if bad_sectors:
        add("sectors", _("Unknown sector: %(value)s.") % {"value": ", ".join(map(str, bad_sectors))})
    if rule.category and rule.category not in Category.values:
        add("category", _("Unknown candidate category."))
    has_counts = rule.min_count is not None or rule.max_count is not None
    has_percent = rule.min_percent is not None or rule.max_percent is not None
    if kind == RuleKind.COUNT and not has_counts:
        add("min_count", _("A count rule needs “at least” or “at most”."))
    if kind in (RuleKind.SHARE_OF_ADMISSIONS, RuleKind.SHARE_OF_MEMBERSHIP) and not has_percent:
        add("min_percent", _("A share rule needs a percentage."))
    if kind == RuleKind.SHARE_OF_ADMISSIONS and not rule.category:
        add("category", _("A share of the new members is the share of one candidate category: choose it."))
    if kind in (RuleKind.SHARE_OF_ADMISSIONS, RuleKind.SHARE_OF_MEMBERSHIP) and has_counts:
        add("min_count", _("A share rule is given in percent, not as a count."))
    if kind in (RuleKind.COUNT, RuleKind.ALLOCATION, RuleKind.CELL_SIZE) and has_percent:
        add("min_percent", _("This kind of rule is a count, not a percentage."))
    if kind == RuleKind.CELL_SIZE and rule.min_count is None:
        add("min_count", _("Give the minimum number of members."))
    if kind == RuleKind.INACTIVITY and not rule.years_without:
        add("years_without", _("Give the number of years without admission."))
    if kind != RuleKind.INACTIVITY and rule.years_without:
        add("years_without", _("Only an inactivity rule counts years without admission."))
    if errors:
        raise ValidationError(errors)
    rule.full_clean(exclude=["plan", "target"])


def _rule_text(rule: Rule) -> str:
    try:
        return rule_sentence(rule)
    except (KeyError, TypeError, ValueError):  # a half-filled rule must not break the record
        return rule.get_kind_display()


@transaction.atomic
def rule_create(*, plan: Plan, user=None, today: dt.date, reason: str = "", **fields) -> Rule:
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown rule fields {sorted(unknown)}")
    plan = Plan.objects.select_for_update(of=("self",)).select_related("issuer").get(pk=plan.pk)
    reason = _require_editable(plan, reason)
    order = (plan.rules.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    rule = Rule(plan=plan, order=order, **fields)
    _validate_rule(rule)
    _stamp(rule, user, reason or gettext_noop("created"))
    rule.save()
    _amend(plan=plan, user=user, today=today, reason=reason, changes=[_change(_("new rule"), "", _rule_text(rule))])
    return rule


@transaction.atomic
def rule_update(*, rule: Rule, version: int, user=None, today: dt.date, reason: str = "", **fields) -> Rule:
    """Change a rule read at `version`; refused if it was saved since."""
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown rule fields {sorted(unknown)}")
    current = Rule.objects.select_for_update(of=("self",)).select_related("plan__issuer", "target").get(pk=rule.pk)
    reason = _require_editable(current.plan, reason)
    if current.version != version:
        raise StaleVersion(
            _(
                "Someone else changed this rule while you were editing it. "
                "Nothing was saved: reload to see their change."
            )
        )
    before = _rule_text(current)
    for name, value in fields.items():
        setattr(current, name, value)
    _validate_rule(current)
    current.version += 1
    _stamp(current, user, reason or gettext_noop("edited"))
    current.save()
    after = _rule_text(current)
    if before != after:
        _amend(plan=current.plan, user=user, today=today, reason=reason, changes=[_change(_("rule"), before, after)])
    return current


@transaction.atomic
def rule_delete(*, rule: Rule, user=None) -> None:
    """Only a draft's rules can be deleted; issued plans keep theirs (amend instead)."""
    plan = Plan.objects.select_for_update().get(pk=rule.plan_id)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(_("The rules of an issued plan cannot be deleted; amend them instead."))
    _stamp(rule, user, gettext_noop("deleted"))
    rule.delete()


# --- allocations -------------------------------------------------------------------


@dataclass(frozen=True)
class RowInput:
    """One row of an allocation grid as the user entered it."""

    organization_id: int
    total: int | None  # None: no quota for this organization (row removed)
    sub_quotas: dict[str, int]
    version: int = 0  # the version read; 0 = the row did not exist


def allocation_candidates(rule: Rule):
    """The organizations an allocation table may list: active organizations below its committee."""
    owner = rule.target or rule.plan.issuer
    return Organization.objects.filter(path__startswith=owner.path, dissolved_on__isnull=True).exclude(pk=owner.pk)


def _validate_row(row: RowInput, allowed: set[int]) -> list[str]:
    problems = []
    if row.organization_id not in allowed:
        problems.append(_("the organization is not below the committee of this table"))
    if row.total is not None and row.total < 0:
        problems.append(_("the quota cannot be negative"))
    for category, count in row.sub_quotas.items():
        if category not in Category.values:
            problems.append(_("unknown category %(value)s") % {"value": category})
        elif count < 0:
            problems.append(_("a sub-quota cannot be negative"))
        elif row.total is not None and count > row.total:
            problems.append(_("a sub-quota cannot exceed the row's quota"))
    if sum(row.sub_quotas.values()) and row.total is None:
        problems.append(_("a sub-quota needs a quota"))
    return problems


def _notation(total, subs: dict[str, int]) -> str:
    return "" if total is None else allocation_notation(total, subs)


@transaction.atomic
def allocation_set(
    *,
    rule: Rule,
    rows: list[RowInput],
    user=None,
    today: dt.date,
    reason: str = "",
    check_versions: bool = True,
) -> list[Allocation]:
    """Save the given rows of an allocation table, all or none.

    A row whose version differs from the stored one was saved by someone else since
    it was read: the whole save is refused (StaleVersion), nothing is lost on either
    side. A row with total None removes the organization from the table.
    """
    rule = Rule.objects.select_for_update(of=("self",)).select_related("plan__issuer", "target").get(pk=rule.pk)
    if rule.kind != RuleKind.ALLOCATION:
        raise ValidationError(_("This rule is not an allocation table."))
    reason = _require_editable(rule.plan, reason)
    allowed = set(allocation_candidates(rule).values_list("pk", flat=True))
    existing = {a.organization_id: a for a in rule.allocations.select_for_update().prefetch_related("sub_quotas")}
    names = dict(Organization.objects.filter(pk__in=[r.organization_id for r in rows]).values_list("pk", "name"))
    errors, stale = [], []
    for row in rows:
        for problem in _validate_row(row, allowed):
            errors.append(f"{names.get(row.organization_id, row.organization_id)}: {problem}")
        current = existing.get(row.organization_id)
        if check_versions and (current.version if current else 0) != row.version:
            stale.append(names.get(row.organization_id, str(row.organization_id)))
    if errors:
        raise ValidationError(errors)
    if stale:
        raise StaleVersion(
            _(
                "Someone else saved these rows while you were editing: %(rows)s. Nothing was saved; "
                "their values are shown next to yours."
            )
            % {"rows": ", ".join(stale)}
        )
    changes, saved = [], []
    next_order = max((a.order for a in existing.values()), default=0) + 1
    for row in rows:
        current = existing.get(row.organization_id)
        subs = {c: n for c, n in row.sub_quotas.items() if n}
        old_subs = {s.category: s.count for s in current.sub_quotas.all()} if current else {}
        old_text = _notation(current.total if current else None, old_subs)
        new_text = _notation(row.total, subs)
        if old_text == new_text:
            if current:
                saved.append(current)
            continue
        changes.append(_change(names[row.organization_id], old_text, new_text))
        if row.total is None:
            _stamp(current, user, reason or gettext_noop("removed"))
            current.delete()
            continue
        if current is None:
            current = Allocation(rule=rule, organization_id=row.organization_id, total=row.total, order=next_order)
            next_order += 1
        else:
            current.total = row.total
            current.version += 1  # the rows are locked (select_for_update) until commit
        _stamp(current, user, reason or gettext_noop("allocated"))
        current.save()
        current.sub_quotas.exclude(category__in=list(subs)).delete()
        for category, count in subs.items():
            SubQuota.objects.update_or_create(allocation=current, category=category, defaults={"count": count})
        saved.append(current)
    if changes:
        Rule.objects.filter(pk=rule.pk).update(version=F("version") + 1)
    _amend(plan=rule.plan, user=user, today=today, reason=reason, changes=changes)
    return saved


# --- milestones --------------------------------------------------------------------


@transaction.atomic
def milestone_create(
    *,
    plan: Plan,
    title: str,
    due_on: dt.date,
    recurrence: str,
    responsible: str = "",
    user=None,
    today: dt.date,
    reason: str = "",
) -> Milestone:
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    reason = _require_editable(plan, reason)
    milestone = Milestone(plan=plan, title=title.strip(), due_on=due_on, recurrence=recurrence, responsible=responsible)
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
