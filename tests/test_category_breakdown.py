"""A total entered for a past year without its categories says nothing of a category's
part: Đà Lạt's 2023 "191 admitted" read "non-state workers 0 of 191 = 0,0%" on the page,
the workbook and the JSON, where the figure is unknown ("chưa có số liệu")."""

import datetime as dt

from organizations.services import organization_move
from quotas.models import RuleKind
from reports.engine import attainment
from reports.services import historical_result_record
from tests.test_reports_engine import make_plan, make_rule

D = dt.date


def _worker_share_2023(tree):
    att = attainment(scope=tree.city, year=2025, as_of=D(2025, 6, 30))
    (rule,) = [r for r in att.rules if r.kind == RuleKind.SHARE_OF_ADMISSIONS]
    return next(y for y in rule.single.history if y.year == 2023)


def _plan(tree):
    plan = make_plan(tree.city, number="20", symbol="KH/ThU")
    make_rule(plan, RuleKind.SHARE_OF_ADMISSIONS, category="non_state_worker", min_percent=2)


def test_a_total_without_its_categories_leaves_a_categorys_part_unknown(tree):
    _plan(tree)
    historical_result_record(organization=tree.city, year=2023, category="", count=191)
    figure = _worker_share_2023(tree)
    assert (figure.actual, figure.base, figure.share) == (None, 191, None)


def test_a_total_entered_with_its_categories_gives_their_part(tree):
    _plan(tree)
    historical_result_record(organization=tree.city, year=2023, category="", count=191)
    historical_result_record(organization=tree.city, year=2023, category="non_state_worker", count=4)
    figure = _worker_share_2023(tree)
    assert (figure.actual, figure.base) == (4, 191)


def test_the_same_on_a_past_days_tree(tree):
    _plan(tree)
    historical_result_record(organization=tree.city, year=2023, category="", count=191)
    organization_move(organization=tree.enterprise, new_parent=tree.city, on_date=D(2025, 8, 1), today=D(2025, 8, 1))
    figure = _worker_share_2023(tree)
    assert (figure.actual, figure.base) == (None, 191)
