"""The allocation grid, its import and an amendment, in Debian's Chromium via Playwright."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from openpyxl import Workbook
from playwright.sync_api import expect

from organizations.models import Membership, Role
from quotas import services
from quotas.models import Allocation, PlanAmendment, RuleKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = dt.date(2025, 1, 10)


@pytest.fixture
def planner(tree):
    user = get_user_model().objects.create_user(username="bt.quotas", password="browser-pass-2")
    Membership.objects.create(user=user, organization=tree.district, role=Role.PLANNER)
    return user


@pytest.fixture
def issued_plan(tree):
    plan = services.plan_create(
        issuer=tree.district, title="Kế hoạch phát triển đảng viên năm 2025", symbol="KH/HU", first_year=2025
    )
    services.rule_create(plan=plan, today=DAY, kind=RuleKind.COUNT, min_count=10)
    table = services.rule_create(plan=plan, today=DAY, kind=RuleKind.ALLOCATION, min_count=10)
    services.plan_issue(plan=plan, number="12", issued_on=DAY, today=DAY)
    return plan, table


def login(page, live_server):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "bt.quotas")
    page.fill("#id_password", "browser-pass-2")
    page.locator("form button[type=submit].primary").click()


def _xlsx(tmp_path, rows, name):
    book = Workbook()
    sheet = book.active
    sheet.append(["STT", "TCCSĐ", "CHỈ TIÊU"])
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    buffer = io.BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def test_allocation_grid_live_sum_and_save_as_an_amendment(page, live_server, planner, issued_plan, tree):
    plan, table = issued_plan
    login(page, live_server)
    page.goto(f"{live_server.url}/plans/{plan.pk}/rules/{table.pk}/allocations/")
    school = page.locator(f"tr[data-org='{tree.school.code}']")
    school.locator("input.total").fill("3")
    school.locator("input.sub[data-category=pupil]").fill("1")
    commune = page.locator(f"tr[data-org='{tree.commune.code}']")
    commune.locator("input.total").fill("9")
    expect(page.get_by_test_id("allocated")).to_have_text("12")
    expect(page.get_by_test_id("difference")).to_have_text("+2")
    expect(page.get_by_test_id("balance")).to_have_text("phân bổ vượt chỉ tiêu")
    page.fill("#id_reason", "Bổ sung chỉ tiêu cho trường THPT")
    commune.locator("input.total").press("Enter")  # keyboard: Enter saves the table
    expect(page.locator(".messages")).to_contain_text("Đã lưu bảng phân bổ")
    assert {a.organization_id: a.total for a in Allocation.objects.all()} == {tree.school.pk: 3, tree.commune.pk: 9}
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    expect(page.locator("#amendments")).to_contain_text("Bổ sung chỉ tiêu cho trường THPT")
    expect(page.locator("#amendments")).to_contain_text("03 (01 HS)")


def test_import_shows_every_bad_row_then_imports_a_good_file(page, live_server, planner, issued_plan, tree, tmp_path):
    plan, table = issued_plan
    login(page, live_server)
    page.goto(f"{live_server.url}/plans/{plan.pk}/rules/{table.pk}/allocations/import/")
    bad = _xlsx(
        tmp_path,
        [
            ["01", "Chi bộ Trường THPT Đơn Dương", "03 (01 HS)"],
            ["02", "Chi bộ Trường THPT Trần Phú", "02"],
            ["03", "Đảng bộ xã Ka Đô", "mười"],
        ],
        "bad.xlsx",
    )
    page.set_input_files("#id_file", str(bad))
    page.fill("#id_reason", "Nhập phụ lục")
    page.get_by_role("button", name="Nhập").click()
    errors = page.locator(".import-errors tbody tr")
    expect(errors).to_have_count(2)
    expect(page.locator(".import-errors")).to_contain_text("không tìm thấy tổ chức “Chi bộ Trường THPT Trần Phú”")
    assert not Allocation.objects.exists()

    good = _xlsx(
        tmp_path, [["01", "Chi bộ Trường THPT Đơn Dương", "03 (01 HS)"], ["02", "Đảng bộ xã Ka Đô", "09"]], "good.xlsx"
    )
    page.set_input_files("#id_file", str(good))
    page.fill("#id_reason", "Nhập phụ lục")
    page.get_by_role("button", name="Nhập").click()
    expect(page.get_by_test_id("allocated")).to_have_text("12")
    expect(page.locator(f"tr[data-org='{tree.school.code}'] input.sub[data-category=pupil]")).to_have_value("1")


def test_amending_a_rule_of_an_issued_plan(page, live_server, planner, issued_plan):
    plan, _table = issued_plan
    login(page, live_server)
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    page.locator("[data-testid=rule][data-kind=count]").get_by_role("link", name="sửa").click()
    page.fill("#id_min_count", "12")
    # The live preview's request must end before the save: the live server shares one
    # in-memory SQLite connection between its threads, and overlapping requests garble it.
    # The preview is sent 300 ms after the last keystroke (htmx's delay): wait past it and
    # for its answer, not only for the network to be idle, which it can be before it is sent.
    page.wait_for_timeout(400)
    expect(page.get_by_test_id("rule-preview")).to_contain_text("ít nhất 12")
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".has-error")).to_contain_text("Lý do điều chỉnh")
    page.fill("#id_reason", "Theo chỉ đạo của Ban Thường vụ")
    page.fill("#id_min_count", "12")
    page.wait_for_timeout(400)
    expect(page.get_by_test_id("rule-preview")).to_contain_text("ít nhất 12")
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("[data-testid=rule][data-kind=count]").first).to_contain_text("ít nhất 12 đảng viên")
    expect(page.locator("#amendments")).to_contain_text("Theo chỉ đạo của Ban Thường vụ")
    assert PlanAmendment.objects.get().made_by == planner


def test_this_years_allocation_is_one_click_from_the_start_page(page, live_server, planner, issued_plan, tree):
    plan, table = issued_plan
    login(page, live_server)
    page.goto(f"{live_server.url}/")
    year = timezone.localdate().year  # the live server reads the real clock; the plan has no last year
    page.get_by_role("link", name=f"Phân bổ năm {year}").click()
    assert page.url.endswith(f"/plans/{plan.pk}/rules/{table.pk}/allocations/")
    expect(page.locator(f"tr[data-org='{tree.school.code}'] input.total")).to_be_visible()


def test_the_rule_editor_shows_the_fields_of_the_kind_and_previews_the_sentence(page, live_server, planner, tree):
    plan = services.plan_create(issuer=tree.district, title="Kế hoạch năm 2025", symbol="KH/HU", first_year=2025)
    login(page, live_server)
    page.goto(f"{live_server.url}/plans/{plan.pk}/rules/new/")
    page.select_option("#id_kind", "count")
    expect(page.locator("#id_years_without")).to_be_hidden()
    expect(page.locator("#id_min_percent")).to_be_hidden()
    page.locator("#id_min_count").press_sequentially("7")
    expect(page.get_by_test_id("rule-preview")).to_contain_text(
        "Phấn đấu Huyện ủy Đơn Dương kết nạp ít nhất 07 đảng viên"
    )
    # Another kind: its own fields, its own sentence.
    page.select_option("#id_kind", "inactivity")
    expect(page.locator("#id_min_count")).to_be_hidden()
    page.locator("#id_years_without").fill("3")
    page.locator("#id_applies_to_each").check()
    expect(page.locator("#id_target")).to_be_hidden()
    expect(page.get_by_test_id("rule-preview")).to_contain_text("03 năm trở lên không kết nạp đảng viên")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator("[data-testid=rule][data-kind=inactivity]")).to_contain_text("03 năm trở lên")


def test_the_live_sum_keeps_the_rows_the_planner_cannot_see(page, live_server, planner, issued_plan, tree):
    """A row of an organization moved out of the planner's district still counts in the
    table's total while the planner types in the others."""
    from organizations.services import organization_move

    plan, table = issued_plan
    services.allocation_set(rule=table, rows=[services.RowInput(tree.school.pk, 3, {})], today=DAY, reason="Phân bổ")
    organization_move(organization=tree.school, new_parent=tree.city, on_date=DAY, today=DAY)
    login(page, live_server)
    page.goto(f"{live_server.url}/plans/{plan.pk}/rules/{table.pk}/allocations/")
    expect(page.get_by_test_id("hidden-rows")).to_contain_text("1 tổ chức ngoài phạm vi của bạn")
    page.locator(f"tr[data-org='{tree.commune.code}'] input.total").fill("9")
    expect(page.get_by_test_id("allocated")).to_have_text("12")
    expect(page.get_by_test_id("difference")).to_have_text("+2")
