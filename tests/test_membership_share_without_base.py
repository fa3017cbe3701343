"""A share of membership with no base (no member count on 1 January) read "Đạt" with nobody
admitted: xã Đơn Dương in 2025 (it did not exist on 1 January), a committee whose count was
never entered. A positive share of any membership is at least one admission."""

import datetime as dt

from quotas.models import RuleKind
from reports.engine import attainment
from reports.status import Status
from tests.test_reports_engine import admit, make_plan, make_rule


def _share(tree, as_of):
    att = attainment(scope=tree.city, year=2025, as_of=as_of)
    (rule,) = [r for r in att.rules if r.kind == RuleKind.SHARE_OF_MEMBERSHIP]
    return rule.single


def test_without_a_base_nobody_admitted_is_not_met_at_the_year_end(tree):
    make_rule(make_plan(tree.city, number="20", symbol="KH/ThU"), RuleKind.SHARE_OF_MEMBERSHIP, min_percent=3)
    m = _share(tree, dt.date(2025, 12, 31))
    assert (m.base, m.target_min, m.status) == (None, None, Status.NOT_MET)


def test_without_a_base_one_admitted_meets_it(tree):
    make_rule(make_plan(tree.city, number="20", symbol="KH/ThU"), RuleKind.SHARE_OF_MEMBERSHIP, min_percent=3)
    admit(tree.city_school, dt.date(2025, 3, 1))
    m = _share(tree, dt.date(2025, 12, 31))
    assert (m.base, m.actual, m.status) == (None, 1, Status.MET)
