"""The attainment engine: targets, actuals, statuses, roll-ups and a constant query count."""

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from admissions.categories import Category
from admissions.models import Admission, Candidate, Outcome, Step
from organizations.models import Organization, OrgForm, Sector
from organizations.services import member_count_record, organization_create
from quotas.models import Allocation, Plan, PlanStatus, Rule, RuleKind, SubQuota
from reports import periods
from reports.engine import Status, attainment
from reports.models import HistoricalResult

_seq = itertools.count(1)


# --- factories (used by the other test_reports_* modules too) ---------------------------


def make_plan(issuer, *, first_year=2025, last_year=None, status=PlanStatus.ISSUED, number="97", symbol="KH/TU"):
    return Plan.objects.create(
        issuer=issuer,
        number=number,
        symbol=symbol,
        issued_on=dt.date(first_year - 1, 12, 20),
        title="Kế hoạch phát triển đảng viên",
        first_year=first_year,
        last_year=last_year,
        status=status,
    )


def make_rule(plan, kind, **fields):
    return Rule.objects.create(plan=plan, kind=kind, is_soft=fields.pop("is_soft", True), **fields)


def allocate(rule, org, total, **subs):
    allocation = Allocation.objects.create(rule=rule, organization=org, total=total)
    for category, count in subs.items():
        SubQuota.objects.create(allocation=allocation, category=category, count=count)
    return allocation


def make_candidate(org, *, category=Category.OTHER, step=Step.SOURCE, outcome=Outcome.IN_PROGRESS, name=None):
    n = next(_seq)
    return Candidate.objects.create(
        organization=org,
        full_name=name or f"Nguyễn Văn {n}",
        date_of_birth=dt.date(2000, 1, 1),
        gender="male",
        education="upper_secondary",
        category=category,
        step=step,
        step_date=dt.date(2025, 1, 1),
        outcome=outcome,
    )


def admit(org, day, category=Category.OTHER, name=None):
    candidate = make_candidate(org, category=category, step=Step.CEREMONY, outcome=Outcome.ADMITTED, name=name)
    return Admission.objects.create(
        candidate=candidate,
        organization=org,
        category=category,
        ceremony_date=day,
        decision_number=f"{next(_seq)}-QĐ/HU",
        decision_date=day,
        probation_due=day.replace(year=day.year + 1, day=28 if (day.month, day.day) == (2, 29) else day.day),
    )


def by_sentence(result, text):
    matches = [r for r in result.rules if text in r.sentence]
    assert matches, [r.sentence for r in result.rules]
    return matches[0]


# --- tests ------------------------------------------------------------------------------


@pytest.fixture
def plans(tree):
    """Đơn Dương's plan: every high school ≥ 1 pupil, 2% workers, 15 in total allocated."""
    p = make_plan(tree.district, number="159", symbol="KH/HU")
    each_school = make_rule(
        p,
        RuleKind.COUNT,
        applies_to_each=True,
        sectors=[Sector.HIGH_SCHOOL],
        forms=[OrgForm.GRASSROOTS_CELL, OrgForm.GRASSROOTS_COMMITTEE],
        category=Category.PUPIL,
        min_count=1,
    )
    workers = make_rule(p, RuleKind.SHARE_OF_ADMISSIONS, category=Category.NON_STATE_WORKER, min_percent=Decimal(2))
    table = make_rule(p, RuleKind.ALLOCATION, min_count=10)
    allocate(table, tree.school, 3, pupil=1)
    allocate(table, tree.commune, 5)
    allocate(table, tree.enterprise, 2)
    return {"plan": p, "each_school": each_school, "workers": workers, "table": table}


def test_counts_by_category_and_org_at_admission(tree, plans):
    admit(tree.school, dt.date(2025, 3, 1), Category.PUPIL)
    admit(tree.cell, dt.date(2025, 4, 1), Category.FARMER)
    admit(tree.enterprise, dt.date(2025, 5, 1), Category.NON_STATE_WORKER)
    admit(tree.enterprise, dt.date(2025, 7, 15), Category.NON_STATE_WORKER)  # after as_of
    admit(tree.city_school, dt.date(2025, 3, 1), Category.PUPIL)  # another district

    result = attainment(scope=tree.district, year=2025, as_of=dt.date(2025, 6, 30))

    assert result.actual == 3
    schools = by_sentence(result, "mỗi")
    assert [m.org for m in schools.measurements] == [tree.school]
    assert schools.measurements[0].actual == 1
    assert schools.status == Status.MET and schools.meeting == 1 and schools.failing == []

    workers = by_sentence(result, "chiếm")
    m = workers.single
    assert (m.actual, m.base) == (1, 3)
    assert m.share == Decimal("33.3")
    # 2% of the planned total of 10 (the allocation table's total), rounded up.
    assert (m.planned_total, m.planned_from, m.implied_min) == (10, "plan", 1)

    table = result.allocations[0]
    assert (table.target, table.allocated, table.actual) == (10, 10, 3)
    rows = {r.org: r for r in table.rows}
    assert rows[tree.school].actual == 1 and rows[tree.school].sub_actual == {"pupil": 1}
    assert rows[tree.commune].actual == 1  # the cell's admission rolls up to the commune
    children = {c.org: c for c in result.children}
    assert children[tree.commune].actual == 1 and children[tree.commune].target == 5


def test_share_implied_against_last_year_including_historical_results(tree):
    """Seed 001: 2% of 191 admitted last year → about 4."""
    p = make_plan(tree.city, number="06", symbol="KH/ThU", first_year=2024)
    make_rule(p, RuleKind.SHARE_OF_ADMISSIONS, category=Category.NON_STATE_WORKER, min_percent=Decimal(2))
    HistoricalResult.objects.create(organization=tree.city, year=2023, count=191, source="seed 001")
    result = attainment(scope=tree.city, year=2024, as_of=dt.date(2024, 12, 31))
    m = result.rules[0].single
    assert (m.planned_total, m.planned_from, m.implied_min) == (191, "last_year", 4)
    assert result.history[-2].actual == 191
    assert m.status == Status.NOT_MET  # no admissions at all in 2024


def test_historical_category_rows_inside_a_total_are_not_double_counted(tree):
    HistoricalResult.objects.create(organization=tree.city, year=2023, count=10)
    HistoricalResult.objects.create(organization=tree.city, year=2023, category=Category.PUPIL, count=2)
    HistoricalResult.objects.create(organization=tree.district, year=2023, category=Category.PUPIL, count=1)
    admit(tree.school, dt.date(2023, 5, 1), Category.PUPIL)
    result = attainment(scope=tree.province, year=2024, as_of=dt.date(2024, 3, 1))
    assert {y.year: y.actual for y in result.history}[2023] == 10 + 1 + 1


def test_a_past_years_figure_or_no_data_is_the_same_on_every_page(tree):
    """Whether an organization's past year reads a figure or "no data" does not depend on
    the page it is read on: 0 when the records hold that year (anywhere) and it admitted
    nobody; "no data" when a count was entered for the year at an organization above it
    (the records do not tell its part of it), unless it holds records or a count itself.
    (The province's page read 0 for Đà Lạt's 2024, Đà Lạt's own page "no data".)"""
    admit(tree.school, dt.date(2023, 3, 1))  # 2023 and 2024 are kept in the records (the school's)
    admit(tree.school, dt.date(2024, 5, 1))
    HistoricalResult.objects.create(organization=tree.province, year=2024, count=85, source="tổng kết 2024")
    HistoricalResult.objects.create(organization=tree.enterprise, year=2024, count=0)  # nothing beyond its records
    plan = make_plan(tree.province)
    make_rule(plan, RuleKind.COUNT, min_count=10, target=tree.city)
    make_rule(plan, RuleKind.COUNT, min_count=3, target=tree.enterprise)
    make_rule(plan, RuleKind.COUNT, min_count=5, target=tree.district)
    day = dt.date(2025, 12, 31)

    def history(answer, org):
        if answer.scope.pk == org.pk:
            return {y.year: y.actual for y in answer.history}
        (rule,) = [r for r in answer.rules if r.single and r.single.org.pk == org.pk]
        return {y.year: y.actual for y in rule.single.history}

    province = attainment(scope=tree.province, year=2025, as_of=day)
    for org, expected in (
        (tree.city, {2022: None, 2023: 0, 2024: None}),  # 2024: its part of the province's 85 is unknown
        (tree.district, {2022: None, 2023: 1, 2024: 1}),  # its school's records
        (tree.enterprise, {2022: None, 2023: 0, 2024: 0}),  # its own count says nothing is missing
    ):
        own = attainment(scope=org, year=2025, as_of=day)
        for answer in (province, own):
            got = history(answer, org)
            assert {y: got[y] for y in expected} == expected, (org.code, answer.scope.code)
    assert {c.org.code: c.last_year for c in province.children} == {"LD.DD": 1, "LD.DL": None}
    assert history(province, tree.province)[2024] == 86
    # So does the same period last year of a quarter (01/04–30/06/2024), on every page.
    quarter = periods.parse("2025-Q2")
    province = attainment(scope=tree.province, year=2025, as_of=day, period=quarter)
    for org, expected in ((tree.city, None), (tree.district, 1), (tree.enterprise, 0)):
        own = attainment(scope=org, year=2025, as_of=day, period=quarter)
        (rule,) = [r for r in province.rules if r.single and r.single.org.pk == org.pk]
        assert rule.single.period.last_year == own.period_figure.last_year == expected, org.code


def test_status_before_year_end_uses_pace_and_pipeline(tree):
    p = make_plan(tree.district, number="1", symbol="KH/HU")
    make_rule(p, RuleKind.COUNT, target=tree.commune, min_count=4)
    admit(tree.cell, dt.date(2025, 2, 1))
    early = attainment(scope=tree.district, year=2025, as_of=dt.date(2025, 3, 31))
    assert early.rules[0].single.status == Status.ON_TRACK  # 1 ≥ 4 × 25% of the year
    late = attainment(scope=tree.district, year=2025, as_of=dt.date(2025, 10, 31))
    assert late.rules[0].single.status == Status.BEHIND
    waiting = [make_candidate(tree.cell, step=Step.COMMITTEE_RESOLUTION) for _ in range(3)]
    make_candidate(tree.cell, step=Step.INTRODUCTION)  # not yet past the cell's resolution
    # Resolved on 01/01, their decision was due in April: overdue on 31/10, not counted on
    # to finish by 31/12; the pipeline covers the target: at risk.
    forecast = attainment(scope=tree.district, year=2025, as_of=dt.date(2025, 10, 31))
    assert forecast.rules[0].single.forecast == 3
    assert forecast.rules[0].single.status == Status.AT_RISK
    # Resolved on 20/08: the decision is due in November, the ceremony by 31/12.
    Candidate.objects.filter(pk__in=[c.pk for c in waiting]).update(step_date=dt.date(2025, 8, 20))
    forecast = attainment(scope=tree.district, year=2025, as_of=dt.date(2025, 10, 31))
    assert forecast.rules[0].single.forecast == 3
    assert forecast.rules[0].single.status == Status.ON_TRACK
    final = attainment(scope=tree.district, year=2025, as_of=dt.date(2025, 12, 31))
    assert final.rules[0].single.status == Status.NOT_MET


def test_maximum_exceeded_is_exceeded_unless_a_cap(tree):
    """“Phấn đấu … từ 01 đến 02”: three is exceeded (vượt), counted as met; only a rule
    marked “không quá” (max_is_cap) fails at once when its maximum is passed."""
    p = make_plan(tree.district, number="1", symbol="KH/HU")
    make_rule(p, RuleKind.COUNT, target=tree.school, min_count=1, max_count=2)
    make_rule(p, RuleKind.COUNT, target=tree.school, min_count=1, max_count=2, max_is_cap=True)
    for month in (1, 2, 3):
        admit(tree.school, dt.date(2025, month, 5))
    result = attainment(scope=tree.district, year=2025, as_of=dt.date(2025, 4, 1))
    level, cap = (r.single.status for r in result.rules)
    assert (level, cap) == (Status.EXCEEDED, Status.NOT_MET)
    assert "không quá 02" in result.rules[1].sentence and "từ 01 đến 02" in result.rules[0].sentence


def test_rules_from_above_apply_inside_the_scope_only(tree):
    p = make_plan(tree.province)
    make_rule(p, RuleKind.COUNT, applies_to_each=True, sectors=[Sector.HIGH_SCHOOL], min_count=1)
    make_rule(p, RuleKind.COUNT, min_count=100)  # the province's own total: not the district's business
    draft = make_plan(tree.province, status=PlanStatus.DRAFT, number="")
    make_rule(draft, RuleKind.COUNT, target=tree.district, min_count=9)
    old = make_plan(tree.province, first_year=2020, last_year=2024)
    make_rule(old, RuleKind.COUNT, target=tree.district, min_count=7)
    admit(tree.city_school, dt.date(2025, 2, 2))

    district = attainment(scope=tree.district, year=2025, as_of=dt.date(2025, 12, 31))
    assert len(district.rules) == 1
    rule = district.rules[0]
    assert [m.org for m in rule.measurements] == [tree.school]
    assert rule.failing[0].org == tree.school and rule.status == Status.NOT_MET

    province = attainment(scope=tree.province, year=2025, as_of=dt.date(2025, 12, 31))
    each = by_sentence(province, "mỗi")
    assert {m.org for m in each.measurements} == {tree.school, tree.city_school}
    assert each.meeting == 1 and [m.org for m in each.failing] == [tree.school]


def test_membership_share_uses_own_count_else_grassroots_sum(tree):
    p = make_plan(tree.district, number="1", symbol="KH/HU")
    make_rule(p, RuleKind.SHARE_OF_MEMBERSHIP, min_percent=Decimal(3))
    make_rule(p, RuleKind.SHARE_OF_MEMBERSHIP, target=tree.commune, min_percent=Decimal(5))
    member_count_record(organization=tree.commune, as_of=dt.date(2024, 12, 1), members=40)
    member_count_record(organization=tree.enterprise, as_of=dt.date(2025, 1, 1), members=13)
    member_count_record(organization=tree.commune, as_of=dt.date(2025, 2, 1), members=99)  # after 1 Jan
    result = attainment(scope=tree.district, year=2025, as_of=dt.date(2025, 6, 1))
    district = next(r for r in result.rules if r.subject == tree.district).single
    assert district.base == 27 + 40 + 13  # school + commune + enterprise (the district has no count)
    assert district.implied_min == 3  # 3% of 80 = 2.4 → 3
    commune = next(r for r in result.rules if r.subject == tree.commune).single
    assert (commune.base, commune.implied_min) == (40, 2)


def test_structural_rules(tree):
    p = make_plan(tree.district, number="1", symbol="KH/HU")
    make_rule(p, RuleKind.CELL_SIZE, applies_to_each=True, forms=[OrgForm.CELL], min_count=10)
    make_rule(
        p,
        RuleKind.INACTIVITY,
        applies_to_each=True,
        forms=[OrgForm.GRASSROOTS_CELL],
        years_without=3,
    )
    admit(tree.school, dt.date(2023, 9, 1))
    HistoricalResult.objects.create(organization=tree.enterprise, year=2021, count=1)
    result = attainment(scope=tree.district, year=2025, as_of=dt.date(2025, 12, 31))
    size = next(r for r in result.rules if r.kind == RuleKind.CELL_SIZE)
    assert [(m.org, m.members) for m in size.failing] == [(tree.cell, 8)]
    idle = next(r for r in result.rules if r.kind == RuleKind.INACTIVITY)
    assert [m.org for m in idle.failing] == [tree.enterprise]
    assert idle.failing[0].last_admission_year == 2021


def test_rules_over_every_cell_and_history_only_where_shown(tree):
    """Structural rules over many organizations are answered in the database: how many
    organizations they measure and the failing ones (with their members, or with their
    latest admission year and pipeline); no year-on-year history for each
    of the many (national scale: every cell). It is computed for the scope and
    single-subject rules."""
    p = make_plan(tree.district, number="2", symbol="KH/HU")
    make_rule(p, RuleKind.CELL_SIZE, applies_to_each=True, forms=[OrgForm.CELL], min_count=10)
    make_rule(p, RuleKind.INACTIVITY, applies_to_each=True, forms=[OrgForm.CELL], years_without=3)
    make_rule(p, RuleKind.COUNT, min_count=4)
    admit(tree.cell, dt.date(2021, 4, 1))
    admit(tree.cell, dt.date(2023, 4, 1), Category.PUPIL)
    admit(tree.cell, dt.date(2025, 4, 1))
    admit(tree.school, dt.date(2022, 4, 1))
    make_candidate(tree.cell, step=Step.DECISION)
    result = attainment(scope=tree.district, year=2025, as_of=dt.date(2025, 12, 31))
    size = next(r for r in result.rules if r.kind == RuleKind.CELL_SIZE)
    (cell,) = size.measurements
    assert (size.matched, size.meeting, size.failing_count) == (1, 0, 1)
    assert (cell.org, cell.members, cell.status) == (tree.cell, 8, Status.NOT_MET)
    assert cell.history == []
    idle = next(r for r in result.rules if r.kind == RuleKind.INACTIVITY)
    # The cell admitted this year: it meets the rule and is not listed.
    assert (idle.single, idle.matched, idle.meeting, idle.failing, idle.measurements) == (None, 1, 1, [], [])
    own = next(r for r in result.rules if r.kind == RuleKind.COUNT)
    # 2024: no admission on record anywhere in the scope, nothing entered: no data, not 0.
    assert [(y.year, y.actual) for y in own.single.history] == [
        (2021, 1),
        (2022, 1),
        (2023, 1),
        (2024, None),
        (2025, 1),
    ]
    assert [(y.year, y.actual) for y in result.history] == [(2021, 1), (2022, 1), (2023, 1), (2024, None), (2025, 1)]
    assert {c.org: (c.actual, c.last_year) for c in result.children}[tree.commune] == (1, None)  # 2024: no data

    # A cell idle since 2021: failing, its last admission year still found.
    later = attainment(scope=tree.district, year=2025, as_of=dt.date(2025, 3, 1))
    idle = next(r for r in later.rules if r.kind == RuleKind.INACTIVITY)
    assert [(m.org, m.last_admission_year, m.status) for m in idle.failing] == []
    quiet = attainment(scope=tree.district, year=2028, as_of=dt.date(2028, 12, 31))
    idle = next(r for r in quiet.rules if r.kind == RuleKind.INACTIVITY)
    assert [(m.org, m.last_admission_year, m.status) for m in idle.failing] == [(tree.cell, 2025, Status.NOT_MET)]
    quieter = attainment(scope=tree.district, year=2030, as_of=dt.date(2030, 12, 31))
    idle = next(r for r in quieter.rules if r.kind == RuleKind.INACTIVITY)
    assert [(m.org, m.last_admission_year) for m in idle.failing] == [(tree.cell, None)]


def test_archived_admissions_are_not_counted(tree):
    a = admit(tree.school, dt.date(2025, 2, 1))
    a.archived_at = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    a.save()
    assert attainment(scope=tree.district, year=2025, as_of=dt.date(2025, 6, 1)).actual == 0


def test_cumulative_months(tree):
    admit(tree.school, dt.date(2025, 1, 10))
    admit(tree.school, dt.date(2025, 3, 10))
    result = attainment(scope=tree.district, year=2025, as_of=dt.date(2025, 4, 15))
    assert result.months[:4] == [1, 1, 2, 2] and result.months[4:] == [None] * 8


def _grow(tree, n):
    """n extra schools (with a cell each) under both districts, plus rules over them."""
    for i in range(n):
        for parent, code in ((tree.district, "DD"), (tree.city, "DL")):
            parent.refresh_from_db()
            school = organization_create(
                parent=parent,
                code=f"X.{code}.{i}",
                name=f"Chi bộ Trường THPT số {i} {code}",
                form=OrgForm.GRASSROOTS_COMMITTEE,
                sector=Sector.HIGH_SCHOOL,
            )
            cell = organization_create(
                parent=school, code=f"X.{code}.{i}.1", name=f"Chi bộ lớp {i}", form=OrgForm.CELL, sector=Sector.OTHER
            )
            member_count_record(organization=cell, as_of=dt.date(2025, 1, 1), members=5 + i)
            admit(cell, dt.date(2025, 1 + i % 6, 3), Category.PUPIL)
            admit(school, dt.date(2024, 1 + i % 6, 3), Category.OTHER)
            make_candidate(cell, step=Step.DECISION, category=Category.PUPIL)
            HistoricalResult.objects.create(organization=school, year=2022, count=2)
        p = make_plan(parent, number=str(i), symbol="KH/HU")
        make_rule(p, RuleKind.COUNT, applies_to_each=True, sectors=[Sector.HIGH_SCHOOL], min_count=1)
        make_rule(p, RuleKind.SHARE_OF_ADMISSIONS, category=Category.PUPIL, min_percent=Decimal(5))
        make_rule(p, RuleKind.SHARE_OF_MEMBERSHIP, min_percent=Decimal(3))
        make_rule(p, RuleKind.CELL_SIZE, applies_to_each=True, forms=[OrgForm.CELL], min_count=7)
        make_rule(p, RuleKind.INACTIVITY, applies_to_each=True, forms=[OrgForm.CELL], years_without=2)
        table = make_rule(p, RuleKind.ALLOCATION, min_count=3 * n)
        parent.refresh_from_db()
        for child in Organization.objects.filter(path__startswith=parent.path, depth=parent.depth + 1):
            allocate(table, child, 2, pupil=1)


def _queries(tree):
    with CaptureQueriesContext(connection) as ctx:
        result = attainment(scope=tree.province, year=2025, as_of=dt.date(2025, 9, 30))
    return len(ctx.captured_queries), result


def test_query_count_does_not_grow_with_the_tree(tree):
    province_plan = make_plan(tree.province)
    make_rule(province_plan, RuleKind.COUNT, applies_to_each=True, sectors=[Sector.HIGH_SCHOOL], min_count=1)
    _grow(tree, 2)
    small, small_result = _queries(tree)
    # Ten times as many organizations and rules.
    _grow_extra(tree, 2, 20)
    large, large_result = _queries(tree)
    assert len(large_result.rules) > 5 * len(small_result.rules) / 2
    assert sum(r.matched for r in large_result.rules) >= 8 * sum(r.matched for r in small_result.rules)
    print("queries", small, large)
    assert large == small, (small, large)
    # 20 as of 30/09: 16 before the statuses, plus the holidays and the one grouped count of
    # the candidates who can still finish by 31/12 (reports/status.py; none for a closed year),
    # plus one for the state of the tree (moved or merged since the day? organizations/positions.py)
    # and one for the organizations whose records count under the scope (counted_under),
    # plus, of a day before today, one or two for whether the pipeline changed since
    # (counting.pipeline_changed_after: two when nobody left the road since, as here) and one
    # for the candidates moved by hand since (_moved_back).
    assert small <= 23


def _grow_extra(tree, start, stop):
    """Like _grow, numbering from `start` (the codes must stay unique)."""
    for i in range(start, stop):
        for parent, code in ((tree.district, "DD"), (tree.city, "DL")):
            parent.refresh_from_db()
            school = organization_create(
                parent=parent,
                code=f"X.{code}.{i}",
                name=f"Chi bộ Trường THPT số {i} {code}",
                form=OrgForm.GRASSROOTS_COMMITTEE,
                sector=Sector.HIGH_SCHOOL,
            )
            cell = organization_create(
                parent=school, code=f"X.{code}.{i}.1", name=f"Chi bộ lớp {i}", form=OrgForm.CELL, sector=Sector.OTHER
            )
            member_count_record(organization=cell, as_of=dt.date(2025, 1, 1), members=5 + i % 5)
            admit(cell, dt.date(2025, 1 + i % 6, 3), Category.PUPIL)
            make_candidate(cell, step=Step.DECISION, category=Category.PUPIL)
            p = make_plan(school, number=str(i), symbol="KH/ĐU")
            make_rule(p, RuleKind.COUNT, min_count=2, category=Category.PUPIL)
            make_rule(p, RuleKind.CELL_SIZE, applies_to_each=True, forms=[OrgForm.CELL], min_count=7)


def test_a_positive_share_without_any_total_still_asks_for_one(tree):
    """2% of 0 implies no count (none is shown), but the share still asks for one admission."""
    p = make_plan(tree.district, number="1", symbol="KH/HU")
    make_rule(p, RuleKind.SHARE_OF_ADMISSIONS, category=Category.NON_STATE_WORKER, min_percent=Decimal(2))
    result = attainment(scope=tree.district, year=2025, as_of=dt.date(2025, 12, 31))
    m = result.rules[0].single
    assert (m.planned_total, m.implied_min, m.status) == (0, None, Status.NOT_MET)


def test_a_report_as_of_an_earlier_day_leaves_out_later_admissions(tree):
    """Whole years are tallied; the days after the report's date are taken off again."""
    admit(tree.school, dt.date(2025, 3, 1), Category.PUPIL)
    admit(tree.school, dt.date(2025, 9, 1), Category.PUPIL)
    admit(tree.cell, dt.date(2024, 5, 1))
    admit(tree.cell, dt.date(2025, 8, 1))
    plan = make_plan(tree.district)
    make_rule(plan, RuleKind.INACTIVITY, applies_to_each=True, forms=[OrgForm.CELL], years_without=1)
    june = attainment(scope=tree.district, year=2025, as_of=dt.date(2025, 6, 30))
    assert (june.actual, june.history[-1].actual) == (1, 1)
    assert june.months[5] == 1 and june.months[8] is None
    idle = by_sentence(june, "")
    assert [(m.org.pk, m.last_admission_year) for m in idle.measurements] == [(tree.cell.pk, 2024)]
    december = attainment(scope=tree.district, year=2025, as_of=dt.date(2025, 12, 31))
    assert december.actual == 3
    assert (by_sentence(december, "").matched, by_sentence(december, "").failing) == (1, [])
