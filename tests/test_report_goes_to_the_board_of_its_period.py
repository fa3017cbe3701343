"""A report goes to the board above the organization at its period's end, the board whose
status lists it: a school's report of the first half of 2025 to the district it stood under
on 30/06/2025 (dissolved on 01/07/2025), not to the commune committee it has stood under
since. Its page says so and links that board's review; that board's planners review it,
and the planners of today's parent do not."""

import datetime as dt
import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from lxml import html as lxml_html

from organizations.models import Membership, Organization, Role
from organizations.services import organization_move
from quotas.models import Milestone, Recurrence
from reports import periods
from reports.bieu2 import bieu2
from reports.bieu2_exports import heading, render_pdf_html, render_xlsx
from submissions import selectors, services
from submissions.models import Status

from .test_reports_engine import make_plan

D = dt.date

SCHOOL, DISTRICT, COMMUNE = "LD.DT.HHT", "LD.DT", "LD.X-NINHGIA"
HALF = "2025-6M"


def _org(code: str) -> Organization:
    return Organization.objects.get(code=code)


def _planner(username: str, code: str):
    user = get_user_model().objects.create_user(username=username, password="x")
    Membership.objects.create(user=user, organization=_org(code), role=Role.PLANNER)
    return user


def _page(client, period: str):
    response = client.get(reverse("submissions:detail", args=[_org(SCHOOL).pk, period]))
    assert response.status_code == 200
    return lxml_html.fromstring(response.content.decode())


def _sent(period: str = HALF):
    province_planner = get_user_model().objects.get(username="tinh.kehoach")
    return services.submit(organization=_org(SCHOOL), period=period, user=province_planner, results="Đã kết nạp.")


def test_the_page_names_the_board_of_the_period_s_end_and_its_review_opens(reorganized_demo, client):
    client.force_login(get_user_model().objects.get(username="tinh.kehoach"))
    district, commune = _org(DISTRICT), _org(COMMUNE)
    assert district.dissolved_on.isoformat() == "2025-07-01" and commune.founded_on.isoformat() == "2025-07-01"

    page = _page(client, HALF)
    text = " ".join(page.text_content().split())
    assert "Gửi Huyện ủy Đức Trọng" in text
    assert f"Gửi {commune.name}" not in text
    (review,) = page.xpath('//a[@data-testid="to-review"]/@href')
    assert review == reverse(
        "submissions:review", kwargs={"org_pk": district.pk, "child_pk": _org(SCHOOL).pk, "period": HALF}
    )
    assert client.get(review).status_code == 200  # was the commune's review: 404, the school was not under it then

    # The year 2025 ends under the commune committee: its report goes there.
    page = _page(client, "2025")
    assert f"Gửi {commune.name}" in " ".join(page.text_content().split())
    (review,) = page.xpath('//a[@data-testid="to-review"]/@href')
    assert client.get(review).status_code == 200


def test_the_province_approves_the_half_year_neither_today_s_parent_nor_the_old_district_may(reorganized_demo, client):
    """The half year's board is the district (dissolved since); its planners no longer view
    the school, which stands under the commune now: the province, above both, reviews it.
    The commune's planners plan no board of that period."""
    submission = _sent()
    commune_planner = _planner("ke.hoach.ninhgia", COMMUNE)
    with pytest.raises(ValidationError) as refused:
        services.approve(submission=submission, user=commune_planner)
    assert "Huyện ủy Đức Trọng" in str(refused.value)
    district_planner = _planner("ke.hoach.ductrong.cu", DISTRICT)
    with pytest.raises(ValidationError) as refused:
        services.approve(submission=submission, user=district_planner)
    assert "không còn trực thuộc tổ chức đảng của đồng chí" in str(refused.value)
    submission.refresh_from_db()
    assert submission.status == Status.SUBMITTED

    # The district's board names the school without a link for its old planner; the review 404s.
    client.force_login(district_planner)
    board = client.get(reverse("submissions:board", args=[_org(DISTRICT).pk, HALF])).content.decode()
    page = lxml_html.fromstring(board)
    (row,) = page.xpath(f'//tr[@data-code="{SCHOOL}"]')
    assert row.xpath('.//*[@data-testid="unlinked"]') and not row.xpath(".//a")
    review = reverse(
        "submissions:review", kwargs={"org_pk": _org(DISTRICT).pk, "child_pk": _org(SCHOOL).pk, "period": HALF}
    )
    assert client.get(review).status_code == 404

    province_planner = get_user_model().objects.get(username="tinh.kehoach")
    services.approve(submission=submission, user=province_planner)
    submission.refresh_from_db()
    assert submission.status == Status.APPROVED and submission.approved_by == province_planner


def test_a_report_of_a_period_not_the_organization_s_to_send_is_not_reviewed(reorganized_demo):
    """One sent before the rule (a dissolved district's year 2025): approving it is refused,
    and it locks nothing."""
    from organizations.models import PeriodLock
    from submissions.models import ReportSubmission

    stale = ReportSubmission.objects.create(organization=_org(DISTRICT), period="2025", status=Status.SUBMITTED)
    locks = PeriodLock.objects.count()
    with pytest.raises(ValidationError, match="trước khi kỳ Năm 2025 kết thúc"):
        services.approve(submission=stale, user=get_user_model().objects.get(username="tinh.kehoach"))
    assert PeriodLock.objects.count() == locks


def test_the_year_s_report_is_the_commune_s_to_review(reorganized_demo):
    submission = _sent("2025")
    with pytest.raises(ValidationError):
        services.return_submission(submission=submission, user=_planner("ke.hoach.ductrong.cu", DISTRICT), comment="x")
    services.return_submission(submission=submission, user=_planner("ke.hoach.ninhgia", COMMUNE), comment="Bổ sung.")
    submission.refresh_from_db()
    assert submission.status == Status.RETURNED


def test_a_past_period_is_due_on_the_milestones_of_the_board_above_it_then(tree, client_for):
    """The district's quarterly report milestone: the school owed its second quarter of 2025
    to the district, whose plan set the day, although it has stood under the city since
    01/07/2025; its third quarter is the city's, whose plans ask for none."""
    plan = make_plan(tree.district, first_year=2025, last_year=2026, number="12", symbol="KH/HU")
    Milestone.objects.create(plan=plan, title="Báo cáo quý", due_on=D(2025, 3, 31), recurrence=Recurrence.QUARTERLY)
    organization_move(organization=tree.school, new_parent=tree.city, on_date=D(2025, 7, 1), today=D(2025, 7, 1))
    tree.school.refresh_from_db()

    due = selectors.deadline(tree.school, period=selectors.parse_period("2025-Q2"))
    assert (due.due_on, due.title) == (D(2025, 6, 30), "Báo cáo quý")
    assert selectors.deadline(tree.school, period=selectors.parse_period("2025-Q3")) is None
    # The district's board of the quarter lists it, late (nothing was sent).
    rows, board_due = selectors.board(tree.district, period=selectors.parse_period("2025-Q2"), today=D(2025, 7, 10))
    assert board_due == due and [
        (row.organization.pk, row.late) for row in rows if row.organization.pk == tree.school.pk
    ] == [(tree.school.pk, True)]
    # Its page says when it was due, and that it is late.
    page = client_for("province_planner").get(reverse("submissions:detail", args=[tree.school.pk, "2025-Q2"]))
    text = " ".join(lxml_html.fromstring(page.content.decode()).text_content().split())
    assert "30/06/2025" in text and "Gửi Huyện ủy Đơn Dương" in text


def _cells(xlsx: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    return " ".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None)


def test_biểu_2_is_headed_by_the_board_above_on_its_day(reorganized_demo):
    """The header block of the form the school files: the party organization above it on
    30/06/2025 (its district), the place then; the year 2025's form, by the commune's."""
    today = D(2026, 12, 3)
    half = bieu2(organization=_org(SCHOOL), period=periods.parse(HALF), today=today)
    assert heading(half)["superior"] == "ĐẢNG BỘ HUYỆN ĐỨC TRỌNG" and heading(half)["place"] == "Đức Trọng"
    cells = _cells(render_xlsx(half, today=today))
    assert "ĐẢNG BỘ HUYỆN ĐỨC TRỌNG" in cells and "NINH GIA" not in cells
    assert "ĐẢNG BỘ HUYỆN ĐỨC TRỌNG" in render_pdf_html(half, today=today)

    year = bieu2(organization=_org(SCHOOL), period=periods.parse("2025"), today=today)
    assert heading(year)["superior"] == "ĐẢNG BỘ XÃ NINH GIA"


def test_a_period_it_sends_no_report_of_names_no_board_and_links_no_review(reorganized_demo, client):
    """The district dissolved on 01/07/2025 sends no report of the year 2025 (the communes
    holding its units report it), and a commune founded that day none of the first half:
    their pages say why, with no board named and no review link (it opened a 404)."""
    client.force_login(get_user_model().objects.get(username="tinh.kehoach"))
    for code, period, why in (
        (DISTRICT, "2025", "trước khi kỳ Năm 2025 kết thúc"),
        (DISTRICT, "2025-9M", "trước khi kỳ 9 tháng đầu năm 2025 kết thúc"),
        (COMMUNE, HALF, "thành lập ngày 01/07/2025"),
    ):
        response = client.get(reverse("submissions:detail", args=[_org(code).pk, period]))
        page = lxml_html.fromstring(response.content.decode())
        (reason,) = page.xpath('//*[@data-testid="not-standing"]')
        assert why in reason.text_content()
        assert not page.xpath('//a[@data-testid="to-review"]') and not page.xpath('//*[@data-testid="submit"]')
        assert "Gửi " not in " ".join(page.text_content().split())
    # Its half year, which it stood through, goes to the province.
    page = _page_of(client, DISTRICT, HALF)
    assert "Gửi Tỉnh ủy Lâm Đồng" in " ".join(page.text_content().split())


def _page_of(client, code: str, period: str):
    response = client.get(reverse("submissions:detail", args=[_org(code).pk, period]))
    assert response.status_code == 200
    return lxml_html.fromstring(response.content.decode())


def test_a_committee_s_page_links_its_board_of_the_period_when_it_had_children_then(reorganized_demo, client):
    """The province reports to no one, and the district sends no year 2025: their pages link
    the board of the reports their children sent them when they had children at the
    period's end (the province's never linked it); the district had none left on
    31/12/2025, and the commune founded on 01/07/2025 none on 30/06."""
    client.force_login(get_user_model().objects.get(username="tinh.kehoach"))
    for code, period, linked in (
        ("LD", "2025", True),
        (DISTRICT, HALF, True),
        (DISTRICT, "2025", False),
        (COMMUNE, HALF, False),
        (COMMUNE, "2025", True),
        (SCHOOL, HALF, False),  # a cell: no children
    ):
        board = reverse("submissions:board", args=[_org(code).pk, period])
        assert bool(_page_of(client, code, period).xpath(f'//a[@href="{board}"]')) == linked, (code, period)


def test_a_school_moved_to_another_province_is_reviewed_by_the_board_of_its_period(tree, users, client_for):
    """No one above the district holds the school since it moved under Ninh Thuận: the
    district's planners, who cannot view it any longer, still review its second quarter."""
    submission = services.submit(
        organization=tree.school, period="2025-Q2", user=users.district_planner, today=D(2025, 7, 1), results="Q2"
    )
    organization_move(organization=tree.school, new_parent=tree.other_city, on_date=D(2025, 7, 2), today=D(2025, 7, 2))
    tree.school.refresh_from_db()
    review = reverse(
        "submissions:review", kwargs={"org_pk": tree.district.pk, "child_pk": tree.school.pk, "period": "2025-Q2"}
    )
    assert client_for("district_planner").get(review).status_code == 200
    services.approve(submission=submission, user=users.district_planner)
    submission.refresh_from_db()
    assert submission.status == Status.APPROVED


def test_biểu_2_files_are_named_by_the_period_they_hold(reorganized_demo, client):
    """The district dissolved on 01/07/2025: its form of "2025" is its first half, and its
    files say so."""
    client.force_login(get_user_model().objects.get(username="tinh.kehoach"))
    district = _org(DISTRICT)
    for name in ("reports:bieu2_xlsx", "reports:bieu2_pdf"):
        response = client.get(reverse(name, args=[district.pk]), {"period": "2025"})
        assert response.status_code == 200
        assert f"bieu2-{DISTRICT}-{HALF}." in response["Content-Disposition"]


def test_reports_of_a_past_period_name_the_organizations_as_then(reorganized_demo, client):
    """ "Đảng ủy Khối các cơ quan tỉnh" became "Đảng ủy các cơ quan Đảng tỉnh" on 01/07/2025:
    its reports of 2024 and of the first half of 2025 bear the old name on the province's
    board, on their own page and in the review, as the dashboards of those days do."""
    old, new = "Đảng ủy Khối các cơ quan tỉnh", "Đảng ủy các cơ quan Đảng tỉnh"
    client.force_login(get_user_model().objects.get(username="tinh.kehoach"))
    province, bloc = _org("LD"), _org("LD.KCQ")
    assert bloc.name == new
    for period in ("2024", HALF):
        board = client.get(reverse("submissions:board", args=[province.pk, period])).content.decode()
        assert old in board and new not in board
        page = client.get(reverse("submissions:detail", args=[bloc.pk, period])).content.decode()
        title = lxml_html.fromstring(page).findtext(".//title")
        assert old in title and old in page.split("<h1>", 1)[1].split("</h1>")[0]
        review = client.get(reverse("submissions:review", args=[province.pk, period, bloc.pk])).content.decode()
        assert old in review.split("<h1>", 1)[1].split("</h1>")[0]
    board = client.get(reverse("submissions:board", args=[province.pk, "2025"])).content.decode()
    assert new in board and old not in board
