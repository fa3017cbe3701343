"""Writes to a plan's rules (checked as the rule editor promises; versioned)."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from admissions.categories import Category
from common.audit import stamp as _stamp
from organizations.models import OrgForm, Sector

from ..models import Plan, PlanStatus, Rule, RuleKind
from ..sentences import rule_sentence
from .amendments import StaleVersion, _amend, _change, _in_force_from, _require_editable

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


def rule_state(rule: Rule) -> dict:
    """A rule's fields as an amendment keeps what it replaced (PlanAmendment.before; read
    back by quotas.in_force): JSON values, the target by its pk."""
    state = {name: getattr(rule, name) for name in RULE_FIELDS if name != "target"}
    state["target"] = rule.target_id
    for name in ("min_percent", "max_percent"):
        if state[name] is not None:
            state[name] = str(state[name])
    return state


def _rule_text(rule: Rule) -> str:
    try:
        return rule_sentence(rule)
    except (KeyError, TypeError, ValueError):  # a half-filled rule must not break the record
        return rule.get_kind_display()


@transaction.atomic
def rule_create(
    *, plan: Plan, user=None, today: dt.date, reason: str = "", in_force_from: dt.date | None = None, **fields
) -> Rule:
    """A new rule; on an issued plan an amendment, reports of the days before
    `in_force_from` (default today) do not count with it."""
    unknown = set(fields) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown rule fields {sorted(unknown)}")
    plan = Plan.objects.select_for_update(of=("self",)).select_related("issuer").get(pk=plan.pk)
    reason = _require_editable(plan, reason)
    in_force_from = _in_force_from(plan, in_force_from, today)
    order = (plan.rules.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    rule = Rule(plan=plan, order=order, **fields)
    _validate_rule(rule)
    _stamp(rule, user, reason or gettext_noop("created"))
    rule.save()
    _amend(
        plan=plan,
        user=user,
        today=today,
        reason=reason,
        changes=[_change(_("new rule"), "", _rule_text(rule))],
        in_force_from=in_force_from,
        before={"rules": {str(rule.pk): None}},
    )
    return rule


@transaction.atomic
def rule_update(
    *,
    rule: Rule,
    version: int,
    user=None,
    today: dt.date,
    reason: str = "",
    in_force_from: dt.date | None = None,
    **fields,
) -> Rule:
    """Change a rule read at `version`; refused if it was saved since. On an issued plan an
    amendment: reports of the days before `in_force_from` (default today) read the rule as
    it was."""
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
    in_force_from = _in_force_from(current.plan, in_force_from, today, key=("rules", current.pk))
    before, state = _rule_text(current), rule_state(current)
    for name, value in fields.items():
        setattr(current, name, value)
    _validate_rule(current)
    current.version += 1
    _stamp(current, user, reason or gettext_noop("edited"))
    current.save()
    after, now = _rule_text(current), rule_state(current)
    changed = [name for name, value in now.items() if state[name] != value]
    if before != after:
        changes = [_change(_("rule"), before, after)]
    else:  # a change its sentence does not show (a depth below the issuer, forms read alike)
        changes = [
            _change(f"{_('rule')} “{before}”: {Rule._meta.get_field(name).verbose_name}", state[name], now[name])
            for name in changed
        ]
    if changed:
        _amend(
            plan=current.plan,
            user=user,
            today=today,
            reason=reason,
            changes=changes,
            in_force_from=in_force_from,
            before={"rules": {str(current.pk): state}},
        )
    return current


@transaction.atomic
def rule_delete(*, rule: Rule, user=None) -> None:
    """Only a draft's rules can be deleted; issued plans keep theirs (amend instead)."""
    plan = Plan.objects.select_for_update().get(pk=rule.plan_id)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(_("The rules of an issued plan cannot be deleted; amend them instead."))
    _stamp(rule, user, gettext_noop("deleted"))
    rule.delete()
