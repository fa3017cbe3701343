"""One write path: each import refuses what the page refuses, with the same words.

Each check of the road is tried twice: through the page a clerk uses (the test client
posting the form) and through the candidate import (the function its page calls).
Both must refuse, and say the same rule with the same figures (the services' message).
"""

import datetime as dt
import html

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from admissions import services
from admissions.imports import candidates_import
from admissions.models import Admission, Candidate, IntroducerKind, Step
from common.xlsx import ImportFailed
from organizations.models import Membership, OrgForm, Role, Sector

from .admissions_helpers import TODAY, make_candidate, walk
from .conftest import _org
from .xlsx_files import xlsx_upload

D = dt.date
HEADER = (
    "Mã chi bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Đối tượng", "Trình độ học vấn", "Bước", "Ngày của bước",
    "Người giới thiệu 1", "Người giới thiệu 1 biết từ ngày", "Người giới thiệu 2", "Người giới thiệu 2 biết từ ngày",
    "Ngày cấp giấy chứng nhận", "Ngày giới thiệu", "Ngày nghị quyết chi bộ", "Ngày BTV Tỉnh ủy đồng ý",
)  # fmt: skip


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


BORN = D(2005, 5, 10)


def _row(org, *, name="Lò Thị Kiểm", dob=BORN, education="upper_secondary", step="", day="", intro=(), earlier=()):
    intro = list(intro) + [""] * (4 - len(intro))
    earlier = list(earlier) + [""] * (4 - len(earlier))  # certificate, introductions, resolution, consent
    return (org.code, name, dob, "Nữ", "pupil", education, step, day, *intro, *earlier)


def _import_errors(tree, users, row) -> list[str]:
    with pytest.raises(ImportFailed) as exc:
        candidates_import(upload=xlsx_upload([HEADER, row]), under=tree.school, user=users.clerk, today=TODAY)
    return [e.message for e in exc.value.errors]


def _page_text(response) -> str:
    return html.unescape(response.content.decode())


def _same(expected: str, text: str) -> bool:
    # The import lists a row's reasons after one another, starting in lower case.
    return expected in text or (expected[:1].lower() + expected[1:]) in text


def _age(tree, users, client):
    born, on = D(2006, 9, 1), D(2024, 8, 5)  # 17 years 11 months at the cell resolution
    expected = services.check_age(date_of_birth=born, on=on)[0]
    candidate = walk(make_candidate(tree.school, date_of_birth=born), until=Step.INTRODUCTION)
    page = client.post(reverse("admissions:advance", args=[candidate.pk]), {"step": 7, "date": "2024-08-05"})
    row = _row(tree.school, dob=born, step=7, day=on)
    return expected, page, row


def _education(tree, users, client):
    on = D(2024, 8, 5)
    expected = services.check_education(education="primary", on=on)[0]
    candidate = walk(make_candidate(tree.school, education="primary"), until=Step.INTRODUCTION)
    page = client.post(reverse("admissions:advance", args=[candidate.pk]), {"step": 7, "date": "2024-08-05"})
    row = _row(tree.school, education="primary", step=7, day=on)
    return expected, page, row


def _introducer_known_11_months(tree, users, client):
    on, since = D(2024, 7, 1), D(2023, 7, 2)
    introducers = [
        {"kind": IntroducerKind.MEMBER, "full_name": "Trần Văn Giới", "known_since": D(2020, 1, 1)},
        {"kind": IntroducerKind.MEMBER, "full_name": "Lê Thị Mới", "known_since": since},
    ]
    expected = services.check_introducers(introducers=introducers, on=on)[0]
    candidate = walk(make_candidate(tree.school), until=Step.VERIFICATION)
    page = client.post(
        reverse("admissions:advance", args=[candidate.pk]),
        {
            "step": 6,
            "date": "2024-07-01",
            "introducer1_kind": "member",
            "introducer1_name": "Trần Văn Giới",
            "introducer1_since": "2020-01-01",
            "introducer2_kind": "member",
            "introducer2_name": "Lê Thị Mới",
            "introducer2_since": "2023-07-02",
        },
    )
    row = _row(tree.school, step=6, day=on, intro=("Trần Văn Giới", D(2020, 1, 1), "Lê Thị Mới", since))
    return expected, page, row


def _one_introducer(tree, users, client):
    on = D(2024, 7, 1)
    introducers = [{"kind": IntroducerKind.MEMBER, "full_name": "Trần Văn Giới", "known_since": D(2020, 1, 1)}]
    expected = services.check_introducers(introducers=introducers, on=on)[0]
    candidate = walk(make_candidate(tree.school), until=Step.VERIFICATION)
    page = client.post(
        reverse("admissions:advance", args=[candidate.pk]),
        {
            "step": 6,
            "date": "2024-07-01",
            "introducer1_kind": "member",
            "introducer1_name": "Trần Văn Giới",
            "introducer1_since": "2020-01-01",
            "introducer2_kind": "member",
        },
    )
    row = _row(tree.school, step=6, day=on, intro=("Trần Văn Giới", D(2020, 1, 1)))
    return expected, page, row


def _committee_step_in_a_grassroots_cell(tree, users, client):
    candidate = walk(make_candidate(tree.school), until=Step.CELL_RESOLUTION)
    # The page does not even offer the step: posting it is refused as a choice not offered.
    page = client.post(reverse("admissions:advance", args=[candidate.pk]), {"step": 8, "date": "2024-08-20"})
    row = _row(tree.school, step=8, day=D(2024, 8, 20))
    return None, page, row


def _admitted_elsewhere(tree, users, client):
    """Huỳnh Hữu Quân, admitted in NT.PR.02, cannot come in again in the clerk's school."""
    elsewhere = _org(tree.other_city, "NT.PR.02", "Chi bộ Khu phố 2", OrgForm.GRASSROOTS_CELL, Sector.OTHER)
    first = walk(make_candidate(elsewhere, full_name="Huỳnh Hữu Quân", date_of_birth=D(1982, 12, 3), category="other"))
    services.admission_record(candidate=first, ceremony_date=D(2024, 9, 30), user=None, today=TODAY)
    twin = Admission.objects.get()
    expected = services.admitted_problems(twin=twin, user=users.clerk)[0]
    page = client.post(
        reverse("admissions:create", args=[tree.school.pk]),
        {
            "organization": tree.school.pk,
            "full_name": "HUỲNH HỮU QUÂN",
            "date_of_birth": "1982-12-03",
            "gender": "male",
            "ethnicity": "Kinh",
            "education": "university",
            "category": "other",
            "introduced_by": "none",
            "source_date": "2025-01-10",
        },
    )
    row = _row(tree.school, name="Huỳnh Hữu Quân", dob=D(1982, 12, 3))
    return expected, page, row


def _road(candidate, road, introducers=None):
    for step, day in road:
        services.candidate_advance(
            candidate=candidate,
            step=step,
            date=day,
            introducers=introducers if step == Step.INTRODUCTION else None,
            user=None,
            today=TODAY,
        )
        candidate.refresh_from_db()
    return candidate


KNOWN = [
    {"kind": IntroducerKind.MEMBER, "full_name": "Trần Văn Giới", "known_since": D(2020, 1, 1)},
    {"kind": IntroducerKind.MEMBER, "full_name": "Lê Thị Thiệu", "known_since": D(2020, 1, 1)},
]
KNOWN_COLUMNS = ("Trần Văn Giới", D(2020, 1, 1), "Lê Thị Thiệu", D(2020, 1, 1))


def _certificate_expired(tree, users, client):
    certificate, on = D(2019, 1, 2), D(2024, 8, 5)  # valid 60 months: until 02/01/2024
    expected = services.check_certificate(certificate_on=certificate, on=on)[0]
    candidate = make_candidate(tree.school, source_date=D(2018, 12, 1))
    steps = [(Step.CLASS, certificate), (Step.HELPERS, D(2024, 3, 1)), (Step.APPLICATION, D(2024, 4, 1))]
    steps += [(Step.VERIFICATION, D(2024, 5, 2)), (Step.INTRODUCTION, D(2024, 7, 1))]
    _road(candidate, steps, KNOWN)
    page = client.post(reverse("admissions:advance", args=[candidate.pk]), {"step": 7, "date": "2024-08-05"})
    row = _row(tree.school, step=7, day=on, earlier=(certificate,))
    return expected, page, row


def _stale_introductions(tree, users, client):
    introduced, on = D(2023, 7, 1), D(2024, 8, 5)
    expected = services.check_introductions_fresh(introduced_on=introduced, on=on)[0]
    candidate = make_candidate(tree.school, source_date=D(2023, 1, 2))
    steps = [(Step.CLASS, D(2023, 1, 10)), (Step.HELPERS, D(2023, 2, 1)), (Step.APPLICATION, D(2023, 3, 1))]
    steps += [(Step.VERIFICATION, D(2023, 4, 3)), (Step.INTRODUCTION, introduced)]
    _road(candidate, steps, KNOWN)
    page = client.post(reverse("admissions:advance", args=[candidate.pk]), {"step": 7, "date": "2024-08-05"})
    row = _row(tree.school, step=7, day=on, intro=KNOWN_COLUMNS, earlier=("", introduced))
    return expected, page, row


def _over_sixty_without_consent(tree, users, client):
    born, resolution, decision = D(1964, 7, 1), D(2024, 8, 5), D(2024, 9, 10)  # 60 years 1 month
    expected = services.check_consent(date_of_birth=born, resolution_on=resolution, consent_on=None, on=decision)[0]
    candidate = walk(make_candidate(tree.school, date_of_birth=born), until=Step.CELL_RESOLUTION)
    page = client.post(reverse("admissions:advance", args=[candidate.pk]), {"step": 9, "date": "2024-09-10"})
    row = _row(tree.school, dob=born, step=9, day=decision, earlier=("", "", resolution))
    return expected, page, row


CHECKS = {
    "certificate expired": _certificate_expired,
    "stale introductions": _stale_introductions,
    "over sixty without consent": _over_sixty_without_consent,
    "age": _age,
    "education": _education,
    "introducer known 11 months": _introducer_known_11_months,
    "one introducer alone": _one_introducer,
    "committee step in a grassroots cell": _committee_step_in_a_grassroots_cell,
    "admitted elsewhere": _admitted_elsewhere,
}


@pytest.mark.parametrize("where", ["page", "import"])
@pytest.mark.parametrize("check", list(CHECKS))
def test_each_check_refuses_the_same_on_the_page_and_in_the_import(tree, users, client_for, check, where):
    client = client_for("clerk")
    before = Candidate.objects.count()
    expected, page, row = CHECKS[check](tree, users, client)
    made = Candidate.objects.count()
    if where == "page":
        assert page.status_code == 200, "the page refuses and shows the form again"
        assert Candidate.objects.count() == made
        if expected:
            assert _same(expected, _page_text(page))
    else:
        errors = _import_errors(tree, users, row)
        assert len(errors) == 1
        assert Candidate.objects.count() == made
        expected = expected or services.check_step_form(organization=tree.school, step=Step.COMMITTEE_RESOLUTION)[0]
        assert _same(expected, errors[0]), errors[0]
    assert made >= before


def test_the_import_of_a_person_admitted_elsewhere_does_not_say_where(tree, users, client_for):
    _admitted_elsewhere(tree, users, client_for("clerk"))
    (error,) = _import_errors(tree, users, _row(tree.school, name="Huynh Huu Quan", dob=D(1982, 12, 3)))
    assert "NT.PR.02" not in error and "Khu phố 2" not in error and "30/09/2024" not in error
    assert "tổ chức khác" in error
    assert Admission.objects.count() == 1
    assert not Candidate.objects.filter(organization=tree.school).exists()


def test_a_province_user_is_told_when_the_person_was_admitted(tree, users):
    elsewhere = _org(tree.other_city, "NT.PR.02", "Chi bộ Khu phố 2", OrgForm.GRASSROOTS_CELL, Sector.OTHER)
    first = walk(make_candidate(elsewhere, full_name="Huỳnh Hữu Quân", date_of_birth=D(1982, 12, 3), category="other"))
    services.admission_record(candidate=first, ceremony_date=D(2024, 9, 30), user=None, today=TODAY)
    clerk = get_user_model().objects.create_user(username="nt-clerk", password="x")
    Membership.objects.create(user=clerk, organization=tree.other_province, role=Role.CLERK)
    with pytest.raises(ImportFailed) as exc:
        candidates_import(
            upload=xlsx_upload([HEADER, _row(elsewhere, name="Huỳnh Hữu Quân", dob=D(1982, 12, 3))]),
            under=tree.other_province,
            user=clerk,
            today=TODAY,
        )
    assert "30/09/2024" in exc.value.errors[0].message


def test_the_import_looks_people_up_once_for_the_whole_file(tree, users):
    """The look-ups of the same person do not grow with the rows (the writes do, as on the page)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def lookups(n):
        Candidate.objects.all().delete()
        rows = [_row(tree.school, name=f"Người Thứ {i}", dob=D(2000, 1, 1) + dt.timedelta(days=i)) for i in range(n)]
        with CaptureQueriesContext(connection) as queries:
            candidates_import(upload=xlsx_upload([HEADER, *rows]), under=tree.school, user=users.clerk, today=TODAY)
        return sum('FROM "admissions_admission"' in q["sql"] and "SELECT" in q["sql"] for q in queries.captured_queries)

    assert lookups(2) == lookups(6) == 1


def test_the_batched_look_ups_find_people_in_every_chunk(tree, users, monkeypatch):
    from admissions import selectors

    monkeypatch.setattr(selectors, "PEOPLE_PER_QUERY", 2)
    first = walk(make_candidate(tree.city_school, full_name="Huỳnh Hữu Quân", date_of_birth=D(1982, 12, 3)))
    services.admission_record(candidate=first, ceremony_date=D(2024, 9, 30), user=None, today=TODAY)
    people = [(f"nguoi {i}", D(2000, 1, 1 + i), "") for i in range(4)] + [("huynh huu quan", D(1982, 12, 3), "")]
    twins = selectors.admitted_twins_many(people)
    assert twins[:4] == [None] * 4 and twins[4].candidate == first
    assert selectors.likely_duplicates_many(user=None, people=people)[4] == [first]


def test_the_earlier_steps_the_file_dates_are_recorded_and_checked(tree, users):
    rows = [
        HEADER,
        _row(
            tree.school,
            dob=D(1964, 7, 1),
            step=9,
            day=D(2024, 9, 10),
            intro=KNOWN_COLUMNS,
            earlier=(D(2024, 3, 15), D(2024, 7, 1), D(2024, 8, 5), D(2024, 9, 1)),
        ),
    ]
    (candidate,) = candidates_import(upload=xlsx_upload(rows), under=tree.school, user=users.clerk, today=TODAY)
    candidate.refresh_from_db()
    assert list(candidate.steps.values_list("step", flat=True)) == [Step.CLASS, Step.INTRODUCTION, 7, 9]
    assert candidate.introducers.count() == 2 and candidate.provincial_consent_on == D(2024, 9, 1)
    assert candidate.due_on is not None  # the ceremony is due 30 working days after the decision


def test_a_date_for_a_step_not_passed_is_refused(tree, users):
    row = _row(tree.school, step=2, day=D(2024, 3, 15), earlier=("", D(2024, 7, 1)))
    (error,) = _import_errors(tree, users, row)
    assert error.startswith("Ngày giới thiệu") and "chưa qua" in error


def test_the_date_column_of_the_rows_own_step_is_that_step(tree, users):
    """A row at the cell resolution (step 7) may fill "Ngày nghị quyết chi bộ" too: the
    same date is that step, recorded once; another date is refused as a different date,
    not as a step the row has not passed."""
    same = _row(tree.school, step=7, day=D(2024, 8, 5), intro=KNOWN_COLUMNS, earlier=("", D(2024, 7, 1), D(2024, 8, 5)))
    (candidate,) = candidates_import(
        upload=xlsx_upload([HEADER, same]), under=tree.school, user=users.clerk, today=TODAY
    )
    assert list(candidate.steps.values_list("step", "date")) == [
        (Step.INTRODUCTION, D(2024, 7, 1)),
        (Step.CELL_RESOLUTION, D(2024, 8, 5)),
    ]
    other = _row(
        tree.school, name="Lò Văn Khác", step=7, day=D(2024, 8, 5), intro=KNOWN_COLUMNS,
        earlier=("", D(2024, 7, 1), D(2024, 8, 4)),
    )  # fmt: skip
    (error,) = _import_errors(tree, users, other)
    assert error.startswith("Ngày nghị quyết chi bộ 04/08/2024") and "chưa qua" not in error
