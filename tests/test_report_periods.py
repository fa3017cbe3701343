"""Report periods in the engine, the commands and across tree changes: the admissions of a
period beside those of the same period last year, counted in the tree of the report's day."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from admissions.categories import Category
from admissions.models import Admission
from organizations.models import Organization
from quotas.models import RuleKind
from reports.engine import attainment
from reports.periods import parse
from reports.serialize import attainment_json

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
