"""Figures and wording a second audit of the reorganized demo found: an allocation table's
total row sums every row of a column or none (the closing report of Huyện ủy Đơn Dương);
Biểu 2 of a running period counts up to its day (a report frozen before the year ended);
a commune committee dates its documents at the commune; the charts' count axis has whole
numbers only."""

import datetime as dt
import io
import json
import re
import subprocess
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from lxml import html as lxml_html
from openpyxl import load_workbook

from organizations.documents import place_name
from organizations.models import Organization, OrgForm, Sector
from organizations.services import organization_dissolve
from quotas.models import RuleKind
from reports import charts, periods
from reports.bieu2 import bieu2, form_json
from reports.bieu2_exports import render_xlsx as bieu2_xlsx
from reports.engine import attainment
from reports.report import build_report
from submissions.services import freeze

from .conftest import TODAY
from .test_reports_engine import admit, allocate, make_plan, make_rule

D = dt.date
SAME, DIFFERENCE = "Cùng kỳ năm trước", "Chênh lệch"


def _login(client, username="tinh.kehoach"):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _html_table(html: str, testid_prefix: str, title_text: str = "") -> tuple[list[str], list[list[str]], list[str]]:
    """(headers, rows, total row) of the first table whose data-testid starts with the prefix."""
    doc = lxml_html.fromstring(html)
    for table in doc.xpath("//table"):
        if not (table.get("data-testid") or "").startswith(testid_prefix):
            continue
        if title_text and title_text not in table.getparent().getparent().text_content():
            continue
        headers = [" ".join(th.text_content().split()) for th in table.xpath("./thead/tr/th")]
        rows = [[" ".join(td.text_content().split()) for td in tr.xpath("./td")] for tr in table.xpath("./tbody/tr")]
        total = [" ".join(td.text_content().split()) for td in table.xpath("./tfoot/tr/td")]
        return headers, rows, total
    raise AssertionError(f"no table {testid_prefix}")


# --- 1. an allocation table's total row -------------------------------------------------


def test_the_district_closing_report_compares_every_row_of_its_appendix(reorganized_demo, client):
    """Huyện ủy Đơn Dương's 2025 report is counted to 30/06/2025, its last day, as is every
    row of its allocation table: the nine communes ended with it have their same-period
    figures (as the JSON gives them), and the total is of all 15 rows: 20 beside 0, not
    "20 … 0 … 8"."""
    district = Organization.objects.get(code="LD.DD")
    with translation.override("vi"):
        html = _login(client).get(reverse("reports:dashboard", args=[district.pk]), {"year": 2025}).content.decode()
    headers, rows, total = _html_table(html, "allocation-")
    same, difference = headers.index(SAME), headers.index(DIFFERENCE)
    (quang_lap,) = [r for r in rows if r[1] == "Đảng bộ xã Quảng Lập (đến 30/06/2025)"]
    assert (quang_lap[same], quang_lap[difference]) == ("0", "3")
    assert all(r[same] == "0" for r in rows), rows
    assert (total[headers.index("THỰC HIỆN")], total[same], total[difference]) == ("20", "0", "20")
    # The organizations table above says the same.
    headers, _rows, total = _html_table(html, "children")
    assert (total[headers.index("Thực hiện")], total[headers.index(SAME)], total[headers.index(DIFFERENCE)]) == (
        "20",
        "0",
        "20",
    )
    # The JSON has the figure of every row.
    out = StringIO()
    call_command("attainment", "--org", "LD.DD", "--year", "2025", stdout=out)
    (table,) = json.loads(out.getvalue())["allocations"]
    assert sum(row["same_period_last_year"]["actual"] for row in table["children"]) == 0
    assert sum(row["same_period_last_year"]["difference"] for row in table["children"]) == 20


def test_the_workbook_and_the_pdf_appendix_total_the_same_rows(reorganized_demo, client, tmp_path):
    district = Organization.objects.get(code="LD.DD")
    _login(client)
    with translation.override("vi"):
        response = client.get(reverse("reports:export_xlsx", args=[district.pk]), {"year": 2025})
    sheet = load_workbook(io.BytesIO(response.content))["Phụ lục"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    (header_at,) = [i for i, r in enumerate(rows) if "CÙNG KỲ NĂM TRƯỚC" in r]
    same, difference = rows[header_at].index("CÙNG KỲ NĂM TRƯỚC"), rows[header_at].index("CHÊNH LỆCH")
    (total_at,) = [i for i, r in enumerate(rows) if r[1] == "Tổng cộng"]
    body = rows[header_at + 1 : total_at]
    assert len(body) == 15 and all(r[same] == 0 for r in body), body
    # =SUM over a column every row fills, beside the difference it gives: 20 − 0.
    assert rows[total_at][same].startswith("=SUM(") and rows[total_at][difference] == 20
    with translation.override("vi"):
        response = client.get(reverse("reports:export_pdf", args=[district.pk]), {"year": 2025})
    path = tmp_path / "r.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    (line,) = [line for line in text.splitlines() if line.strip().startswith("Tổng cộng") and "91 (04 HS)" in line]
    assert line.split()[-3:] == ["0", "20", "—"], line


def test_the_province_leaves_the_ended_tables_comparison_empty(reorganized_demo):
    """The province's 2025 report is the whole year; the district's table is counted to
    30/06/2025: no row of it, nor its total, is set beside the whole of 2024."""
    with translation.override("vi"):
        report = build_report(attainment(scope=Organization.objects.get(code="LD"), year=2025, as_of=D(2025, 12, 31)))
        (table,) = [t for t in report.allocation_tables if "Huyện ủy Đơn Dương" in t.caption]
    # Not even empty columns: every row is counted to the district's last day, so the table
    # has no "same period last year" beside it (it had three columns of "—").
    assert SAME not in [c.title for c in table.columns]
    assert table.totals[2:4] == [91, 20]


def test_a_total_never_sums_part_of_a_column(tree):
    """A row counted up to another day than the report's (an organization dissolved in
    the year) has no same-period figure; the total is then none either, not the sum of
    the other rows (1 beside a total achieved of 2, "difference 0")."""
    plan = make_plan(tree.district, first_year=2025, number="12", symbol="KH/HU")
    table = make_rule(plan, RuleKind.ALLOCATION, min_count=5)
    allocate(table, tree.school, 3)
    allocate(table, tree.enterprise, 2)
    admit(tree.school, D(2024, 3, 1))
    admit(tree.school, D(2025, 3, 1))
    admit(tree.enterprise, D(2025, 2, 1))
    organization_dissolve(organization=tree.enterprise, on_date=D(2025, 5, 1), today=TODAY)
    for key in ("2025", "2025-Q1"):
        period = periods.parse(key)
        with translation.override("vi"):
            report = build_report(attainment(scope=tree.district, year=2025, as_of=D(2025, 12, 31), period=period))
        (appendix,) = report.allocation_tables
        titles = [c.title for c in appendix.columns]
        same = titles.index(SAME)
        by_name = {row[1]: row for row in appendix.rows}
        assert by_name["Chi bộ Trường THPT Đơn Dương"][same] == 1
        assert by_name["Chi bộ Công ty TNHH Đồng Thúy (đến 30/04/2025)"][same] is None
        first = titles.index("Kỳ này") if "Kỳ này" in titles else same
        assert appendix.totals[first : same + 3] == [None] * (same + 3 - first), key
        assert not set(appendix.sum_columns) & set(range(first, same + 3)), key


# --- 2. Biểu 2 of a running period --------------------------------------------------------


def test_a_running_period_of_biu2_counts_up_to_its_day(tree):
    """Sent on 22/12/2025, the year's form counts the admissions up to that day (an
    admission of 27/12/2025, recorded since, is not in it), beside 2024 up to 22/12/2024."""
    admit(tree.school, D(2024, 3, 1))
    admit(tree.school, D(2024, 12, 27))
    admit(tree.school, D(2025, 3, 1))
    admit(tree.enterprise, D(2025, 12, 27))
    form = bieu2(organization=tree.district, period=periods.parse("2025"), today=D(2025, 12, 22))
    total = form.row("total")
    assert (total.this_period, total.same_period_last_year) == (1, 1)
    admitted = next(r for r in form.organization_rows if r.key == "organizations.admitted")
    assert admitted.this_period == 1  # the school; the enterprise admitted nobody by then
    with translation.override("vi"):
        data = form_json(form)
    assert (data["rows"][0]["this_period"], data["period"]["counted_to"]) == (1, "2025-12-22")
    # Once the year is over, the whole year.
    assert (
        bieu2(organization=tree.district, period=periods.parse("2025"), today=D(2026, 1, 5)).row("total").this_period
        == 2
    )


def test_the_demo_report_frozen_on_22_12_2025_counts_to_that_day(reorganized_demo):
    commune = Organization.objects.get(code="LD.X-DONDUONG")
    frozen = freeze(commune, periods.parse("2025"), D(2025, 12, 22))["bieu2"]
    out = StringIO()
    call_command("bieu2", "--org", "LD.X-DONDUONG", "--from", "2025-01-01", "--to", "2025-12-22", stdout=out)
    by_hand = json.loads(out.getvalue())
    assert frozen["rows"][0]["this_period"] == by_hand["rows"][0]["this_period"] == 7
    assert frozen["rows"][0]["same_period_last_year"] == by_hand["rows"][0]["same_period_last_year"]
    assert frozen["organizations"] == by_hand["organizations"]
    assert frozen["period"]["counted_to"] == "2025-12-22"


# --- 3. the place of a commune committee's date line -----------------------------------


@pytest.mark.parametrize(
    ("code", "place"),
    [
        ("LD.X-DONDUONG", "Đơn Dương"),
        ("LD.X-DUCTRONG", "Đức Trọng"),
        ("LD.P-XUANHUONG", "Xuân Hương – Đà Lạt"),
        ("LD.DD", "Đơn Dương"),
    ],
)
def test_a_commune_committee_dates_its_report_at_the_commune(reorganized_demo, client, tmp_path, code, place):
    org = Organization.objects.get(code=code)
    _login(client)
    year = 2025 if org.dissolved_on else 2026
    with translation.override("vi"):
        response = client.get(reverse("reports:export_xlsx", args=[org.pk]), {"year": year})
    rows = [
        tuple(c for c in r if c is not None)
        for r in load_workbook(io.BytesIO(response.content))["Tổng hợp"].iter_rows(values_only=True)
    ]
    assert rows[2][0] == "*" and rows[2][1].startswith(f"{place}, ngày "), rows[:4]
    with translation.override("vi"):
        response = client.get(reverse("reports:export_pdf", args=[org.pk]), {"year": year})
    path = tmp_path / "r.pdf"
    path.write_bytes(response.content)
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split())
    assert f"{place}, ngày " in text, text[:800]  # a long place wraps the year onto the next line
    assert "Lâm Đồng, ngày" not in text


def test_the_biu2_form_of_a_commune_is_dated_at_the_commune(reorganized_demo):
    commune = Organization.objects.get(code="LD.X-DONDUONG")
    with translation.override("vi"):
        form = bieu2(organization=commune, period=periods.parse("2025"), today=D(2026, 1, 10))
        book = load_workbook(io.BytesIO(bieu2_xlsx(form, today=D(2026, 1, 10))))
    cells = [c for sheet in book.worksheets for r in sheet.iter_rows(values_only=True) for c in r if c]
    assert "Đơn Dương, ngày 10 tháng 01 năm 2026" in cells
    assert not any(str(c).startswith("Lâm Đồng, ngày") for c in cells)


def test_the_place_of_communes_wards_and_the_organizations_in_them(tree):
    province, district = tree.province, tree.district
    assert place_name(tree.commune, [province, district]) == "Ka Đô"  # Đảng bộ xã Ka Đô, before 2025
    assert place_name(tree.cell, [province, district, tree.commune]) == "Ka Đô"  # a village cell in it
    assert place_name(tree.school, [province, district]) == "Đơn Dương"
    assert place_name(district, [province]) == "Đơn Dương"
    ward = Organization(name="Đảng bộ Phường 1", form=OrgForm.GRASSROOTS_COMMITTEE, sector=Sector.COMMUNE)
    assert place_name(ward, [province, tree.city]) == "Phường 1"  # a number alone names no place
    ward = Organization(name="Đảng ủy phường Lâm Viên – Đà Lạt", form=OrgForm.COMMUNE, sector=Sector.COMMUNE)
    assert place_name(ward, [province]) == "Lâm Viên – Đà Lạt"
    police = Organization(name="Đảng ủy Công an tỉnh", form=OrgForm.GRASSROOTS_COMMITTEE, sector=Sector.POLICE)
    assert place_name(police, [province]) == "Lâm Đồng"


# --- 4. the charts' count axis ------------------------------------------------------------


def _y_labels(svg: str) -> list[str]:
    axis = svg.split('class="axis y', 1)[1]
    axis = re.split(r'class="(?:series|axis x|plot overlay)', axis)[0]
    return re.findall(r"<text[^>]*>([^<]*)</text>", axis)


def test_the_count_axis_has_whole_numbers_only(tree):
    admit(tree.school, D(2025, 3, 1))
    admit(tree.school, D(2025, 5, 1))
    with translation.override("vi"):
        att = attainment(scope=tree.school, year=2025, as_of=D(2025, 12, 31))
        cumulative, history = charts.cumulative_chart(att), charts.history_chart(att)
    for svg in (cumulative, history):
        labels = _y_labels(svg)
        assert labels and all(label.isdigit() for label in labels), labels
        assert labels[0] == "0" and int(labels[-1]) >= 2
    # A target of 95: ticks every 10, about ten of them.
    plan = make_plan(tree.school, first_year=2025, number="3", symbol="KH/CB")
    make_rule(plan, RuleKind.COUNT, min_count=95, target=tree.school)
    with translation.override("vi"):
        att = attainment(scope=tree.school, year=2025, as_of=D(2025, 12, 31))
        labels = _y_labels(charts.cumulative_chart(att))
    assert labels == [str(n) for n in range(0, 101, 10)]
    # Any decimal ever shown has a comma.
    assert (charts._number(7.5), charts._number(3.0)) == ("7,5", "3")
