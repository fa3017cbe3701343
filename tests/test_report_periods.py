"""Report periods in the engine, the commands and across tree changes: the admissions of a
period beside those of the same period last year, counted in the tree of the report's day."""

import datetime as dt
import io
import json
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from admissions.categories import Category
from admissions.models import Admission
from organizations.models import Organization, OrgForm, Sector
from organizations.services import organization_create, organization_dissolve
from quotas.models import RuleKind
from reports.engine import attainment
from reports.periods import parse
from reports.report import children_table
from reports.serialize import attainment_json
from reports.services import historical_result_record

from .conftest import takes_cells
from .test_reports_across_time import move
from .test_reports_engine import admit, allocate, make_plan, make_rule

D = dt.date


def run(*args) -> dict:
    out = StringIO()
    call_command("attainment", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def admitted(tree):
    """Đơn Dương: 2024 — 1 in Q1, 2 in Q2 (one pupil), 1 in Q4; 2025 — 1 in Q1, 3 in Q2 (two pupils)."""
    plan = make_plan(tree.province, first_year=2024)
    table = make_rule(plan, RuleKind.ALLOCATION, min_count=10)
    allocate(table, tree.district, 6, pupil=1)
    make_rule(make_plan(tree.district, first_year=2024, number="159", symbol="KH/HU"), RuleKind.COUNT, min_count=8)
    for day, org, category in [
        (D(2024, 2, 1), tree.cell, Category.OTHER),
        (D(2024, 4, 10), tree.school, Category.PUPIL),
        (D(2024, 5, 10), tree.enterprise, Category.OTHER),
        (D(2024, 11, 3), tree.cell, Category.OTHER),
        (D(2025, 3, 1), tree.cell, Category.OTHER),
        (D(2025, 4, 2), tree.school, Category.PUPIL),
        (D(2025, 5, 2), tree.school, Category.PUPIL),
        (D(2025, 6, 30), tree.enterprise, Category.OTHER),
    ]:
        admit(org, day, category)
    return tree


def test_attainment_period_q2_has_the_period_count_and_the_same_period_of_2024(admitted):
    data = run("--org", "LD.DD", "--period", "2025-Q2")
    assert data["period"] == {
        "key": "2025-Q2",
        "label": "Quý II năm 2025",
        "start": "2025-04-01",
        "end": "2025-06-30",
        "counted_to": "2025-06-30",
    }
    assert (data["year"], data["as_of"]) == (2025, "2025-06-30")
    assert data["actual"] == 4  # the year to date, against the annual targets, as always
    assert data["period_actual"] == 3
    assert data["same_period_last_year"] == {
        "key": "2024-Q2",
        "label": "Quý II năm 2024",
        "start": "2024-04-01",
        "end": "2024-06-30",
        "actual": 2,
        "difference": 1,
        "percent": 150.0,
    }
    children = {c["org"]: c for c in data["children"]}
    school = children["Chi bộ Trường THPT Đơn Dương"]
    assert (school["period_actual"], school["same_period_last_year"]["actual"]) == (2, 1)
    commune = children["Đảng bộ xã Ka Đô"]
    assert commune["period_actual"] == 0 and commune["same_period_last_year"] == {
        "actual": 0,
        "difference": 0,
        "percent": None,  # "—": last year is 0
    }
    row = data["allocations"][0]["children"][0]
    assert (row["period_actual"], row["same_period_last_year"]["actual"]) == (3, 2)
    count = next(r for r in data["rules"] if r["kind"] == "count")
    assert (count["period_actual"], count["same_period_last_year"]["actual"]) == (3, 2)


def test_year_to_date_periods_and_year_and_as_of_as_before(admitted):
    six = run("--org", "LD.DD", "--period", "2025-6M")
    assert six["period_actual"] == six["actual"] == 4
    assert six["same_period_last_year"]["actual"] == 3
    old = run("--org", "LD.DD", "--year", "2025", "--as-of", "2025-06-30")
    assert old["actual"] == 4 and old["period"]["key"] == "2025"
    assert old["period"]["counted_to"] == "2025-06-30"
    # The running year against the same days of last year.
    assert (old["same_period_last_year"]["start"], old["same_period_last_year"]["end"]) == ("2024-01-01", "2024-06-30")
    assert old["same_period_last_year"]["actual"] == 3
    whole = run("--org", "LD.DD", "--year", "2024")
    assert whole["period_actual"] == whole["actual"] == 4
    assert whole["same_period_last_year"]["actual"] is None  # 2023: no data, never 0


def test_attainment_from_to_and_bad_periods(admitted):
    span = run("--org", "LD.DD", "--from", "2025-04-01", "--to", "2025-05-31")
    assert span["period"]["key"] == "2025-04-01..2025-05-31"
    assert (span["period_actual"], span["same_period_last_year"]["actual"]) == (2, 2)
    assert span["as_of"] == "2025-05-31"
    for bad in (["--period", "2025-Q5"], ["--from", "2025-05-01", "--to", "2025-04-01"], ["--from", "2025-01-01"]):
        with pytest.raises(CommandError):
            run("--org", "LD.DD", *bad)
    with pytest.raises(CommandError):
        run("--org", "LD.DD", "--year", "2024", "--period", "2025-Q1")


def test_a_past_period_is_unchanged_after_a_tree_move(admitted):
    tree = admitted
    q2 = parse("2025-Q2")

    def figures(org):
        org.refresh_from_db()
        return attainment_json(attainment(scope=org, year=2025, as_of=q2.end, period=q2))

    before = {org.code: figures(org) for org in (tree.province, tree.district, tree.city, tree.school)}
    assert before["LD.DD"]["period_actual"] == 3
    move(tree.school, tree.city, D(2025, 8, 1))
    admit(tree.school, D(2025, 9, 2), Category.PUPIL)  # after the move, outside the period
    after = {org.code: figures(org) for org in (tree.province, tree.district, tree.city, tree.school)}
    assert after == before
    # The period after the move counts the school under Đà Lạt, its admissions with it.
    city = Organization.objects.get(code=tree.city.code)
    q3 = attainment(scope=city, year=2025, as_of=D(2025, 9, 30), period=parse("2025-Q3"))
    assert q3.period_actual == 1 and q3.period_figure.last_year == 0
    assert Admission.objects.filter(ceremony_date__year=2025).count() == 5


# --- pages -------------------------------------------------------------------------


def dashboard_url(org, query=""):
    return reverse("reports:dashboard", args=[org.pk]) + query


def test_dashboard_with_a_period_shows_it_beside_the_same_period_last_year(client_for, admitted):
    response = client_for("district_planner").get(dashboard_url(admitted.district, "?period=2025-Q2"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="period-table"' in html
    assert "01/04/2025–30/06/2025" in html and "01/04/2024–30/06/2024" in html
    actual = html.split('data-testid="period-actual">', 1)[1].split("</dd>", 1)[0]
    assert ">3</a>" in actual and 'data-testid="period-last-year">2<' in actual
    # Drill-down and exports keep the period.
    assert "period=2025-Q2" in html
    assert (
        reverse("reports:export_xlsx", args=[admitted.district.pk])
        + "?year=2025&amp;as_of=2025-06-30&amp;period=2025-Q2"
        in html
    )
    # The period's admissions behind the figure (names: planners, not viewers).
    listed = client_for("district_planner").get(
        reverse("reports:admissions", args=[admitted.district.pk]) + "?period=2025-Q2&in_period=1"
    )
    assert listed.context["total"] == 3


def test_dashboard_custom_span_and_the_chooser(client_for, admitted):
    client = client_for("district_planner")
    response = client.get(dashboard_url(admitted.district, "?period=custom&from=01/04/2025&to=31/05/2025"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "01/04/2025–31/05/2025" in html
    assert "period=2025-04-01..2025-05-31" in html  # links carry the span as a period key
    again = client.get(dashboard_url(admitted.district, "?period=2025-04-01..2025-05-31"))
    assert again.status_code == 200 and "01/04/2025–31/05/2025" in again.content.decode()
    # The chooser lists the named periods of the year and the custom span.
    assert 'value="2025-Q3"' in html and 'value="2025-9M"' in html and 'value="custom" selected' in html
    # A named period follows the year chosen beside it.
    moved = client.get(dashboard_url(admitted.district, "?year=2024&period=2025-Q2"))
    assert "01/04/2024–30/06/2024" in moved.content.decode()


@pytest.mark.parametrize(
    "query",
    ["?period=2025-Q5", "?period=abc", "?period=custom&from=31/05/2025&to=01/04/2025", "?from=01/04/2025", "?to=xx"],
)
def test_a_bad_period_in_the_url_is_said_in_vietnamese_never_a_500(client_for, admitted, query):
    client = client_for("district_planner")
    with translation.override("vi"):
        response = client.get(dashboard_url(admitted.district, query), HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    said = " ".join(str(m) for m in response.context["messages"])
    assert "mặc định" in said  # "… showing the default period instead", in Vietnamese
    assert client.get(reverse("reports:compare", args=[admitted.district.pk]) + query).status_code == 200
    # An export is no file of the default period (the refusal would be lost with the
    # download): back to the page, which says why.
    export = client.get(reverse("reports:export_xlsx", args=[admitted.district.pk]) + query)
    assert export.status_code == 302 and export["Location"].startswith(dashboard_url(admitted.district, ""))


def test_export_of_a_period_has_the_same_period_sheet(client_for, admitted):
    response = client_for("district_planner").get(
        reverse("reports:export_xlsx", args=[admitted.district.pk]) + "?period=2025-Q2"
    )
    assert response.status_code == 200
    assert "bao-cao-2025-Q2-" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content))["Cùng kỳ"]
    rows = list(sheet.iter_rows(values_only=True))
    total = next(r for r in rows if r[1] and str(r[1]).startswith("Huyện ủy Đơn Dương"))
    assert total[2:6] == (3, 2, 1, 1.5)
    # Each organization directly under the district has the period beside its own figures
    # ("—", not a percentage, when last year is 0), not a second row in this table.
    assert not any(r[1] == "Đảng bộ xã Ka Đô" for r in rows)
    children = list(load_workbook(io.BytesIO(response.content))["Trực thuộc"].iter_rows(values_only=True))
    header = next(r for r in children if r[0] == "STT")
    at = header.index("Kỳ này")
    assert header[at : at + 4] == ("Kỳ này", "Cùng kỳ năm trước", "Chênh lệch", "Tỷ lệ so với cùng kỳ")
    commune = next(r for r in children if r[1] == "Đảng bộ xã Ka Đô")
    assert commune[at : at + 4] == (0, 0, 0, "—")


def test_pdf_of_a_period_names_it(admitted):
    from reports.pdf import render_pdf_html
    from reports.report import build_report

    with translation.override("vi"):
        att = attainment(scope=admitted.district, year=2025, as_of=D(2025, 6, 30), period=parse("2025-Q2"))
        html = render_pdf_html(build_report(att))
    # Counts two digits at least, as section I writes the year's ("06"), "chưa có số liệu" without one.
    assert "Quý II năm 2025" in html and "cùng kỳ năm trước: <b>02</b>" in html


def test_dashboard_query_count_with_a_period_is_constant(client_for, admitted):
    """The period costs one query (both spans, every depth): not one per row."""
    client = client_for("district_planner")
    url = dashboard_url(admitted.district, "?period=2025-Q2")
    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for i in range(5):
        admitted.district.refresh_from_db()
        school = organization_create(
            parent=admitted.district,
            code=f"LD.DD.S{i}",
            name=f"Chi bộ Trường THPT số {i}",
            form=OrgForm.GRASSROOTS_CELL,
            sector=Sector.HIGH_SCHOOL,
        )
        admit(school, D(2025, 5, 1), Category.PUPIL)
        admit(school, D(2024, 5, 1), Category.PUPIL)
    cache.clear()
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)
    cache.clear()
    with CaptureQueriesContext(connection) as year:
        client.get(dashboard_url(admitted.district))
    # The plain year (as of today) reads the same number of queries as a period, which, of
    # an earlier day, also reads whether the pipeline changed since (two queries when nobody
    # left the road since, as here) and the candidates moved by hand since
    # (counting.pipeline_changed_after, engine.counts._moved_back).
    assert len(year.captured_queries) + 3 == len(large.captured_queries)


def test_a_merger_keeps_past_periods_and_last_years_admissions_follow_the_successor(admitted, tmp_path):
    from organizations.services import organization_merge

    tree = admitted
    admit(tree.commune, D(2024, 8, 1))  # Q3 2024, the commune's own
    q2 = parse("2025-Q2")

    def figures(org, period):
        org.refresh_from_db()
        return attainment_json(attainment(scope=org, year=period.year, as_of=period.end, period=period))

    before = figures(tree.district, q2)
    tree.commune.refresh_from_db()
    tree.enterprise.refresh_from_db()
    takes_cells(tree.enterprise)
    organization_merge(source=tree.commune, target=tree.enterprise, on_date=D(2025, 8, 1), today=D(2026, 1, 15))
    assert figures(tree.district, q2) == before
    # After the merger the commune's past admissions count with the enterprise, last year's too.
    q3 = figures(tree.district, parse("2025-Q3"))
    children = {c["org"]: c for c in q3["children"]}
    assert "Đảng bộ xã Ka Đô" not in children
    enterprise = children["Chi bộ Công ty TNHH Đồng Thúy"]
    assert (enterprise["period_actual"], enterprise["same_period_last_year"]["actual"]) == (0, 1)
    assert (q3["period_actual"], q3["same_period_last_year"]["actual"]) == (0, 1)


def test_export_report_takes_a_period(admitted, tmp_path):
    out = tmp_path / "q2.xlsx"
    call_command("export_report", "--org", "LD.DD", "--period", "2025-Q2", "--format", "xlsx", "--output", str(out))
    rows = list(load_workbook(out)["Cùng kỳ"].iter_rows(values_only=True))
    assert any(r[1] == "Huyện ủy Đơn Dương (tổng số)" and r[2:4] == (3, 2) for r in rows)


@pytest.fixture
def entered_2024(admitted):
    """The school's 2024 entered as a count besides its one 2024 record (5 not recorded here)."""
    historical_result_record(organization=admitted.school, year=2024, category="", count=5)
    return admitted


def test_part_of_a_year_entered_as_a_count_reads_no_data(entered_2024):
    """A year's entered count has no day: the same period last year (Q2 2024) cannot split it.
    It read the records alone before (the district's 2 in Q2 2024, as if the 5 were not)."""
    data = run("--org", "LD.DD", "--period", "2025-Q2")
    assert data["period_actual"] == 3
    assert data["same_period_last_year"]["actual"] is None
    assert (data["same_period_last_year"]["difference"], data["same_period_last_year"]["percent"]) == (None, None)
    children = {c["org"]: c for c in data["children"]}
    assert children["Chi bộ Trường THPT Đơn Dương"]["same_period_last_year"]["actual"] is None
    # Nothing was entered under the commune: its records are its figure.
    assert children["Đảng bộ xã Ka Đô"]["same_period_last_year"]["actual"] == 0
    row = data["allocations"][0]["children"][0]
    assert (row["period_actual"], row["same_period_last_year"]["actual"]) == (3, None)
    count = next(r for r in data["rules"] if r["kind"] == "count")
    assert (count["period_actual"], count["same_period_last_year"]["actual"]) == (3, None)
    # A report of a quarter of 2024 itself: no data for this period either.
    quarter = run("--org", "LD.DD", "--period", "2024-Q2")
    assert quarter["period_actual"] is None
    assert quarter["actual"] == 3 + 5  # the year's figure holds the count, whatever the day


def test_a_whole_year_entered_as_a_count_is_in_every_rows_last_year(entered_2024):
    """Beside the year 2025, last year (2024) is whole: the entered 5 count in the scope's
    row, its children, the allocation row and the rule's subject alike (the allocation row
    and the rule read 4, the records alone, beside the scope's 9)."""
    data = run("--org", "LD.DD", "--year", "2025")
    assert data["same_period_last_year"]["actual"] == 4 + 5
    children = {c["org"]: c for c in data["children"]}
    assert children["Chi bộ Trường THPT Đơn Dương"]["same_period_last_year"]["actual"] == 1 + 5
    row = data["allocations"][0]["children"][0]
    assert row["same_period_last_year"]["actual"] == 4 + 5
    count = next(r for r in data["rules"] if r["kind"] == "count")
    assert count["same_period_last_year"]["actual"] == 4 + 5


def test_dashboard_says_no_data_for_part_of_a_year_entered_as_a_count(client_for, entered_2024):
    with translation.override("vi"):
        response = client_for("district_planner").get(dashboard_url(entered_2024.district, "?period=2025-Q2"))
    html = response.content.decode()
    assert 'data-testid="period-last-year">chưa có số liệu<' in html


def test_rows_holding_an_unknown_figure_have_no_total_and_the_report_says_why(entered_2024, client_for):
    """The district's children beside Q2 2024: the school's is unknown, so the column has no
    total (the sum of the others, 1, would be taken for the district's); the page and its
    tables say which year's count it is."""
    with translation.override("vi"):
        response = client_for("district_planner").get(dashboard_url(entered_2024.district, "?period=2025-Q2"))
    html = response.content.decode()
    assert 'data-testid="period-cut"' in html
    assert "số đảng viên mới năm 2024 đã được nhập là số của cả năm" in html
    with translation.override("vi"):
        response = client_for("district_planner").get(
            reverse("reports:export_xlsx", args=[entered_2024.district.pk]) + "?period=2025-Q2"
        )
    book = load_workbook(io.BytesIO(response.content))
    children = list(book["Trực thuộc"].iter_rows(values_only=True))
    assert any("năm 2024 đã được nhập là số của cả năm" in str(r[0]) for r in children)
    header = next(r for r in children if r[0] == "STT")
    total = next(r for r in children if r[1] == "Tổng cộng")
    assert total[header.index("Cùng kỳ năm trước")] is None  # not the others' sum
    att = attainment(scope=entered_2024.district, year=2025, as_of=D(2025, 6, 30), period=parse("2025-Q2"))
    assert att.cut_years == (2024,)
    with translation.override("en"):
        table = children_table(att)
    same_period = [c.title for c in table.columns].index("Same period last year")
    assert table.totals[same_period] is None
    assert same_period not in table.sum_columns
    assert table.totals[same_period - 1] == 3  # this period: every row known, summed


def test_no_cut_years_without_entered_counts(admitted):
    att = attainment(scope=admitted.district, year=2025, as_of=D(2025, 6, 30), period=parse("2025-Q2"))
    assert att.cut_years == ()


def test_a_row_ended_in_a_year_entered_as_a_count_reads_its_own_reports_figure(tree):
    """A cell that entered its 2024 as a count (3) besides one record, dissolved on
    01/07/2024: the province's allocation row for it, counted to its last day, reads what the
    cell's own report of that day reads (4), not the record alone (1)."""
    cell = organization_create(
        parent=tree.district, code="DD.NEW", name="Chi bộ Thôn Mới", form=OrgForm.GRASSROOTS_CELL,
        sector=Sector.OTHER, founded_on=D(2024, 1, 1),
    )  # fmt: skip
    table = make_rule(make_plan(tree.province, first_year=2024), RuleKind.ALLOCATION, min_count=10)
    allocate(table, cell, 2)
    admit(cell, D(2024, 3, 1), Category.OTHER)
    historical_result_record(organization=cell, year=2024, category="", count=3)
    organization_dissolve(organization=cell, on_date=D(2024, 7, 1), today=D(2024, 7, 1))
    own = attainment(scope=Organization.objects.get(pk=cell.pk), year=2024, as_of=D(2024, 6, 30))
    assert own.actual == 1 + 3
    report = attainment(scope=tree.province, year=2024, as_of=D(2024, 12, 31))
    row = next(r for t in report.allocations for r in t.rows if r.org.pk == cell.pk)
    assert (row.ended_on, row.actual) == (D(2024, 7, 1), 1 + 3)


def test_the_period_chooser_offers_the_periods_of_the_year_of_vietnam_s_day(monkeypatch):
    """Between 00:00 and 07:00 in Vietnam on 1 January the server's UTC day is still 31
    December: the chooser offered last year's quarters (it read the machine's day)."""
    from reports.forms import PeriodForm

    monkeypatch.setattr("common.clock.today", lambda: dt.date(2031, 1, 1))
    keys = [key for key, _label in PeriodForm().fields["period"].widget.choices]
    assert "2031-Q1" in keys and "2030-Q1" not in keys
