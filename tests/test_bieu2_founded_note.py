"""Biểu 2 of an organization founded after the same period last year began (a commune of
01/07/2025) holds nothing before its founding, where its attainment report counts the
admissions of the communes merged into it: the form says so (page, .xlsx), and says
nothing for a period whose same period last year began after the founding."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook

from organizations.models import Organization


@pytest.fixture
def planner(reorganized_demo, client):
    client.force_login(get_user_model().objects.get(username="tinh.kehoach"))
    return client


def _note(html: str) -> str | None:
    if 'data-testid="bieu2-founded"' not in html:
        return None
    return html.split('data-testid="bieu2-founded">', 1)[1].split("</p>", 1)[0]


def test_a_commune_founded_on_1_july_2025_says_its_form_begins_then(planner):
    commune = Organization.objects.get(code="LD.X-DONDUONG")
    merged = ", ".join(Organization.objects.filter(merged_into=commune).order_by("name").values_list("name", flat=True))
    assert merged  # the communes merged into it on its founding day
    url = reverse("reports:bieu2", kwargs={"org_pk": commune.pk})
    expected = (
        f"(***) Đảng ủy xã Đơn Dương thành lập ngày 01/07/2025: biểu này tính các đảng viên kết nạp thuộc tổ chức"
        f" từ ngày đó. Đảng viên kết nạp trước đó được tính ở tổ chức đảng nơi họ trực thuộc vào ngày kết nạp"
        f" (các tổ chức đã hợp nhất vào: {merged}); báo cáo kết quả thực hiện chỉ tiêu của tổ chức thì tính cả số này."
        " Không tính tỷ lệ so sánh giữa hai kỳ."  # last year's column holds only the days since its founding
    )
    for period in ("2025-9M", "2026-Q1"):  # its own span, then the same period last year, began before
        assert _note(planner.get(url, {"period": period}).content.decode()) == expected
    assert _note(planner.get(url, {"period": "2026-Q3"}).content.decode()) is None
    # The workbook says it too.
    book = load_workbook(io.BytesIO(planner.get(url.replace("/bieu2/", "/bieu2.xlsx"), {"period": "2026-Q1"}).content))
    cells = [c.value for row in book.worksheets[0].iter_rows() for c in row if isinstance(c.value, str)]
    assert expected in cells


def test_an_organization_standing_before_says_nothing(planner):
    province = Organization.objects.get(code="LD")
    url = reverse("reports:bieu2", kwargs={"org_pk": province.pk})
    assert _note(planner.get(url, {"period": "2025-9M"}).content.decode()) is None
