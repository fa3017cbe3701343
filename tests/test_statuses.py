"""The status rules of reports/status.py, one by one, and the engine applying them."""

import datetime as dt
from decimal import Decimal

import pytest

from admissions.categories import Category
from admissions.models import Candidate, Step
from quotas.models import RuleKind
from reports.engine import Status as EngineStatus
from reports.engine import attainment
from reports.engine.counts import deadline_days
from reports.status import Period, Status, count_status, expected_by_now, share_status
from tests.test_reports_engine import admit, make_candidate, make_plan, make_rule

EARLY = Period(fraction=0.25, over=False, late=False)  # 31/3
NOV_29 = Period(fraction=333 / 365, over=False, late=True)  # 29/11: a resolution today no longer finishes
YEAR_END = Period(fraction=1.0, over=True, late=True)


def test_status_is_reexported_by_the_engine():
    assert EngineStatus is Status


def test_the_order_best_first_and_what_counts_as_met_or_lagging():
    assert list(Status.ORDER) == ["exceeded", "met", "on_track", "at_risk", "behind", "not_met"]
    assert Status.MEETING == (Status.EXCEEDED, Status.MET)
    assert Status.LAGGING == (Status.AT_RISK, Status.BEHIND, Status.NOT_MET)
    assert Status.worst([Status.EXCEEDED, Status.MET]) == Status.MET
    assert Status.worst([Status.EXCEEDED]) == Status.EXCEEDED
    assert Status.worst([Status.ON_TRACK, Status.AT_RISK]) == Status.AT_RISK


# --- 1. “Phấn đấu” ranges: the maximum is a level, not a limit ----------------------------


@pytest.mark.parametrize("period", [EARLY, NOV_29, YEAR_END])
def test_a_range_exceeded_is_exceeded_counted_as_met(period):
    """“Từ 05 đến 10 sinh viên”: 12 is exceeded (vượt), whenever it happens."""
    status, _ = count_status(12, 5, 10, period)
    assert status == Status.EXCEEDED and Status.meets(status)
    assert count_status(10, 5, 10, period)[0] == Status.MET
    assert count_status(7, 5, 10, period)[0] == Status.MET


@pytest.mark.parametrize("period", [EARLY, YEAR_END])
def test_a_cap_passed_fails_at_once(period):
    """Only “không quá 10” (max_is_cap) fails above 10: an admission is not undone."""
    assert count_status(12, 5, 10, period, cap=True)[0] == Status.NOT_MET
    assert count_status(10, 5, 10, period, cap=True)[0] == Status.MET


def test_a_cap_without_minimum_is_on_track_until_year_end():
    assert count_status(3, None, 10, EARLY, cap=True)[0] == Status.ON_TRACK
    assert count_status(3, None, 10, YEAR_END, cap=True)[0] == Status.MET
    assert count_status(11, None, 10, EARLY, cap=True)[0] == Status.NOT_MET
    assert count_status(11, None, 10, EARLY)[0] == Status.EXCEEDED


def test_fifteen_to_twenty_or_more_is_at_least_fifteen():
    """“Từ 15 - 20 đảng viên trở lên”: 15 meets it, 25 exceeds it, 14 at year end does not."""
    assert count_status(15, 15, 20, YEAR_END)[0] == Status.MET
    assert count_status(25, 15, 20, YEAR_END)[0] == Status.EXCEEDED
    assert count_status(14, 15, 20, YEAR_END) == (Status.NOT_MET, None)


def test_share_of_admissions_at_year_end():
    """“Từ 2% đến 5%”: 14.3% is exceeded; below 2% not met; above a cap not met."""
    two, five = Decimal(2), Decimal(5)
    kwargs = dict(has_base=True)
    assert share_status(Status.MET, Decimal("14.3"), two, five, YEAR_END, **kwargs) == Status.EXCEEDED
    assert share_status(Status.MET, Decimal("3.0"), two, five, YEAR_END, **kwargs) == Status.MET
    assert share_status(Status.NOT_MET, Decimal("1.0"), two, five, YEAR_END, **kwargs) == Status.NOT_MET
    assert share_status(Status.MET, Decimal("14.3"), two, five, YEAR_END, cap=True, **kwargs) == Status.NOT_MET


def test_share_of_admissions_during_the_year():
    two, five = Decimal(2), Decimal(5)
    assert share_status(Status.MET, Decimal("14.3"), two, five, EARLY, has_base=True) == Status.EXCEEDED
    # Above a cap during the year: behind (other admissions may still bring the share down).
    assert share_status(Status.MET, Decimal("14.3"), two, five, EARLY, has_base=True, cap=True) == Status.BEHIND
    assert share_status(Status.ON_TRACK, Decimal("1.0"), two, five, EARLY, has_base=True) == Status.ON_TRACK


# --- 2. Pace, the pipeline and what can still finish by 31/12 ------------------------------


def test_a_target_of_one_with_nothing_on_29_november_is_behind():
    """floor(1 × 0.91) was 0, so nobody admitted and nobody on the road read “on track”."""
    assert expected_by_now(1, NOV_29.fraction) == 1
    assert count_status(0, 1, None, NOV_29) == (Status.BEHIND, 1)


def test_the_pace_is_rounded_up_but_not_past_whole_numbers():
    assert expected_by_now(4, 0.25) == 1
    assert expected_by_now(1, 0.01) == 1
    assert expected_by_now(88, 0.5) == 44


def test_on_track_when_what_can_still_finish_covers_it():
    assert count_status(1, 2, None, NOV_29, pipeline=1, finishable=1) == (Status.ON_TRACK, 2)
    assert count_status(0, 1, None, NOV_29, pipeline=3, finishable=1)[0] == Status.ON_TRACK


def test_at_risk_when_the_pipeline_covers_it_but_cannot_finish_in_time():
    assert count_status(1, 3, None, NOV_29, pipeline=2, finishable=1)[0] == Status.AT_RISK
    assert Status.AT_RISK in Status.LAGGING


def test_at_risk_when_on_pace_late_in_the_year_with_nothing_left_to_finish():
    """12 asked, 11 admitted on 29/11 (the pace: 11), nobody on the road: it cannot be met
    by the deadlines, though the pace was kept."""
    assert count_status(11, 12, None, NOV_29) == (Status.AT_RISK, 11)


def test_a_target_of_one_is_not_due_in_march():
    """While new candidates can still finish this year, the pace counts whole admissions due."""
    assert count_status(0, 1, None, EARLY) == (Status.ON_TRACK, 0)


def test_on_pace_early_in_the_year_is_on_track_without_a_pipeline():
    """On 31/3, candidates not yet past their cell's resolution can still be admitted this year."""
    assert count_status(1, 4, None, EARLY) == (Status.ON_TRACK, 1)


def test_behind_when_the_pace_is_missed_and_the_whole_pipeline_falls_short():
    assert count_status(0, 4, None, EARLY, pipeline=1, finishable=1) == (Status.BEHIND, 1)
    assert count_status(5, 12, None, NOV_29, pipeline=1, finishable=0)[0] == Status.BEHIND


def test_the_finishable_default_to_the_pipeline():
    assert count_status(1, 2, None, NOV_29, pipeline=1)[0] == Status.ON_TRACK


def test_a_closed_year_has_no_pace():
    assert count_status(0, 4, None, YEAR_END, pipeline=9, finishable=9) == (Status.NOT_MET, None)
    assert count_status(4, 4, None, YEAR_END) == (Status.MET, None)


# --- the engine ------------------------------------------------------------------------------


def _on_the_road(org, step, step_date, due_on, category=Category.OTHER):
    candidate = make_candidate(org, step=step, category=category)
    Candidate.objects.filter(pk=candidate.pk).update(step_date=step_date, due_on=due_on)
    return candidate


def test_deadline_days_of_the_year(db):
    last_decision, last_resolution, late = deadline_days(2025, dt.date(2025, 11, 29))
    # 30 working days before Wednesday 31/12/2025 (no holiday entered here): six weeks;
    # then 60 working days before that: twelve weeks.
    assert (last_decision, last_resolution) == (dt.date(2025, 11, 19), dt.date(2025, 8, 27))
    assert late
    assert not deadline_days(2025, dt.date(2025, 3, 31))[2]


def test_deadline_days_count_a_make_up_saturday_as_a_working_day(db):
    """A holiday moves the last days back; a make-up working Saturday in the same weeks
    moves them forward again, as the services count deadlines (docs/statute-rules.md)."""
    from admissions.models import Holiday

    Holiday.objects.create(date=dt.date(2025, 12, 1), name="a day off")
    assert deadline_days(2025, dt.date(2025, 11, 29))[0] == dt.date(2025, 11, 18)
    Holiday.objects.create(date=dt.date(2025, 12, 6), name="worked for it", working=True)
    assert deadline_days(2025, dt.date(2025, 11, 29))[0] == dt.date(2025, 11, 19)


def test_finishable_candidates_decide_on_track_and_at_risk(tree):
    """The commune must admit 3; on 29/11 it has 1. Two candidates past the cell's
    resolution: one whose ceremony is due by 31/12 (decided 20/11), one whose decision is
    due only in February. The pipeline (2) covers the target, what can finish (1) does not."""
    p = make_plan(tree.district, number="1", symbol="KH/HU")
    make_rule(p, RuleKind.COUNT, target=tree.commune, min_count=3)
    admit(tree.cell, dt.date(2025, 3, 1))
    _on_the_road(tree.cell, Step.DECISION, dt.date(2025, 11, 20), dt.date(2026, 1, 5))
    _on_the_road(tree.cell, Step.CELL_RESOLUTION, dt.date(2025, 11, 25), dt.date(2026, 2, 20))
    result = attainment(scope=tree.district, year=2025, as_of=dt.date(2025, 11, 29))
    m = result.rules[0].single
    assert (m.actual, m.forecast, m.finishable, m.expected) == (1, 2, 0, 3)
    assert m.status == Status.AT_RISK

    _on_the_road(tree.cell, Step.DECISION, dt.date(2025, 11, 10), dt.date(2025, 12, 22))
    # At the committee's resolution since 01/09, the decision due 30/10 and still awaited on
    # 29/11: overdue, the statute no longer says when they finish; not counted on.
    _on_the_road(tree.cell, Step.COMMITTEE_RESOLUTION, dt.date(2025, 9, 1), dt.date(2025, 10, 30))
    result = attainment(scope=tree.district, year=2025, as_of=dt.date(2025, 11, 29))
    m = result.rules[0].single
    assert (m.forecast, m.finishable, m.status) == (4, 1, Status.AT_RISK)
    _on_the_road(tree.cell, Step.DECISION, dt.date(2025, 11, 18), dt.date(2025, 12, 30))
    result = attainment(scope=tree.district, year=2025, as_of=dt.date(2025, 11, 29))
    m = result.rules[0].single
    assert (m.forecast, m.finishable, m.status) == (5, 2, Status.ON_TRACK)
    # The roll-up: the district's own figures count the same candidates.
    child = {c.org: c for c in result.children}[tree.commune]
    assert child.forecast == 5


def test_a_target_of_one_with_nobody_on_29_november_is_behind_in_the_engine(tree):
    p = make_plan(tree.district, number="1", symbol="KH/HU")
    make_rule(p, RuleKind.COUNT, target=tree.school, category=Category.PUPIL, min_count=1)
    result = attainment(scope=tree.district, year=2025, as_of=dt.date(2025, 11, 29))
    assert (result.rules[0].single.status, result.rules[0].single.expected) == (Status.BEHIND, 1)
    assert result.rules[0].status in Status.LAGGING


def test_a_closed_year_shows_no_forecast(tree):
    p = make_plan(tree.district, number="1", symbol="KH/HU")
    make_rule(p, RuleKind.COUNT, target=tree.commune, min_count=3)
    _on_the_road(tree.cell, Step.DECISION, dt.date(2025, 11, 20), dt.date(2025, 12, 20))
    result = attainment(scope=tree.district, year=2025, as_of=dt.date(2026, 2, 1))
    m = result.rules[0].single
    assert (result.year_over, result.forecast, m.forecast, m.expected) == (True, None, None, None)
    assert all(c.forecast is None for c in result.children)
    during = attainment(scope=tree.district, year=2025, as_of=dt.date(2025, 12, 1))
    assert during.forecast == 1 and during.rules[0].single.forecast == 1


def test_membership_share_range_exceeded_unless_capped(tree):
    p = make_plan(tree.district, number="1", symbol="KH/HU")
    make_rule(p, RuleKind.SHARE_OF_MEMBERSHIP, target=tree.school, min_percent=Decimal(3), max_percent=Decimal(4))
    make_rule(
        p,
        RuleKind.SHARE_OF_MEMBERSHIP,
        target=tree.school,
        min_percent=Decimal(3),
        max_percent=Decimal(4),
        max_is_cap=True,
    )
    for month in (2, 3, 4):  # 3 of 27 members: 11%, above 4% (1 admission)
        admit(tree.school, dt.date(2025, month, 1))
    result = attainment(scope=tree.district, year=2025, as_of=dt.date(2025, 12, 31))
    level, cap = (r.single for r in result.rules)
    assert (level.implied_min, level.implied_max) == (1, 1)
    assert (level.status, cap.status) == (Status.EXCEEDED, Status.NOT_MET)
    assert "không quá 4%" in result.rules[1].sentence and "từ 3% đến 4%" in result.rules[0].sentence


def test_an_at_risk_target_says_how_many_of_its_forecast_can_still_finish(tree, client_for):
    """ "1 / 3, Dự kiến +2, Có nguy cơ không đạt" read as 1 + 2 ≥ 3: the page says how many
    of the 2 the deadlines still bring to a ceremony by 31/12 (none: one decided too late
    to be due by then, one at a resolution whose decision is due in February)."""
    from django.urls import reverse

    p = make_plan(tree.district, number="1", symbol="KH/HU")
    make_rule(p, RuleKind.COUNT, target=tree.commune, min_count=3)
    admit(tree.cell, dt.date(2025, 3, 1))
    _on_the_road(tree.cell, Step.DECISION, dt.date(2025, 11, 20), dt.date(2026, 1, 5))
    _on_the_road(tree.cell, Step.CELL_RESOLUTION, dt.date(2025, 11, 25), dt.date(2026, 2, 20))
    page = (
        client_for("district_planner")
        .get(reverse("reports:dashboard", args=[tree.commune.pk]), {"as_of": "2025-11-29"})
        .content.decode()
    )
    assert "Có nguy cơ không đạt" in page
    assert "(trong đó 0 người còn kịp kết nạp trước 31/12 theo thời hạn;" in page
