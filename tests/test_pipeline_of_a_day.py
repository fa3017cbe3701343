"""A report of an earlier day forecasts the pipeline of that day: the candidates past the
cell's resolution by then and not yet admitted or gone, each at the step they had then.
Today's pipeline (the tallies) holds none of the candidates admitted since, and holds
those who passed the resolution after the day."""

import datetime as dt

import pytest

from admissions.models import Candidate, Outcome, Step, StepRecord
from organizations.services import organization_move
from quotas.models import RuleKind
from reports.engine import attainment

from .conftest import TODAY
from .test_reports_engine import admit, make_candidate, make_plan, make_rule

D = dt.date


def _steps(candidate, *steps):
    for step, day in steps:
        StepRecord.objects.create(candidate=candidate, step=step, date=day)


@pytest.fixture
def road(tree):
    """At the school, on 31/05/2025: Anh at the decision (admitted on 10/06), Bình past the
    cell's resolution (withdrew on 15/06); Chi passed the resolution only on 20/06."""
    make_rule(make_plan(tree.district, number="159", symbol="KH/HU"), RuleKind.COUNT, target=tree.school, min_count=3)
    admission = admit(tree.school, D(2025, 6, 10), name="Anh")
    _steps(admission.candidate, (Step.CELL_RESOLUTION, D(2025, 3, 1)), (Step.DECISION, D(2025, 5, 1)))
    Candidate.objects.filter(pk=admission.candidate_id).update(step_date=D(2025, 6, 10), outcome_date=D(2025, 6, 10))
    binh = make_candidate(tree.school, step=Step.CELL_RESOLUTION, outcome=Outcome.WITHDRAWN, name="Bình")
    Candidate.objects.filter(pk=binh.pk).update(step_date=D(2025, 4, 1), outcome_date=D(2025, 6, 15))
    chi = make_candidate(tree.school, step=Step.CELL_RESOLUTION, name="Chi")
    _steps(chi, (Step.INTRODUCTION, D(2025, 5, 20)), (Step.CELL_RESOLUTION, D(2025, 6, 20)))
    Candidate.objects.filter(pk=chi.pk).update(step_date=D(2025, 6, 20))
    return tree


def _figures(scope, day):
    result = attainment(scope=scope, year=2025, as_of=day)
    (rule,) = [r for r in result.rules if r.rule.kind == RuleKind.COUNT]
    (m,) = rule.measurements
    return result.actual, result.forecast, m.forecast, m.finishable


def test_an_earlier_day_forecasts_its_own_pipeline(road):
    # 31/05: nobody admitted yet; Anh and Bình on the road past the resolution, both able to finish.
    assert _figures(road.school, D(2025, 5, 31)) == (0, 2, 2, 2)
    assert _figures(road.district, D(2025, 5, 31))[:2] == (0, 2)
    # 30/06 (the fixture's today): Anh admitted, Bình gone, Chi past the resolution.
    assert _figures(road.school, TODAY) == (1, 1, 1, 1)
    # Before anyone passed the resolution: no forecast.
    assert _figures(road.school, D(2025, 2, 28)) == (0, 0, 0, 0)


def test_a_step_of_that_day_decides_whether_the_candidate_can_still_finish(road):
    """A resolution of 01/10 no longer brings the ceremony by 31/12 (the decision may take
    60 working days, the ceremony 30 more), a decision of 10/11 still does: the step each
    candidate had on the day decides, not the one they have now."""
    dung = make_candidate(road.school, step=Step.DECISION, name="Dung")
    _steps(dung, (Step.CELL_RESOLUTION, D(2025, 10, 1)), (Step.DECISION, D(2025, 11, 10)))
    Candidate.objects.filter(pk=dung.pk).update(step_date=D(2025, 11, 10))
    _actual, forecast, _rule_forecast, finishable = _figures(road.school, D(2025, 11, 1))
    # Dung cannot; nor can Chi, at the resolution since 20/06: the decision was due by
    # mid-September, overdue (not counted on to finish: finishable_candidates).
    assert (forecast, finishable) == (2, 0)
    _actual, forecast, _rule_forecast, finishable = _figures(road.school, D(2025, 11, 15))
    assert (forecast, finishable) == (2, 1)  # at the decision since 10/11, Dung can


def test_the_pipeline_of_the_day_in_the_tree_of_the_day(road):
    """When the tree changed after the day, the records of the day's tree are read: the same pipeline."""
    before = _figures(road.district, D(2025, 5, 31))
    organization_move(organization=road.school, new_parent=road.city, on_date=D(2025, 6, 1), today=TODAY)
    assert _figures(road.district, D(2025, 5, 31)) == before


@pytest.mark.parametrize("list_failing", [False, True])
def test_an_idle_organizations_row_forecasts_the_pipeline_of_that_day(road, list_failing):
    """The rows of an inactivity rule are read with the tallies' pipeline (today's): of an
    earlier day they show that day's, whether read with the answer (the exports), checked
    against admissions after the day, or read when the dashboard lists them."""
    from organizations.models import OrgForm

    plan = make_plan(road.district, number="160", symbol="KH/HU")
    make_rule(plan, RuleKind.INACTIVITY, applies_to_each=True, forms=[OrgForm.GRASSROOTS_CELL], years_without=1)
    em = make_candidate(road.enterprise, step=Step.CELL_RESOLUTION, outcome=Outcome.WITHDRAWN, name="Em")
    Candidate.objects.filter(pk=em.pk).update(step_date=D(2025, 6, 1), outcome_date=D(2025, 6, 25))

    def forecasts(day):
        result = attainment(scope=road.district, year=2025, as_of=day, list_failing=list_failing)
        (rule,) = [r for r in result.rules if r.rule.kind == RuleKind.INACTIVITY]
        return {m.org.code: m.forecast for m in rule.failing}

    # 31/05, with Anh's admission of 10/06 after it: the rows are read and checked here.
    assert forecasts(D(2025, 5, 31)) == {"LD.DD.THPT": 2, "LD.DD.DN": 0}  # today's: Chi, 1
    # 18/06, nothing admitted after it: the rows are counted, and listed when read.
    assert forecasts(D(2025, 6, 18)) == {"LD.DD.DN": 1}  # Em, who left on 25/06


@pytest.mark.parametrize("list_failing", [False, True])
def test_an_idle_organizations_row_counts_a_candidate_moved_since_where_they_were(road, list_failing):
    """Nothing but a move by hand after the day (no step, no admission, no one leaving):
    the tallies' pipeline is the day's except for the moved candidate, whom they place
    at the new organization. The idle organization's row counts them where they were."""
    from admissions.services.candidates import candidate_transfer
    from organizations.models import OrgForm

    plan = make_plan(road.district, number="160", symbol="KH/HU")
    make_rule(plan, RuleKind.INACTIVITY, applies_to_each=True, forms=[OrgForm.GRASSROOTS_CELL], years_without=1)
    giang = make_candidate(road.enterprise, step=Step.CELL_RESOLUTION, name="Giang")
    Candidate.objects.filter(pk=giang.pk).update(step_date=D(2025, 5, 1))
    candidate_transfer(candidate=giang, organization=road.school, on_date=D(2025, 6, 25), user=None, today=TODAY)

    def forecasts(day):
        result = attainment(scope=road.district, year=2025, as_of=day, list_failing=list_failing)
        (rule,) = [r for r in result.rules if r.rule.kind == RuleKind.INACTIVITY]
        return {m.org.code: m.forecast for m in rule.failing}

    # 22/06: Anh admitted (10/06), Chi past the resolution (20/06), Giang at the enterprise.
    assert forecasts(D(2025, 6, 22)) == {"LD.DD.DN": 1}
    assert forecasts(TODAY) == {"LD.DD.DN": 0}  # Giang is at the school now


def test_whether_the_pipeline_of_a_day_changed_since(tree):
    """Only candidates past the cell's resolution make the pipeline of a day differ from
    today's: one leaving the road before it changes nothing."""
    from admissions.counting import pipeline_changed_after

    day = D(2025, 5, 31)
    early = make_candidate(tree.school, step=Step.INTRODUCTION, outcome=Outcome.WITHDRAWN, name="Giao")
    Candidate.objects.filter(pk=early.pk).update(step_date=D(2025, 3, 1), outcome_date=D(2025, 6, 10))
    on_road = make_candidate(tree.school, step=Step.CELL_RESOLUTION, name="Hà")
    Candidate.objects.filter(pk=on_road.pk).update(step_date=D(2025, 4, 1))
    assert not pipeline_changed_after(day)
    Candidate.objects.filter(pk=on_road.pk).update(step_date=D(2025, 6, 2))  # passed it after the day
    assert pipeline_changed_after(day)
    Candidate.objects.filter(pk=on_road.pk).update(
        step_date=D(2025, 4, 1), outcome=Outcome.WITHDRAWN, outcome_date=D(2025, 6, 3)
    )
    assert pipeline_changed_after(day) and not pipeline_changed_after(D(2025, 6, 3))


def test_at_the_committees_resolution_the_decision_is_due_from_the_cells(tree):
    """K'Bang's cell resolved on 19/08/2024, her grassroots committee on 16/09/2024; she was
    admitted on 30/10/2024. As of 30/09/2024 she stood at the committee's resolution: the
    decision is due 60 working days from the cell's resolution (the committee's restarts
    nothing), so she could still reach the ceremony by 31/12; she did. A report of that day
    read the committee's date and counted her as unable to finish."""
    make_rule(
        make_plan(tree.district, first_year=2024, last_year=2024), RuleKind.COUNT, target=tree.commune, min_count=1
    )
    admission = admit(tree.commune, D(2024, 10, 30), name="K'Bang")
    _steps(
        admission.candidate,
        (Step.CELL_RESOLUTION, D(2024, 8, 19)),
        (Step.COMMITTEE_RESOLUTION, D(2024, 9, 16)),
        (Step.DECISION, D(2024, 10, 10)),
    )
    Candidate.objects.filter(pk=admission.candidate_id).update(step_date=D(2024, 10, 30), outcome_date=D(2024, 10, 30))
    result = attainment(scope=tree.district, year=2024, as_of=D(2024, 9, 30))
    (rule,) = [r for r in result.rules if r.rule.kind == RuleKind.COUNT]
    (m,) = rule.measurements
    assert (m.actual, m.forecast, m.finishable) == (0, 1, 1)
    assert m.status == "on_track"


@pytest.mark.parametrize("step", [Step.CELL_RESOLUTION, Step.DECISION], ids=["resolution", "decision"])
def test_a_step_on_the_weekend_after_the_last_day_finishes_on_a_past_day_too(tree, step):
    """2021's last days that still reach the ceremony by 31/12 are Fridays: the cell's
    resolution on 27/08 (the decision 60 working days later), the decision on 19/11 (the
    ceremony 30 more). A step taken on the Saturday after has the same deadline, so it
    counts on to finish, today as on a past day read once the candidate has moved on (the
    past day compared the step's date with the Friday itself and dropped it)."""
    from admissions.workdays import add_working_days
    from reports.engine.counts import deadline_days

    as_of = D(2021, 9, 1)
    last_decision, last_resolution, _late = deadline_days(2021, as_of)
    friday = last_resolution if step == Step.CELL_RESOLUTION else last_decision
    assert friday.weekday() == 4
    saturday = friday + dt.timedelta(days=1)
    due = add_working_days(saturday, 60 if step == Step.CELL_RESOLUTION else 30)
    assert due == (last_decision if step == Step.CELL_RESOLUTION else D(2021, 12, 31))
    if step == Step.DECISION:
        as_of = D(2021, 11, 22)
    plan = make_plan(tree.district, first_year=2021, last_year=2021)
    make_rule(plan, RuleKind.COUNT, target=tree.school, min_count=1)
    lan = make_candidate(tree.school, step=step, name="Lan")
    _steps(lan, (Step.CELL_RESOLUTION, saturday if step == Step.CELL_RESOLUTION else D(2021, 8, 2)))
    if step == Step.DECISION:
        _steps(lan, (Step.DECISION, saturday))
    Candidate.objects.filter(pk=lan.pk).update(step_date=saturday, due_on=due)

    def figures():
        result = attainment(scope=tree.school, year=2021, as_of=as_of)
        (rule,) = [r for r in result.rules if r.rule.kind == RuleKind.COUNT]
        (m,) = rule.measurements
        return m.forecast, m.finishable

    assert figures() == (1, 1)  # today's pipeline: the deadline the services set
    # She took the next step on 10/12: the report of that day reads her step then.
    _steps(lan, (step + 1, D(2021, 12, 10)))
    Candidate.objects.filter(pk=lan.pk).update(step=step + 1, step_date=D(2021, 12, 10), due_on=None)
    assert figures() == (1, 1)
    # On the Monday after, the step is too late, on this road too.
    StepRecord.objects.filter(candidate=lan, step=step).update(date=saturday + dt.timedelta(days=2))
    assert figures() == (1, 0)
