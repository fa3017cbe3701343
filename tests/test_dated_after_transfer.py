"""Nothing of a candidate is dated before the day their file came to where it is now.

A candidate's file moved from THPT Trần Phú to THPT Đơn Dương on 15/11/2026
(CandidateTransfer: at Trần Phú until that day). A step, the ceremony or the leaving of the
road dated before that day happened while the file was at Trần Phú, yet would be recorded
(the admission stored, the locks checked, the reports of earlier days counting it) at Đơn
Dương: the page refuses it under the date, naming both organizations and the day, and
saves nothing. Dated on the day of the move or after, it is saved as before. A merger's
hand-over is a move of the file too.
"""

import datetime as dt
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from admissions import services
from admissions.models import Admission, Candidate, CandidateTransfer, Outcome, Step, StepRecord
from organizations.services import organization_merge

from .admissions_helpers import make_candidate, walk
from .conftest import takes_cells

D = dt.date
TODAY = D(2026, 11, 30)
MOVED = D(2026, 11, 15)
# The road at Trần Phú in 2026: (step, date, document number)
ROAD = [
    (Step.CLASS, D(2026, 3, 2), "GCN-31"),
    (Step.HELPERS, D(2026, 3, 16), ""),
    (Step.APPLICATION, D(2026, 4, 1), "4-KNĐ"),
    (Step.VERIFICATION, D(2026, 5, 4), "TT-12"),
    (Step.INTRODUCTION, D(2026, 6, 1), "6-KNĐ"),
    (Step.CELL_RESOLUTION, D(2026, 8, 3), "08-NQ/CB"),
    (Step.COMMITTEE_RESOLUTION, D(2026, 8, 17), "09-NQ/ĐU"),
    (Step.DECISION, D(2026, 9, 15), "215-QĐ/TU"),
]
STEP_MESSAGE = (
    "Hồ sơ được chuyển từ Chi bộ Trường THPT Trần Phú đến Chi bộ Trường THPT Đơn Dương từ ngày 15/11/2026: "
    "ngày của bước này không được trước ngày đó."
)
LEAVING_MESSAGE = (
    "Hồ sơ được chuyển từ Chi bộ Trường THPT Trần Phú đến Chi bộ Trường THPT Đơn Dương từ ngày 15/11/2026: "
    "ngày ra khỏi diện bồi dưỡng không được trước ngày đó."
)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("common.clock.today", lambda: TODAY)


def _walk(candidate, until):
    return walk(candidate, until, today=TODAY, road=ROAD)


def _moved(tree, until):
    """A pupil on the road at THPT Trần Phú up to `until`, whose file moved to THPT Đơn Dương
    (the clerk's school) on 15/11/2026."""
    candidate = _walk(make_candidate(tree.city_school, source_date=D(2026, 2, 2), today=TODAY), until)
    services.candidate_transfer(candidate=candidate, organization=tree.school, on_date=MOVED, user=None, today=TODAY)
    candidate.refresh_from_db()
    assert candidate.organization == tree.school
    return candidate


def _state(candidate) -> dict:
    """What the refusal must leave as it was: the candidate's row, its steps, admissions and moves."""
    row = Candidate.objects.filter(pk=candidate.pk).values(
        "organization", "step", "step_date", "outcome", "outcome_date", "due_on", "notes"
    )
    return {
        "candidate": row.get(),
        "steps": sorted(StepRecord.objects.filter(candidate=candidate).values_list("step", "date")),
        "admissions": Admission.objects.count(),
        "transfers": list(CandidateTransfer.objects.values_list("candidate", "organization", "valid_until")),
    }


def _refused(response, field: str, message: str) -> None:
    assert response.status_code == 200  # the form again, not the redirect of a saved record
    assert response.context["form"].errors[field] == [message]  # under the date, not above the form
    assert message in html.unescape(response.content.decode())


# ------------------------------------------------------------------------- a step


def test_a_step_dated_before_the_move_is_refused_under_its_date_and_nothing_is_saved(tree, client_for):
    candidate = _moved(tree, until=Step.CELL_RESOLUTION)
    before = _state(candidate)
    response = client_for("clerk").post(
        reverse("admissions:advance", args=[candidate.pk]),
        {"step": Step.DECISION, "date": "2026-09-15", "document_number": "215-QĐ/TU"},
    )
    _refused(response, "date", STEP_MESSAGE)
    assert _state(candidate) == before
    assert not StepRecord.objects.filter(candidate=candidate, step=Step.DECISION).exists()


@pytest.mark.parametrize("day", [MOVED, D(2026, 11, 20)])
def test_a_step_dated_on_the_day_of_the_move_or_after_is_saved(tree, client_for, day):
    candidate = _moved(tree, until=Step.CELL_RESOLUTION)
    response = client_for("clerk").post(
        reverse("admissions:advance", args=[candidate.pk]),
        {"step": Step.DECISION, "date": day.isoformat(), "document_number": "215-QĐ/TU"},
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert (candidate.step, candidate.step_date, candidate.organization) == (Step.DECISION, day, tree.school)
    assert StepRecord.objects.filter(candidate=candidate, step=Step.DECISION, date=day).exists()


# ------------------------------------------------------------------------- the ceremony


def test_a_ceremony_dated_before_the_move_is_refused_and_no_admission_is_stored(tree, client_for):
    """The decision was taken at Trần Phú on 15/09; the file moved on 15/11: a ceremony of
    01/10 was Trần Phú's, and stored at Đơn Dương it would count there in the reports of
    October (and be missing from Trần Phú's)."""
    candidate = _moved(tree, until=Step.DECISION)
    before = _state(candidate)
    response = client_for("clerk").post(
        reverse("admissions:admit", args=[candidate.pk]), {"ceremony_date": "2026-10-01"}
    )
    _refused(response, "ceremony_date", STEP_MESSAGE)
    assert _state(candidate) == before
    assert not Admission.objects.exists()
    assert not StepRecord.objects.filter(candidate=candidate, step=Step.CEREMONY).exists()


def test_a_ceremony_dated_after_the_move_is_stored_where_the_file_is(tree, client_for):
    candidate = _moved(tree, until=Step.DECISION)
    response = client_for("clerk").post(
        reverse("admissions:admit", args=[candidate.pk]), {"ceremony_date": "2026-11-16"}
    )
    assert response.status_code == 302
    admission = Admission.objects.get(candidate=candidate)
    assert (admission.organization, admission.ceremony_date) == (tree.school, D(2026, 11, 16))


def test_a_decision_given_with_the_ceremony_before_the_move_saves_neither(tree):
    """admission_record records the decision first when given with it (as the import of a
    past admission does): refused there, the ceremony is not reached and nothing is kept."""
    candidate = _moved(tree, until=Step.CELL_RESOLUTION)
    before = _state(candidate)
    with translation.override("vi"), pytest.raises(ValidationError) as exc:
        services.admission_record(
            candidate=candidate,
            ceremony_date=D(2026, 11, 20),
            decision_date=D(2026, 9, 15),
            decision_number="215-QĐ/TU",
            user=None,
            today=TODAY,
        )
    assert exc.value.message_dict == {"date": [STEP_MESSAGE]}
    assert _state(candidate) == before


# ------------------------------------------------------------------------- leaving the road


def test_leaving_the_road_before_the_move_is_refused_under_its_date(tree, client_for):
    candidate = _moved(tree, until=Step.INTRODUCTION)
    before = _state(candidate)
    response = client_for("clerk").post(
        reverse("admissions:withdraw", args=[candidate.pk]),
        {"outcome": Outcome.WITHDRAWN, "on_date": "2026-10-01", "reason": "Xin rút"},
    )
    _refused(response, "on_date", LEAVING_MESSAGE)
    assert _state(candidate) == before


def test_leaving_the_road_on_the_day_of_the_move_is_saved(tree, client_for):
    candidate = _moved(tree, until=Step.INTRODUCTION)
    response = client_for("clerk").post(
        reverse("admissions:withdraw", args=[candidate.pk]),
        {"outcome": Outcome.WITHDRAWN, "on_date": MOVED.isoformat(), "reason": "Xin rút"},
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert (candidate.outcome, candidate.outcome_date, candidate.organization) == (
        Outcome.WITHDRAWN,
        MOVED,
        tree.school,
    )


# ------------------------------------------------------------------------- the latest move, a merger's


def test_the_latest_of_several_moves_is_the_day_that_counts(tree):
    """Trần Phú → Đơn Dương on 15/11, then → the enterprise on 20/11: a step of 18/11 (at Đơn
    Dương then) is refused at the enterprise, naming the latest move."""
    candidate = _moved(tree, until=Step.CELL_RESOLUTION)
    services.candidate_transfer(
        candidate=candidate, organization=tree.enterprise, on_date=D(2026, 11, 20), user=None, today=TODAY
    )
    with translation.override("vi"), pytest.raises(ValidationError) as exc:
        services.candidate_advance(
            candidate=candidate, step=Step.DECISION, date=D(2026, 11, 18), user=None, today=TODAY
        )
    assert exc.value.message_dict == {
        "date": [
            "Hồ sơ được chuyển từ Chi bộ Trường THPT Đơn Dương đến Chi bộ Công ty TNHH Đồng Thúy từ ngày "
            "20/11/2026: ngày của bước này không được trước ngày đó."
        ]
    }
    assert not StepRecord.objects.filter(candidate=candidate, step=Step.DECISION).exists()
    services.candidate_advance(candidate=candidate, step=Step.DECISION, date=D(2026, 11, 20), user=None, today=TODAY)
    assert StepRecord.objects.filter(candidate=candidate, step=Step.DECISION, date=D(2026, 11, 20)).exists()


def test_a_step_dated_before_a_merger_handed_the_file_over_is_refused(tree):
    """A merger hands the candidates on the road to the successor from its day
    (services.transfer_with_merger): a step of a day before it was the merged commune's."""
    candidate = _walk(make_candidate(tree.commune, source_date=D(2026, 2, 2), today=TODAY), Step.INTRODUCTION)
    takes_cells(tree.enterprise)
    tree.commune.refresh_from_db()
    organization_merge(source=tree.commune, target=tree.enterprise, on_date=D(2026, 10, 1), today=TODAY, user=None)
    candidate.refresh_from_db()
    assert candidate.organization == tree.enterprise
    with translation.override("vi"), pytest.raises(ValidationError) as exc:
        services.candidate_advance(
            candidate=candidate, step=Step.CELL_RESOLUTION, date=D(2026, 9, 1), user=None, today=TODAY
        )
    assert exc.value.message_dict == {
        "date": [
            "Hồ sơ được chuyển từ Đảng bộ xã Ka Đô đến Chi bộ Công ty TNHH Đồng Thúy từ ngày 01/10/2026: "
            "ngày của bước này không được trước ngày đó."
        ]
    }
    assert not StepRecord.objects.filter(candidate=candidate, step=Step.CELL_RESOLUTION).exists()
