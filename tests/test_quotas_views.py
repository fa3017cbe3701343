"""Plan pages, the rule editor, the allocation grid and its import, through the views."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from admissions.categories import Category
from organizations.services import organization_move
from quotas import services
from quotas.imports import parse_notation
from quotas.models import Allocation, Plan, PlanAmendment, PlanStatus, RuleKind

from .conftest import TODAY


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("common.clock.today", lambda: TODAY)


@pytest.fixture
def plan(tree):
    return services.plan_create(
        issuer=tree.district, title="Kế hoạch 2025", symbol="KH/HU", first_year=2025, last_year=2025
    )


@pytest.fixture
def table(plan):
    return services.rule_create(plan=plan, today=TODAY, kind=RuleKind.ALLOCATION, min_count=10)


def xlsx(rows, header=("STT", "TCCSĐ", "CHỈ TIÊU")):
    book = Workbook()
    sheet = book.active
    sheet.append(["PHÂN BỔ CHỈ TIÊU PHÁT TRIỂN ĐẢNG NĂM 2025"])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "phan-bo.xlsx"
    return buffer


def test_planner_creates_a_plan_adds_a_rule_and_issues_it(client_for, tree):
    client = client_for("district_planner")
    response = client.post(
        reverse("quotas:create", args=[tree.district.pk]),
        {"title": "Kế hoạch phát triển đảng viên năm 2025", "symbol": "KH/HU", "first_year": 2025, "last_year": 2025},
    )
    plan = Plan.objects.get()
    assert response.status_code == 302 and plan.created_by.username == "district_planner"
    response = client.post(
        reverse("quotas:rule_create", args=[plan.pk]),
        {
            "kind": "count",
            "applies_to_each": "on",
            "org_forms": ["grassroots_cell"],
            "sectors": ["high_school"],
            "category": "pupil",
            "min_count": 1,
            "is_soft": "on",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("quotas:detail", args=[plan.pk])).content.decode()
    assert "Phấn đấu mỗi chi bộ cơ sở trường THPT kết nạp ít nhất 01 học sinh" in page
    response = client.post(reverse("quotas:issue", args=[plan.pk]), {"number": "12", "issued_on": "2025-01-15"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ISSUED and plan.reference == "12-KH/HU"


def test_the_rule_editor_shows_errors_in_vietnamese_and_saves_nothing(client_for, plan, tree):
    response = client_for("district_planner").post(
        reverse("quotas:rule_create", args=[plan.pk]),
        {"kind": "count", "min_count": 10, "max_count": 5},
    )
    assert response.status_code == 200
    assert "“Tối đa” không được nhỏ hơn “tối thiểu”." in response.content.decode()
    assert not plan.rules.exists()


def test_the_rule_editor_offers_only_organizations_inside_the_issuer(client_for, plan, tree):
    response = client_for("province_planner").post(
        reverse("quotas:rule_create", args=[plan.pk]),
        {"kind": "count", "min_count": 1, "target": tree.city_school.pk},
    )
    assert response.status_code == 200 and not plan.rules.exists()


def test_amending_an_issued_plan_asks_for_a_reason_and_shows_the_amendment(client_for, plan):
    rule = services.rule_create(plan=plan, today=TODAY, kind=RuleKind.COUNT, min_count=88)
    services.plan_issue(plan=plan, number="12", issued_on=TODAY, today=TODAY)
    client = client_for("district_planner")
    url = reverse("quotas:rule_edit", args=[plan.pk, rule.pk])
    data = {"kind": "count", "min_count": 90, "is_soft": "on", "version": rule.version}
    assert client.post(url, data).status_code == 200  # no reason
    assert not PlanAmendment.objects.exists()
    assert client.post(url, {**data, "reason": "Điều chỉnh theo Nghị quyết"}).status_code == 302
    page = client.get(reverse("quotas:detail", args=[plan.pk])).content.decode()
    assert "Điều chỉnh theo Nghị quyết" in page and "88" in page and "90" in page


def test_viewer_reads_the_plan_but_cannot_edit_it(client_for, plan, table):
    client = client_for("viewer")
    assert client.get(reverse("quotas:detail", args=[plan.pk])).status_code == 200
    page = client.get(reverse("quotas:allocations", args=[plan.pk, table.pk]))
    assert page.status_code == 200 and b'<input class="total"' not in page.content
    assert client.post(reverse("quotas:allocations", args=[plan.pk, table.pk]), {}).status_code == 403


def test_a_district_user_sees_the_issued_provincial_plan_but_not_its_drafts(client_for, tree):
    issued = services.plan_create(issuer=tree.province, title="97", symbol="KH/TU", first_year=2024)
    services.rule_create(plan=issued, today=TODAY, kind=RuleKind.COUNT, min_count=1)
    services.plan_issue(plan=issued, number="97", issued_on=dt.date(2023, 11, 8), today=TODAY)
    draft = services.plan_create(issuer=tree.province, title="nháp", symbol="KH/TU", first_year=2026)
    client = client_for("district_planner")
    assert client.get(reverse("quotas:detail", args=[issued.pk])).status_code == 200
    assert client.get(reverse("quotas:edit", args=[issued.pk])).status_code == 403
    assert client.get(reverse("quotas:detail", args=[draft.pk])).status_code == 404
    assert client_for("outsider").get(reverse("quotas:detail", args=[issued.pk])).status_code == 404
    page = client_for("district_planner").get(reverse("quotas:detail", args=[issued.pk])).content.decode()
    assert reverse("quotas:implement", args=[tree.district.pk, issued.pk]) in page


def test_bad_ids_are_404(client_for, plan, table):
    client = client_for("admin")
    assert client.get(reverse("quotas:detail", args=[999_999])).status_code == 404
    assert client.get(reverse("quotas:rule_edit", args=[plan.pk, 999_999])).status_code == 404
    rule = services.rule_create(plan=plan, today=TODAY, kind=RuleKind.COUNT, min_count=1)
    assert client.get(reverse("quotas:allocations", args=[plan.pk, rule.pk])).status_code == 404  # not a table


def test_wrong_method_is_405(client_for, plan):
    assert client_for("admin").post(reverse("quotas:detail", args=[plan.pk])).status_code == 405


# --- the allocation grid --------------------------------------------------------------


def _grid_post(tree, versions=None, reason="", **values):
    data = {"reason": reason}
    for key, org in (("school", tree.school), ("commune", tree.commune), ("enterprise", tree.enterprise)):
        data[f"total-{org.pk}"] = values.get(key, "")
        data[f"version-{org.pk}"] = (versions or {}).get(key, 0)
    data[f"sub-{tree.school.pk}-pupil"] = values.get("school_pupils", "")
    return data


def test_the_grid_saves_quotas_and_shows_the_sum_against_the_target(client_for, plan, table, tree):
    client = client_for("district_planner")
    url = reverse("quotas:allocations", args=[plan.pk, table.pk])
    response = client.post(url, _grid_post(tree, school=3, school_pupils=1, commune=9))
    assert response.status_code == 302
    rows = {a.organization_id: a.total for a in Allocation.objects.all()}
    assert rows == {tree.school.pk: 3, tree.commune.pk: 9}
    page = client.get(url).content.decode()
    assert 'data-testid="allocated">12<' in page and "+2" in page


def test_the_grid_says_how_many_allocated_rows_the_reader_cannot_see(client_for, plan, table, tree):
    services.allocation_set(
        rule=table,
        rows=[services.RowInput(tree.school.pk, 3, {}), services.RowInput(tree.commune.pk, 9, {})],
        today=TODAY,
    )
    organization_move(organization=tree.school, new_parent=tree.city, on_date=TODAY, today=TODAY)
    page = client_for("district_planner").get(reverse("quotas:allocations", args=[plan.pk, table.pk])).text
    assert tree.school.name not in page  # now under Đà Lạt: not the district planner's
    assert "1 tổ chức ngoài phạm vi của bạn (không hiển thị): 3" in page
    assert 'data-hidden="3" data-testid="allocated">12<' in page  # the total counts it


def test_the_grid_refuses_a_stale_save_and_keeps_what_the_user_typed(client_for, plan, table, tree):
    client = client_for("district_planner")
    url = reverse("quotas:allocations", args=[plan.pk, table.pk])
    client.post(url, _grid_post(tree, school=3))
    services.allocation_set(
        rule=table,
        rows=[services.RowInput(tree.school.pk, 4, {}, 1)],
        today=TODAY,  # another planner
    )
    response = client.post(url, _grid_post(tree, versions={"school": 1}, school=5))
    assert response.status_code == 409
    page = response.content.decode()
    assert 'value="5"' in page and "04" in page
    assert Allocation.objects.get().total == 4


def test_the_grid_rejects_unreadable_numbers(client_for, plan, table, tree):
    response = client_for("district_planner").post(
        reverse("quotas:allocations", args=[plan.pk, table.pk]), _grid_post(tree, school="ba")
    )
    assert response.status_code == 200 and not Allocation.objects.exists()


def test_list_query_count_does_not_grow_with_rows(client_for, tree):
    client = client_for("province_planner")
    url = reverse("quotas:list")
    services.plan_create(issuer=tree.district, title="a", symbol="KH/HU", first_year=2025)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(8):
        services.plan_create(issuer=tree.city, title=f"p{i}", symbol="KH/ThU", first_year=2020 + i)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_plan_page_query_count_does_not_grow_with_rules(client_for, plan, table, tree):
    client = client_for("district_planner")
    url = reverse("quotas:detail", args=[plan.pk])
    services.allocation_set(rule=table, rows=[services.RowInput(tree.school.pk, 3, {"pupil": 1})], today=TODAY)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(5):
        services.rule_create(plan=plan, today=TODAY, kind=RuleKind.COUNT, target=tree.school, min_count=1)
    services.allocation_set(rule=table, rows=[services.RowInput(tree.commune.pk, 3, {"pupil": 1})], today=TODAY)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


# --- import ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("03 (01 HS)", (3, {Category.PUPIL: 1})),
        ("09", (9, {})),
        (9, (9, {})),
        (" 3 (1 hs, 1 SV) ", (3, {Category.PUPIL: 1, Category.STUDENT: 1})),
    ],
)
def test_parse_the_appendix_notation(text, expected):
    assert parse_notation(text) == expected


@pytest.mark.parametrize("text", ["ba", "03 (01 XX)", "2 (3 HS)", "", "-1", 2.5])
def test_unreadable_notation_is_an_error(text):
    with pytest.raises(ValueError):
        parse_notation(text)


def test_import_the_appendix_table(client_for, plan, table, tree):
    upload = xlsx([("01", "Chi bộ Trường THPT Đơn Dương", "03 (01 HS)"), ("02", "LD.DD.KD", "09")])
    response = client_for("district_planner").post(
        reverse("quotas:allocation_import", args=[plan.pk, table.pk]), {"file": upload}
    )
    assert response.status_code == 302
    school = Allocation.objects.get(organization=tree.school)
    assert school.total == 3 and school.sub_quotas.get().category == Category.PUPIL
    assert Allocation.objects.get(organization=tree.commune).total == 9


def test_import_is_all_or_nothing_and_lists_every_bad_row(client_for, plan, table, tree):
    upload = xlsx(
        [
            ("01", "Chi bộ Trường THPT Đơn Dương", "03 (01 HS)"),
            ("02", "Chi bộ Trường THPT Trần Phú", "03"),
            ("03", "Đảng bộ xã Không Có", "04"),
            ("04", "Đảng bộ xã Ka Đô", "chín"),
        ]
    )
    response = client_for("district_planner").post(
        reverse("quotas:allocation_import", args=[plan.pk, table.pk]), {"file": upload}
    )
    page = response.content.decode()
    assert response.status_code == 200 and not Allocation.objects.exists()
    # Outside the subtree and unknown read the same (a file cannot probe what exists).
    assert "không tìm thấy tổ chức “Chi bộ Trường THPT Trần Phú” trong phạm vi của bạn" in page
    assert "không tìm thấy tổ chức “Đảng bộ xã Không Có” trong phạm vi của bạn" in page
    assert "chín" in page  # unreadable


def test_import_of_a_file_that_is_not_excel(client_for, plan, table):
    bad = io.BytesIO(b"not a workbook")
    bad.name = "x.xlsx"
    response = client_for("district_planner").post(
        reverse("quotas:allocation_import", args=[plan.pk, table.pk]), {"file": bad}
    )
    assert response.status_code == 200 and not Allocation.objects.exists()


def test_the_template_download_round_trips(client_for, plan, table, tree):
    services.allocation_set(rule=table, rows=[services.RowInput(tree.school.pk, 3, {"pupil": 1})], today=TODAY)
    response = client_for("district_planner").get(reverse("quotas:allocation_template", args=[plan.pk, table.pk]))
    assert response.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert ("01", "Chi bộ Trường THPT Đơn Dương", "03 (01 HS)") in list(sheet.iter_rows(values_only=True))


# --- demo and home ------------------------------------------------------------------------


def test_the_demo_holds_every_seed_rule(seeded_demo):
    call_command("seed_demo", stdout=io.StringIO())
    assert Plan.objects.count() == 5 + (timezone.localdate().year != 2025)  # + the demo copy for this year
    province = Plan.objects.get(number="97", symbol="KH/TU")
    assert province.issued_on == dt.date(2023, 11, 8) and province.rules.count() == 5
    duc_trong = Plan.objects.get(number="159")
    assert list(duc_trong.implements.all()) == [province] and duc_trong.rules.count() == 3
    da_lat = Plan.objects.get(issuer__code="LD.DL")
    assert list(da_lat.implements.all()) == [province]
    don_duong = Plan.objects.get(issuer__code="LD.DD", first_year=2025)
    table = don_duong.rules.get(kind=RuleKind.ALLOCATION)
    assert table.allocations.count() == 15 and sum(a.total for a in table.allocations.all()) == 91
    pupils = {a.organization.code for a in table.allocations.filter(sub_quotas__category="pupil")}
    assert pupils == {"LD.DD.THPT-DD", "LD.DD.THPT-HV", "LD.DD.THPT-LL", "LD.DD.THPT-PRO"}
    assert {r.kind for r in don_duong.rules.all()} == {"count", "allocation", "cell_size", "inactivity"}
    phan_rang = Plan.objects.get(issuer__code="NT.PR")
    assert phan_rang.rules.get(kind="count").min_count == 180 and phan_rang.milestones.count() == 4


def test_home_shows_planners_their_milestones_due_soon(client_for, plan, monkeypatch):
    services.rule_create(plan=plan, today=TODAY, kind=RuleKind.COUNT, min_count=1)
    services.milestone_create(
        plan=plan, title="Gửi hồ sơ kết nạp", due_on=dt.date(2025, 7, 10), recurrence="once", today=TODAY
    )
    services.plan_issue(plan=plan, number="1", issued_on=TODAY, today=TODAY)
    monkeypatch.setattr("partyplans.views.timezone.localdate", lambda: TODAY)
    assert "Gửi hồ sơ kết nạp" in client_for("district_planner").get("/").content.decode()


def test_home_section_for_planners_only(client_for, rf, users):
    from quotas import home

    request = rf.get("/")
    request.user = users.clerk
    assert home.section(request, TODAY) is None
    request.user = users.district_planner
    template, context = home.section(request, TODAY)
    assert template == "quotas/_home.html" and context["due"] == []


def test_demo_plan_pages_and_the_provincial_cascade(client, seeded_demo):
    from django.contrib.auth import get_user_model

    from organizations.models import Organization

    client.force_login(get_user_model().objects.get(username="tinh.kehoach"))
    for plan in Plan.objects.filter(issuer__code__startswith="LD"):
        assert client.get(reverse("quotas:detail", args=[plan.pk])).status_code == 200
    don_duong = Plan.objects.get(issuer__code="LD.DD", first_year=2025)
    page = client.get(reverse("quotas:detail", args=[don_duong.pk])).content.decode()
    assert "Chi bộ Trường THPT Pró" in page and "03 (01 HS)" in page and "88" in page
    province = Organization.objects.get(code="LD")
    page = client.get(reverse("quotas:cascade", args=[province.pk]) + "?year=2024").content.decode()
    assert "2/6" in page  # Đà Lạt and Đức Trọng have implementing plans
    assert "159-KH/HU" in page and "chưa ban hành" in page


def test_edit_copy_milestone_and_close_through_the_pages(client_for, plan, tree):
    client = client_for("district_planner")
    data = {"title": "Kế hoạch PTĐV 2025", "symbol": "KH/HU", "first_year": 2025, "last_year": 2025}
    assert client.post(reverse("quotas:edit", args=[plan.pk]), data).status_code == 302
    plan.refresh_from_db()
    assert plan.title == "Kế hoạch PTĐV 2025"
    bad = {**data, "last_year": 2024}
    assert client.post(reverse("quotas:edit", args=[plan.pk]), bad).status_code == 200
    response = client.post(
        reverse("quotas:milestone_create", args=[plan.pk]),
        {"title": "Gửi hồ sơ", "due_on": "2025-10-31", "recurrence": "once"},
    )
    assert response.status_code == 302 and plan.milestones.count() == 1
    services.rule_create(plan=plan, today=TODAY, kind=RuleKind.COUNT, min_count=88)
    response = client.post(reverse("quotas:copy", args=[plan.pk]), {"year": 2026})
    copy = Plan.objects.get(first_year=2026)
    assert response.status_code == 302 and copy.rules.count() == 1 and copy.milestones.count() == 1
    services.plan_issue(plan=plan, number="3", issued_on=TODAY, today=TODAY)
    assert client.post(reverse("quotas:close", args=[plan.pk]), {"reason": ""}).status_code == 200
    assert client.post(reverse("quotas:close", args=[plan.pk]), {"reason": "Hết năm"}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED


def test_a_district_planner_implements_the_provincial_plan(client_for, tree):
    province = services.plan_create(issuer=tree.province, title="97", symbol="KH/TU", first_year=2024)
    services.rule_create(
        plan=province,
        today=TODAY,
        kind=RuleKind.COUNT,
        applies_to_each=True,
        sectors=["high_school"],
        category="pupil",
        min_count=1,
    )
    services.plan_issue(plan=province, number="97", issued_on=dt.date(2023, 11, 8), today=TODAY)
    client = client_for("district_planner")
    url = reverse("quotas:implement", args=[tree.district.pk, province.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "159", "symbol": "KH/HU", "first_year": 2024})
    new = Plan.objects.get(issuer=tree.district)
    assert response.status_code == 302 and new.rules.count() == 1 and list(new.implements.all()) == [province]
    # the city's planner scope does not reach Đơn Dương
    assert client.post(reverse("quotas:implement", args=[tree.city.pk, province.pk]), {}).status_code == 404


def test_a_yearly_milestone_reads_as_every_year_with_its_next_due_day(client_for, plan):
    """A plan of 2024 due "31/10" every year printed 31/10/2024 on its page in 2025, as if long past."""
    services.milestone_create(
        plan=plan, title="Hoàn tất hồ sơ kết nạp", due_on=dt.date(2024, 10, 31), recurrence="yearly", today=TODAY
    )
    services.milestone_create(
        plan=plan, title="Báo cáo sơ kết", due_on=dt.date(2025, 3, 15), recurrence="once", today=TODAY
    )
    page = client_for("district_planner").get(reverse("quotas:detail", args=[plan.pk])).content.decode()
    assert "31/10 hằng năm" in page and "lần tới: 31/10/2025" in page and "31/10/2024" not in page
    assert "15/03/2025" in page and page.count('data-testid="next-due"') == 1


def test_a_rule_over_organizations_none_of_which_stands_says_so_on_the_plan_page(client_for, tree):
    """97-KH/TU's rule for "each district committee" was shown in 2026 as if it bound
    someone, where the report says it applies to no organization since the districts ended."""
    plan = services.plan_create(issuer=tree.province, title="97", symbol="KH/TU", first_year=2024)
    services.rule_create(
        plan=plan, today=TODAY, kind=RuleKind.COUNT, applies_to_each=True, sectors=["high_school"], min_count=1
    )
    services.rule_create(
        plan=plan, today=TODAY, kind=RuleKind.COUNT, applies_to_each=True, sectors=["university"], min_count=5
    )
    page = client_for("province_planner").get(reverse("quotas:detail", args=[plan.pk])).content.decode()
    assert page.count('data-testid="applies-to-none"') == 1
    assert "Hiện không còn tổ chức nào thuộc diện áp dụng" in page
    notes = page.split('data-testid="rule"')
    assert "applies-to-none" not in notes[1] and "applies-to-none" in notes[2]
