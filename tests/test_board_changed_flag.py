"""The reports board's "changed after submission" flag says what the review page counts:
the changes recorded after a report was sent to the admissions that report counts (the
communes merged into its committee, the units moved under it or away from it during the
period), dated up to the day it was counted to."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from organizations import locks
from organizations.models import Organization, PeriodLock
from organizations.services import organization_move
from submissions import selectors, services
from submissions.models import ReportSubmission, Status

from .test_reports_engine import admit, make_plan

D = dt.date
YEAR = selectors.parse_period("2025")


def _board_row(html: str, code: str) -> str:
    return html.split(f'data-testid="board-row" data-code="{code}"', 1)[1].split("</tr>", 1)[0]


def _pages(client, province: Organization, child: Organization) -> tuple[str, str]:
    """The province's 2025 board row of `child`, and the review page of its report."""
    board = client.get(reverse("submissions:board", kwargs={"org_pk": province.pk, "period": "2025"}))
    review = client.get(
        reverse("submissions:review", kwargs={"org_pk": province.pk, "child_pk": child.pk, "period": "2025"})
    )
    return _board_row(board.content.decode(), child.code), review.content.decode()


@pytest.fixture
def province_planner(reorganized_demo, client):
    client.force_login(get_user_model().objects.get(username="tinh.kehoach"))
    return client


def _flags(province: Organization) -> dict[str, bool]:
    rows, _due = selectors.board(province, period=YEAR, today=timezone.localdate())
    return {row.organization.code: row.changed for row in rows if row.submission}


def test_an_admission_after_the_day_the_report_was_counted_to_leaves_it_unchanged(province_planner):
    """Đơn Dương's 2025 report was counted to 22/12/2025: an admission of 27/12 recorded
    since is none of what it signed, on the board as on the review page."""
    province, commune = Organization.objects.get(code="LD"), Organization.objects.get(code="LD.X-DONDUONG")
    admit(Organization.objects.get(code="LD.DD.DTNT"), D(2025, 12, 27))
    row, review = _pages(province_planner, province, commune)
    assert 'data-testid="admissions-changed"' not in review and 'data-testid="no-differences"' in review
    assert 'data-testid="changed"' not in row
    assert _flags(province) == {"LD.X-DONDUONG": False, "LD.X-DUCTRONG": False}


def test_a_change_at_a_commune_merged_into_the_committee_marks_its_report_changed(province_planner):
    """Thạnh Mỹ was merged into Đảng ủy xã Đơn Dương on 01/07/2025 and stays under the
    dissolved district in the tree: its admission of 15/03/2025, recorded after the
    commune's report (the year reopened to correct it), is in the report's figures."""
    province, commune = Organization.objects.get(code="LD"), Organization.objects.get(code="LD.X-DONDUONG")
    lock = PeriodLock.objects.get(organization=commune)
    today = timezone.localdate()
    admin = get_user_model().objects.get(username="quantri")
    locks.reopen(lock=lock, until=today, reason="Bổ sung hồ sơ kết nạp", user=admin, today=today)
    admit(Organization.objects.get(code="LD.DD.TM"), D(2025, 3, 15))
    # a school that went to Ka Đô on 01/07/2025 counts in Ka Đô's report, not Đơn Dương's
    admit(Organization.objects.get(code="LD.DD.THPT-HV"), D(2025, 6, 28))
    row, review = _pages(province_planner, province, commune)
    assert 'data-testid="differences"' in review  # the signed figures changed…
    assert 'data-testid="admissions-changed">Có 1 thay đổi' in review  # …by that one change
    assert 'data-testid="changed"' in row
    submission = ReportSubmission.objects.get(organization=commune, period="2025")
    assert selectors.admissions_changed_after(submission, period=YEAR) == 1
    assert _flags(province) == {"LD.X-DONDUONG": True, "LD.X-DUCTRONG": False}


def test_a_unit_that_left_the_committee_during_the_year_still_marks_its_report_changed(tree, users, client_for):
    """The school stood under Đơn Dương until it moved to Đà Lạt on 01/07/2025: Đơn Dương's
    2025 report counts its admissions of the first half in its Biểu 2, so one of them
    recorded after the report was sent is a change to what it signed."""
    make_plan(tree.province, first_year=2024)
    admit(tree.school, D(2025, 5, 10))
    organization_move(organization=tree.school, new_parent=tree.city, on_date=D(2025, 7, 1), today=D(2025, 7, 1))
    submission = services.submit(
        organization=tree.district, period="2025", user=users.district_planner, today=D(2026, 1, 20), results="x"
    )
    assert submission.snapshot["bieu2"]["rows"][0]["this_period"] == 1
    admit(tree.school, D(2025, 6, 2))  # recorded after the report, dated when the school was the district's
    row, review = _pages(client_for("province_planner"), tree.province, tree.district)
    assert 'data-testid="differences"' in review and 'data-testid="admissions-changed"' in review
    assert 'data-testid="changed"' in row
    assert selectors.admissions_changed_after(submission, period=YEAR) == 1
    rows, _due = selectors.board(tree.province, period=YEAR, today=D(2026, 1, 20))
    assert {r.organization.code: r.changed for r in rows} == {"LD.DD": True, "LD.DL": False}


def test_each_report_is_flagged_up_to_its_own_day_in_a_fixed_number_of_queries(tree, django_assert_num_queries):
    """Reports sent on different days before the year ended are each read up to their own
    day, all in the board's one query however many committees there are, and each flag is
    what the review page counts."""
    from organizations.services import organization_create

    def sent(organization, day):
        """A report sent on `day` (before the year ended), its figures read an hour ago."""
        at = timezone.now() - dt.timedelta(hours=1)
        return ReportSubmission.objects.create(
            organization=organization,
            period="2025",
            status=Status.SUBMITTED,
            results="x",
            snapshot={"as_of": day.isoformat()},
            frozen_at=at,
            submitted_at=at,
        )

    def board():
        rows, _due = selectors.board(tree.province, period=YEAR, today=D(2026, 1, 20))
        return {row.organization.code: row.changed for row in rows}

    sent(tree.district, D(2025, 12, 20))
    sent(tree.city, D(2025, 12, 24))
    admit(tree.school, D(2025, 12, 22))
    admit(tree.city_school, D(2025, 12, 22))
    board()
    with CaptureQueriesContext(connection) as few:
        assert board() == {"LD.DD": False, "LD.DL": True}
    for i, day in enumerate([D(2025, 12, 21), D(2025, 12, 22), D(2025, 12, 23)]):
        tree.province.refresh_from_db()
        child = organization_create(
            parent=tree.province, name=f"Huyện ủy Thử {i}", code=f"LD.T{i}", form="district", sector="other"
        )
        sent(child, day)
        admit(child, D(2025, 12, 22))
    with django_assert_num_queries(len(few.captured_queries)):
        flags = board()
    assert flags == {"LD.DD": False, "LD.DL": True, "LD.T0": False, "LD.T1": True, "LD.T2": True}
    for submission in ReportSubmission.objects.select_related("organization"):
        counted = selectors.admissions_changed_after(submission, period=YEAR)
        assert (counted > 0) == flags[submission.organization.code], submission.organization.code
