"""The statuses as the page, the workbook, the PDF and the rule editor show them."""

import datetime as dt
import io
import subprocess

from django.urls import reverse
from openpyxl import load_workbook

from admissions.categories import Category
from quotas.models import Rule, RuleKind
from reports.models import HistoricalResult
from reports.services import historical_result_record
from tests.test_reports_engine import admit, make_plan, make_rule

YEAR_END_2024 = "?year=2024&as_of=2025-01-10"


def _setup(tree):
    """Đà Lạt: 191 in 2023 (entered), nothing for 2021–2022; a 2–5% share exceeded in 2024;
    Đơn Dương: a period total 2020–2023 entered for its school."""
    HistoricalResult.objects.create(organization=tree.city, year=2023, count=191, source="seed 001")
    historical_result_record(
        organization=tree.school, first_year=2020, year=2023, category=Category.PUPIL, count=3, source="seed 002"
    )
    plan = make_plan(tree.city, number="06", symbol="KH/ThU", first_year=2024)
    make_rule(plan, RuleKind.SHARE_OF_ADMISSIONS, category=Category.NON_STATE_WORKER, min_percent=2, max_percent=5)
    admit(tree.city_school, dt.date(2024, 3, 1), Category.NON_STATE_WORKER)
    admit(tree.city_school, dt.date(2024, 4, 1), Category.PUPIL)


def test_page_reads_exceeded_no_data_and_no_forecast_for_a_closed_year(client_for, tree):
    _setup(tree)
    html = client_for("province_planner").get(reverse("reports:dashboard", args=[tree.city.pk]) + YEAR_END_2024)
    html = html.content.decode()
    assert "Vượt" in html and 'class="badge best"' in html  # 50% of 2–5%: exceeded, coloured as met or better
    # 2023's 191 were entered without categories: its workers are unknown, not 0 (2e303e2)
    assert "2021: chưa có số liệu" in html and "2023: chưa có số liệu" in html
    assert "Dự kiến" not in html.split('class="card kpis"')[1].split("</section>")[0]  # no forecast
    assert "chưa có số liệu" in html  # the chart's label of a year without data


def test_workbook_and_pdf_say_no_data_and_last_year(client_for, tree, tmp_path):
    _setup(tree)
    client = client_for("province_planner")
    response = client.get(reverse("reports:export_xlsx", args=[tree.province.pk]) + YEAR_END_2024)
    wb = load_workbook(io.BytesIO(response.content))
    children = [row for row in wb["Trực thuộc"].iter_rows(values_only=True)]
    header = next(row for row in children if row and "STT" in row)
    # A closed year: the whole of last year is the same period last year, one column.
    assert "Cùng kỳ năm trước" in header and "Năm trước" not in header and "Đến năm" not in header
    status = wb["Tổng hợp"]
    assert any("Vượt" in (c or "") for row in status.iter_rows(values_only=True) for c in row if isinstance(c, str))
    city = client.get(reverse("reports:export_xlsx", args=[tree.city.pk]) + YEAR_END_2024)
    rows = list(load_workbook(io.BytesIO(city.content))["Tỷ lệ trong số kết nạp"].iter_rows(values_only=True))
    years = {row[0]: row[1] for row in rows if row and isinstance(row[0], int) and 2019 < row[0] < 2030}
    assert years[2021] == "chưa có số liệu" and years[2023] == "chưa có số liệu" and years[2024] == 1

    pdf = client.get(reverse("reports:export_pdf", args=[tree.city.pk]) + YEAR_END_2024)
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    assert "Vượt" in text
    assert "dự kiến thêm" not in text  # a year-end report forecasts nothing


def test_period_total_is_a_row_of_its_own(client_for, tree):
    _setup(tree)
    plan = make_plan(tree.district, number="159", symbol="KH/HU", first_year=2024)
    make_rule(plan, RuleKind.COUNT, target=tree.school, category=Category.PUPIL, min_count=1)
    html = client_for("province_planner").get(reverse("reports:dashboard", args=[tree.district.pk]) + YEAR_END_2024)
    html = html.content.decode()
    assert "2020–2023: 3" in html
    assert "2022: chưa có số liệu" in html


def test_rule_editor_has_the_cap_field(client_for, tree):
    """“Không quá”: the planner marks a maximum as a cap; the sentence then says so."""
    from quotas.models import PlanStatus

    plan = make_plan(tree.district, number="", symbol="KH/HU", first_year=2025, status=PlanStatus.DRAFT)
    client = client_for("district_planner")
    url = reverse("quotas:rule_create", args=[plan.pk])
    assert "không quá (giới hạn trên bắt buộc)" in client.get(url).content.decode()
    data = {"kind": "count", "target": tree.school.pk, "min_count": 5, "max_count": 10, "is_soft": "on"}
    response = client.post(url, {**data, "max_is_cap": "on"})
    assert response.status_code == 302
    rule = Rule.objects.get(plan=plan)
    assert rule.max_is_cap
    page = client.get(reverse("quotas:detail", args=[plan.pk])).content.decode()
    assert "ít nhất 05, không quá 10 đảng viên" in page


def test_a_period_total_entered_by_form_and_by_import(client_for, tree):
    from tests.test_reports_views import _xlsx

    client = client_for("district_planner")
    url = reverse("reports:history", args=[tree.district.pk])
    data = {"organization": tree.school.pk, "first_year": 2020, "year": 2023, "category": "pupil", "count": 3}
    assert client.post(url, data).status_code == 302
    pupils = HistoricalResult.objects.get()
    assert (pupils.period, pupils.count) == ("2020–2023", 3)
    assert "2020–2023" in client.get(url).content.decode()
    bad = client.post(url, {**data, "first_year": 2024})
    assert bad.status_code == 200 and HistoricalResult.objects.count() == 1

    upload = _xlsx(
        [
            ["Mã tổ chức", "Năm", "Đối tượng", "Số đảng viên mới", "Nguồn"],
            ["LD.DD.DN", "2020-2023", "CN", 5, "seed 002"],
            ["LD.DD.DN", 2019, "CN", 1, ""],
        ]
    )
    assert client.post(url, {"file": upload}).status_code == 302
    workers = HistoricalResult.objects.filter(organization=tree.enterprise).order_by("year")
    assert [(r.period, r.count) for r in workers] == [("2019", 1), ("2020–2023", 5)]
