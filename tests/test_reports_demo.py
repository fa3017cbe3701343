"""The seeds' figures in the demo: past years entered as counts."""

import datetime as dt
from collections import defaultdict
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.utils import timezone

from admissions.categories import Category
from organizations.models import Organization
from quotas.models import Plan, RuleKind
from reports import dashboard
from reports.engine import attainment
from reports.engine.counts import admission_counts, after_count_day, historical_counts
from reports.models import HistoricalResult
from reports.report.compare import compare_rows
from reports.serialize import attainment_json
from reports.status import Status
from tests.test_reports_engine import by_sentence


def test_demo_historical_results_are_idempotent_and_sourced(seeded_demo):
    call_command("seed_demo", stdout=StringIO())
    assert HistoricalResult.objects.count() == 3
    dalat = HistoricalResult.objects.get(organization__code="LD.DL")
    assert (dalat.first_year, dalat.year, dalat.category, dalat.count) == (None, 2023, "", 191)
    assert "191" in dalat.source
    # Seed 002's figures are totals of 2020–2023, entered as such (no year invented).
    pupils = HistoricalResult.objects.get(organization__code="LD.DT", category=Category.PUPIL)
    assert (pupils.period, pupils.count) == ("2020–2023", 3) and "Chu Văn An" in pupils.source
    workers = HistoricalResult.objects.get(organization__code="LD.DT", category=Category.NON_STATE_WORKER)
    assert (workers.period, workers.count) == ("2020–2023", 5)


def test_seed_001_share_implies_about_four_from_191(seeded_demo):
    """“Từ 2%: khoảng 4 đảng viên trở lên” against the 191 admitted in 2023, on the demo plan of Đà Lạt."""
    dalat = Organization.objects.get(code="LD.DL")
    result = attainment(scope=dalat, year=2024, as_of=dt.date(2024, 12, 31))
    own = [r for r in result.rules if r.plan.issuer_id == dalat.pk]
    share = next(r for r in own if r.kind == RuleKind.SHARE_OF_ADMISSIONS).single
    assert (share.planned_total, share.implied_min) == (191, 4)
    schools = next(r for r in own if r.kind == RuleKind.COUNT)
    assert {m.org.code for m in schools.measurements} == {"LD.DL.TP", "LD.DL.BTX", "LD.DL.TL"}


def test_seed_002_2020_to_2023_is_a_period_total_not_any_one_year(seeded_demo):
    """“Từ năm 2020-2023 … 03 đảng viên là học sinh … 05 đảng viên”: shown as the total of
    the period in the history of its category (never added up as a total of new members:
    3 pupils and 5 workers are not 8 admitted); the years 2020–2022 read "no data" (nothing
    recorded or entered for them), 2023 holds Chu Văn An's two pupils on record."""
    ductrong = Organization.objects.get(code="LD.DT")
    cva = Organization.objects.get(code="LD.DT.CVA")
    assert cva.admissions.filter(ceremony_date__year=2023, category=Category.PUPIL).count() == 2
    result = attainment(scope=ductrong, year=2023, as_of=dt.date(2023, 12, 31))
    assert result.actual == 2
    assert result.periods == []
    assert [(y.year, y.actual) for y in result.history] == [
        (2019, None),
        (2020, None),
        (2021, None),
        (2022, None),
        (2023, 2),
    ]
    counts = admission_counts(
        ductrong,
        {ductrong.depth},
        {ductrong.depth: {ductrong.path}},
        {ductrong.depth: 2020},
        2023,
        after_count_day(ductrong, 2023, dt.date(2023, 12, 31)),
    )
    periods = defaultdict(int)
    historical_counts(ductrong, {ductrong.depth}, {ductrong.depth: {ductrong.path}}, 2020, 2023, counts, periods)
    assert sum(counts.get(ductrong.path, y, Category.PUPIL) for y in range(2020, 2024)) == 2  # the records only
    assert periods[(ductrong.path, 2020, 2023, Category.PUPIL)] == 3
    assert periods[(ductrong.path, 2020, 2023, Category.NON_STATE_WORKER)] == 5
    later = attainment(scope=ductrong, year=2024, as_of=dt.date(2024, 12, 31))
    workers = by_sentence(later, "chiếm từ 2% trở lên").single
    assert [(p.label, p.actual) for p in workers.periods] == [("2020–2023", 5)]


# --- the statuses the demo gets (issue 11 §3) ---------------------------------------------

NOV_29 = dt.date(2025, 11, 29)


@pytest.fixture
def demo(demo_on, monkeypatch):
    """The demo as loaded on 29/11/2025 (its admissions and its road are dated from the day
    it is loaded: fixed here, so the figures below do not move with the clock)."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: NOV_29)
    demo_on(NOV_29)
    return SimpleNamespace(**{code.replace(".", "_"): Organization.objects.get(code=code) for code in CODES})


CODES = ("LD", "LD.DT", "LD.DD")


def _statuses(result, text):
    return {m.org.code: m.status for m in by_sentence(result, text).measurements}


def test_demo_on_29_november(demo):
    ductrong = attainment(scope=demo.LD_DT, year=2025, as_of=NOV_29)
    # 159-KH/HU: each non-state enterprise admits one. Lâm Đô has nobody admitted and two
    # candidates at the cell's resolution since January and February, their decisions due
    # in April and May: overdue, they are no longer counted on to finish by 31/12 (they
    # were, and it read "on track"); the pipeline covers it, so at risk.
    assert _statuses(ductrong, "doanh nghiệp ngoài Nhà nước kết nạp ít nhất 01 đảng viên") == {
        "LD.DT.LADO": Status.AT_RISK,
        "LD.DT.DN2": Status.MET,
        "LD.DT.DN3": Status.MET,
    }
    # Each high school admits a pupil: Chu Văn An has nobody admitted and nobody on the road
    # on 29/11: behind (the pace rounded down had made it "on track").
    assert _statuses(ductrong, "học sinh")["LD.DT.CVA"] == Status.BEHIND
    # 97-KH/TU's 2–5% of workers: 7.7% is exceeded (vượt), counted as met; 159-KH/HU's ≥ 2% is met.
    share_97 = next(r for r in ductrong.rules if r.kind == RuleKind.SHARE_OF_ADMISSIONS and r.plan.number == "97")
    assert share_97.measurements[0].share > share_97.rule.max_percent, share_97.measurements[0].share
    assert share_97.status == Status.EXCEEDED
    assert share_97.failing == [] and share_97.meeting == 1
    # Đức Trọng's school: no pupil yet, seven on the road; one the deadlines bring by 31/12
    # (decided in October, the ceremony due 03/12): five are overdue (a decision due 21/10
    # still awaited, one since 2024), one's decision is due only in January.
    pupils = {m.org.code: m for m in by_sentence(ductrong, "học sinh").measurements}
    dtr = pupils["LD.DT.DTR"]
    assert (dtr.actual, dtr.forecast, dtr.finishable, dtr.status) == (0, 7, 1, Status.ON_TRACK)

    province = attainment(scope=demo.LD, year=2025, as_of=NOV_29)
    university = {
        r.rule.max_count: next(m for m in r.measurements if m.org.code == "LD.DHDL")
        for r in province.rules
        if r.category == Category.STUDENT
    }
    # 12 students: “05–10” is exceeded; “15–20 … trở lên” asks for 15: 12 fall short, and the
    # one candidate past the cell's resolution is overdue (not counted on to finish by 31/12).
    assert (university[10].status, university[20].status) == (Status.EXCEEDED, Status.BEHIND)
    assert (university[20].actual, university[20].finishable, university[20].expected) == (12, 0, 14)

    dondương = attainment(scope=demo.LD_DD, year=2025, as_of=NOV_29)
    rows = {row.org.code: row.status for row in dondương.allocations[0].rows}
    assert rows["LD.DD.KDN"] == Status.AT_RISK  # 5 of 7: the pipeline covers it, not by 31/12
    assert rows["LD.DD.TT"] == Status.BEHIND  # 4 of 9
    # 9 of 10: its one candidate past the cell's resolution awaits a decision overdue (the
    # demo's "decision" alert), no longer counted on to finish by 31/12: at risk.
    assert rows["LD.DD.TM"] == Status.AT_RISK
    assert rows["LD.DD.DRO"] == Status.MET  # 10 of 6: an allocation is a single number, met
    children = {c.org.code: c.status for c in dondương.children}
    assert children["LD.DD.KDN"] == Status.AT_RISK

    # 97-KH/TU and 159-KH/HU both ask each high school of Đức Trọng for one pupil: one
    # card naming both plans, its schools listed once; on the comparison of the
    # province's committees, Đức Trọng is one row (its 6 schools, not 12).
    cards = dashboard._rules_view(ductrong)
    pupil_cards = [c for c in cards if c["result"].kind == RuleKind.COUNT and c["result"].category == Category.PUPIL]
    assert len(pupil_cards) == 1 and len(cards) == len(ductrong.rules) - 1
    assert pupil_cards[0]["plans"] == ["97-KH/TU", "159-KH/HU"] and pupil_cards[0]["result"].matched == 6
    rows = {row["org"].code: row for row in compare_rows(province, "count:pupil")}
    assert set(rows) == {"LD.DT", "LD.DL", "LD.DD"}
    assert (rows["LD.DT"]["plan"], rows["LD.DT"]["measured"], rows["LD.DT"]["meeting"]) == (
        "97-KH/TU · 159-KH/HU",
        6,
        4,
    )
    # Đà Lạt's plan carries no number (the seed leaves it blank): its title names it.
    dalat_plan = Plan.objects.get(issuer__code="LD.DL")
    assert dalat_plan.number == "" and rows["LD.DL"]["plan"] == f"97-KH/TU · {dalat_plan.title}"


def test_the_exports_list_the_targets_the_page_shows(demo):
    """The same target set by two plans is one card on the page, and one row of the summary
    the PDF and the workbook print (naming both plans), with one section of its own: the
    three surfaces list the same targets, numbered alike."""
    import re

    from django.utils import translation

    from reports.pdf import render_pdf_html
    from reports.report import build_report

    ductrong = attainment(scope=demo.LD_DT, year=2025, as_of=NOV_29)
    cards = dashboard._rules_view(ductrong)
    with translation.override("vi"):
        report = build_report(ductrong)
        html = render_pdf_html(report)
    rows = report.summary.rows
    assert len(rows) == len(cards) == len(ductrong.rules) - 1
    assert [row[2] for row in rows] == [card["result"].sentence for card in cards]
    pupil = next(row for row in rows if "học sinh" in row[2])
    assert pupil[1] == "97-KH/TU · 159-KH/HU"
    assert len(report.rule_tables) == len(rows)
    # A section numbered apart from its row in the summary names that row.
    assert re.findall(r"<h3>(\d+)\. ", html) == ["1", "2", "3"]  # the sections without gaps
    assert re.findall(r"<h3>(\d+)\. .*?\(chỉ tiêu số (\d+) ở bảng trên\)</h3>", html) == [("3", "4")]


def test_demo_a_closed_year_has_no_forecast_and_years_without_data_read_no_data(demo):
    result = attainment(scope=demo.LD_DT, year=2024, as_of=dt.date(2025, 1, 15))
    assert result.year_over and result.forecast is None
    assert all(m.forecast is None and m.expected is None for r in result.rules for m in r.measurements)
    data = attainment_json(result)
    assert data["forecast"] is None
    assert all(rule["forecast"] is None and rule["expected"] is None for rule in data["rules"])
    assert all(child["forecast"] is None for child in data["children"])

    result = attainment(scope=demo.LD, year=2024, as_of=dt.date(2024, 12, 31))
    # 2020–2022: nothing on record in the province, nothing entered for a single year.
    assert [(y.year, y.actual) for y in result.history] == [
        (2020, None),
        (2021, None),
        (2022, None),
        (2023, 193),
        (2024, 14),
    ]
    assert result.periods == []  # Đức Trọng's 2020–2023 results are of two categories
    data = attainment_json(result)
    assert data["history"][0] == {"year": 2020, "actual": None}
    assert data["periods"] == []
