"""The candidate lists and alerts explain every row they count: a member on probation whose
recognition is overdue shows that deadline and the days late, a merged commune's list says
where its files on the road went, and an expired awareness-class certificate its days late."""

import datetime as dt
import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from admissions import services
from admissions.models import Admission, Candidate, Outcome, Step
from organizations.models import Membership, Organization, Role
from organizations.services import organization_merge

from .admissions_helpers import TODAY, make_candidate, walk
from .conftest import takes_cells

D = dt.date
LATE_DAY = D(2026, 1, 15)  # the probation of a ceremony of 30/09/2024 ended, its recognition overdue


def _list(org) -> str:
    return reverse("admissions:list", kwargs={"org_pk": org.pk})


def _rows(page: str) -> dict[str, str]:
    """The list's rows by the candidate's name (the first cell's link text)."""
    body = page.split('<table class="table candidates"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr\b[^>]*data-step.*?</tr>", body, re.S):
        name = re.search(r'<a href="/candidates/\d+/">([^<]*)</a>', row).group(1)
        rows[html.unescape(name)] = row
    return rows


def _total(page: str) -> int:
    return int(re.search(r'data-testid="total">(\d+)', page).group(1))


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


@pytest.fixture
def probation(tree, monkeypatch):
    """At the school: a member admitted on 30/09/2024 not yet recognized (recognition overdue
    on LATE_DAY), one admitted the same day and recognized, and a candidate on the road."""
    monkeypatch.setattr("common.clock.today", lambda: LATE_DAY)
    overdue = walk(make_candidate(tree.school, full_name="Chưa Công Nhận", date_of_birth=D(2002, 2, 2)))
    admission = services.admission_record(candidate=overdue, ceremony_date=D(2024, 9, 30), user=None, today=TODAY)
    done = walk(make_candidate(tree.school, full_name="Đã Công Nhận", date_of_birth=D(2003, 3, 3)))
    recognized = services.admission_record(candidate=done, ceremony_date=D(2024, 9, 30), user=None, today=TODAY)
    services.admission_recognize(
        admission=recognized, on_date=D(2025, 10, 20), decision_number="5-QĐ/ĐU", user=None, today=LATE_DAY
    )
    make_candidate(tree.school, full_name="Mới Tạo Nguồn", date_of_birth=D(2004, 4, 4))
    admission.refresh_from_db()
    assert admission.recognition_due < LATE_DAY
    return admission


def test_a_member_whose_recognition_is_overdue_shows_that_deadline_and_days_late(client_for, tree, probation):
    client = client_for("clerk")
    late = (LATE_DAY - probation.recognition_due).days
    badge = f'data-days-late="{late}"'
    # The overdue filter counts only the rows it shows late, with their deadline.
    page = client.get(_list(tree.school), {"overdue": "on"}).content.decode()
    rows = _rows(page)
    assert set(rows) == {"Chưa Công Nhận"} and _total(page) == 1
    assert _fmt(probation.recognition_due) in rows["Chưa Công Nhận"]
    assert badge in rows["Chưa Công Nhận"] and f"trễ {late} ngày" in rows["Chưa Công Nhận"]
    # The whole list too; a recognized member has no deadline left, nor a candidate with no step due.
    rows = _rows(client.get(_list(tree.school)).content.decode())
    assert _fmt(probation.recognition_due) in rows["Chưa Công Nhận"] and badge in rows["Chưa Công Nhận"]
    assert "data-days-late" not in rows["Đã Công Nhận"] and "data-days-late" not in rows["Mới Tạo Nguồn"]
    # And the alerts, with the same deadline and days.
    page = client.get(reverse("admissions:alerts", kwargs={"org_pk": tree.school.pk})).content.decode()
    section = page.split('data-alert="recognition"', 1)[1].split("</section>", 1)[0]
    assert "Chưa Công Nhận" in section and _fmt(probation.recognition_due) in section and badge in section


def test_the_list_sorts_on_the_deadline_it_shows(client_for, tree, probation):
    on_road = make_candidate(tree.school, full_name="Trễ Quyết Định", date_of_birth=D(2001, 1, 1))
    on_road = walk(on_road, until=Step.CELL_RESOLUTION)
    assert on_road.due_on < probation.recognition_due
    page = client_for("clerk").get(_list(tree.school), {"sort": "due_on", "overdue": "on"}).content.decode()
    assert list(_rows(page)) == ["Trễ Quyết Định", "Chưa Công Nhận"]


def test_every_row_the_demos_overdue_filter_counts_shows_its_deadline_and_days_late(reorganized_demo, client):
    """Đảng ủy xã Đơn Dương of the reorganized demo: its overdue list holds a member whose
    recognition is late besides candidates on the road; each row shows its deadline and days late."""
    today = timezone.localdate()
    client.force_login(get_user_model().objects.get(username="donduong.kehoach"))
    commune = Organization.objects.get(name="Đảng ủy xã Đơn Dương")
    page = client.get(_list(commune), {"overdue": "on"}).content.decode()
    rows = _rows(page)
    assert len(rows) == _total(page) > 0
    late_members = Admission.objects.filter(candidate__full_name__in=rows, recognized_on__isnull=True)
    assert late_members.exists()
    for admission in late_members.select_related("candidate"):
        late = (today - admission.recognition_due).days
        assert _fmt(admission.recognition_due) in rows[admission.candidate.full_name]
        assert f'data-days-late="{late}"' in rows[admission.candidate.full_name]
    for name, row in rows.items():
        assert re.search(r'data-days-late="[1-9]\d*"', row), name


# --- a merged commune ------------------------------------------------------------------

MERGER = D(2025, 5, 1)


@pytest.fixture
def merged(tree, monkeypatch):
    """Đảng bộ xã Ka Đô with a candidate on the road and a member it admitted, merged into
    the enterprise's committee on 01/05/2025: the candidate goes on there, the member stays."""
    monkeypatch.setattr("common.clock.today", lambda: TODAY)
    make_candidate(tree.commune, full_name="Đang Bồi Dưỡng", date_of_birth=D(2001, 1, 1))
    member = walk(make_candidate(tree.commune, full_name="Đã Kết Nạp", date_of_birth=D(2002, 2, 2)))
    services.admission_record(candidate=member, ceremony_date=D(2024, 9, 30), user=None, today=TODAY)
    takes_cells(tree.enterprise)
    tree.commune.refresh_from_db()
    organization_merge(source=tree.commune, target=tree.enterprise, on_date=MERGER, today=TODAY, user=None)
    tree.commune.refresh_from_db()
    assert Candidate.objects.get(full_name="Đang Bồi Dưỡng").organization == tree.enterprise
    assert Candidate.objects.get(full_name="Đã Kết Nạp").outcome == Outcome.ADMITTED
    return tree.commune


def _note(page: str) -> str:
    match = re.search(r'data-testid="merged">(.*?)</li>', page, re.S)
    assert match, "no note of the merger"
    return match.group(1)


def test_a_merged_communes_list_says_where_its_files_went_and_lists_what_it_holds(client_for, tree, merged):
    page = client_for("district_planner").get(_list(merged)).content.decode()
    note = _note(page)
    successor_list = _list(tree.enterprise)
    assert "01/05/2025" in note and f'<a href="{successor_list}">Chi bộ Công ty TNHH Đồng Thúy</a>' in note
    assert "đã được bàn giao cho tổ chức đó ngay trong ngày" in note
    assert set(_rows(page)) == {"Đã Kết Nạp"} and _total(page) == 1
    # The successor's list holds the candidate handed over, and no such note.
    successor_page = client_for("district_planner").get(successor_list).content.decode()
    assert "Đang Bồi Dưỡng" in _rows(successor_page) and 'data-testid="merged"' not in successor_page


def test_the_successor_is_named_without_a_link_for_a_reader_who_may_not_open_its_list(client, tree, merged):
    reader = get_user_model().objects.create_user(username="kado.planner", password="x")
    Membership.objects.create(user=reader, organization=merged, role=Role.PLANNER)
    client.force_login(reader)
    note = _note(client.get(_list(merged)).content.decode())
    assert "Chi bộ Công ty TNHH Đồng Thúy" in note and "<a " not in note
    assert client.get(_list(tree.enterprise)).status_code == 404


@pytest.mark.parametrize("tab", ["board", "alerts"])
def test_the_board_and_alerts_of_a_merged_commune_say_it_too(client_for, tree, merged, tab):
    text = client_for("district_planner").get(reverse(f"admissions:{tab}", kwargs={"org_pk": merged.pk})).text
    assert "Chi bộ Công ty TNHH Đồng Thúy" in _note(text)


# --- certificates ----------------------------------------------------------------------


def test_an_expired_certificate_shows_its_days_late_on_the_alerts(client_for, tree, monkeypatch, settings):
    """The awareness-class certificate is valid CERTIFICATE_VALID_MONTHS (60) months: one of
    01/03/2020 ran out after 01/03/2025, 121 days before 30/06/2025; one of 15/07/2020 is
    still valid (it expires within the alert window): no days late."""
    monkeypatch.setattr("common.clock.today", lambda: TODAY)
    assert settings.ADMISSION_RULES["CERTIFICATE_VALID_MONTHS"] == 60
    for name, certificate_on in [("Hết Hạn Giấy", D(2020, 3, 1)), ("Sắp Hết Hạn", D(2020, 7, 15))]:
        road = [(Step.CLASS, certificate_on, "GCN-1"), (Step.HELPERS, certificate_on + dt.timedelta(days=30), "")]
        candidate = make_candidate(tree.school, full_name=name, source_date=D(2020, 1, 6))
        walk(candidate, until=Step.HELPERS, road=road)
    response = client_for("clerk").get(reverse("admissions:alerts", kwargs={"org_pk": tree.school.pk}))
    rows = {c.full_name: c for c in response.context["alerts"]["certificates"]["rows"]}
    assert set(rows) == {"Hết Hạn Giấy", "Sắp Hết Hạn"}
    assert (rows["Hết Hạn Giấy"].days_late, rows["Sắp Hết Hạn"].days_late) == (121, 0)
    section = response.content.decode().split('data-alert="certificates"', 1)[1].split("</section>", 1)[0]
    assert 'data-days-late="121">121<' in section
