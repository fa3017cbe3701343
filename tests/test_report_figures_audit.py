"""Figures an auditor recounted on the reorganized demo (as `./run.sh demo` loads it): a
period total of one category is no total of new members; a share of 0 implies no count;
an allocation table forecasts alike on every page; a small cell is behind while the year
runs; an ended committee's allocation table says it is counted to its last day."""

import datetime as dt
import io
import json
import re
import subprocess
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from lxml import html as lxml_html
from openpyxl import load_workbook

from admissions.categories import Category
from organizations.models import Organization, OrgForm
from organizations.services import organization_dissolve, organization_move
from quotas.models import RuleKind
from reports.engine import Status, attainment
from reports.models import HistoricalResult
from reports.pdf import render_pdf
from reports.report import build_report
from reports.serialize import attainment_json

from .test_reports_engine import admit, make_plan, make_rule

D = dt.date
DISSOLVED_NOTE = (
    "Bảng phân bổ của Huyện ủy Đơn Dương (giải thể ngày 01/07/2025): số thực hiện tính đến ngày 30/06/2025."
)


def _page(client, org: Organization, **params) -> str:
    client.force_login(get_user_model().objects.get(username="tinh.kehoach"))
    response = client.get(reverse("reports:dashboard", args=[org.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def _text(html: str) -> str:
    return " ".join(lxml_html.fromstring(html).text_content().split())


def _rule_card(html: str, sentence: str) -> str:
    """The text of the target card whose sentence holds `sentence`."""
    doc = lxml_html.fromstring(html)
    (card,) = [li for li in doc.xpath('//li[@data-testid="rule"]') if sentence in li.text_content()]
    return " ".join(card.text_content().split())


# --- 1. a period total of one category ------------------------------------------------


def test_a_period_total_of_one_category_is_no_total_of_new_members(reorganized_demo, client):
    """Đức Trọng entered 2020–2023: 3 pupils and 5 non-state-enterprise workers. The
    province's history reads no "2020–2023: 8" (nobody counted 8 new members in all)."""
    province = Organization.objects.get(code="LD")
    result = attainment(scope=province, year=timezone.localdate().year, as_of=timezone.localdate())
    assert result.periods == []
    assert attainment_json(result)["periods"] == []
    assert "2020–2023: 8" not in _text(_page(client, province))
    # The 2023 report of Đức Trọng: no total of the period; each category keeps its own.
    ductrong = Organization.objects.get(code="LD.DT")
    assert attainment(scope=ductrong, year=2023, as_of=D(2023, 12, 31)).periods == []


def test_a_period_total_counts_in_its_category_only_and_a_blank_one_in_all(tree):
    plan = make_plan(tree.district, first_year=2024, number="1", symbol="KH/HU")
    make_rule(plan, RuleKind.COUNT, category=Category.PUPIL, min_count=1, target=tree.district)
    HistoricalResult.objects.create(
        organization=tree.district, first_year=2020, year=2023, category=Category.PUPIL, count=3
    )
    result = attainment(scope=tree.district, year=2024, as_of=D(2024, 12, 31))
    assert result.periods == []
    (pupils,) = [r for r in result.rules if r.category == Category.PUPIL]
    assert [(p.label, p.actual) for p in pupils.single.periods] == [("2020–2023", 3)]
    # A total of every category entered for the period is the total of new members.
    HistoricalResult.objects.create(organization=tree.district, first_year=2020, year=2023, count=40)
    result = attainment(scope=tree.district, year=2024, as_of=D(2024, 12, 31))
    assert [(p.label, p.actual) for p in result.periods] == [("2020–2023", 40)]
    (pupils,) = [r for r in result.rules if r.category == Category.PUPIL]
    assert [(p.label, p.actual) for p in pupils.single.periods] == [("2020–2023", 3)]


# --- 2. a share of a total of 0 ----------------------------------------------------------

ENTERPRISE_SHARE = "chiếm từ 15% trở lên trong tổng số đảng viên mới kết nạp của toàn đảng bộ Đảng ủy Khối"


def test_a_share_of_last_years_zero_implies_no_count(reorganized_demo, client):
    province = Organization.objects.get(code="LD")
    with translation.override("vi"):
        card = _rule_card(_page(client, province, year=2025), ENTERPRISE_SHARE)
    # 2024: the bloc admitted nobody; 15% of 0 is no count (it read "Chỉ tiêu: 1 … theo 0").
    assert "theo 0 đảng viên mới năm trước" not in card
    assert "Chỉ tiêu" not in card
    assert "Tỷ lệ: 0,0%" in card and "Không đạt" in card  # 0 of its 2 new members: not met
    data = attainment_json(attainment(scope=province, year=2025, as_of=D(2025, 12, 31)))
    (rule,) = [r for r in data["rules"] if ENTERPRISE_SHARE in r["rule"]]
    assert (rule["planned_total"], rule["implied_min"]) == (0, None)
    # 2026: against 2025's 2 new members, 15% implies 1, and the card says so.
    with translation.override("vi"):
        card = _rule_card(_page(client, province, year=2026), ENTERPRISE_SHARE)
    assert "Chỉ tiêu: 1" in card and "theo 2 đảng viên mới năm trước" in card


def test_a_positive_share_of_no_total_still_asks_for_one_admission_during_the_year(tree):
    plan = make_plan(tree.district, number="1", symbol="KH/HU")
    make_rule(plan, RuleKind.SHARE_OF_ADMISSIONS, category=Category.NON_STATE_WORKER, min_percent=Decimal(2))
    m = attainment(scope=tree.district, year=2025, as_of=D(2025, 11, 29)).rules[0].single
    assert (m.planned_total, m.implied_min, m.target_min, m.expected) == (0, None, None, None)
    assert m.status == Status.BEHIND  # nobody admitted, nobody on the road, late in the year
    admit(tree.enterprise, D(2025, 3, 1), Category.NON_STATE_WORKER)
    m = attainment(scope=tree.district, year=2025, as_of=D(2025, 11, 29)).rules[0].single
    assert (m.implied_min, m.status) == (None, Status.MET)


# --- 3. an allocation table's forecast on every page --------------------------------------


def _allocation_forecasts(html: str, rule_pk: int) -> tuple[dict[str, str], str]:
    """{row's organization: its "Dự kiến" cell} and the total's cell of one allocation table."""
    (table,) = lxml_html.fromstring(html).xpath(f'//table[@data-testid="allocation-{rule_pk}"]')
    headers = [" ".join(th.text_content().split()) for th in table.xpath(".//thead//th")]
    at = headers.index("Dự kiến")
    rows = {}
    for tr in table.xpath(".//tbody/tr"):
        cells = [" ".join(td.text_content().split()) for td in tr.xpath("./td")]
        rows[cells[1]] = cells[at]
    total = [" ".join(td.text_content().split()) for td in table.xpath(".//tfoot/tr/td")][at]
    return rows, total


def test_an_allocation_table_forecasts_alike_on_the_province_and_the_commune_pages(reorganized_demo, client):
    today = timezone.localdate()
    commune = Organization.objects.get(name="Đảng ủy xã Đơn Dương")
    rule = commune.plans.get(first_year=today.year).rules.get(kind=RuleKind.ALLOCATION)
    province = Organization.objects.get(code="LD")
    with translation.override("vi"):
        on_province = _allocation_forecasts(_page(client, province, year=today.year), rule.pk)
        on_commune = _allocation_forecasts(_page(client, commune, year=today.year), rule.pk)
    assert on_province == on_commune
    # The commune's children carry the same pipeline (its page and the JSON).
    children = {c.org.name: c.forecast for c in attainment(scope=commune, year=today.year, as_of=today).children}
    rows, total = on_province
    assert rows == {name: str(children[name]) for name in rows}
    assert total == str(sum(children[name] for name in rows)) and int(total) > 0


def test_the_json_allocation_rows_carry_the_forecast_the_page_shows(reorganized_demo, client):
    """`attainment --format json`: each allocation row carries the page's "Dự kiến"; a year
    over carries none."""
    today = timezone.localdate()
    commune = Organization.objects.get(name="Đảng ủy xã Đơn Dương")
    rule = commune.plans.get(first_year=today.year).rules.get(kind=RuleKind.ALLOCATION)
    with translation.override("vi"):
        on_page, _total = _allocation_forecasts(_page(client, commune, year=today.year), rule.pk)
    out = io.StringIO()
    call_command("attainment", "--org", commune.code, "--year", str(today.year), stdout=out)
    (table,) = [t for t in json.loads(out.getvalue())["allocations"] if t["org"] == commune.name]
    in_json = {row["org"]: row["forecast"] for row in table["children"]}
    assert in_json == {name: int(n) for name, n in on_page.items()} and sum(in_json.values()) > 0
    out = io.StringIO()
    call_command("attainment", "--org", "LD", "--year", "2025", stdout=out)
    rows = [row for t in json.loads(out.getvalue())["allocations"] for row in t["children"]]
    assert rows and all(row["forecast"] is None for row in rows)


# --- 4. a small cell during the year ----------------------------------------------------


def _size_rule(result):
    return next(r for r in result.rules if r.kind == RuleKind.CELL_SIZE)


def test_a_small_cell_is_behind_while_the_year_runs_and_not_met_once_it_is_over(tree):
    """Like an idle cell: 8 members of 10 on 01/09 is behind (more may join by 31/12)."""
    plan = make_plan(tree.district, number="1", symbol="KH/HU")
    make_rule(plan, RuleKind.CELL_SIZE, applies_to_each=True, forms=[OrgForm.CELL], min_count=10)
    for list_failing in (False, True):  # counted (the page), or read with the answer (JSON, exports)
        running = _size_rule(attainment(scope=tree.district, year=2025, as_of=D(2025, 9, 1), list_failing=list_failing))
        assert running.status == Status.BEHIND
        assert [(m.org.pk, m.members, m.status) for m in running.failing] == [(tree.cell.pk, 8, Status.BEHIND)]
        over = _size_rule(attainment(scope=tree.district, year=2025, as_of=D(2025, 12, 31), list_failing=list_failing))
        assert over.status == Status.NOT_MET
        assert [(m.org.pk, m.status) for m in over.failing] == [(tree.cell.pk, Status.NOT_MET)]
    data = attainment_json(attainment(scope=tree.district, year=2025, as_of=D(2025, 9, 1), list_failing=True))
    assert _size_rule_json(data)["status"] == Status.BEHIND


def _size_rule_json(data):
    return next(r for r in data["rules"] if r["kind"] == RuleKind.CELL_SIZE)


def test_a_small_cell_of_a_single_subject_rule_is_behind_while_the_year_runs(tree):
    plan = make_plan(tree.commune, number="1", symbol="KH/ĐU")
    make_rule(plan, RuleKind.CELL_SIZE, target=tree.cell, min_count=10)
    assert _size_rule(attainment(scope=tree.commune, year=2025, as_of=D(2025, 9, 1))).status == Status.BEHIND
    assert _size_rule(attainment(scope=tree.commune, year=2025, as_of=D(2025, 12, 31))).status == Status.NOT_MET


def test_a_small_cell_read_in_the_tree_of_a_past_day_is_behind_while_that_year_ran(tree):
    """A report of 01/09/2025 after the cell moved (the figures of that day's tree: reports/past.py)."""
    plan = make_plan(tree.district, number="1", symbol="KH/HU")
    make_rule(plan, RuleKind.CELL_SIZE, applies_to_each=True, forms=[OrgForm.CELL], min_count=10)
    organization_move(organization=tree.cell, new_parent=tree.city, on_date=D(2025, 10, 1), today=D(2025, 10, 1))
    running = _size_rule(attainment(scope=tree.district, year=2025, as_of=D(2025, 9, 1)))
    assert [(m.org.pk, m.status) for m in running.failing] == [(tree.cell.pk, Status.BEHIND)]


def test_a_small_cell_of_a_committee_that_ended_keeps_its_closing_not_met(tree):
    """The district's rule, its issuer dissolved on 01/07/2025: checked on its last day, its
    year over, even in a report of a running year."""
    plan = make_plan(tree.district, first_year=2025, number="12", symbol="KH/HU")
    make_rule(plan, RuleKind.CELL_SIZE, applies_to_each=True, forms=[OrgForm.CELL], min_count=10)
    today = D(2025, 9, 1)
    for org in (tree.school, tree.commune, tree.enterprise):
        organization_move(organization=org, new_parent=tree.province, on_date=D(2025, 7, 1), today=today)
    organization_dissolve(organization=tree.district, on_date=D(2025, 7, 1), today=today)
    result = attainment(scope=tree.province, year=2025, as_of=today)
    size = next(r for r in result.rules if r.plan == plan)
    assert size.status == Status.NOT_MET
    assert [(m.org.pk, m.status) for m in size.failing] == [(tree.cell.pk, Status.NOT_MET)]


def test_the_demo_communes_small_cell_reads_behind_in_the_running_year(reorganized_demo, client):
    province = Organization.objects.get(code="LD")
    with translation.override("vi"):
        card = _rule_card(_page(client, province), "có từ 10 đảng viên trở lên")
    assert re.search(r"Chi bộ Tổ dân phố Thạnh Mỹ 2 .*— 7 đảng viên Chậm tiến độ", card), card
    assert "Không đạt" not in card


# --- 5. the allocation table of a committee that ended -----------------------------------


@pytest.fixture
def province_2025(reorganized_demo):
    with translation.override("vi"):
        yield build_report(attainment(scope=Organization.objects.get(code="LD"), year=2025, as_of=D(2025, 12, 31)))


def test_an_ended_committees_allocation_table_says_it_is_counted_to_its_last_day(province_2025, client):
    (table,) = [t for t in province_2025.allocation_tables if "Huyện ủy Đơn Dương" in t.caption]
    assert table.note.startswith(DISSOLVED_NOTE)
    # The figures stay: every row counted to 30/06/2025.
    assert table.totals[2:4] == [91, 20]
    with translation.override("vi"):
        page = _page(client, Organization.objects.get(code="LD"), year=2025)
    assert DISSOLVED_NOTE in _text(page)
    # A standing committee's table carries no such note.
    with translation.override("vi"):
        page = _page(client, Organization.objects.get(code="LD"))
    assert "số thực hiện tính đến ngày" not in _text(page)


def test_the_workbook_and_the_pdf_say_it_too(province_2025, client, tmp_path):
    client.force_login(get_user_model().objects.get(username="tinh.kehoach"))
    province = Organization.objects.get(code="LD")
    with translation.override("vi"):
        response = client.get(reverse("reports:export_xlsx", args=[province.pk]), {"year": 2025})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))["Phụ lục"]
    lines = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any(line.startswith(DISSOLVED_NOTE) for line in lines)
    path = tmp_path / "r.pdf"
    with translation.override("vi"):
        path.write_bytes(render_pdf(province_2025))
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split())
    assert DISSOLVED_NOTE in text
