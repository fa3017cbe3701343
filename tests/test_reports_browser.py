"""End to end: open the dashboard, drill down keeping the period, download both files."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook
from playwright.sync_api import expect

from admissions.categories import Category
from organizations.models import Membership, Role
from tests.test_reports_engine import admit, allocate, make_plan, make_rule

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def planner(tree):
    user = get_user_model().objects.create_user(username="bt.reports", password="browser-pass-1")
    Membership.objects.create(user=user, organization=tree.district, role=Role.PLANNER)
    plan = make_plan(tree.district, number="12", symbol="KH/HU")
    table = make_rule(plan, "allocation", min_count=6)
    allocate(table, tree.school, 2, pupil=1)
    allocate(table, tree.commune, 4)
    admit(tree.school, dt.date(2025, 3, 1), Category.PUPIL)
    admit(tree.cell, dt.date(2025, 4, 1), Category.FARMER)
    return user


def test_dashboard_drill_down_and_downloads(page, live_server, planner, tree):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "bt.reports")
    page.fill("#id_password", "browser-pass-1")
    page.locator("form button[type=submit].primary").click()
    page.get_by_role("link", name="Báo cáo").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Huyện ủy Đơn Dương")
    page.fill("#id_year", "2025")
    page.fill("#id_as_of", "2025-06-30")
    page.get_by_role("button", name="Xem").click()
    expect(page.locator("[data-testid=rule]")).to_have_count(1)
    expect(page.locator("[data-testid=actual]")).to_contain_text("2")
    expect(page.locator(".charts svg")).to_have_count(2)

    # Drill down to the commune, then to its cell: the period travels along.
    page.locator("[data-testid=children]").get_by_role("link", name=tree.commune.name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(tree.commune.name)
    assert "year=2025" in page.url and "as_of=2025-06-30" in page.url
    page.locator("[data-testid=children]").get_by_role("link", name=tree.cell.name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(tree.cell.name)
    assert "as_of=2025-06-30" in page.url
    # The figure links to the admissions behind it.
    page.locator("[data-testid=actual] a").click()
    expect(page.locator("[data-testid=admissions] tbody tr")).to_have_count(1)

    page.go_back()
    with page.expect_download() as xlsx_info:
        page.locator("[data-testid=export-xlsx]").click()
        # A spinner on the link while the file is built (issue 17)
        expect(page.locator("[data-testid=export-xlsx]")).to_have_attribute("aria-busy", "true")
    workbook = load_workbook(io.BytesIO(Path(xlsx_info.value.path()).read_bytes()))
    assert workbook.sheetnames[0] == "Tổng hợp"
    with page.expect_download() as pdf_info:
        page.locator("[data-testid=export-pdf]").click()
    assert Path(pdf_info.value.path()).read_bytes()[:4] == b"%PDF"


def test_a_date_typed_day_first_in_an_english_language_browser(page, live_server, planner, tree):
    """The browser context speaks en-US (see conftest): its own date picker would read mm/dd/yyyy."""
    assert page.evaluate("navigator.language") == "en-US"
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "bt.reports")
    page.fill("#id_password", "browser-pass-1")
    page.locator("form button[type=submit].primary").click()
    page.get_by_role("link", name="Báo cáo").first.click()
    date = page.locator("#id_as_of")
    expect(date).to_have_attribute("placeholder", "dd/mm/yyyy")
    page.fill("#id_year", "2025")
    date.fill("")
    date.press_sequentially("30/06/2025")
    page.get_by_role("button", name="Xem").click()
    expect(page.locator("#id_as_of")).to_have_value("30/06/2025")
    expect(page.locator("[data-testid=actual]")).to_contain_text("2")
    # 30 June, not a 6th of the 30th month: the drill-down carries the ISO date along.
    page.locator("[data-testid=children]").get_by_role("link", name=tree.commune.name).click()
    assert "as_of=2025-06-30" in page.url
    expect(page.locator("#id_as_of")).to_have_value("30/06/2025")
