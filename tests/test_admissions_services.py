import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from admissions import services
from admissions.models import Admission, Candidate, Holiday, IntroducerKind, Outcome, Step, StepRecord
from admissions.workdays import add_working_days

from .admissions_helpers import ROAD, TWO_MEMBERS, make_candidate, walk

D = dt.date
TODAY = D(2025, 6, 30)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def messages(exc):
    return " ".join(exc.value.messages)


def test_the_whole_road_keeps_step_and_history(tree, users):
    candidate = walk(make_candidate(tree.school, users.clerk), user=users.clerk)
    assert candidate.step == Step.DECISION and candidate.step_date == D(2024, 9, 10)
    admission = services.admission_record(
        candidate=candidate, ceremony_date=D(2024, 9, 30), user=users.clerk, today=TODAY
    )
    assert admission.organization == tree.school and admission.category == "pupil"
    assert admission.decision_number == "123-QĐ/HU" and admission.decision_date == D(2024, 9, 10)
    assert admission.probation_due == D(2025, 9, 30)
    assert admission.recognition_due > admission.probation_due
    candidate.refresh_from_db()
    assert (candidate.step, candidate.outcome) == (Step.CEREMONY, Outcome.ADMITTED)
    services.admission_recognize(
        admission=admission, on_date=D(2025, 10, 6), decision_number="45-QĐ/HU", user=users.clerk, today=D(2025, 11, 1)
    )
    candidate.refresh_from_db()
    assert candidate.step == Step.RECOGNITION and candidate.step_date == D(2025, 10, 6)
    # A grassroots cell has no committee: no step 8 on its road.
    assert list(candidate.steps.values_list("step", flat=True)) == [1, 2, 3, 4, 5, 6, 7, 9, 10, 11]
    assert candidate.history.first().history_user == users.clerk


def test_steps_must_be_in_order(tree, users):
    candidate = make_candidate(tree.school)
    with pytest.raises(ValidationError) as exc:
        services.candidate_advance(
            candidate=candidate, step=Step.APPLICATION, date=D(2024, 5, 1), user=None, today=TODAY
        )
    assert "in order" in messages(exc)
    assert candidate.steps.count() == 1


def test_a_grassroots_cell_goes_from_the_cell_resolution_to_the_decision(tree):
    candidate = walk(make_candidate(tree.school), until=Step.CELL_RESOLUTION)
    assert services.next_steps(candidate) == [Step.DECISION]
    with pytest.raises(ValidationError) as exc:
        services.candidate_advance(
            candidate=candidate, step=Step.COMMITTEE_RESOLUTION, date=D(2024, 8, 20), user=None, today=TODAY
        )
    assert "grassroots cell" in messages(exc)
    services.candidate_advance(candidate=candidate, step=Step.DECISION, date=D(2024, 9, 1), user=None, today=TODAY)
    assert Candidate.objects.get(pk=candidate.pk).step == Step.DECISION


def test_a_commune_cell_needs_the_committee_resolution(tree):
    candidate = walk(make_candidate(tree.cell, category="farmer"), until=Step.CELL_RESOLUTION)
    with pytest.raises(ValidationError):
        services.candidate_advance(candidate=candidate, step=Step.DECISION, date=D(2024, 9, 1), user=None, today=TODAY)


@pytest.mark.parametrize(
    "day, text",
    [(D(2024, 1, 1), "before the previous step"), (D(2025, 7, 1), "future")],
)
def test_step_dates_not_before_the_previous_nor_in_the_future(tree, day, text):
    candidate = make_candidate(tree.school)
    with pytest.raises(ValidationError) as exc:
        services.candidate_advance(candidate=candidate, step=Step.CLASS, date=day, user=None, today=TODAY)
    assert text in messages(exc)
    candidate.refresh_from_db()
    assert candidate.step == Step.SOURCE


@pytest.mark.parametrize(
    "born, ok",
    [
        (D(2006, 8, 31), True),  # 18 in August 2024, though the 31st is after the resolution of the 5th
        (D(2006, 8, 1), True),
        (D(2006, 9, 1), False),  # one month later: 17 years 11 months
    ],
)
def test_age_is_counted_in_full_years_to_the_month(tree, born, ok):
    candidate = walk(make_candidate(tree.school, date_of_birth=born), until=Step.INTRODUCTION)
    if ok:
        walk(candidate, until=Step.CELL_RESOLUTION, road=ROAD[5:6])
        assert Candidate.objects.get(pk=candidate.pk).step == Step.CELL_RESOLUTION
        return
    with pytest.raises(ValidationError) as exc:
        walk(candidate, until=Step.CELL_RESOLUTION, road=ROAD[5:6])
    assert "at least 18 full years" in messages(exc) and "17 years 11 months" in messages(exc)
    assert "05/08/2024" in messages(exc)
    candidate.refresh_from_db()
    assert candidate.step == Step.INTRODUCTION
    assert not StepRecord.objects.filter(candidate=candidate, step=Step.CELL_RESOLUTION).exists()


def test_the_issue_example_born_31_may_2007_is_18_on_10_may_2025(tree):
    assert services.age_on(D(2007, 5, 31), D(2025, 5, 10)) == 18
    assert services.check_age(date_of_birth=D(2007, 5, 31), on=D(2025, 5, 10)) == []
    assert services.check_age(date_of_birth=D(2007, 6, 1), on=D(2025, 5, 10))


def test_age_message_in_vietnamese_says_the_rule_the_figure_and_the_date(tree):
    with translation.override("vi"):
        (text,) = services.check_age(date_of_birth=D(2007, 6, 1), on=D(2025, 5, 10))
    assert "18" in text and "17" in text and "11" in text and "10/05/2025" in text
    assert "tuổi" in text


@pytest.mark.parametrize(
    "born, needed",
    [
        (D(1964, 8, 1), False),  # 60 years 0 months on 05/08/2024: exactly 60, no consent
        (D(1964, 8, 31), False),
        (D(1964, 7, 31), True),  # 60 years 1 month: the month after turning 60
    ],
)
def test_consent_is_needed_from_the_month_after_turning_sixty(tree, born, needed):
    assert services.needs_consent(born, D(2024, 8, 5)) is needed
    candidate = walk(make_candidate(tree.cell, category="farmer", date_of_birth=born), until=Step.COMMITTEE_RESOLUTION)
    if needed:
        with pytest.raises(ValidationError) as exc:
            walk(candidate, road=ROAD[7:])
        assert "consent" in messages(exc) and "60 years 1 months" in messages(exc)
    else:
        walk(candidate, road=ROAD[7:])
        assert Candidate.objects.get(pk=candidate.pk).step == Step.DECISION


@pytest.mark.parametrize("education, ok", [("lower_secondary", True), ("primary", False)])
def test_education_lower_secondary_accepted_primary_refused(tree, education, ok):
    candidate = walk(make_candidate(tree.school, education=education), until=Step.INTRODUCTION)
    if ok:
        walk(candidate, until=Step.CELL_RESOLUTION, road=ROAD[5:6])
        return
    with pytest.raises(ValidationError) as exc:
        walk(candidate, until=Step.CELL_RESOLUTION, road=ROAD[5:6])
    assert "Education rule (at least lower secondary)" in messages(exc) and "primary" in messages(exc)
    assert Candidate.objects.get(pk=candidate.pk).step == Step.INTRODUCTION


def test_the_education_minimum_is_a_setting(tree, settings):
    settings.ADMISSION_RULES = {**settings.ADMISSION_RULES, "MIN_EDUCATION": "upper_secondary"}
    assert services.check_education(education="lower_secondary", on=D(2025, 1, 1))
    assert not services.check_education(education="university", on=D(2025, 1, 1))


@pytest.mark.parametrize(
    "known_since, ok",
    [
        (D(2023, 7, 1), True),  # 12 months before the introductions of 01/07/2024
        (D(2023, 7, 2), False),  # 11 months
        (None, False),
    ],
)
def test_each_introducing_member_has_known_the_candidate_twelve_months(tree, known_since, ok):
    candidate = walk(make_candidate(tree.school), until=Step.VERIFICATION)
    introducers = [
        {"kind": IntroducerKind.MEMBER, "full_name": "Trần Văn Giới", "known_since": D(2020, 1, 1)},
        {"kind": IntroducerKind.MEMBER, "full_name": "Lê Thị Mới", "known_since": known_since},
    ]
    call = lambda: services.candidate_advance(  # noqa: E731
        candidate=candidate, step=Step.INTRODUCTION, date=D(2024, 7, 1), introducers=introducers, user=None, today=TODAY
    )
    if ok:
        call()
        return
    with pytest.raises(ValidationError) as exc:
        call()
    assert "Lê Thị Mới" in messages(exc) and "at least 12 months" in messages(exc)
    if known_since:
        assert "11 months on 01/07/2024" in messages(exc)
    assert candidate.introducers.count() == 0


def test_the_youth_union_introducer_with_one_member_checks_the_member_too(tree):
    candidate = walk(make_candidate(tree.school), until=Step.VERIFICATION)
    with pytest.raises(ValidationError) as exc:
        services.candidate_advance(
            candidate=candidate,
            step=Step.INTRODUCTION,
            date=D(2024, 7, 1),
            introducers=[
                {"kind": IntroducerKind.MEMBER, "full_name": "Lê Thị Mới", "known_since": D(2024, 1, 1)},
                {"kind": IntroducerKind.YOUTH_UNION, "full_name": "BCH Đoàn trường"},
            ],
            user=None,
            today=TODAY,
        )
    assert "Lê Thị Mới" in messages(exc) and "6 months" in messages(exc)


@pytest.mark.parametrize("resolution, ok", [(D(2025, 7, 1), True), (D(2025, 7, 2), False)])
def test_introductions_older_than_twelve_months_are_refused_at_the_cell_resolution(tree, resolution, ok):
    candidate = walk(make_candidate(tree.school), until=Step.INTRODUCTION)  # introduced 01/07/2024
    call = lambda: services.candidate_advance(  # noqa: E731
        candidate=candidate, step=Step.CELL_RESOLUTION, date=resolution, user=None, today=D(2025, 8, 1)
    )
    if ok:
        call()
        return
    with pytest.raises(ValidationError) as exc:
        call()
    assert "Stale introductions" in messages(exc) and "01/07/2024" in messages(exc) and "02/07/2025" in messages(exc)


def test_over_sixty_needs_provincial_consent_before_the_decision(tree):
    candidate = walk(
        make_candidate(tree.cell, category="farmer", date_of_birth=D(1960, 1, 1)), until=Step.COMMITTEE_RESOLUTION
    )
    with pytest.raises(ValidationError) as exc:
        walk(candidate, road=ROAD[7:])
    assert "consent" in messages(exc)
    services.candidate_update(candidate=candidate, user=None, today=TODAY, provincial_consent_on=D(2024, 9, 1))
    walk(candidate, road=ROAD[7:])
    assert Candidate.objects.get(pk=candidate.pk).step == Step.DECISION


def test_an_expired_certificate_blocks_the_cell_resolution(tree, settings):
    settings.ADMISSION_RULES = {**settings.ADMISSION_RULES, "CERTIFICATE_VALID_MONTHS": 3}
    candidate = walk(make_candidate(tree.school), until=Step.INTRODUCTION)
    with pytest.raises(ValidationError) as exc:
        walk(candidate, road=ROAD[5:6])
    assert "Certificate rule" in messages(exc) and "expired on 15/06/2024" in messages(exc)


@pytest.mark.parametrize(
    "introducers, ok",
    [
        (TWO_MEMBERS, True),
        (TWO_MEMBERS[:1], False),
        (TWO_MEMBERS[:1] + [{"kind": IntroducerKind.YOUTH_UNION, "full_name": "BCH Đoàn trường"}], True),
        ([{"kind": IntroducerKind.YOUTH_UNION, "full_name": "BCH Đoàn trường"}], False),
        ([], False),
    ],
)
def test_introducers_two_members_or_one_plus_youth_union(tree, introducers, ok):
    candidate = walk(make_candidate(tree.school), until=Step.VERIFICATION)
    call = lambda: services.candidate_advance(  # noqa: E731
        candidate=candidate, step=Step.INTRODUCTION, date=D(2024, 7, 1), introducers=introducers, user=None, today=TODAY
    )
    if ok:
        call()
        assert candidate.introducers.count() == len(introducers)
    else:
        with pytest.raises(ValidationError) as exc:
            call()
        assert "two official members" in messages(exc)
        assert candidate.introducers.count() == 0


def test_duplicate_warning_by_folded_name_and_birth_date_within_scope(tree, users):
    make_candidate(tree.school, users.clerk, full_name="Nguyễn Thị Ví Dụ")
    with pytest.raises(ValidationError) as exc:
        make_candidate(tree.school, users.clerk, full_name="nguyen thi vi du")
    assert exc.value.error_list[0].code == "duplicate"
    # the clerk may confirm it is another person
    make_candidate(tree.school, users.clerk, full_name="nguyen thi vi du", allow_duplicate=True)
    # a user who cannot see those records is told nothing
    make_candidate(tree.other_city, users.outsider, full_name="Nguyễn Thị Ví Dụ")


def test_duplicate_by_national_id(tree, users):
    make_candidate(tree.school, users.clerk, national_id="068205000123")
    with pytest.raises(ValidationError):
        make_candidate(tree.school, users.clerk, full_name="Khác Tên", national_id="068205000123")


def test_national_id_has_twelve_digits(tree):
    with pytest.raises(ValidationError) as exc:
        make_candidate(tree.school, national_id="12345")
    assert "national_id" in exc.value.message_dict


def test_one_person_is_admitted_once(tree):
    first = walk(make_candidate(tree.school))
    services.admission_record(candidate=first, ceremony_date=D(2024, 9, 30), user=None, today=TODAY)
    # Not even as a candidate, "not the same person" ticked or not.
    with pytest.raises(ValidationError) as exc:
        make_candidate(tree.city_school, allow_duplicate=True)
    assert "admitted once" in messages(exc) and "30/09/2024" in messages(exc)
    # Both on the road at once: the second admission is refused.
    Admission.objects.update(archived_at=timezone.now())
    again = walk(make_candidate(tree.city_school, allow_duplicate=True))
    Admission.objects.update(archived_at=None)
    with pytest.raises(ValidationError) as exc:
        services.admission_record(candidate=again, ceremony_date=D(2024, 10, 1), user=None, today=TODAY)
    assert "admitted once" in messages(exc)
    assert Admission.objects.count() == 1


def test_admission_needs_the_decision_and_a_ceremony_after_it(tree):
    candidate = walk(make_candidate(tree.school), until=Step.CELL_RESOLUTION)
    with pytest.raises(ValidationError):
        services.admission_record(candidate=candidate, ceremony_date=D(2024, 9, 30), user=None, today=TODAY)
    walk(candidate, road=ROAD[7:])
    with pytest.raises(ValidationError) as exc:
        services.admission_record(candidate=candidate, ceremony_date=D(2024, 9, 1), user=None, today=TODAY)
    assert "before the decision" in messages(exc)
    assert not Admission.objects.exists()


def test_recognition_only_after_probation(tree):
    admission = services.admission_record(
        candidate=walk(make_candidate(tree.school)), ceremony_date=D(2024, 9, 30), user=None, today=TODAY
    )
    with pytest.raises(ValidationError) as exc:
        services.admission_recognize(
            admission=admission, on_date=D(2025, 6, 1), decision_number="1", user=None, today=TODAY
        )
    assert "probation ends" in messages(exc)
    services.admission_strike_off(admission=admission, on_date=D(2025, 6, 1), reason="vi phạm", user=None, today=TODAY)
    with pytest.raises(ValidationError):
        services.admission_recognize(
            admission=admission, on_date=D(2025, 10, 1), decision_number="1", user=None, today=D(2025, 11, 1)
        )


def test_withdraw_and_archive_never_delete(tree, users):
    candidate = walk(make_candidate(tree.school), until=Step.CLASS)
    services.candidate_withdraw(
        candidate=candidate,
        outcome=Outcome.MOVED_AWAY,
        on_date=D(2025, 1, 5),
        reason="chuyển trường",
        user=users.clerk,
        today=TODAY,
    )
    with pytest.raises(ValidationError):
        services.candidate_advance(candidate=candidate, step=Step.HELPERS, date=D(2025, 2, 1), user=None, today=TODAY)
    admitted = walk(make_candidate(tree.school, full_name="Người Khác"))
    admission = services.admission_record(candidate=admitted, ceremony_date=D(2024, 9, 30), user=None, today=TODAY)
    services.candidate_archive(candidate=admitted, reason="nhập nhầm", user=users.clerk)
    admission.refresh_from_db()
    assert admission.archived_at is not None
    assert Candidate.objects.count() == 2
    with pytest.raises(ValidationError):
        services.candidate_archive(candidate=candidate, reason=" ", user=users.clerk)


def test_working_days_skip_weekends_and_holidays(db):
    # Friday 2025-01-24 + 1 working day = Monday 27th; with Tết 27/1–2/2 in the calendar: Monday 3 February
    assert add_working_days(D(2025, 1, 24), 1) == D(2025, 1, 27)
    assert services.holidays_seed(years=[2025]) > 5
    assert services.holidays_seed(years=[2025]) == 0  # idempotent
    assert add_working_days(D(2025, 1, 24), 1) == D(2025, 2, 3)
    Holiday.objects.filter(date=D(2025, 2, 3)).exists() or Holiday.objects.create(date=D(2025, 2, 3), name="nghỉ bù")
    assert add_working_days(D(2025, 1, 24), 1) == D(2025, 2, 4)


def test_deadlines_are_in_working_days(tree):
    Holiday.objects.create(date=D(2024, 9, 2), name="Quốc khánh")
    candidate = walk(make_candidate(tree.school), until=Step.CELL_RESOLUTION)
    assert candidate.due_on == add_working_days(D(2024, 8, 5), 60)
    assert candidate.due_on == D(2024, 10, 29)  # 60 working days, 2/9 not counted
    walk(candidate, road=ROAD[7:])
    candidate.refresh_from_db()
    assert candidate.due_on == add_working_days(D(2024, 9, 10), 30)


def test_a_new_holiday_moves_the_deadlines(tree):
    candidate = walk(make_candidate(tree.school), until=Step.CELL_RESOLUTION)
    before = candidate.due_on
    Holiday.objects.create(date=D(2024, 9, 3), name="nghỉ bổ sung")
    assert services.deadlines_refresh(around=D(2024, 9, 3)) == 1
    candidate.refresh_from_db()
    assert candidate.due_on == add_working_days(before, 1)


def test_a_new_holiday_moves_the_decision_deadline_of_a_candidate_at_the_committees_resolution(tree):
    """At the committee's resolution (20/08/2024) the decision is still due 60 working days
    from the cell's (05/08/2024): a holiday between the two moves it, though the candidate's
    step date is after the holiday."""
    candidate = walk(make_candidate(tree.cell), until=Step.COMMITTEE_RESOLUTION)
    assert (candidate.step, candidate.step_date) == (Step.COMMITTEE_RESOLUTION, D(2024, 8, 20))
    before = candidate.due_on
    assert before == add_working_days(D(2024, 8, 5), 60)
    Holiday.objects.create(date=D(2024, 8, 12), name="nghỉ bổ sung")
    assert services.deadlines_refresh(around=D(2024, 8, 12)) == 1
    candidate.refresh_from_db()
    assert candidate.due_on == add_working_days(before, 1)


def test_changed_deadline_settings_reach_the_stored_deadlines_through_refresh_deadlines(tree, settings):
    from django.core.management import call_command

    waiting = walk(make_candidate(tree.school), until=Step.CELL_RESOLUTION)
    admitted = walk(make_candidate(tree.school, full_name="Trần Văn Kết Nạp"))
    admission = services.admission_record(candidate=admitted, ceremony_date=D(2024, 9, 30), user=None, today=TODAY)
    assert waiting.due_on == add_working_days(D(2024, 8, 5), 60)
    assert admission.probation_due == D(2025, 9, 30)

    settings.ADMISSION_RULES = {
        **settings.ADMISSION_RULES,
        "DECISION_WORKING_DAYS": 45,
        "PROBATION_MONTHS": 18,
        "RECOGNITION_WORKING_DAYS": 20,
    }
    call_command("refresh_deadlines", stdout=(out := io.StringIO()))

    waiting.refresh_from_db()
    admission.refresh_from_db()
    assert waiting.due_on == add_working_days(D(2024, 8, 5), 45)
    assert admission.probation_due == D(2026, 3, 30)
    assert admission.recognition_due == add_working_days(D(2026, 3, 30), 20)
    assert out.getvalue().strip() == "deadlines: 2 records changed"
    call_command("refresh_deadlines", stdout=(again := io.StringIO()))
    assert again.getvalue().strip() == "deadlines: 0 records changed"


def test_refreshing_deadlines_skips_a_candidate_imported_without_the_cell_resolution_date(tree):
    candidate = walk(make_candidate(tree.school), until=Step.COMMITTEE_RESOLUTION)
    StepRecord.objects.filter(candidate=candidate, step=Step.CELL_RESOLUTION).delete()  # as an import leaves it
    Candidate.objects.filter(pk=candidate.pk).update(due_on=None)
    Holiday.objects.create(date=D(2024, 8, 21), name="nghỉ bổ sung")
    assert services.deadlines_refresh(around=D(2024, 8, 21)) == 0
    assert services.deadlines_refresh() == 0
    candidate.refresh_from_db()
    assert candidate.due_on is None


def test_refreshing_deadlines_leaves_recognized_members_alone(tree, settings):
    admitted = walk(make_candidate(tree.school))
    admission = services.admission_record(candidate=admitted, ceremony_date=D(2024, 9, 30), user=None, today=TODAY)
    services.admission_recognize(
        admission=admission, on_date=D(2025, 10, 2), decision_number="5-QĐ", user=None, today=D(2025, 10, 10)
    )
    settings.ADMISSION_RULES = {**settings.ADMISSION_RULES, "PROBATION_MONTHS": 18}
    assert services.deadlines_refresh() == 0
    admission.refresh_from_db()
    assert admission.probation_due == D(2025, 9, 30)


def test_holiday_admin_refreshes_deadlines(tree, client, users):
    from django.contrib.auth import get_user_model

    candidate = walk(make_candidate(tree.school), until=Step.CELL_RESOLUTION)
    before = candidate.due_on
    admin = get_user_model().objects.create_superuser("root", password="x-pass-2025")
    client.force_login(admin)
    response = client.post("/admin/admissions/holiday/add/", {"date": "2024-09-03", "name": "nghỉ"})
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.due_on > before


def test_changing_the_birth_date_rechecks_the_age(tree):
    candidate = walk(make_candidate(tree.school), until=Step.CELL_RESOLUTION)
    with pytest.raises(ValidationError) as exc:
        services.candidate_update(candidate=candidate, user=None, today=TODAY, date_of_birth=D(2007, 1, 1))
    assert "at least 18 full years" in messages(exc) and "17 years 7 months old on 05/08/2024" in messages(exc)


def test_an_admission_elsewhere_blocks_without_revealing_it(tree, users):
    """The clerk of Đơn Dương's school may not learn when someone was admitted in Đà Lạt."""
    first = walk(make_candidate(tree.city_school))
    services.admission_record(candidate=first, ceremony_date=D(2024, 9, 30), user=None, today=TODAY)
    with pytest.raises(ValidationError) as exc:
        make_candidate(tree.school, user=users.clerk, allow_duplicate=True)
    text = messages(exc)
    assert "admitted once" in text and "another organization" in text
    assert "30/09/2024" not in text
    # Entered before the first admission: the admission is still refused.
    Admission.objects.update(archived_at=timezone.now())
    again = walk(make_candidate(tree.school, allow_duplicate=True))
    Admission.objects.update(archived_at=None)
    with pytest.raises(ValidationError) as exc:
        services.admission_record(candidate=again, ceremony_date=D(2024, 10, 1), user=users.clerk, today=TODAY)
    text = messages(exc)
    assert "admitted once" in text and "another organization" in text
    assert "30/09/2024" not in text
    assert Admission.objects.count() == 1


def test_make_up_working_days_are_seeded_and_counted(db):
    """2025: Friday 2 May off, Saturday 26 April worked; 2026: Monday 31 August off, Saturday 22 August worked."""
    services.holidays_seed(years=[2025, 2026])
    assert Holiday.objects.filter(working=True, date=D(2025, 4, 26)).exists()
    assert Holiday.objects.filter(working=True, date=D(2026, 8, 22)).exists()
    assert Holiday.objects.filter(working=False, date=D(2025, 5, 2)).exists()
    # Friday 25 April 2025 + 1 working day: the make-up Saturday 26th.
    assert add_working_days(D(2025, 4, 25), 1) == D(2025, 4, 26)
    assert add_working_days(D(2026, 8, 21), 1) == D(2026, 8, 22)
    # Back from Monday 5 May 2025: 2, 1 May and 30 April off; 29, 28 worked; Sunday 27 off; Saturday 26 worked.
    assert add_working_days(D(2025, 5, 5), -3) == D(2025, 4, 26)


def test_a_make_up_day_entered_in_the_admin_moves_the_deadlines(tree, client, users):
    from django.contrib.auth import get_user_model

    candidate = walk(make_candidate(tree.school), until=Step.CELL_RESOLUTION)  # resolution 05/08/2024
    before = candidate.due_on
    admin = get_user_model().objects.create_superuser("root2", password="x")
    client.force_login(admin)
    response = client.post("/admin/admissions/holiday/add/", {"date": "2024-08-10", "name": "làm bù", "working": "on"})
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.due_on == add_working_days(before, -1) < before


def test_changing_a_sure_rule_warns_and_a_bad_value_is_an_error(settings):
    from admissions.checks import admission_rules

    assert admission_rules() == []
    settings.ADMISSION_RULES = {**settings.ADMISSION_RULES, "CERTIFICATE_VALID_MONTHS": 36}  # uncertain
    assert admission_rules() == []
    settings.ADMISSION_RULES = {**settings.ADMISSION_RULES, "MIN_AGE_YEARS": 17, "MIN_EDUCATION": "kindergarten"}
    assert sorted(m.id for m in admission_rules()) == ["admissions.E001", "admissions.W001"]


def test_no_admission_before_the_cell_was_founded_nor_after_it_was_dissolved(tree):
    """Either would count in a tree that had no such cell on that day (docs/domain.md)."""
    from organizations.models import Organization

    candidate = walk(make_candidate(tree.school))  # the decision on 10/09/2024
    Organization.objects.filter(pk=tree.school.pk).update(founded_on=D(2024, 9, 20))
    candidate.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.admission_record(candidate=candidate, ceremony_date=D(2024, 9, 15), user=None, today=TODAY)
    assert "before Chi bộ Trường THPT Đơn Dương was founded (20/09/2024)" in messages(exc)
    Organization.objects.filter(pk=tree.school.pk).update(founded_on=None, dissolved_on=D(2024, 9, 25))
    candidate.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.admission_record(candidate=candidate, ceremony_date=D(2024, 9, 25), user=None, today=TODAY)
    assert "dissolved on 25/09/2024" in messages(exc)
    assert not Admission.objects.exists()
    services.admission_record(candidate=candidate, ceremony_date=D(2024, 9, 24), user=None, today=TODAY)
    assert Admission.objects.count() == 1
