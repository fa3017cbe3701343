"""A share of membership's base is the members on 1 January, read in the tree of that
day: a report counted after the 2025 reorganization neither keeps the communes merged on
01/07/2025 in a later year, nor counts twice the cells that moved out of them (their
members were in their grassroots committee's count on 1 January 2025)."""

import datetime as dt
from decimal import Decimal

from organizations.models import MemberCount, Organization, holds_own_members
from organizations.positions import alive_on
from organizations.selectors import path_as_of
from quotas.models import Plan, Rule, RuleKind
from reports.engine import attainment

D = dt.date


def _base(province, year, as_of) -> int | None:
    result = attainment(scope=province, year=year, as_of=as_of)
    (rule,) = [r for r in result.rules if r.rule.kind == RuleKind.SHARE_OF_MEMBERSHIP]
    (m,) = rule.measurements
    return m.base


def _members_on(province, day: dt.date) -> int:
    """Independent count: the organizations standing on `day` under the province, placed
    and of the form they had then (no form changed in the demo), holding their own members,
    each with its latest count on or before `day`."""
    rows = Organization.objects.filter(alive_on(day)).annotate(then=path_as_of(day))
    rows = list(rows.filter(then__startswith=province.path).values("pk", "then", "form"))
    form_at = {r["then"]: r["form"] for r in rows}
    total = 0
    for r in rows:
        if not holds_own_members(r["form"], form_at.get(r["then"][:-4])):
            continue
        latest = MemberCount.objects.filter(organization_id=r["pk"], as_of__lte=day).order_by("-as_of").first()
        total += latest.members if latest else 0
    return total


def test_a_share_of_membership_base_is_read_in_the_tree_of_1_january(reorganized_demo):
    province = Organization.objects.get(code="LD")
    assert not MemberCount.objects.filter(organization=province).exists()  # its members are a sum
    for year in (2025, 2026):  # "3% of the members at the start of the year", in the plans of both years
        plan = next(p for p in Plan.objects.filter(issuer=province) if p.covers(year))
        Rule.objects.get_or_create(
            plan=plan, kind=RuleKind.SHARE_OF_MEMBERSHIP, target=province, min_percent=Decimal(3), is_soft=True
        )
    jan_2025 = _members_on(province, D(2025, 1, 1))
    # The same base on every day of 2025, before and after the reorganization.
    assert _base(province, 2025, D(2025, 6, 30)) == jan_2025
    assert _base(province, 2025, D(2025, 12, 31)) == jan_2025
    # 2026: only the organizations standing on 1 January 2026 (the merged communes are gone).
    jan_2026 = _members_on(province, D(2026, 1, 1))
    assert jan_2026 != jan_2025
    assert _base(province, 2026, D(2026, 3, 31)) == jan_2026
