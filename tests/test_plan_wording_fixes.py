"""How plans and quotas read to a board: the membership-share sentence, a milestone's label
and kind, an amended plan's print, and the allocation grid's category sums with the rows
the reader cannot see."""

import datetime as dt
import io
import re
from decimal import Decimal
from io import StringIO

import docx
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from organizations.models import Membership, Organization, Role
from organizations.services import organization_move
from quotas import document, services
from quotas.models import Milestone, MilestoneKind, Plan, Rule, RuleKind
from quotas.sentences import rule_sentence

from .conftest import TODAY

D = dt.date


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("common.clock.today", lambda: TODAY)


@pytest.fixture
def plan(tree):
    return services.plan_create(
        issuer=tree.district, title="Kế hoạch phát triển đảng viên năm 2025", symbol="KH/HU", first_year=2025
    )


@pytest.fixture
def issued(plan):
    services.rule_create(plan=plan, today=TODAY, kind=RuleKind.COUNT, min_count=12)
    services.plan_issue(plan=plan, number="12", issued_on=D(2025, 1, 6), today=TODAY)
    return plan


def _text(response) -> str:
    """A page's text, tags dropped and spaces folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


# --- the membership-share sentence ----------------------------------------------------------


def test_the_membership_share_sentence_says_compared_with_the_members(tree, plan):
    rule = Rule(plan=plan, kind=RuleKind.SHARE_OF_MEMBERSHIP, target=tree.district, min_percent=Decimal("3"))
    assert rule_sentence(rule) == (
        "Phấn đấu Huyện ủy Đơn Dương kết nạp đảng viên mới đạt từ 3% trở lên so với tổng số đảng viên đầu năm"
    )
    rule.min_percent, rule.max_percent = Decimal("3"), Decimal("4")
    assert "đạt từ 3% đến 4% so với tổng số đảng viên đầu năm" in rule_sentence(rule)


def test_the_rule_form_explains_the_membership_share_with_so_voi(client_for, plan):
    page = _text(client_for("district_planner").get(reverse("quotas:rule_create", args=[plan.pk])))
    assert "đạt ít nhất X% so với tổng số đảng viên đầu năm" in page


# --- a milestone: what is due, and its kind --------------------------------------------------


def test_the_milestone_form_asks_what_is_due_not_a_trich_yeu(client_for, plan):
    client = client_for("district_planner")
    page = _text(client.get(reverse("quotas:milestone_create", args=[plan.pk])))
    assert "Nội dung mốc" in page and "Trích yếu" not in page
    assert str(Milestone._meta.get_field("title").verbose_name) == "nội dung mốc"
    # The plan's own title is its trích yếu: that label stays.
    assert "Trích yếu" in _text(client.get(reverse("quotas:edit", args=[plan.pk])))


def test_a_milestone_takes_the_kind_its_words_say_or_the_one_chosen(client_for, plan):
    dossiers = services.milestone_create(
        plan=plan,
        title="Hoàn tất hồ sơ kết nạp Đảng theo chỉ tiêu được giao, gửi Ban Tổ chức Thành ủy",
        due_on=D(2025, 10, 31),
        recurrence="once",
        today=TODAY,
    )
    report = services.milestone_create(
        plan=plan, title="Báo cáo kết quả triển khai Kế hoạch", due_on=D(2025, 3, 5), recurrence="once", today=TODAY
    )
    assert (dossiers.kind, report.kind) == (MilestoneKind.DOSSIERS, MilestoneKind.REPORT)
    response = client_for("district_planner").post(
        reverse("quotas:milestone_create", args=[plan.pk]),
        {"title": "Tổ chức lớp bồi dưỡng nhận thức về Đảng", "kind": "other", "due_on": "15/08/2025"}
        | {"recurrence": "once", "responsible": ""},
    )
    assert response.status_code == 302
    assert plan.milestones.get(title__startswith="Tổ chức lớp").kind == MilestoneKind.OTHER
    copy = services.plan_copy_to_year(plan=plan, year=2026)
    assert sorted(copy.milestones.values_list("kind", flat=True)) == ["dossiers", "other", "report"]


def test_the_plan_page_and_the_home_page_show_each_milestone_as_its_kind(client_for, issued, monkeypatch):
    for title, due_on in (
        ("Hoàn tất hồ sơ kết nạp Đảng, gửi Ban Tổ chức Huyện ủy", D(2025, 7, 20)),
        ("Báo cáo kết quả thực hiện 6 tháng", D(2025, 7, 10)),
    ):
        services.milestone_create(
            plan=issued, title=title, due_on=due_on, recurrence="once", today=TODAY, reason="Bổ sung mốc"
        )
    client = client_for("district_planner")
    page = client.get(reverse("quotas:detail", args=[issued.pk])).content.decode()
    rows = re.findall(r'<tr data-testid="milestone" data-kind="(\w+)">(.*?)</tr>', page, re.S)
    assert [(kind, " ".join(re.sub(r"<[^>]+>", " ", row).split())) for kind, row in rows] == [
        ("report", "10/07/2025 Báo cáo kết quả thực hiện 6 tháng Báo cáo Một lần"),
        ("dossiers", "20/07/2025 Hoàn tất hồ sơ kết nạp Đảng, gửi Ban Tổ chức Huyện ủy Hồ sơ kết nạp Một lần"),
    ]
    monkeypatch.setattr("partyplans.views.timezone.localdate", lambda: TODAY)
    home = client.get("/").content.decode()
    due = re.findall(r'<tr data-testid="milestone-due" data-kind="(\w+)">(.*?)</tr>', home, re.S)
    assert [(kind, _cells(row)[1:3]) for kind, row in due] == [
        ("report", ["Báo cáo kết quả thực hiện 6 tháng", "Báo cáo"]),
        ("dossiers", ["Hoàn tất hồ sơ kết nạp Đảng, gửi Ban Tổ chức Huyện ủy", "Hồ sơ kết nạp"]),
    ]


def _cells(row: str) -> list[str]:
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]


# --- an amended plan's print ---------------------------------------------------------------------


def _docx_lines(content: bytes) -> list[str]:
    return [" ".join(p.text.split()) for p in docx.Document(io.BytesIO(content)).paragraphs]


def test_an_amended_plan_prints_its_amendments_under_the_subject(client_for, issued, tree):
    rule = issued.rules.get()
    services.rule_update(rule=rule, version=rule.version, today=D(2025, 3, 15), reason="Tăng chỉ tiêu.", min_count=15)
    table = services.rule_create(
        plan=issued, today=D(2025, 5, 2), reason="Bổ sung bảng phân bổ", kind=RuleKind.ALLOCATION, min_count=15
    )
    services.allocation_set(
        rule=table, rows=[services.RowInput(tree.school.pk, 3, {})], today=D(2025, 5, 2), reason="Bổ sung bảng phân bổ"
    )
    expected = [
        "(Sửa đổi, bổ sung ngày 15/03/2025: Tăng chỉ tiêu)",
        "(Sửa đổi, bổ sung ngày 02/05/2025: Bổ sung bảng phân bổ)",
    ]
    doc = document.plan_document(Plan.objects.select_related("issuer").get(pk=issued.pk))
    assert doc.amended == expected
    lines = doc.lines()
    assert lines[lines.index(doc.subject) + 1 : lines.index(doc.subject) + 3] == expected
    assert "Số 12-KH/HU" in lines  # the number and the date of issue stay the plan's own
    client = client_for("district_planner")
    printed = _docx_lines(client.get(reverse("quotas:print", args=[issued.pk, "docx"])).content)
    assert printed[printed.index(doc.subject) + 1 : printed.index(doc.subject) + 3] == expected
    html = document.render_pdf_html(doc)
    assert all(f'<p class="amended">{line}</p>' in html for line in expected)


def test_a_plan_never_amended_or_only_closed_prints_no_amendment(issued):
    doc = document.plan_document(Plan.objects.select_related("issuer").get(pk=issued.pk))
    assert doc.amended == [] and not any("Sửa đổi" in line for line in doc.lines())
    services.plan_close(plan=issued, today=D(2025, 9, 1), reason="Hết hiệu lực")
    doc = document.plan_document(Plan.objects.select_related("issuer").get(pk=issued.pk))
    assert doc.amended == []  # closing it changes nothing the document says


# --- the allocation grid's category sums -----------------------------------------------------------


@pytest.fixture
def table(plan):
    return services.rule_create(plan=plan, today=TODAY, kind=RuleKind.ALLOCATION, min_count=10)


def _sums(page: str) -> list[str]:
    return re.findall(r'data-sum="\d+"[^>]*>(\d+)<', page)


def test_the_category_sums_count_the_rows_the_reader_cannot_see(client_for, plan, table, tree):
    services.allocation_set(
        rule=table,
        rows=[
            services.RowInput(tree.school.pk, 3, {"pupil": 2}),
            services.RowInput(tree.commune.pk, 9, {"pupil": 1}),
        ],
        today=TODAY,
    )
    organization_move(organization=tree.school, new_parent=tree.city, on_date=TODAY, today=TODAY)
    page = client_for("district_planner").get(reverse("quotas:allocations", args=[plan.pk, table.pk])).text
    assert tree.school.name not in page
    assert 'data-hidden="3" data-testid="allocated">12<' in page
    # Pupils: 1 in the commune's row, 2 in the school's hidden one; as the total counts it.
    assert _sums(page)[0] == "3" and 'data-sum="0" data-hidden="2">3<' in page
    assert re.findall(r'data-testid="hidden-sum">(\d*)<', page)[0] == "2"


def test_the_demo_grid_of_don_duong_sums_its_pupils_alike_for_the_district_and_the_province(client, seeded_demo):
    from devdata import reorganization as demo

    demo.seed_reorganized(StringIO(), today=timezone.localdate())
    district = Organization.objects.get(code="LD.DD")
    rule = Rule.objects.filter(kind=RuleKind.ALLOCATION, plan__issuer=district).order_by("-plan__first_year").first()
    url = reverse("quotas:allocations", args=[rule.plan.pk, rule.pk])
    seen = {}
    for username in ("donduong.kehoach", "tinh.kehoach"):
        client.force_login(get_user_model().objects.get(username=username))
        page = client.get(url).text
        assert ('data-testid="hidden-rows"' in page) == (username == "donduong.kehoach")
        seen[username] = (re.search(r'data-testid="allocated">(\d+)<', page).group(1), _sums(page))
    assert seen["donduong.kehoach"] == seen["tinh.kehoach"]
    assert int(seen["tinh.kehoach"][1][0]) > 0  # the pupils of the table's "(01 HS)"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_live_category_sum_keeps_the_rows_the_planner_cannot_see(page, live_server, tree):
    user = get_user_model().objects.create_user(username="bt.wording", password="browser-pass-3")
    Membership.objects.create(user=user, organization=tree.district, role=Role.PLANNER)
    plan = services.plan_create(issuer=tree.district, title="Kế hoạch năm 2025", symbol="KH/HU", first_year=2025)
    services.rule_create(plan=plan, today=TODAY, kind=RuleKind.COUNT, min_count=10)
    table = services.rule_create(plan=plan, today=TODAY, kind=RuleKind.ALLOCATION, min_count=10)
    services.plan_issue(plan=plan, number="12", issued_on=TODAY, today=TODAY)
    services.allocation_set(
        rule=table, rows=[services.RowInput(tree.school.pk, 3, {"pupil": 2})], today=TODAY, reason="Phân bổ"
    )
    organization_move(organization=tree.school, new_parent=tree.city, on_date=TODAY, today=TODAY)
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "bt.wording")
    page.fill("#id_password", "browser-pass-3")
    page.locator("form button[type=submit].primary").click()
    page.goto(f"{live_server.url}/plans/{plan.pk}/rules/{table.pk}/allocations/")
    expect(page.locator("[data-sum='0']")).to_have_text("2")
    commune = page.locator(f"tr[data-org='{tree.commune.code}']")
    commune.locator("input.total").fill("9")
    commune.locator("input.sub[data-category=pupil]").fill("1")
    expect(page.get_by_test_id("allocated")).to_have_text("12")
    expect(page.locator("[data-sum='0']")).to_have_text("3")
