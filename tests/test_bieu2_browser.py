"""End to end: from the dashboard to the statistical form (Biểu 2), a cell's admissions, both files."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook
from playwright.sync_api import expect

from admissions.categories import Category
from organizations.models import Membership, Role
from tests.test_reports_engine import admit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def planner(tree):
    user = get_user_model().objects.create_user(username="bt.bieu2", password="browser-pass-2")
    Membership.objects.create(user=user, organization=tree.district, role=Role.PLANNER)
    pupil = admit(tree.school, dt.date(2025, 3, 1), Category.PUPIL)
    pupil.candidate.gender, pupil.candidate.youth_union_member = "female", True
    pupil.candidate.save()
    farmer = admit(tree.cell, dt.date(2025, 8, 1), Category.FARMER)
    farmer.candidate.ethnicity, farmer.candidate.religion = "K'Ho", "Tin Lành"
    farmer.candidate.save()
    admit(tree.cell, dt.date(2024, 5, 1), Category.FARMER)
    return user


def test_the_form_its_cells_and_both_files(page, live_server, planner, tree):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "bt.bieu2")
    page.fill("#id_password", "browser-pass-2")
    page.locator("form button[type=submit].primary").click()
    page.goto(f"{live_server.url}/reports/{tree.district.pk}/?year=2025")
    page.locator("[data-testid=bieu2-link]").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Biểu 2")
    table = page.locator("[data-testid=bieu2]")
    expect(table.locator("tr[data-key=total] td").nth(2)).to_have_text("2")
    expect(table.locator("tr[data-key=total] td").nth(3)).to_have_text("1")
    expect(table.locator("tr[data-key=total] td").nth(4)).to_have_text("200,0")
    expect(table.locator("tr[data-key=women] td").nth(2)).to_have_text("1")
    expect(page.locator("[data-testid=bieu2-continued]")).to_contain_text("K'Ho")

    # The first quarter, from the period chooser.
    page.select_option("#id_period", "2025-Q1")
    page.locator("[data-testid=bieu2-period] button").click()
    expect(table.locator("tr[data-key=total] td").nth(2)).to_have_text("1")
    assert "period=2025-Q1" in page.url

    # A cell links to the admissions behind it.
    table.locator("tr[data-key=women] td").nth(2).get_by_role("link").click()
    expect(page.locator("[data-testid=admissions] tbody tr")).to_have_count(1)
    page.go_back()

    with page.expect_download() as xlsx_info:
        page.locator("[data-testid=bieu2-xlsx]").click()
    workbook = load_workbook(io.BytesIO(Path(xlsx_info.value.path()).read_bytes()))
    assert workbook.sheetnames == ["Biểu 2", "Biểu 2 (tiếp)"]
    with page.expect_download() as pdf_info:
        page.locator("[data-testid=bieu2-pdf]").click()
    assert Path(pdf_info.value.path()).read_bytes()[:4] == b"%PDF"
