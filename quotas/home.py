"""This app's section of the home page, for planners: this year's allocation one click away
(or, when this year's plan has no allocation table yet, one click to add it), and the
milestones due soon."""

from django.db.models import F, Q

from organizations import access
from organizations.access import Perm

from .models import Plan, PlanStatus, RuleKind
from .selectors import allocations_this_year, creatable_issuers, milestones_due

DAYS_AHEAD = 30


def plans_without_allocation(user, year: int, allocated: list) -> list[Plan]:
    """This year's plan of each organization at the top of the user's planning scope that
    has no allocation table yet (one query): where "Add the allocation table" leads."""
    done = {rule.plan.issuer_id for rule in allocated}
    plans = (
        Plan.objects.filter(
            issuer__in=[org for org in creatable_issuers(user) if org.pk not in done],
            status__in=[PlanStatus.DRAFT, PlanStatus.ISSUED],
            first_year__lte=year,
        )
        .filter(Q(last_year__isnull=True) | Q(last_year__gte=year))
        .exclude(rules__kind=RuleKind.ALLOCATION)
        .select_related("issuer")
        .order_by("issuer__path", F("issued_on").desc(nulls_last=True), "-first_year", "pk")
    )
    chosen: dict[int, Plan] = {}
    for plan in plans:
        chosen.setdefault(plan.issuer_id, plan)
    return list(chosen.values())


def section(request, today):
    if access.scope_paths(request.user, Perm.EDIT_PLANS) == []:  # None: a superuser, everywhere
        return None
    allocations = allocations_this_year(request.user, year=today.year)
    return "quotas/_home.html", {
        "allocations": allocations,
        "to_allocate": plans_without_allocation(request.user, today.year, allocations),
        "year": today.year,
        "due": milestones_due(request.user, today=today, days=DAYS_AHEAD),
        "days": DAYS_AHEAD,
    }
