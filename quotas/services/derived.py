"""A parent plan's rules as they bind an organization below its issuer (what an implementing
plan starts from, and what the reports hold a committee to).
"""

from dataclasses import dataclass

from organizations.models import Organization

from ..models import Plan, Rule, RuleKind
from .rules import RULE_FIELDS


def selector_matches(rule: Rule, organization: Organization, issuer: Organization) -> bool:
    """Does `organization` match the rule's form/sector/depth selector below `issuer`?"""
    if not organization.path.startswith(issuer.path) or organization.pk == issuer.pk:
        return False
    return kind_matches(rule, issuer, organization.form, organization.sector, organization.depth)


def kind_matches(rule: Rule, issuer: Organization, form: str, sector: str, depth: int) -> bool:
    """Does an organization of this form, sector and depth, below `issuer`, match the rule's selector?"""
    if rule.forms and form not in rule.forms:
        return False
    if rule.sectors and sector not in rule.sectors:
        return False
    return rule.depth is None or depth - issuer.depth == rule.depth


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
