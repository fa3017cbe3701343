"""What an audit of the reorganized demo found in the reports, read as a board reads them:
the allocation appendix shows each figure once; the organizations table of a year not
begun totals its targets; a year not begun forecasts nothing in the JSON either;
check_dissolved lists records dated before a founding; a target no organization is left
to meet says why it is not shown."""

import datetime as dt
import io
import json
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from organizations.models import MemberCount, Organization
from quotas.models import RuleKind
from quotas.services import allocations, plans, rules
from reports.engine import attainment
from reports.models import HistoricalResult
from reports.pdf import render_pdf, render_pdf_html
from reports.report import build_report
from reports.xlsx import render_xlsx

from .test_report_documents import _pdf_text, _report, allocated  # noqa: F401  (a fixture)
from .test_report_periods import admitted  # noqa: F401  (a fixture)
from .test_reports_engine import admit

D = dt.date
Q2 = "?period=2025-Q2"


def _table(html: str, key: str) -> list[list[str]]:
    """The cells of a page's table, row by row (header first, the total row last)."""
    table = html.split(f'data-testid="{key}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
        for r in rows
    ]


# ------------------------------------------------------------------ 1. the appendix: each figure once


def test_the_allocation_appendix_shows_each_figure_once_as_a_number(client_for, allocated, tmp_path):  # noqa: F811
    """The district allocates 3 (01 HS) to its school, which admitted 2 pupils in 2025 to 30/06.
    Page and workbook show the quota and the achieved figure once, as numbers, and the
    pupils' sub-quota in columns of its own (it was "03 (01 HS)" beside a column "3"); the
    PDF, the document a board signs, writes each once as the plan does: "03 (01 HS)"."""
    html = client_for("district_planner").get(reverse("reports:dashboard", args=[allocated.district.pk]) + Q2)
    html = html.content.decode()
    key = re.findall(r'data-testid="(allocation-\d+)"', html)[-1]  # the district's own table
    header, *rows = _table(html, key)
    assert header[:7] == ["STT", "TCCSĐ", "CHỈ TIÊU", "THỰC HIỆN", "Dự kiến", "TỶ LỆ", "CHỈ TIÊU HS"]
    assert header[7] == "THỰC HIỆN HS" and "Chỉ tiêu (số)" not in header and "Thực hiện (số)" not in header
    school = next(r for r in rows if r[1] == "Chi bộ Trường THPT Đơn Dương")
    assert school[2:4] == ["3", "2"] and school[6:8] == ["1", "2"]
    assert "03 (01 HS)" not in html
    assert rows[-1][1] == "Tổng cộng" and rows[-1][2:4] == ["6", "4"] and rows[-1][6:8] == ["1", "2"]

    report = _report(allocated.district)
    with translation.override("vi"):
        sheet = load_workbook(io.BytesIO(render_xlsx(report)))["Phụ lục"]
    values = list(sheet.iter_rows(values_only=True))
    header = [h for h in [r for r in values if r[0] == "STT"][-1] if h]  # the district's table, the last
    assert header[:7] == ["STT", "TCCSĐ", "CHỈ TIÊU", "THỰC HIỆN", "TỶ LỆ", "CHỈ TIÊU HS", "THỰC HIỆN HS"]
    school = next(r for r in values if r[1] == "Chi bộ Trường THPT Đơn Dương" and r[2] == 3)
    assert school[2:4] == (3, 2) and school[5:7] == (1, 2)
    cell = next(c for c in sheet[values.index(school) + 1] if c.value == 3)
    assert cell.number_format == "00"  # shown "03", as the plan writes it

    with translation.override("vi"):
        text, _pages = _pdf_text(render_pdf(report), tmp_path)
    appendix = text.split("Phụ lục 2", 1)[1]
    line = next(x for x in appendix.splitlines() if "Chi bộ Trường THPT Đơn Dương" in x)
    # The signed document writes them as the plan does (DOCUMENT-FORMAT.md, appendix
    # tables): each figure once, its sub-quota in brackets, no separate HS columns.
    assert "03 (01 HS)" in line and "02 (02 HS)" in line and "66,7%" in line
    assert "CHỈ TIÊU HS" not in appendix


# ------------------------------------------------------------------ the reorganized demo


@pytest.fixture
def reorganized(seeded_demo):
    """The demo as `seed_demo --reorganized` leaves it (tests/test_reorganized_demo.py)."""
    from devdata import reorganization as demo

    demo.seed_reorganized(StringIO(), today=timezone.localdate())
    demo.seed_logins([(row["username"], "", "") for row in demo.PLAN["logins"]])


def _province_plan(year: int, last_year: int | None = None):
    """An issued plan of the province for `year` (to `last_year`)."""
    today = timezone.localdate()
    plan = plans.plan_create(
        issuer=Organization.objects.get(code="LD"),
        title="Kế hoạch phát triển đảng viên",
        symbol="KH/TU",
        first_year=year,
        last_year=last_year or year,
    )
    return plan, today


def _page(username: str, org: Organization, year: int) -> str:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    response = client.get(reverse("reports:dashboard", args=[org.pk]), {"year": year})
    assert response.status_code == 200
    return response.content.decode()


def test_the_organizations_table_totals_the_targets_of_a_year_not_begun(reorganized):
    """The province allocates 05 and 03 to two communes for this year and the next: the total
    row of the organizations under it carries 8 in both, the year to come as the running one."""
    this_year = timezone.localdate().year
    plan, today = _province_plan(this_year, this_year + 1)
    table = rules.rule_create(plan=plan, today=today, kind=RuleKind.ALLOCATION, min_count=8)
    communes = [Organization.objects.get(code=code) for code in ("LD.X-DONDUONG", "LD.X-KADO")]
    allocations.allocation_set(
        rule=table,
        rows=[allocations.RowInput(communes[0].pk, 5, {}), allocations.RowInput(communes[1].pk, 3, {})],
        today=today,
    )
    plans.plan_issue(plan=plan, number="120", issued_on=today, today=today)
    province = Organization.objects.get(code="LD")
    for year in (this_year, this_year + 1):
        header, *rows = _table(_page("tinh.kehoach", province, year), "children")
        at = header.index("Chỉ tiêu")
        targets = {r[1]: r[at] for r in rows}
        assert (targets["Đảng ủy xã Đơn Dương"], targets["Đảng ủy xã Ka Đô"]) == ("5", "3"), year
        assert rows[-1][1] == "Tổng cộng" and rows[-1][at] == "8", year


# ------------------------------------------------------------------ 3. the JSON of a year not begun


def _forecasts(data) -> list:
    """Every value of a "forecast" key anywhere in the JSON."""
    if isinstance(data, dict):
        return [v for k, v in data.items() if k == "forecast"] + [x for v in data.values() for x in _forecasts(v)]
    if isinstance(data, list):
        return [x for v in data for x in _forecasts(v)]
    return []


def test_the_json_of_a_year_not_begun_forecasts_nothing_even_for_idle_cells(reorganized):
    """Next year's plan flags every cell without an admission that year: today's candidates of
    those cells are no forecast of a year not begun (the page, PDF and workbook print none)."""
    next_year = timezone.localdate().year + 1
    plan, today = _province_plan(next_year)
    rules.rule_create(
        plan=plan, today=today, kind=RuleKind.INACTIVITY, applies_to_each=True, forms=["cell"], years_without=1
    )
    plan = plans.plan_issue(plan=plan, number="121", issued_on=today, today=today)
    province = Organization.objects.get(code="LD")
    answer = attainment(scope=province, year=next_year, as_of=today, list_failing=True)
    idle = next(r for r in answer.rules if r.plan == plan)
    assert sum(m.forecast or 0 for m in idle.failing) > 0  # candidates on the road in idle cells today

    out = StringIO()
    call_command("attainment", "--org", "LD", "--year", str(next_year), stdout=out)
    data = json.loads(out.getvalue())
    assert data["forecast"] is None and data["period_actual"] is None
    rule = next(r for r in data["rules"] if r["plans"] == [plan.reference])
    assert rule["kind"] == "inactivity" and rule["failing"] and "forecast" in rule
    assert set(_forecasts(data)) == {None}


# ------------------------------------------------------------------ 4. check_dissolved: before a founding


def test_check_dissolved_lists_records_dated_before_a_founding(tree):
    """Written before the pages refused them (here: a founding day entered late): an admission
    and a member count dated before it, a historical result of a year all before it."""
    admit(tree.enterprise, D(2025, 5, 20))
    HistoricalResult.objects.create(organization=tree.commune, year=2023, count=4)
    HistoricalResult.objects.create(organization=tree.commune, year=2024, count=2)  # it stood part of 2024
    out = StringIO()
    call_command("check_dissolved", stdout=out)
    assert out.getvalue().splitlines() == [
        "No dissolved organization holds records after its dissolution.",
        "No organization holds records dated before its founding.",
    ]

    Organization.objects.filter(pk=tree.enterprise.pk).update(founded_on=D(2025, 6, 1))
    Organization.objects.filter(pk=tree.school.pk).update(founded_on=D(2025, 3, 1))  # counted 01/01/2025
    Organization.objects.filter(pk=tree.commune.pk).update(founded_on=D(2024, 7, 1))
    assert MemberCount.objects.filter(organization=tree.school, as_of=D(2025, 1, 1)).exists()
    out = StringIO()
    with translation.override("en"), pytest.raises(CommandError) as error:
        call_command("check_dissolved", stdout=out)
    assert str(error.value) == "3 organization(s) hold records dated before their founding"
    assert out.getvalue().splitlines() == [
        "LD.DD.THPT: Chi bộ Trường THPT Đơn Dương has 1 member count(s) dated before its founding on 01/03/2025.",
        "LD.DD.KD: Đảng bộ xã Ka Đô has historical results of years before its founding: 2023.",
        "LD.DD.DN: Chi bộ Công ty TNHH Đồng Thúy has 1 admission(s) dated before its founding on 01/06/2025"
        " (the first on 20/05/2025).",
    ]


# ------------------------------------------------------------------ 5. a target no organization is left to meet


NOTE = (
    "Chỉ tiêu “Phấn đấu công nhân, người lao động trong doanh nghiệp ngoài Nhà nước chiếm từ 2% đến 5%"
    " trong tổng số đảng viên mới kết nạp của toàn đảng bộ (đối với mỗi thành ủy, huyện ủy trực thuộc"
    " Tỉnh ủy Lâm Đồng)” của Kế hoạch 97-KH/TU không áp dụng trong năm {year}: không còn tổ chức thuộc"
    " đối tượng áp dụng (Huyện ủy Đơn Dương, Huyện ủy Đức Trọng, Thành ủy Đà Lạt đã giải thể ngày 01/07/2025)."
)


def test_a_target_for_each_district_committee_says_why_it_is_gone_after_the_reorganization(reorganized):
    """Plan 97-KH/TU sets a share for "each city/district committee"; from 01/07/2025 none
    stands. The province's page of this year says so where the card was, and so do its PDF
    and its workbook; its 2025 page still shows the card (the districts stood half the year)."""
    province = Organization.objects.get(code="LD")
    this_year = timezone.localdate().year
    note = NOTE.format(year=this_year)
    html = _page("tinh.kehoach", province, this_year)
    found = re.findall(r'data-testid="rule-not-applying">([^<]*)<', html)
    assert found == [note]
    assert "đối với mỗi thành ủy, huyện ủy" not in html.replace(note, "")  # no card of it

    page_2025 = _page("tinh.kehoach", province, 2025)
    assert 'data-testid="rule-not-applying"' not in page_2025 and "đối với mỗi thành ủy, huyện ủy" in page_2025

    with translation.override("vi"):
        report = build_report(attainment(scope=province, year=this_year, as_of=timezone.localdate()))
        pdf = render_pdf_html(report)
        summary = load_workbook(io.BytesIO(render_xlsx(report)))["Tổng hợp"]
    assert note in pdf
    assert (note,) in [tuple(c for c in row if c) for row in summary.iter_rows(values_only=True)]
