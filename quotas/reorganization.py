"""What a reorganization does to plans: registered as an effect of the reorganization
preview (organizations.reorganize.effects) by QuotasConfig.ready()."""

from organizations import access

from .models import Allocation, Plan, Rule


def reorganization_effect(*, moved: set[int], ended: set[int], user) -> dict[str, list]:
    """Plans of organizations merged or dissolved; allocation rows and rule targets naming
    organizations that move, merge or dissolve (as far as the user may see them)."""
    plans = Plan.objects.filter(issuer_id__in=ended).select_related("issuer")
    allocations = Allocation.objects.filter(organization_id__in=moved).select_related(
        "organization", "rule__plan__issuer"
    )
    rules = Rule.objects.filter(target_id__in=moved).select_related("target", "plan__issuer")
    if user is not None:
        plans = access.scoped(plans, user, org_field="issuer")
        allocations = access.scoped(allocations, user, org_field="rule__plan__issuer")
        rules = access.scoped(rules, user, org_field="plan__issuer")
    return {
        "plans": list(plans.order_by("issuer__path", "-first_year", "pk")),
        "allocations": list(
            allocations.order_by("rule__plan__issuer__path", "rule__plan__first_year", "rule", "order", "pk")
        ),
        "rules": list(rules.order_by("plan__issuer__path", "plan__first_year", "pk")),
    }
