"""The committee's total: its plan's count rule, not its allocation table's own target when the
two differ (an amendment raised "kết nạp ít nhất 320" and left the table's 300); a later
plan's total replaces an earlier one's."""

import datetime as dt

from quotas.models import RuleKind
from reports.engine import attainment
from tests.test_reports_engine import allocate, make_plan, make_rule


def test_the_count_rule_is_the_total_the_headline_reads(tree):
    plan = make_plan(tree.district, number="12", symbol="KH/HU")
    make_rule(plan, RuleKind.COUNT, min_count=320, order=1)
    table = make_rule(plan, RuleKind.ALLOCATION, min_count=300, order=2)
    allocate(table, tree.school, 5)
    att = attainment(scope=tree.district, year=2025, as_of=dt.date(2025, 6, 30))
    assert att.target == 320
    assert att.allocations[0].target == 300  # the table keeps its own
    later = make_plan(tree.district, number="20", symbol="KH/HU")
    later.issued_on = dt.date(2025, 3, 1)
    later.save()
    make_rule(later, RuleKind.ALLOCATION, min_count=340)
    assert attainment(scope=tree.district, year=2025, as_of=dt.date(2025, 6, 30)).target == 340
