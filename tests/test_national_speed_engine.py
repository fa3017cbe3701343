"""The national report's speed-ups (issue 18) change no figure: percentages divided as
integers, last year's whole year read with this year's tallies, the workbook's deflate level."""

import datetime as dt
import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from admissions.categories import Category
from organizations.models import OrgForm
from quotas.models import RuleKind
from reports.engine import attainment, spans
from reports.engine.results import _pct
from reports.exports import render_export
from reports.periods import parse
from reports.report import rule_tables
from reports.serialize import attainment_json

from .test_report_periods import admitted  # noqa: F401  (fixture)
from .test_reports_engine import admit, make_plan, make_rule

D = dt.date


def decimal_pct(part, whole):
    """The percentage as Decimals compute it (the engine's formula before issue 18)."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def test_percent_is_the_decimal_percent_for_every_pair_halves_up_and_signs_kept():
    pairs = [(part, whole) for whole in range(0, 130) for part in range(-3, 260)]
    pairs += [(1, 3), (2, 3), (1, 8), (3, 8), (5, 1000), (15, 1000), (123_456, 7), (7, 123_456), (10**12, 3)]
    for part, whole in pairs:
        expected = decimal_pct(part, whole)
        got = _pct(part, whole)
        # The same value and the same digits: "12.5", "0.0", "-0.0" are what the pages show.
        assert repr(got) == repr(expected), (part, whole)
    assert str(_pct(1, 8)) == "12.5" and str(_pct(1, 16)) == "6.3" and str(_pct(0, 7)) == "0.0"
    assert _pct(3, None) is None and _pct(3, 0) is None
    assert str(_pct(-1, 200)) == "-0.5"  # a negative part (taken off after the count day) keeps its Decimal


def test_same_period_last_year_from_this_years_read_equals_its_own_read(admitted, monkeypatch):  # noqa: F811
    """A year-end report reads last year's whole year (the same period last year) with the
    year's tallies: every figure equals a report that reads it on its own, in one query fewer."""
    tree = admitted
    admit(tree.cell, D(2024, 12, 31), Category.OTHER)
    admit(tree.school, D(2024, 1, 1), Category.PUPIL)
    calls = []
    original = spans._whole_year

    def separate(*args):
        calls.append(args[1])
        return original(*args)

    monkeypatch.setattr(spans, "_whole_year", separate)
    with CaptureQueriesContext(connection) as shared_queries:
        shared = attainment_json(attainment(scope=tree.province, year=2025, as_of=D(2025, 12, 31)))
    assert calls == []
    assert shared["same_period_last_year"]["actual"] == 6
    district = next(c for c in shared["allocations"][0]["children"] if c["org"] == tree.district.name)
    assert district["same_period_last_year"]["actual"] == 6  # an allocation row: the tallies of 2024

    # The same report with last year read on its own (as before issue 18).
    monkeypatch.setattr("reports.engine.measure._last_year_from_tallies", lambda *args: False)
    with CaptureQueriesContext(connection) as alone_queries:
        alone = attainment_json(attainment(scope=tree.province, year=2025, as_of=D(2025, 12, 31)))
    assert calls == [2024]
    assert alone == shared
    assert len(alone_queries) == len(shared_queries) + 1


def test_same_period_last_year_late_in_the_year_is_the_years_tallies_less_the_days_after(admitted, monkeypatch):  # noqa: F811
    """A report of 15/11 compares with 2024 up to 15/11: read as 2024's tallies (with this
    year's) less the admissions of 16/11–31/12/2024, not as ten months of records; every
    figure equals the records' read of the whole span."""
    tree = admitted
    admit(tree.commune, D(2024, 11, 15), Category.PUPIL)  # the span's last day: counts
    admit(tree.commune, D(2024, 11, 16), Category.PUPIL)  # the day after: does not
    admit(tree.school, D(2024, 12, 31), Category.PUPIL)
    read = []
    original = spans._admissions

    def recorded(first, last):
        if first.year == 2024:  # last year's (the months and the days after 15/11/2025 read this year's)
            read.append((first, last))
        return original(first, last)

    monkeypatch.setattr(spans, "_admissions", recorded)

    def reports():
        return [
            attainment_json(attainment(scope=org, year=2025, as_of=D(2025, 11, 15)))
            for org in (tree.province, tree.district, tree.commune, tree.school)
        ]

    with CaptureQueriesContext(connection) as from_tallies_queries:
        from_tallies = reports()
    assert set(read) == {(D(2024, 11, 16), D(2024, 12, 31))}
    province, district, commune, school = from_tallies
    assert district["same_period_last_year"]["actual"] == 5  # 01/02, 10/04, 10/05, 03/11, 15/11
    assert commune["same_period_last_year"]["actual"] == 3  # its cell's 01/02 and 03/11, its own 15/11
    assert school["same_period_last_year"]["actual"] == 1  # 10/04 (a pupil), not 31/12
    pupils = next(c for c in province["allocations"][0]["children"] if c["org"] == tree.district.name)
    assert pupils["same_period_last_year"]["actual"] == 5

    read.clear()
    monkeypatch.setattr("reports.engine.measure._last_year_from_tallies", lambda *args: False)
    with CaptureQueriesContext(connection) as from_records_queries:
        assert reports() == from_tallies
    assert set(read) == {(D(2024, 1, 1), D(2024, 11, 15))}
    assert len(from_records_queries) == len(from_tallies_queries)


def test_same_period_last_year_inside_the_year_and_for_a_quarter_still_reads_the_records(admitted):  # noqa: F811
    tree = admitted
    mid = attainment(scope=tree.district, year=2025, as_of=D(2025, 6, 30))
    assert mid.period_figure.actual == 4 and mid.period_figure.last_year == 3  # 2024 up to 30/06
    q2 = attainment(scope=tree.district, year=2025, as_of=D(2025, 12, 31), period=parse("2025-Q2"))
    assert q2.period_figure.actual == 3 and q2.period_figure.last_year == 2
    year = attainment(scope=tree.district, year=2025, as_of=D(2025, 12, 31))
    assert year.period_figure.actual == 4 and year.period_figure.last_year == 4


@pytest.mark.django_db
def test_workbook_deflated_at_the_faster_level_still_opens_with_every_cell(admitted):  # noqa: F811
    content, name, _type = render_export(
        organization=admitted.province, year=2025, as_of=D(2025, 12, 31), fmt="xlsx", keep_answer=False
    )
    book = load_workbook(io.BytesIO(content))
    values = [cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert admitted.district.name in values and name.endswith(".xlsx")


def _failing_rules(issuer, number):
    """Rules over every cell and grassroots cell of `issuer`'s subtree: sizes and inactivity."""
    plan = make_plan(issuer, number=number, symbol="KH/HU")
    make_rule(plan, RuleKind.CELL_SIZE, applies_to_each=True, forms=[OrgForm.CELL], min_count=10)
    make_rule(plan, RuleKind.INACTIVITY, applies_to_each=True, forms=[OrgForm.GRASSROOTS_CELL], years_without=2)


def _export_queries(tree) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as queries:
        content, _name, _type = render_export(
            organization=tree.province, year=2025, as_of=D(2025, 12, 31), fmt="xlsx", keep_answer=False
        )
    book = load_workbook(io.BytesIO(content))
    return len(queries), [cell.value for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def test_workbook_reads_the_failing_lists_with_the_answer_not_one_query_per_rule(tree, monkeypatch):
    """The workbook lists every organization failing a size or inactivity rule over more
    than LIST_ALL_UP_TO organizations: they are read with the engine's answer (one query per
    kind of rule), not once more per rule when listed (nationally: 68 queries, a third of
    the workbook's time)."""
    monkeypatch.setattr(rule_tables, "LIST_ALL_UP_TO", 0)  # list only the failing ones, as nationally
    _export_queries(tree)  # what one process reads once (e.g. the holidays)
    _failing_rules(tree.district, "1")
    one_issuer, values = _export_queries(tree)
    assert tree.cell.name in values and tree.school.name in values  # 8 members; nothing admitted
    _failing_rules(tree.city, "2")
    two_issuers, values = _export_queries(tree)
    assert tree.city_school.name in values
    assert two_issuers == one_issuer
