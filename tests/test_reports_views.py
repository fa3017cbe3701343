"""Dashboard, drill-down, admissions behind figures, compare, exports, historical results."""

import datetime as dt
import io
import json
import re
import subprocess

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from admissions.categories import Category
from organizations.models import OrgForm, Sector
from organizations.services import organization_create
from reports import exports
from reports.models import ExportJob, ExportStatus, HistoricalResult
from reports.services import historical_result_record
from tests.test_reports_engine import admit, plans  # noqa: F401  (plans is a fixture)

Q = "?year=2025&as_of=2025-06-30"


@pytest.fixture
def data(tree, plans):  # noqa: F811
    admit(tree.school, dt.date(2025, 3, 1), Category.PUPIL, name="Phạm Thị Học Sinh")
    admit(tree.cell, dt.date(2025, 4, 1), Category.FARMER, name="Ka Nông Dân")
    admit(tree.enterprise, dt.date(2025, 5, 1), Category.NON_STATE_WORKER, name="Lê Văn Công Nhân")
    admit(tree.city_school, dt.date(2025, 3, 1), Category.PUPIL, name="Trần Đà Lạt")
    return tree


def test_dashboard_shows_rules_allocation_children_and_charts(client_for, data):
    response = client_for("district_planner").get(reverse("reports:dashboard", args=[data.district.pk]) + Q)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Phấn đấu mỗi" in html  # the rule sentence
    assert 'class="progress' in html
    assert "<svg" in html and "<script" not in html.split("<svg", 1)[1].split("</svg>")[0]
    assert data.commune.name in html and data.city_school.name not in html
    # Drill-down keeps year and as-of.
    assert reverse("reports:dashboard", args=[data.commune.pk]) + "?year=2025&amp;as_of=2025-06-30" in html
    # The achieved figure links to the admissions behind it.
    assert reverse("reports:admissions", args=[data.district.pk]) in html


def test_dashboard_query_count_is_constant(client_for, data):
    client = client_for("district_planner")
    url = reverse("reports:dashboard", args=[data.district.pk]) + Q
    client.get(url)
    cache.clear()  # measure the engine, not the cache
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for i in range(6):
        data.district.refresh_from_db()
        school = organization_create(
            parent=data.district,
            code=f"LD.DD.S{i}",
            name=f"Chi bộ Trường THPT số {i}",
            form=OrgForm.GRASSROOTS_CELL,
            sector=Sector.HIGH_SCHOOL,
        )
        admit(school, dt.date(2025, 2, 1), Category.PUPIL)
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)
    # and a second look at the same figures is served from the cache
    with CaptureQueriesContext(connection) as cached:
        client.get(url)
    assert len(cached.captured_queries) < len(large.captured_queries)


def test_bad_period_shows_a_message_and_the_default(client_for, data):
    response = client_for("district_planner").get(reverse("reports:dashboard", args=[data.district.pk]) + "?year=abc")
    assert response.status_code == 200
    assert any("not valid" in str(m) or "không hợp lệ" in str(m) for m in response.context["messages"])


def test_viewer_sees_counts_but_not_names(client_for, data):
    client = client_for("viewer")
    dashboard = client.get(reverse("reports:dashboard", args=[data.district.pk]) + Q)
    assert dashboard.status_code == 200
    assert reverse("reports:admissions", args=[data.district.pk]) not in dashboard.content.decode()
    assert client.get(reverse("reports:admissions", args=[data.district.pk]) + Q).status_code == 403


def test_admissions_behind_a_figure(client_for, data):
    client = client_for("district_planner")
    response = client.get(reverse("reports:admissions", args=[data.district.pk]) + Q + "&category=pupil")
    html = response.content.decode()
    assert "Phạm Thị Học Sinh" in html
    assert "Lê Văn Công Nhân" not in html and "Trần Đà Lạt" not in html
    assert client.get(reverse("reports:admissions", args=[data.city.pk]) + Q).status_code == 404


def test_outsider_gets_404(client_for, data):
    client = client_for("outsider")
    for name in ("dashboard", "compare", "export_xlsx", "export_pdf"):
        assert client.get(reverse(f"reports:{name}", args=[data.district.pk])).status_code == 404


def test_compare_sorts(client_for, data):
    client = client_for("province_planner")
    url = reverse("reports:compare", args=[data.district.pk])
    response = client.get(url + Q + "&rule=count:pupil&sort=-actual")
    assert [row["org"] for row in response.context["rows"]] == [data.school]
    assert client.get(url + Q + "&rule=nonsense").status_code == 404


def test_compare_shows_the_period_beside_the_same_period_last_year_and_keeps_it(client_for, data):
    admit(data.school, dt.date(2024, 3, 15), Category.PUPIL, name="Năm Trước")
    client = client_for("province_planner")
    url = reverse("reports:compare", args=[data.district.pk])
    response = client.get(url + "?period=2025-Q1&rule=count:pupil")
    (row,) = response.context["rows"]
    assert (row["org"], row["period"].actual, row["period"].last_year) == (data.school, 1, 1)
    html = response.content.decode()
    assert "Quý I năm 2025" in html
    assert '<input type="hidden" name="period" value="2025-Q1">' in html  # choosing a target keeps the period
    q2 = client.get(url + "?period=2025-Q2&rule=count:pupil").context["rows"][0]["period"]
    assert (q2.actual, q2.last_year) == (0, 0)


def test_province_compare_lists_every_district_on_one_rule(client_for, data, plans):  # noqa: F811
    from tests.test_reports_engine import make_plan, make_rule

    p = make_plan(data.city, number="06", symbol="KH/ThU")
    make_rule(p, "share_admissions", category=Category.NON_STATE_WORKER, min_percent=2)
    response = client_for("province_planner").get(
        reverse("reports:compare", args=[data.province.pk]) + Q + "&rule=share_admissions:non_state_worker&sort=org"
    )
    assert [row["org"] for row in response.context["rows"]] == [data.district, data.city]


def _workbook(response):
    return load_workbook(io.BytesIO(response.content))


def test_district_workbook_holds_exactly_the_district(client_for, data):
    response = client_for("district_planner").get(reverse("reports:export_xlsx", args=[data.district.pk]) + Q)
    assert response.status_code == 200
    assert response["Content-Type"] == exports.XLSX_TYPE
    wb = _workbook(response)
    # One sheet per rule kind, not per rule; the allocation tables on one appendix sheet.
    assert wb.sheetnames == [
        "Tổng hợp",
        "Phụ lục",
        "Trực thuộc",
        "Số lượng",
        "Tỷ lệ trong số kết nạp",
        "Phân bổ",
        "Cùng kỳ",
    ]
    text = " ".join(str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c)
    assert data.school.name in text and data.commune.name in text
    for outside in (data.city.name, data.city_school.name, data.other_province.name, "Trần Đà Lạt"):
        assert outside not in text
    appendix = wb["Phụ lục"]
    header = next(r for r in appendix.iter_rows(values_only=True) if r[0] == "STT")
    assert list(header[:5]) == ["STT", "TCCSĐ", "CHỈ TIÊU", "THỰC HIỆN", "TỶ LỆ"]
    assert appendix.freeze_panes is not None and appendix.print_title_rows
    assert int(appendix.page_setup.paperSize) == 9  # A4
    values = list(appendix.iter_rows(values_only=True))
    school_row = next(r for r in values if r[1] == data.school.name)
    # Each figure once, as a number: the plan's "03 (01 HS)" is the quota 3 and the pupils' 1.
    assert list(header[5:7]) == ["CHỈ TIÊU HS", "THỰC HIỆN HS"]
    assert school_row[2:4] == (3, 1) and school_row[5:7] == (1, 1)
    assert str(school_row[4]).startswith("=IF(C")
    total_row = next(r for r in values if r[1] == "Tổng cộng")
    assert str(total_row[2]).startswith("=SUM(C") and str(total_row[5]).startswith("=SUM(F")
    assert ("Đã phân bổ 10 trên chỉ tiêu 10 của Huyện ủy Đơn Dương.",) in [tuple(c for c in r if c) for r in values]


def _sheet_rows(wb, name):
    return [tuple(c for c in row if c is not None) for row in wb[name].iter_rows(values_only=True)]


def _second_high_school(tree):
    """A high school in Đơn Dương without a pupil admitted: it fails "every high school ≥ 1 pupil"."""
    tree.district.refresh_from_db()
    return organization_create(
        parent=tree.district,
        code="LD.DD.THPT2",
        name="Chi bộ Trường THPT Lạc Dương & <Đơn> =SUM(A1)",
        form=OrgForm.GRASSROOTS_CELL,
        sector=Sector.HIGH_SCHOOL,
    )


def test_workbook_rule_blocks_on_their_kind_sheet(client_for, data):
    other = _second_high_school(data)
    wb = _workbook(client_for("district_planner").get(reverse("reports:export_xlsx", args=[data.district.pk]) + Q))
    rows = _sheet_rows(wb, "Số lượng")
    assert rows[0] == ("ĐẢNG BỘ TỈNH LÂM ĐỒNG", "ĐẢNG CỘNG SẢN VIỆT NAM")  # the document's header block
    assert rows[8] == ("SỐ ĐẢNG VIÊN KẾT NẠP",)  # the kind as the sheet's heading
    title = next(i for i, r in enumerate(rows) if r and str(r[0]).startswith("1. Phấn đấu mỗi"))
    assert rows[title + 1] == ("159-KH/HU",)  # the plan reference under the rule's number and sentence
    # A small scope lists every organization the rule measured, under the count.
    assert rows[title + 2] == ("1/2 tổ chức đạt.",)
    assert rows[title + 3][:4] == ("STT", "Tổ chức", "Chỉ tiêu", "Thực hiện")
    listed = [r[1] for r in rows[title + 4 : title + 6]]
    assert sorted(listed) == sorted([data.school.name, other.name])
    # Names are text, never formulas, whatever they contain.
    cell = next(c for row in wb["Số lượng"].iter_rows() for c in row if c.value == other.name)
    assert cell.data_type == "s"
    # The allocation rule is a block on the "Phân bổ" sheet with its year-on-year table.
    allocation = _sheet_rows(wb, "Phân bổ")
    assert any(r and str(r[0]).startswith("3. ") for r in allocation)
    assert ("So sánh các năm",) in allocation


def test_workbook_of_a_large_scope_lists_only_those_not_meeting_a_rule(client_for, data, monkeypatch):
    from reports import report

    other = _second_high_school(data)
    monkeypatch.setattr(report.rule_tables, "LIST_ALL_UP_TO", 1)  # as if the rule measured thousands of schools
    client = client_for("district_planner")
    wb = _workbook(client.get(reverse("reports:export_xlsx", args=[data.district.pk]) + Q))
    rows = _sheet_rows(wb, "Số lượng")
    title = next(i for i, r in enumerate(rows) if r and str(r[0]).startswith("1. Phấn đấu mỗi"))
    assert rows[title + 2] == ("1/2 tổ chức đạt; dưới đây là 1 tổ chức chưa đạt.",)
    names = [r[1] for r in rows if len(r) > 1]
    assert other.name in names and data.school.name not in names
    assert rows[title + 4][-1] != "Đạt"  # not met yet (on track in June)
    # The summary still counts every school, and the appendix totals are still formulas.
    summary = _sheet_rows(wb, "Tổng hợp")
    assert any("1/2 đạt" in r for r in summary)
    total = next(r for r in wb["Phụ lục"].iter_rows(values_only=True) if r[1] == "Tổng cộng")
    assert str(total[5]).startswith("=SUM(F") and str(total[4]).startswith("=IF(")
    # The PDF of the same report says the same.
    response = client.get(reverse("reports:export_pdf", args=[data.district.pk]) + Q)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_workbook_when_the_engine_capped_the_failing_list(data, monkeypatch):
    """For rules over every cell the engine may keep only the first failing organizations."""
    from reports import report
    from reports.engine import attainment

    other = _second_high_school(data)
    third = organization_create(
        parent=data.district,
        code="LD.DD.THPT3",
        name="Chi bộ Trường THPT số 3",
        form=OrgForm.GRASSROOTS_CELL,
        sector=Sector.HIGH_SCHOOL,
    )
    monkeypatch.setattr(report.rule_tables, "LIST_ALL_UP_TO", 1)
    with translation.override("vi"):
        att = attainment(scope=data.district, year=2025, as_of=dt.date(2025, 6, 30))
        rule = next(r for r in att.rules if r.many)
        assert (rule.matched, rule.failing_count) == (3, 2)
        rule.failing = rule.measurements = [m for m in rule.failing if m.org.pk == third.pk]  # capped at one
        table = report.build_report(att).rule_tables[0]
    assert table.lead == "1/3 tổ chức đạt; dưới đây là 1 đầu tiên trong số 2 tổ chức chưa đạt."
    assert [row[1] for row in table.iter_rows()] == [third.name]
    assert other.name not in [row[1] for row in table.rows]


def test_pdf_official_layout_and_embedded_font(client_for, data, tmp_path):
    response = client_for("district_planner").get(reverse("reports:export_pdf", args=[data.district.pk]) + Q)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    path = tmp_path / "r.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    for expected in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "ĐẢNG BỘ TỈNH LÂM ĐỒNG",
        "HUYỆN ỦY ĐƠN DƯƠNG",
        "BÁO CÁO",
        "Đơn Dương, ngày 30 tháng 06 năm 2025",
        "T/M BAN THƯỜNG VỤ",
        "Nơi nhận:",
        data.school.name,
    ):
        assert expected in text, expected
    assert data.city_school.name not in text
    # The allocation appendix follows the signature and "Nơi nhận", on its own page, captioned
    # with the report it is attached to and the plan its quotas come from; the signature
    # leaves a line for the name.
    pages = text.split("\f")
    appendix = next(i for i, page in enumerate(pages) if "Kèm theo Báo cáo số …-BC/HU ngày 30/06/2025" in page)
    assert "Kế hoạch số 159-KH/HU ngày" in pages[appendix]
    signature = next(i for i, page in enumerate(pages) if "Nơi nhận:" in page)
    assert appendix > signature and "Nơi nhận:" not in pages[appendix]
    assert "(ký, ghi rõ họ tên)" not in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    serif = [line for line in fonts.splitlines() if "Liberation-Serif" in line or "LiberationSerif" in line]
    assert serif and all(line.split()[-5] == "yes" for line in serif)  # emb = yes


def test_large_exports_run_in_the_background(
    client_for, data, monkeypatch, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.PRIVATE_FILES_ROOT = tmp_path
    monkeypatch.setattr(exports, "LARGE_SCOPE", 0)
    client = client_for("district_planner")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("reports:export_xlsx", args=[data.district.pk]) + Q)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "reports:export_job", args=[data.district.pk, job.pk]
    )
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.progress == 100
    page = client.get(response.url)
    assert "?download=1" in page.content.decode()
    download = client.get(response.url + "?download=1")
    assert load_workbook(io.BytesIO(b"".join(download.streaming_content))).sheetnames[0] == "Tổng hợp"
    # Outside the organization's tree the job does not exist.
    assert client_for("outsider").get(response.url).status_code == 404


def test_attainment_command_json(data, capsys):
    call_command("attainment", "--org", "LD.DD", "--year", "2025", "--as-of", "2025-06-30", "--format", "json")
    out = json.loads(capsys.readouterr().out)
    assert {"org", "year", "as_of", "rules", "allocations"} <= set(out)
    rule_keys = {
        "plan",
        "rule",
        "org",
        "category",
        "target_min",
        "target_max",
        "share_min",
        "share_max",
        "implied_min",
        "actual",
        "base",
        "share",
        "status",
        "failing",
    }
    assert all(rule_keys <= set(r) for r in out["rules"])
    assert out["org"] == "Huyện ủy Đơn Dương" and out["actual"] == 3
    allocation = out["allocations"][0]
    assert {"plan", "target", "allocated", "children"} <= set(allocation)
    assert {"org", "target", "sub_targets", "actual"} <= set(allocation["children"][0])
    assert allocation["target"] == 10 and allocation["allocated"] == 10


def test_export_report_command(data, tmp_path):
    out = tmp_path / "r.xlsx"
    call_command(
        "export_report", "--org", "Huyện ủy Đơn Dương", "--year", "2025", "--format", "xlsx", "--output", str(out)
    )
    assert load_workbook(out).sheetnames[0] == "Tổng hợp"
    pdf = tmp_path / "r.pdf"
    call_command("export_report", "--org", "LD.DD", "--year", "2025", "--format", "pdf", "--output", str(pdf))
    assert pdf.read_bytes().startswith(b"%PDF")


def _xlsx(rows):
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "h.xlsx"
    return buffer


def test_historical_entry_and_import(client_for, data):
    client = client_for("district_planner")
    url = reverse("reports:history", args=[data.district.pk])
    response = client.post(url, {"organization": data.school.pk, "year": 2023, "category": "pupil", "count": 2})
    assert response.status_code == 302
    assert HistoricalResult.objects.get().count == 2
    # Outside the planner's scope: not a valid choice.
    response = client.post(url, {"organization": data.city.pk, "year": 2023, "count": 2})
    assert response.status_code == 200 and HistoricalResult.objects.count() == 1

    bad = _xlsx(
        [
            ["Mã tổ chức", "Năm", "Đối tượng", "Số đảng viên mới", "Nguồn"],
            ["LD.DD", 2022, "", 12, "ok"],
            ["LD.DL", 2022, "", 5, "other district"],
            ["LD.DD.THPT", "năm ngoái", "HS", -1, ""],
            ["LD.DD", 2021, "thợ lặn", 3, ""],
        ]
    )
    response = client.post(url, {"file": bad})
    errors = response.context["errors"]
    assert [e.row for e in errors] == [3, 4, 5]
    assert HistoricalResult.objects.count() == 1  # nothing saved

    good = _xlsx(
        [
            ["Mã tổ chức", "Năm", "Đối tượng", "Số đảng viên mới"],
            ["LD.DD", 2022, "", 12],
            ["Chi bộ Trường THPT Đơn Dương", 2022, "HS", 1],
        ]
    )
    response = client.post(url, {"file": good})
    assert response.status_code == 302
    assert HistoricalResult.objects.count() == 3


def test_the_history_form_names_an_ended_organization_with_its_last_day(client_for, data):
    """Boards enter the years before the app for organizations the 2025 reorganization ended
    too: the choice says which they are, as the reports do, and takes their results."""
    from organizations.services import organization_dissolve

    organization_dissolve(organization=data.enterprise, on_date=dt.date(2025, 7, 1), today=dt.date(2025, 7, 1))
    client = client_for("district_planner")
    url = reverse("reports:history", args=[data.district.pk])
    page = client.get(url).content.decode()
    assert f">{data.enterprise.name} (đến 30/06/2025)</option>" in page
    assert f">{data.school.name}</option>" in page
    response = client.post(url, {"organization": data.enterprise.pk, "year": 2024, "count": 3})
    assert response.status_code == 302
    assert HistoricalResult.objects.get().organization == data.enterprise
    table = client.get(url).content.decode().split('data-testid="historical"')[1]
    assert re.search(rf"<td[^>]*>\s*{data.enterprise.name} \(đến 30/06/2025\)\s*</td>", table)


def test_history_needs_edit_plans(client_for, data):
    assert client_for("viewer").get(reverse("reports:history", args=[data.district.pk])).status_code == 403
    assert client_for("clerk").get(reverse("reports:history", args=[data.school.pk])).status_code == 403


def test_admissions_list_query_count_is_constant(client_for, data):
    client = client_for("district_planner")
    url = reverse("reports:admissions", args=[data.district.pk]) + Q
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for day in range(1, 20):
        admit(data.cell, dt.date(2025, 5, day))
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.context["total"] == 3 + 19
    assert len(large.captured_queries) == len(small.captured_queries)


def test_dashboard_and_workbook_show_earlier_years(client_for, tree):
    from tests.test_reports_engine import make_plan, make_rule

    HistoricalResult.objects.create(organization=tree.city, year=2023, count=191, source="seed 001")
    plan = make_plan(tree.city, number="06", symbol="KH/ThU", first_year=2024)
    make_rule(plan, "share_admissions", category=Category.NON_STATE_WORKER, min_percent=2)
    client = client_for("province_planner")
    query = "?year=2024&as_of=2024-12-31"
    html = client.get(reverse("reports:dashboard", args=[tree.city.pk]) + query).content.decode()
    assert "2023: chưa có số liệu" in html  # workers in 2023: unknown, the 191 are not broken down by category
    assert "191" in html  # implied count against last year's 191 new members
    wb = _workbook(client.get(reverse("reports:export_xlsx", args=[tree.city.pk]) + query))
    rows = list(wb["Tỷ lệ trong số kết nạp"].iter_rows(values_only=True))
    assert ("So sánh các năm",) == tuple(c for c in rows[-7] if c is not None)
    assert rows[-2][:3] == (2023, "chưa có số liệu", 191)


def test_a_cached_page_never_shows_a_viewer_the_links_a_planner_gets(client_for, data):
    url = reverse("reports:dashboard", args=[data.district.pk]) + Q
    names_link = reverse("reports:admissions", args=[data.district.pk])
    assert names_link in client_for("district_planner").get(url).content.decode()
    assert names_link not in client_for("viewer").get(url).content.decode()


def test_size_rules_list_only_the_cells_below_the_size_even_in_a_small_scope(client_for, data):
    """The engine answers size rules in the database and returns only the failing cells:
    the block says so instead of suggesting every cell is listed."""
    from quotas.models import RuleKind
    from tests.test_reports_engine import make_plan, make_rule

    plan = make_plan(data.district, number="7", symbol="KH/HU")
    make_rule(
        plan, RuleKind.CELL_SIZE, applies_to_each=True, forms=[OrgForm.CELL, OrgForm.GRASSROOTS_CELL], min_count=10
    )
    wb = _workbook(client_for("district_planner").get(reverse("reports:export_xlsx", args=[data.district.pk]) + Q))
    rows = _sheet_rows(wb, "Quy mô chi bộ")
    lead = next(i for i, r in enumerate(rows) if r and "tổ chức đạt" in str(r[0]))
    # The school (27 members) meets it; the cell (8) and the enterprise (no count) do not.
    assert rows[lead] == ("1/3 tổ chức đạt; dưới đây là 2 tổ chức chưa đạt.",)
    listed = {r[1]: r for r in rows[lead + 2 : lead + 4]}
    assert set(listed) == {data.cell.name, data.enterprise.name}
    # Names repeat across a province ("Chi bộ thôn 1"): each row says what it is part of.
    assert listed[data.cell.name][2:5] == (data.commune.name, "≥ 10", 8)
    assert listed[data.enterprise.name][2] == data.district.name


def test_no_list_sentence_when_every_organization_meets_it(data, monkeypatch):
    """“7/7 đạt”, not “7/7 đạt; dưới đây là 0 tổ chức chưa đạt”."""
    from reports import report
    from reports.engine import attainment

    monkeypatch.setattr(report.rule_tables, "LIST_ALL_UP_TO", 0)  # only the failing ones would be listed
    with translation.override("vi"):
        att = attainment(scope=data.district, year=2025, as_of=dt.date(2025, 6, 30))
        rule = next(r for r in att.rules if r.many)
        rule.failing, rule.meeting = [], rule.matched
        table = report.build_report(att).rule_tables[0]
    assert table.lead == f"{rule.matched}/{rule.matched} tổ chức đạt."


def test_the_pdf_prints_what_says_something(tree):
    """Issue 17: the rules' sections numbered 1, 2, 3 without the gaps of rules shown only in
    the summary; no "400%" for "at least 01"; a closed year prints no "Dự kiến" column."""
    import re

    from organizations.models import Sector
    from quotas.models import RuleKind
    from reports.engine import attainment
    from reports.pdf import render_pdf_html
    from reports.report import build_report
    from tests.test_reports_engine import admit, make_plan, make_rule

    plan = make_plan(tree.district, number="12", symbol="KH/HU")
    make_rule(plan, RuleKind.COUNT, target=tree.district, min_count=10)  # one organization: summary only
    make_rule(plan, RuleKind.COUNT, applies_to_each=True, sectors=[Sector.HIGH_SCHOOL], min_count=1)
    for day in (3, 4, 5, 6):
        admit(tree.school, dt.date(2025, 5, day))
    with translation.override("vi"):
        html = render_pdf_html(build_report(attainment(scope=tree.district, year=2025, as_of=dt.date(2025, 12, 31))))
    sections = re.findall(r"<h3>(\d+)\. ", html)
    assert sections == ["1"]  # the second rule, first (and only) section of its own
    assert "400,0%" not in html and "400%" not in html
    assert "Dự kiến" not in html


def test_an_allocation_table_says_what_of_the_committee_s_figure_is_in_no_row(client_for, data):
    """A count entered at the district itself belongs to none of its table's rows: the note
    under the table says so, so that the table's total and the district's figure do not
    contradict each other unexplained (page and workbook)."""
    planner = client_for("district_planner")
    url = reverse("reports:dashboard", args=[data.district.pk]) + Q
    assert "không thuộc dòng nào" not in planner.get(url).content.decode()  # every admission is in a row
    historical_result_record(organization=data.district, year=2025, category="", count=4, source="báo cáo 6 tháng")
    page = planner.get(url).content.decode()
    assert "Huyện ủy Đơn Dương đã kết nạp 7: 4 trong số đó không thuộc dòng nào" in page
    wb = _workbook(planner.get(reverse("reports:export_xlsx", args=[data.district.pk]) + Q))
    assert any(
        "4 trong số đó không thuộc dòng nào" in str(c) for row in wb["Phụ lục"].iter_rows(values_only=True) for c in row
    )
