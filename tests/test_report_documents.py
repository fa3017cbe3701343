"""The report as boards sign it: the period beside the same period last year in the
children table and the allocation appendix (page, workbook, PDF); the PDF's landscape
summary, its appendix printed once, the document symbol; the workbook's header block,
signature and print setup."""

import datetime as dt
import io
import re
import subprocess

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from organizations.models import OrgForm
from quotas.models import RuleKind
from reports.engine import attainment
from reports.pdf import document_symbol, render_pdf, render_pdf_html
from reports.periods import parse
from reports.report import build_report

from .test_report_periods import admitted  # noqa: F401  (a fixture)
from .test_reports_engine import allocate, make_plan, make_rule

D = dt.date
Q2 = "?period=2025-Q2"


@pytest.fixture
def allocated(admitted):  # noqa: F811
    """`admitted`, and the district's own plan allocating its quota to every child."""
    tree = admitted
    plan = make_plan(tree.district, first_year=2025, number="12", symbol="KH/HU")
    table = make_rule(plan, RuleKind.ALLOCATION, min_count=6)
    allocate(table, tree.school, 3, pupil=1)
    allocate(table, tree.commune, 2)
    allocate(table, tree.enterprise, 1)
    return tree


def _report(org, period="2025-Q2"):
    p = parse(period)
    with translation.override("vi"):
        return build_report(attainment(scope=org, year=p.year, as_of=p.end, period=p))


def _by_name(table, name):
    return dict(zip([c.title for c in table.columns], next(r for r in table.rows if r[1] == name), strict=True))


def test_children_and_appendix_have_the_period_beside_their_figures(allocated):
    report = _report(allocated.district)
    school = _by_name(report.children, "Chi bộ Trường THPT Đơn Dương")
    # Q2 2025: two pupils; Q2 2024: one.
    assert (school["Kỳ này"], school["Cùng kỳ năm trước"], school["Chênh lệch"]) == (2, 1, 1)
    assert school["Tỷ lệ so với cùng kỳ"] == pytest.approx(2.0)
    commune = _by_name(report.children, "Đảng bộ xã Ka Đô")  # nothing in either Q2: "—", not a percentage
    assert (commune["Kỳ này"], commune["Cùng kỳ năm trước"], commune["Tỷ lệ so với cùng kỳ"]) == (0, 0, "—")
    assert report.children.lead == "Kỳ này: 01/04/2025–30/06/2025; cùng kỳ năm trước: 01/04/2024–30/06/2024."
    # The appendix of the district's own allocation: the same figures as the row above it.
    appendix = next(t for t in report.allocation_tables if any(r[1] == "Đảng bộ xã Ka Đô" for r in t.rows))
    row = _by_name(appendix, "Chi bộ Trường THPT Đơn Dương")
    assert (row["Kỳ này"], row["Cùng kỳ năm trước"], row["Chênh lệch"]) == (2, 1, 1)
    assert _by_name(appendix, "Đảng bộ xã Ka Đô")["Tỷ lệ so với cùng kỳ"] == "—"
    total = dict(zip([c.title for c in appendix.columns], appendix.totals, strict=True))
    assert (total["Kỳ này"], total["Cùng kỳ năm trước"]) == (3, 2)  # school 2 + enterprise 1; 1 + 1
    # The period table keeps what has no row elsewhere: the district's total.
    assert [r[1] for r in report.period.rows] == ["Huyện ủy Đơn Dương (tổng số)"]


def test_a_year_report_does_not_repeat_the_achieved_figure_as_this_period(allocated):
    report = _report(allocated.district, "2025")
    titles = [c.title for c in report.children.columns]
    assert "Kỳ này" not in titles  # the year to date is the "Thực hiện" column
    assert titles[-4:] == ["Cùng kỳ năm trước", "Chênh lệch", "Tỷ lệ so với cùng kỳ", "Trạng thái"]
    school = _by_name(report.children, "Chi bộ Trường THPT Đơn Dương")
    assert (school["Thực hiện"], school["Cùng kỳ năm trước"], school["Chênh lệch"]) == (2, 1, 1)


def test_the_page_shows_the_columns_without_a_query_per_child(client_for, allocated, django_assert_max_num_queries):
    client = client_for("district_planner")
    url = reverse("reports:dashboard", args=[allocated.district.pk]) + Q2
    with django_assert_max_num_queries(60):
        html = client.get(url).content.decode()
    committees = html.split('data-testid="committees"', 1)[1].split("</section>", 1)[0]
    assert "Cùng kỳ năm trước" in committees and "Chênh lệch" in committees
    # The query count does not grow with the children: tests/test_report_periods.py
    # test_dashboard_query_count_with_a_period_is_constant adds five and counts again.


def test_workbook_has_the_header_block_signature_and_print_setup(client_for, allocated):
    response = client_for("district_planner").get(reverse("reports:export_xlsx", args=[allocated.district.pk]) + Q2)
    wb = load_workbook(io.BytesIO(response.content))
    for name in ("Tổng hợp", "Phụ lục", "Trực thuộc"):
        ws = wb[name]
        rows = [tuple(c for c in r if c is not None) for r in ws.iter_rows(values_only=True)]
        assert rows[0] == ("ĐẢNG BỘ TỈNH LÂM ĐỒNG", "ĐẢNG CỘNG SẢN VIỆT NAM")
        assert rows[1] == ("HUYỆN ỦY ĐƠN DƯƠNG",)
        assert rows[2] == ("*", "Đơn Dương, ngày 30 tháng 06 năm 2025")
        assert rows[3][0].startswith("Số") and rows[3][0].endswith("-BC/HU")
        assert rows[5] == ("BÁO CÁO",)
        assert rows[6] == ("Kết quả thực hiện chỉ tiêu phát triển đảng viên năm 2025 — Quý II năm 2025",)
        assert ("Nơi nhận:", "T/M BAN THƯỜNG VỤ") in rows and ("- Lưu Văn phòng Huyện ủy Đơn Dương.",) in rows
        assert rows[-1] == ("…………………………",)  # the line for the signer's name, space above it
        # Print-ready A4: fitted to the width, the header row repeated on every page.
        assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.fitToWidth == 1
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert round(ws.page_margins.left * 25.4) == 30 and round(ws.page_margins.right * 25.4) == 15
        assert ws.oddHeader.center.text == "&P" and ws.HeaderFooter.differentFirst
        if name == "Phụ lục":  # two tables here (the province's and the district's): no one header row
            continue
        header = next(i for i, r in enumerate(ws.iter_rows(values_only=True), start=1) if r[0] == "STT")
        assert ws.print_title_rows == f"${header}:${header}" and ws.freeze_panes == f"A{header + 1}"
    children = list(wb["Trực thuộc"].iter_rows(values_only=True))
    header = next(r for r in children if r[0] == "STT")
    commune = next(r for r in children if r[1] == "Đảng bộ xã Ka Đô")
    at = header.index("Cùng kỳ năm trước")
    assert (commune[at], commune[at + 2]) == (0, "—")
    # Totals are formulas over the rows; nothing the user typed is one.
    total = next(r for r in children if r[1] == "Tổng cộng")
    assert str(total[at]).startswith("=SUM(")


def _pdf_text(content: bytes, tmp_path) -> tuple[str, list[str]]:
    path = tmp_path / "r.pdf"
    path.write_bytes(content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(path)], capture_output=True, text=True).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    return text, ["landscape" if float(w) > float(h) else "portrait" for w, h in sizes]


def test_pdf_prints_the_appendix_once_the_summary_landscape(allocated, tmp_path):
    with translation.override("vi"):
        text, pages = _pdf_text(render_pdf(_report(allocated.district)), tmp_path)
    assert pages[0] == "portrait" and "landscape" in pages
    by_page = text.split("\f")
    summary = next(i for i, page in enumerate(by_page) if "II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU" in page)
    assert pages[summary] == "landscape"
    # Section III says how the organizations stand and leaves their rows to the appendix.
    first = next(i for i, page in enumerate(by_page) if "Kèm theo Báo cáo số" in page)
    body, appendix = "\f".join(by_page[:first]), "\f".join(by_page[first:])
    assert all(pages[i] == "landscape" for i in range(first, len(pages)))
    words = " ".join(body.split())
    assert "III. CÁC TỔ CHỨC ĐẢNG TRỰC THUỘC" in words and "xem Phụ lục 2 kèm theo" in words
    assert "Chi bộ Công ty TNHH Đồng Thúy" not in body.split("III. CÁC TỔ CHỨC ĐẢNG TRỰC THUỘC", 1)[1]
    assert text.count("Chi bộ Công ty TNHH Đồng Thúy") == 1  # once: its appendix row
    assert "Kèm theo Báo cáo số …-BC/HU ngày 30/06/2025" in appendix and "Kế hoạch số 12-KH/HU" in appendix
    assert "Nơi nhận:" not in appendix and "CHÊNH" in appendix  # the period beside last year (a header may wrap)


def test_pdf_without_an_allocation_of_its_own_keeps_the_children_table(admitted):  # noqa: F811
    with translation.override("vi"):
        html = render_pdf_html(_report(admitted.district))
    assert "xem Phụ lục" not in html
    section = html.split("III. CÁC TỔ CHỨC ĐẢNG TRỰC THUỘC", 1)[1]
    assert "Chi bộ Công ty TNHH Đồng Thúy" in section and "Cùng kỳ năm trước" in section


def test_document_symbol_follows_the_committee(tree):
    assert document_symbol(tree.city) == "BC/ThU"  # Thành ủy Đà Lạt, a city under the province
    assert document_symbol(tree.district) == "BC/HU"
    assert document_symbol(tree.province) == "BC/TU"
    assert document_symbol(tree.commune) == "BC/ĐU"
    assert document_symbol(tree.school) == "BC/CB"
    tree.city.name = "Thị ủy Bảo Lộc"
    assert document_symbol(tree.city) == "BC/TX"
    assert tree.city.form == OrgForm.DISTRICT
    with translation.override("vi"):
        html = render_pdf_html(_report(tree.city, "2025"))
    assert "-BC/ThU" in html and "THÀNH ỦY ĐÀ LẠT" in html
