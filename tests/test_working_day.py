"""Issue 17, "Forms and lists" and the clerk's start page: names instead of codes in the choices,
no demo provenance on the pages, a committee's page without the lines that mean nothing for it,
the candidates on the road before those who left, and this month's deadlines for the clerk."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from admissions import home as admissions_home
from admissions import services
from admissions.forms import CandidateCreateForm
from admissions.models import DEMO_NOTE, Candidate, Outcome, Step
from common.text import join_note, split_note
from organizations.models import Organization, OrgForm, Sector
from organizations.services import member_count_record, organization_create
from quotas import services as quota_services
from quotas.models import RuleKind

from .admissions_helpers import TODAY, make_candidate, walk

D = dt.date


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("partyplans.views.timezone.localdate", lambda: TODAY)
    monkeypatch.setattr("common.clock.today", lambda: TODAY)


def _options(html: str) -> list[str]:
    return [label.strip() for label in re.findall(r"<option[^>]*>([^<]*)</option>", html)]


# Wording: organizations by name, never by code


def test_organization_choices_show_names_and_the_parent_where_names_repeat(tree):
    tree.district.refresh_from_db()
    twin = organization_create(
        parent=tree.district,
        code="LD.DD.TP",
        name=tree.city_school.name,  # "Chi bộ Trường THPT Trần Phú", also under Đà Lạt
        form=OrgForm.GRASSROOTS_CELL,
        sector=Sector.HIGH_SCHOOL,
    )
    form = CandidateCreateForm(organizations=Organization.objects.order_by("path"))
    labels = _options(str(form["organization"]))
    assert not [label for label in labels if "(LD." in label or "LD." in label]
    assert "Chi bộ Trường THPT Đơn Dương" in labels
    assert f"{twin.name} — Huyện ủy Đơn Dương" in labels
    assert f"{twin.name} — Thành ủy Đà Lạt" in labels


def test_the_new_candidate_page_lists_cells_without_codes(client_for, tree):
    html = client_for("admin").get(reverse("admissions:create", args=[tree.province.pk])).text
    labels = _options(html)
    assert "Chi bộ Thôn Ka Đô Mới" in labels
    assert not [label for label in labels if "(LD" in label]


# Wording: the demo's provenance stays in the data, not on the pages


def test_the_demo_markers_of_a_candidate_stay_in_the_data_not_on_the_page(client_for, tree):
    stored = f"{DEMO_NOTE} [minh họa năm 2025: dtr-3]"
    person = make_candidate(tree.school, full_name="Nguyễn Văn Minh Họa", notes=stored)
    client = client_for("clerk")
    page = client.get(reverse("admissions:detail", args=[person.pk])).text
    assert "[minh họa" not in page and DEMO_NOTE not in page
    assert "dữ liệu minh họa" in page.lower()  # the source badge, as on an invented organization's page
    assert 'data-testid="notes"' not in page  # nothing else to note

    # The edit form shows what a user wrote, and saving keeps the markers.
    Candidate.objects.filter(pk=person.pk).update(notes=f"{stored} Thích thể thao")
    edit = client.get(reverse("admissions:edit", args=[person.pk])).text
    assert "[minh họa" not in edit and "Thích thể thao" in edit
    form = {
        "full_name": person.full_name,
        "date_of_birth": "2005-05-10",
        "gender": "female",
        "ethnicity": "Kinh",
        "education": "upper_secondary",
        "category": "pupil",
        "introduced_by": "youth_union",
        "notes": "Thích bóng đá",
    }
    assert client.post(reverse("admissions:edit", args=[person.pk]), form).status_code == 302
    person.refresh_from_db()
    assert person.notes == f"{stored} Thích bóng đá"
    page = client.get(reverse("admissions:detail", args=[person.pk])).text
    assert "Thích bóng đá" in page and "[minh họa" not in page


def test_a_plans_seed_reference_is_not_shown(client_for, tree):
    plan = quota_services.plan_create(
        issuer=tree.district,
        title="Kế hoạch năm",
        symbol="KH/HU",
        first_year=2025,
        note="Ban hành tháng 01/2025; số và ngày không ghi trong văn bản (seed 003).",
    )
    page = client_for("district_planner").get(reverse("quotas:detail", args=[plan.pk])).text
    assert "(seed" not in page
    assert "số và ngày không ghi trong văn bản." in page


def test_split_note_gives_back_the_stored_note():
    stored = f"{DEMO_NOTE} [minh họa năm 2026: ka-do-2]"
    shown, hidden = split_note(f"{stored} Con liệt sĩ", (DEMO_NOTE,))
    assert shown == "Con liệt sĩ" and join_note(shown, hidden) == f"{stored} Con liệt sĩ"
    assert split_note("Có phân bổ chi tiết (mục II.1) (seed 001).") == ("Có phân bổ chi tiết (mục II.1).", "(seed 001)")
    assert split_note("Ghi chú thường (số minh họa)") == ("Ghi chú thường (số minh họa)", "")


def test_the_implementing_plan_menu_does_not_read_cut_off(client_for, tree):
    parent = quota_services.plan_create(issuer=tree.province, title="Kế hoạch tỉnh", symbol="KH/TU", first_year=2025)
    quota_services.rule_create(plan=parent, today=TODAY, kind=RuleKind.COUNT, min_count=100)
    quota_services.plan_issue(plan=parent, number="97", issued_on=D(2025, 1, 10), today=TODAY)
    page = client_for("admin").get(reverse("quotas:detail", args=[parent.pk])).text
    assert "implement-menu" in page
    assert "thực hiện cho…" not in page
    assert "Xây dựng kế hoạch thực hiện ▾" in page and "Tổ chức nào xây dựng kế hoạch thực hiện?" in page


# The page of a committee above the grassroots


def test_a_committee_page_sums_its_grassroots_members_and_has_no_sector_line(client_for, tree):
    client = client_for("district_planner")
    page = client.get(reverse("organizations:detail", args=[tree.district.pk])).text
    assert 'data-testid="sector"' not in page
    assert "chưa nhập" not in page
    # Of the three grassroots organizations below, only the school has a count (27); the village
    # cell's 8 is a cell of the commune, not a grassroots organization.
    members = re.search(r'data-testid="members">(\d+)', page)
    assert members and members.group(1) == "27"
    assert "1/3" in page
    school = client.get(reverse("organizations:detail", args=[tree.school.pk])).text
    assert 'data-testid="sector">Trường THPT' in school
    assert re.search(r'data-testid="members">27 ', school)


def test_a_committee_page_adds_the_cells_standing_directly_under_it(client_for, tree):
    direct = organization_create(
        parent=tree.district, code="LD.DD.03", name="Chi bộ Cơ quan", form=OrgForm.CELL, sector=Sector.AGENCY
    )
    member_count_record(organization=direct, as_of=dt.date(2025, 1, 1), members=9)
    page = client_for("district_planner").get(reverse("organizations:detail", args=[tree.district.pk])).text
    assert re.search(r'data-testid="members">36 ', page)  # the school's 27 and the cell's 9
    assert "tổng của 2/4 tổ chức cơ sở đảng và chi bộ trực thuộc" in page


def test_a_committee_without_any_count_below_shows_no_member_line(client_for, tree):
    page = client_for("admin").get(reverse("organizations:detail", args=[tree.city.pk])).text
    assert 'data-testid="members"' not in page and "chưa nhập" not in page


# The candidate list


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr[^>]*data-outcome="(\w+)"', html)


def test_candidates_on_the_road_come_first_and_those_who_moved_away_last(client_for, tree):
    moved = make_candidate(tree.school, full_name="An Đã Chuyển Đi", date_of_birth=D(2005, 1, 1))
    services.candidate_withdraw(
        candidate=moved, outcome=Outcome.MOVED_AWAY, on_date=D(2025, 3, 1), reason="chuyển", user=None, today=TODAY
    )
    make_candidate(tree.school, full_name="Yến Đang Bồi Dưỡng", date_of_birth=D(2005, 2, 2))
    make_candidate(tree.school, full_name="Bình Đang Bồi Dưỡng", date_of_birth=D(2005, 3, 3))
    html = client_for("clerk").get(reverse("admissions:list", args=[tree.school.pk])).text
    assert _rows(html) == ["in_progress", "in_progress", "moved_away"]
    names = re.findall(r'<a href="/candidates/\d+/">([^<]+)</a>', html)
    assert names == ["Bình Đang Bồi Dưỡng", "Yến Đang Bồi Dưỡng", "An Đã Chuyển Đi"]
    assert re.search(r'data-outcome="moved_away" class="ended', html)
    # The filter still finds them in one click.
    only = client_for("clerk").get(reverse("admissions:list", args=[tree.school.pk]), {"outcome": "moved_away"}).text
    assert _rows(only) == ["moved_away"]


def test_one_cells_list_names_the_cell_in_the_heading_not_on_every_row(client_for, tree):
    make_candidate(tree.school, full_name="Nguyễn Thị Ví Dụ")
    make_candidate(tree.enterprise, full_name="Trần Văn Công Ty", date_of_birth=D(2001, 1, 1))
    client = client_for("admin")
    cell = client.get(reverse("admissions:list", args=[tree.school.pk])).text
    assert "Chi bộ bồi dưỡng" not in cell
    assert "<h1>Quần chúng ưu tú của Chi bộ Trường THPT Đơn Dương</h1>" in cell
    district = client.get(reverse("admissions:list", args=[tree.district.pk])).text
    assert "Chi bộ bồi dưỡng" in district


def test_the_filters_fold_behind_one_button(client_for, tree):
    html = client_for("clerk").get(reverse("admissions:list", args=[tree.school.pk]), {"step": "1"}).text
    assert re.search(r'<details class="filter-fold"[^>]*>\s*<summary class="button">Bộ lọc', html)
    assert '<span class="badge info">1</span>' in html  # one filter in use


# The clerk's start page: this month's deadlines


@pytest.fixture
def due(tree):
    """Deadlines around TODAY (30/06/2025): late, today, within the window, after it, and one who left."""
    rows = {}
    for name, day, step in [
        ("Trễ Quyết Định", D(2025, 6, 10), Step.CELL_RESOLUTION),
        ("Đến Hạn Hôm Nay", D(2025, 6, 30), Step.DECISION),
        ("Còn Mười Ngày", D(2025, 7, 10), Step.CELL_RESOLUTION),
        ("Tháng Sau Nữa", D(2025, 9, 1), Step.CELL_RESOLUTION),
        ("Trễ Từ Năm Ngoái", D(2024, 10, 1), Step.CELL_RESOLUTION),
    ]:
        person = make_candidate(tree.school, full_name=name, date_of_birth=D(2004, 1, 1) + dt.timedelta(days=len(rows)))
        walk(person, until=step)
        Candidate.objects.filter(pk=person.pk).update(due_on=day)
        rows[name] = person
    left = make_candidate(tree.school, full_name="Đã Rút Tên", date_of_birth=D(2003, 3, 3))
    services.candidate_withdraw(
        candidate=left, outcome=Outcome.WITHDRAWN, on_date=D(2025, 3, 1), reason="", user=None, today=TODAY
    )
    Candidate.objects.filter(pk=left.pk).update(due_on=D(2025, 6, 20))
    return rows


def test_the_clerk_sees_this_months_deadlines_with_days_left_or_late_and_a_link_to_act(client_for, tree, due):
    html = client_for("clerk").get("/").text
    table = html[html.index('data-testid="deadlines"') :]
    table = table[: table.index("</table>")]
    assert re.findall(r"<a href=\"/candidates/\d+/\">([^<]+)</a>", table) == [
        "Trễ Quyết Định",
        "Đến Hạn Hôm Nay",
        "Còn Mười Ngày",
    ]
    assert 'data-days-left="-20"' in table and "trễ 20 ngày" in table
    assert 'data-days-left="0"' in table and "hôm nay" in table
    assert 'data-days-left="10"' in table and "còn 10 ngày" in table
    assert reverse("admissions:advance", args=[due["Trễ Quyết Định"].pk]) in table
    assert reverse("admissions:admit", args=[due["Đến Hạn Hôm Nay"].pk]) in table


def test_nothing_due_says_so(client_for, tree):
    html = client_for("clerk").get("/").text
    assert 'data-testid="no-deadlines"' in html


def test_the_clerks_section_takes_a_fixed_number_of_queries(tree, users, due):
    request = RequestFactory().get("/")
    request.user = users.clerk

    def section_queries():
        request.user = type(users.clerk).objects.get(pk=users.clerk.pk)  # no scope cached between runs
        with CaptureQueriesContext(connection) as queries:
            template, context = admissions_home.section(request, TODAY)
            assert len(context["deadlines"]) >= 3
        return len(queries)

    few = section_queries()
    for i in range(15):
        born = D(2000, 1, 1) + dt.timedelta(i)
        person = make_candidate(tree.school, full_name=f"Thêm Người {i:02d}", date_of_birth=born)
        walk(person, until=Step.CELL_RESOLUTION)
        Candidate.objects.filter(pk=person.pk).update(due_on=D(2025, 7, 1) + dt.timedelta(i))
    many = section_queries()
    assert many == few <= 8
    _template, context = admissions_home.section(request, TODAY)
    assert len(context["deadlines"]) == 10 and context["more_deadlines"]
