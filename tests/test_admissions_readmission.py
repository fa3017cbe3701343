"""Re-admission (kết nạp lại): its own procedure and checks, counted apart; full membership on late recognition."""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from admissions import services
from admissions.models import Admission, Candidate, Step

from .admissions_helpers import ROAD, TODAY, TWO_MEMBERS, make_candidate, walk

D = dt.date
EARLIER_ROAD = [(step, day - relativedelta(years=10), number) for step, day, number in ROAD]
PERSON = {"full_name": "Huỳnh Hữu Quân", "date_of_birth": D(1982, 12, 3), "category": "other", "gender": "male"}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def first_admission(tree):
    """Admitted in 2014 in the school's cell; the membership later ended (recorded with the re-admission)."""
    candidate = make_candidate(tree.school, source_date=D(2014, 2, 1), **PERSON)
    known = [{**introducer, "known_since": D(2010, 1, 1)} for introducer in TWO_MEMBERS]
    for step, day, number in EARLIER_ROAD:
        if step in services.next_steps(candidate):
            services.candidate_advance(
                candidate=candidate,
                step=step,
                date=day,
                document_number=number,
                introducers=known if step == Step.INTRODUCTION else None,
                user=None,
                today=TODAY,
            )
            candidate.refresh_from_db()
    return services.admission_record(candidate=candidate, ceremony_date=D(2014, 9, 30), user=None, today=TODAY)


def _readmission(org, user=None, **overrides):
    fields = {
        "earlier_membership_ended_on": D(2020, 3, 1),
        "earlier_membership_end": "left",
        "earlier_membership_note": "Xin ra khỏi Đảng vì hoàn cảnh gia đình đặc biệt khó khăn",
        **PERSON,
    }
    fields.update(overrides)
    return make_candidate(org, user=user, readmission=True, source_date=D(2024, 2, 1), **fields)


def test_a_readmission_walked_end_to_end_through_the_pages(client_for, tree, users, first_admission):
    client = client_for("clerk")
    response = client.post(
        reverse("admissions:readmission", args=[tree.school.pk]),
        {
            "organization": tree.school.pk,
            "full_name": "Huỳnh Hữu Quân",
            "date_of_birth": "1982-12-03",
            "gender": "male",
            "ethnicity": "Kinh",
            "education": "university",
            "category": "other",
            "introduced_by": "none",
            "earlier_membership_ended_on": "2020-03-01",
            "earlier_membership_end": "left",
            "earlier_membership_note": "Hoàn cảnh gia đình",
            "source_date": "2024-02-01",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    candidate = Candidate.objects.get(readmission=True)
    walk(candidate, user=users.clerk)  # the road: introducers, cell resolution 05/08/2024, decision
    response = client.post(reverse("admissions:admit", args=[candidate.pk]), {"ceremony_date": "2024-09-30"})
    assert response.status_code == 302
    again = Admission.objects.get(candidate=candidate)
    assert again.readmission and not first_admission.readmission
    # Reports count re-admissions apart: the flag on the admission is enough.
    assert Admission.objects.filter(readmission=True).count() == 1
    assert Admission.objects.filter(readmission=False).count() == 1
    page = client.get(reverse("admissions:detail", args=[candidate.pk])).content.decode()
    assert 'data-testid="readmission"' in page and "01/03/2020" in page


def test_an_ordinary_admission_of_a_former_member_is_refused(tree, first_admission):
    with pytest.raises(ValidationError) as exc:
        make_candidate(tree.school, source_date=D(2024, 2, 1), **PERSON)
    assert "admitted once" in " ".join(exc.value.messages)


@pytest.mark.parametrize(
    "overrides, text",
    [
        ({"earlier_membership_ended_on": None}, "give the date and the way"),
        ({"earlier_membership_end": ""}, "give the date and the way"),
        ({"earlier_membership_note": " "}, "give the reason"),
        ({"earlier_membership_end": "expelled"}, "is not re-admitted"),
        ({"earlier_membership_ended_on": D(2025, 7, 1)}, "after 30/06/2025"),
    ],
)
def test_the_earlier_membership_end_and_reason_are_checked(tree, first_admission, overrides, text):
    with pytest.raises(ValidationError) as exc:
        _readmission(tree.school, **overrides)
    assert text in " ".join(exc.value.messages)
    assert not Candidate.objects.filter(readmission=True).exists()


@pytest.mark.parametrize("ended_on, ok", [(D(2021, 8, 5), True), (D(2021, 8, 6), False)])
def test_readmission_waits_the_months_since_the_end_at_the_cell_resolution(tree, first_admission, ended_on, ok):
    candidate = walk(_readmission(tree.school, earlier_membership_ended_on=ended_on), until=Step.INTRODUCTION)
    if ok:
        walk(candidate, until=Step.CELL_RESOLUTION, road=ROAD[5:6])
        return
    with pytest.raises(ValidationError) as exc:
        walk(candidate, until=Step.CELL_RESOLUTION, road=ROAD[5:6])
    text = " ".join(exc.value.messages)
    assert "at least 36 months" in text and "35 months before 05/08/2024" in text


def test_the_earlier_admission_must_be_before_the_end(tree, first_admission):
    with pytest.raises(ValidationError) as exc:
        _readmission(tree.school, earlier_membership_ended_on=D(2014, 9, 1))
    assert "not before the end of the earlier membership" in " ".join(exc.value.messages)


def test_a_person_is_readmitted_once(tree, first_admission):
    candidate = walk(_readmission(tree.school))
    services.admission_record(candidate=candidate, ceremony_date=D(2024, 9, 30), user=None, today=TODAY)
    with pytest.raises(ValidationError) as exc:
        _readmission(tree.city_school, earlier_membership_ended_on=D(2020, 3, 1))
    assert "re-admitted once" in " ".join(exc.value.messages)


def test_late_recognition_makes_a_full_member_from_the_end_of_the_probation(client_for, tree):
    candidate = walk(make_candidate(tree.school))
    admission = services.admission_record(candidate=candidate, ceremony_date=D(2024, 9, 30), user=None, today=TODAY)
    assert admission.probation_due == D(2025, 9, 30) and admission.recognition_due < D(2026, 1, 15)
    services.admission_recognize(
        admission=admission, on_date=D(2026, 1, 15), decision_number="7-QĐ/HU", user=None, today=D(2026, 2, 1)
    )
    admission.refresh_from_db()
    assert admission.full_member_from == D(2025, 9, 30)
    assert admission.recognized_late
    page = client_for("clerk").get(reverse("admissions:detail", args=[candidate.pk])).content.decode()
    assert "30/09/2025" in page


def test_the_earlier_membership_is_edited_on_the_readmission_and_rechecked(client_for, tree, first_admission):
    candidate = _readmission(tree.school)
    with pytest.raises(ValidationError) as exc:
        services.candidate_update(candidate=candidate, user=None, today=TODAY, earlier_membership_end="expelled")
    assert "is not re-admitted" in " ".join(exc.value.messages)
    plain = make_candidate(tree.city_school, full_name="Người Khác", date_of_birth=D(1990, 1, 1))
    with pytest.raises(ValidationError):
        services.candidate_update(candidate=plain, user=None, today=TODAY, earlier_membership_ended_on=D(2020, 1, 1))
    page = client_for("clerk").get(reverse("admissions:edit", args=[candidate.pk])).content.decode()
    assert "earlier_membership_end" in page
