"""Two size rules are one target of the summary only when they measure the same
organizations: a report of a day before the tree changed read their failing lists as plain
lists, and two rules with the same minimum and no failing organization were printed as one
line, "97-KH/TU · 12-KH/HU: 2/3", where the district's own rule measured 2 of 2."""

import datetime as dt

from organizations.models import OrgForm
from organizations.services import member_count_record, organization_move
from quotas.models import RuleKind
from reports.engine import attainment
from reports.report import group_same_targets
from tests.test_reports_engine import make_plan, make_rule

D = dt.date


def test_size_rules_over_different_organizations_stay_two_targets_on_a_past_day(tree):
    for org in (tree.district, tree.school, tree.cell, tree.enterprise, tree.commune):
        member_count_record(organization=org, as_of=D(2025, 1, 1), members=12)
    province = make_plan(tree.province)
    make_rule(province, RuleKind.CELL_SIZE, applies_to_each=True, min_count=3)  # every organization
    district = make_plan(tree.district, number="12", symbol="KH/HU")
    make_rule(district, RuleKind.CELL_SIZE, applies_to_each=True, forms=[OrgForm.GRASSROOTS_CELL], depth=1, min_count=3)
    # The tree changes after the report's day: its figures are read in the tree of that day.
    organization_move(organization=tree.enterprise, new_parent=tree.city, on_date=D(2025, 8, 1), today=D(2025, 8, 1))
    att = attainment(scope=tree.district, year=2025, as_of=D(2025, 6, 30))
    sizes = [r for r in att.rules if r.kind == RuleKind.CELL_SIZE]
    assert sorted(r.matched for r in sizes) == [2, 5] and all(r.meeting == r.matched for r in sizes)
    groups = [(r.matched, len(plans)) for r, plans in group_same_targets(sizes)]
    assert sorted(groups) == [(2, 1), (5, 1)]


def test_the_same_rule_of_two_plans_is_still_one_target_on_a_past_day(tree):
    member_count_record(organization=tree.school, as_of=D(2025, 1, 1), members=12)
    member_count_record(organization=tree.enterprise, as_of=D(2025, 1, 1), members=2)
    for plan in (make_plan(tree.province), make_plan(tree.district, number="12", symbol="KH/HU")):
        make_rule(plan, RuleKind.CELL_SIZE, applies_to_each=True, forms=[OrgForm.GRASSROOTS_CELL], min_count=3)
    organization_move(organization=tree.enterprise, new_parent=tree.city, on_date=D(2025, 8, 1), today=D(2025, 8, 1))
    att = attainment(scope=tree.district, year=2025, as_of=D(2025, 6, 30))
    (group,) = group_same_targets([r for r in att.rules if r.kind == RuleKind.CELL_SIZE])
    assert len(group[1]) == 2 and group[0].matched == 2 and group[0].meeting == 1
