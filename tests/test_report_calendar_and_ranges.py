"""What a report says a plan asks: a share range as plans write it ("2–5%"), and only the
milestones that are reports among the reports due (a dossier deadline is a deadline, not a
report to the level above)."""

import datetime as dt
from decimal import Decimal

from quotas import services
from quotas.models import MilestoneKind, RuleKind
from reports.calendar import reports_due
from reports.engine.results import Measurement
from reports.report.rule_tables import target_text

from .test_reports_engine import make_plan


def test_a_share_range_reads_as_one_range_and_a_single_bound_as_a_bound():
    def text(kind, low, high):
        return target_text(Measurement(org=None, share_min=low, share_max=high), kind)

    assert text(RuleKind.SHARE_OF_ADMISSIONS, Decimal(2), Decimal(5)) == "2–5%"
    assert text(RuleKind.SHARE_OF_ADMISSIONS, Decimal("0.5"), Decimal(1)) == "0,5–1%"
    assert text(RuleKind.SHARE_OF_ADMISSIONS, Decimal(15), None) == "≥ 15%"
    assert text(RuleKind.SHARE_OF_ADMISSIONS, None, Decimal(5)) == "≤ 5%"
    # a share of the members with a range: both ends, as the plan sets them (was "≥ 3%")
    assert text(RuleKind.SHARE_OF_MEMBERSHIP, Decimal(3), Decimal(4)) == "3–4%"


def test_a_dossier_deadline_is_not_listed_as_a_report_due(tree):
    plan = make_plan(tree.district, first_year=2025, last_year=2025, number="12", symbol="KH/HU")
    today = dt.date(2025, 9, 1)
    for title in ("Hoàn tất hồ sơ kết nạp đảng viên", "Báo cáo kết quả 9 tháng"):
        services.milestone_create(
            plan=plan, title=title, due_on=dt.date(2025, 10, 31), recurrence="once", today=today, reason="x"
        )
    assert set(plan.milestones.values_list("kind", flat=True)) == {MilestoneKind.DOSSIERS, MilestoneKind.REPORT}
    school = tree.school
    due = reports_due(school, today, limit=None)
    assert [d.title for d in due] == ["Báo cáo kết quả 9 tháng"]
