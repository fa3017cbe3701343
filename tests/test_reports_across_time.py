"""Reports read the tree as it stood on their day: moves and mergers after that day move
no figure of it, and an organization's own admissions follow it across its moves."""

import datetime as dt
import re

from admissions.categories import Category
from admissions.models import Step
from organizations.services import organization_merge, organization_move
from quotas.models import RuleKind
from reports.engine import admissions_in, attainment
from reports.serialize import attainment_json

from .conftest import takes_cells
from .test_reports_engine import admit, allocate, make_candidate, make_plan, make_rule

D = dt.date
LATER = D(2026, 1, 15)  # the day the moves are entered


def report(org, year, as_of):
    org.refresh_from_db()
    return attainment(scope=org, year=year, as_of=as_of)


def figures(org, year, as_of):
    return attainment_json(report(org, year, as_of))


def figures_only(data):
    """An `attainment` JSON without what a closing report decides anew (statuses, forecasts,
    pace, who meets a rule): its figures."""
    if isinstance(data, dict):
        return {
            key: figures_only(value)
            for key, value in data.items()
            if key not in ("status", "statuses", "forecast", "expected", "meeting", "failing")
        }
    if isinstance(data, list):
        return [figures_only(value) for value in data]
    return data


def statuses_in(data) -> set[str]:
    if isinstance(data, dict):
        found = {data["status"]} if isinstance(data.get("status"), str) else set()
        return found.union(*(statuses_in(value) for value in data.values()))
    if isinstance(data, list):
        return set().union(*(statuses_in(value) for value in data))
    return set()


def move(org, parent, day):
    org.refresh_from_db()
    parent.refresh_from_db()
    organization_move(organization=org, new_parent=parent, on_date=day, today=LATER)
    org.refresh_from_db()


def with_rules(tree):
    """The district asks each high school for a pupil; the province allocates to its districts."""
    district_plan = make_plan(tree.district, first_year=2024, number="159", symbol="KH/HU")
    make_rule(
        district_plan,
        RuleKind.COUNT,
        applies_to_each=True,
        sectors=["high_school"],
        category=Category.PUPIL,
        min_count=1,
    )
    make_rule(district_plan, RuleKind.INACTIVITY, applies_to_each=True, forms=["cell"], years_without=1)
    make_rule(district_plan, RuleKind.CELL_SIZE, applies_to_each=True, forms=["cell"], min_count=10)
    province_plan = make_plan(tree.province, first_year=2024)
    table = make_rule(province_plan, RuleKind.ALLOCATION, min_count=10)
    allocate(table, tree.district, 6, pupil=1)
    allocate(table, tree.city, 4)
    return district_plan, province_plan


def test_a_moved_school_takes_its_admissions_along_and_past_days_do_not_change(tree):
    with_rules(tree)
    admit(tree.school, D(2024, 10, 1), Category.PUPIL)
    admit(tree.school, D(2025, 2, 1), Category.PUPIL)
    admit(tree.cell, D(2025, 3, 1))
    make_candidate(tree.school, step=Step.DECISION, category=Category.PUPIL)
    days = [(2024, D(2024, 12, 31)), (2025, D(2025, 4, 30))]
    before = {
        (org.code, year): figures(org, year, day)
        for org in (tree.province, tree.district, tree.city, tree.school)
        for year, day in days
    }

    move(tree.school, tree.city, D(2025, 5, 1))
    admit(tree.school, D(2025, 6, 1), Category.PUPIL)  # after the move

    after = {
        (org.code, year): figures(org, year, day)
        for org in (tree.province, tree.district, tree.city, tree.school)
        for year, day in days
    }
    assert after == before  # no figure of a day before the move moved
    district_2025 = before[("LD.DD", 2025)]
    pupils = next(r for r in district_2025["rules"] if r["kind"] == "count")
    assert (district_2025["actual"], pupils["matched"], pupils["failing"]) == (2, 1, [])

    # At the year's end the school stands under the city, with all its admissions.
    school = report(tree.school, 2025, D(2025, 12, 31))
    assert (school.actual, [y.actual for y in school.history][-2:]) == (2, [1, 2])
    city = report(tree.city, 2025, D(2025, 12, 31))
    district = report(tree.district, 2025, D(2025, 12, 31))
    assert (city.actual, district.actual) == (2, 1)
    assert tree.school.pk in {c.org.pk for c in city.children}
    assert tree.school.pk not in {c.org.pk for c in district.children}
    # The district's rule over its high schools no longer finds one there.
    assert not [r for r in district.rules if r.kind == RuleKind.COUNT]
    # The province's allocation table: the district's row counts what is under it then.
    table = report(tree.province, 2025, D(2025, 12, 31)).allocations[0]
    assert [(row.org.code, row.actual) for row in table.rows] == [("LD.DD", 1), ("LD.DL", 2)]
    # The list behind a figure agrees with the figure, on each day.
    assert admissions_in(tree.city, D(2025, 1, 1), D(2025, 12, 31)).count() == 2
    assert admissions_in(tree.district, D(2025, 1, 1), D(2025, 4, 30)).count() == 2


def test_a_merged_organization_keeps_its_reports_to_its_last_day_then_counts_with_its_successor(tree):
    admit(tree.commune, D(2025, 2, 1))
    admit(tree.cell, D(2025, 3, 1))
    admit(tree.enterprise, D(2025, 3, 5))
    before = figures(tree.commune, 2025, D(2025, 4, 30))
    before_district = figures(tree.district, 2025, D(2025, 4, 30))
    tree.commune.refresh_from_db()
    tree.enterprise.refresh_from_db()
    takes_cells(tree.enterprise)
    organization_merge(source=tree.commune, target=tree.enterprise, on_date=D(2025, 5, 1), today=LATER)

    # Its report of its last day is now its closing one: the same figures, its year over.
    closing = figures(tree.commune, 2025, D(2025, 4, 30))
    assert figures_only(closing) == figures_only(before)
    assert (closing["forecast"], before["forecast"]) == (None, 0)
    assert statuses_in(closing) <= {"exceeded", "met", "not_met"}
    from django.utils import translation

    from reports.report import build_report

    with translation.override("vi"):
        note = build_report(report(tree.commune, 2025, D(2025, 4, 30))).closing
    assert note.startswith(f"Đã hợp nhất vào {tree.enterprise.name} từ ngày 01/05/2025: năm công tác")
    assert figures(tree.district, 2025, D(2025, 4, 30)) == before_district
    assert before["actual"] == 2
    enterprise = report(tree.enterprise, 2025, D(2025, 12, 31))
    assert enterprise.actual == 3  # its own, the commune's and the moved cell's
    district = report(tree.district, 2025, D(2025, 12, 31))
    assert district.actual == 3
    codes = {c.org.code for c in district.children}
    assert "LD.DD.KD" not in codes and "LD.DD.DN" in codes
    # Before the merger, the enterprise was on its own.
    assert report(tree.enterprise, 2025, D(2025, 4, 30)).actual == 1


def test_months_and_history_of_a_past_day_use_the_tree_of_that_day(tree):
    admit(tree.school, D(2023, 5, 1))
    admit(tree.school, D(2024, 1, 10))
    admit(tree.school, D(2024, 3, 10))
    district = report(tree.district, 2024, D(2024, 12, 31))
    move(tree.school, tree.city, D(2025, 7, 1))
    again = report(tree.district, 2024, D(2024, 12, 31))
    assert again.months == district.months and again.months[2] == 2
    assert [y.actual for y in again.history] == [y.actual for y in district.history] == [None, None, None, 1, 2]
    now = report(tree.city, 2026, D(2026, 1, 15))
    assert [y.actual for y in now.history][-4:-1] == [1, 2, None]  # today's tree: the school is the city's


def test_inactivity_and_size_rules_of_a_past_year_see_the_cells_of_that_year(tree):
    with_rules(tree)
    admit(tree.cell, D(2024, 4, 1))
    before = figures(tree.district, 2024, D(2024, 12, 31))
    before_province = figures(tree.province, 2024, D(2024, 12, 31))
    move(tree.commune, tree.city, D(2025, 7, 1))
    assert figures(tree.district, 2024, D(2024, 12, 31)) == before
    assert figures(tree.province, 2024, D(2024, 12, 31)) == before_province
    size = next(r for r in before["rules"] if r["kind"] == "cell_size")
    assert (size["matched"], size["failing"]) == (1, ["Chi bộ Thôn Ka Đô Mới"])


def test_an_issued_allocation_table_keeps_the_rows_of_merged_organizations(tree):
    plan = make_plan(tree.district, first_year=2025, number="12", symbol="KH/HU")
    table = make_rule(plan, RuleKind.ALLOCATION, min_count=5)
    allocate(table, tree.commune, 3, pupil=1)
    allocate(table, tree.school, 2)
    admit(tree.cell, D(2025, 2, 1), Category.PUPIL)
    admit(tree.commune, D(2025, 3, 1))
    admit(tree.school, D(2025, 3, 2))
    tree.commune.refresh_from_db()
    tree.enterprise.refresh_from_db()
    takes_cells(tree.enterprise)
    organization_merge(source=tree.commune, target=tree.enterprise, on_date=D(2025, 5, 1), today=LATER)
    admit(tree.cell, D(2025, 6, 1), Category.PUPIL)  # now the enterprise's

    result = report(tree.district, 2025, D(2025, 12, 31)).allocations[0]
    rows = [(r.org.code, r.total, r.actual, r.sub_actual, r.status, r.ended_on) for r in result.rows]
    assert rows == [
        ("LD.DD.KD", 3, 2, {"pupil": 1}, "not_met", D(2025, 5, 1)),
        ("LD.DD.THPT", 2, 1, {}, "not_met", None),
    ]
    assert (len(result.rows), result.allocated, result.actual) == (2, 5, 4)
    # As of its last day, the district's report reads the commune's row as its own closing
    # report does: its figure of that day, its year over (labelled "đến 30/04/2025").
    then = report(tree.district, 2025, D(2025, 4, 30)).allocations[0]
    assert [(r.org.code, r.actual, r.ended_on) for r in then.rows] == [
        ("LD.DD.KD", 2, D(2025, 5, 1)),
        ("LD.DD.THPT", 1, None),
    ]
    assert then.rows[0].status == "not_met" and then.rows[1].status != "not_met"


def test_the_dashboard_of_a_merged_organization_ends_on_its_last_day_and_links_its_successor(tree, client_for):
    admit(tree.commune, D(2025, 2, 1))
    tree.commune.refresh_from_db()
    tree.enterprise.refresh_from_db()
    takes_cells(tree.enterprise)
    organization_merge(source=tree.commune, target=tree.enterprise, on_date=D(2025, 5, 1), today=LATER)
    client = client_for("district_planner")
    page = client.get(f"/reports/{tree.commune.pk}/?year=2026").content.decode()
    assert 'value="30/04/2025"' in page and 'value="2025"' in page
    assert "30/04/2025" in page and f"/reports/{tree.enterprise.pk}/" in page
    assert 'data-testid="ended"' in page
    active = client.get(f"/reports/{tree.enterprise.pk}/").content.decode()
    assert 'data-testid="ended"' not in active


def test_a_report_of_a_day_before_an_organization_was_founded_says_so_and_links_what_merged_into_it(tree, client_for):
    from organizations.models import Organization

    takes_cells(tree.enterprise)
    Organization.objects.filter(pk=tree.enterprise.pk).update(founded_on=D(2025, 3, 1))
    tree.commune.refresh_from_db()
    tree.enterprise.refresh_from_db()
    organization_merge(source=tree.commune, target=tree.enterprise, on_date=D(2025, 5, 1), today=LATER)
    client = client_for("district_planner")
    page = client.get(f"/reports/{tree.enterprise.pk}/?year=2025&as_of=2025-02-15").content.decode()
    assert 'data-testid="not-yet"' in page and "01/03/2025" in page
    assert f'href="/reports/{tree.commune.pk}/?year=2025&amp;as_of=2025-02-15"' in page
    page = client.get(f"/reports/{tree.enterprise.pk}/?year=2025&as_of=2025-06-01").content.decode()
    assert 'data-testid="not-yet"' not in page
    # A viewer of the enterprise alone reads the predecessor's name, without a link to a
    # page it may not open.
    from django.contrib.auth import get_user_model
    from django.test import Client

    from organizations.models import Membership, Role

    viewer = get_user_model().objects.create_user(username="xem.dn", password="x")
    Membership.objects.create(user=viewer, organization=tree.enterprise, role=Role.VIEWER)
    other = Client()
    other.force_login(viewer)
    page = other.get(f"/reports/{tree.enterprise.pk}/?year=2025&as_of=2025-02-15").content.decode()
    assert 'data-testid="not-yet"' in page and tree.commune.name in page
    assert f'href="/reports/{tree.commune.pk}/' not in page


def test_the_admissions_behind_a_figure_name_each_organization_as_on_its_ceremony_day(tree, client_for):
    """Renamed since: its name of that day. A record kept at an organization already merged
    by then (entered before the merger was): its successor, saying where it is recorded."""
    from organizations.services import organization_update

    admit(tree.school, D(2025, 3, 1), name="Anh")
    admit(tree.commune, D(2025, 6, 1), name="Bình")  # after the commune's merger of 01/05
    tree.commune.refresh_from_db()
    tree.enterprise.refresh_from_db()
    takes_cells(tree.enterprise)
    organization_merge(source=tree.commune, target=tree.enterprise, on_date=D(2025, 5, 1), today=LATER)
    organization_update(organization=tree.school, name="Chi bộ Trường THPT Đơn Dương mới", changes_from=D(2025, 4, 1))
    page = client_for("district_planner").get(f"/reports/{tree.district.pk}/admissions/?year=2025&as_of=2025-12-31")
    rows = {row.split("</td>")[0].rsplit(">", 1)[-1]: row for row in page.content.decode().split("<tr")[2:]}
    assert ">Chi bộ Trường THPT Đơn Dương<" in rows["Anh"] and "mới" not in rows["Anh"]
    assert f">{tree.enterprise.name} <span" in rows["Bình"] and "Đảng bộ xã Ka Đô" in rows["Bình"]


def test_the_records_reader_gives_the_tallies_figures_on_the_demo(seeded_demo, monkeypatch):
    """The reader of a past tree (reports/past.py) and the tallies agree to the unit when
    the tree did not change: every committee of the demo, every year it has figures."""
    import dataclasses

    from django.utils import timezone

    from organizations.models import Organization
    from reports import engine

    today = timezone.localdate()
    committees = [o for o in Organization.objects.order_by("path") if o.numchild or o.depth == 1]
    days = [(2023, D(2023, 12, 31)), (2024, D(2024, 12, 31)), (2025, D(2025, 6, 30)), (today.year, today)]
    tallied = {(o.code, y): figures(o, y, day) for o in committees for y, day in days}
    real = engine.tree_state
    monkeypatch.setattr(engine, "tree_state", lambda day: dataclasses.replace(real(day), changed=True))
    recounted = {(o.code, y): figures(o, y, day) for o in committees for y, day in days}
    assert recounted == tallied
    assert sum(f["actual"] for f in tallied.values()) > 0


def test_the_attainment_command_reports_a_merged_organization_up_to_its_last_day(tree):
    import json
    from io import StringIO

    from django.core.management import call_command

    admit(tree.commune, D(2025, 2, 1))
    tree.commune.refresh_from_db()
    tree.enterprise.refresh_from_db()
    takes_cells(tree.enterprise)
    organization_merge(source=tree.commune, target=tree.enterprise, on_date=D(2025, 5, 1), today=LATER)
    out = StringIO()
    call_command("attainment", "--org", "LD.DD.KD", "--year", "2025", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["as_of"], data["actual"]) == ("2025-04-30", 1)
    out = StringIO()
    call_command("attainment", "--org", "LD.DD.KD", "--year", "2025", "--as-of", "2025-03-01", stdout=out)
    assert json.loads(out.getvalue())["as_of"] == "2025-03-01"
    # A day after it ended reads as its last day, as on its page (it read 0 in the tree of
    # that day, where nothing stands under it).
    for args in (["--as-of", "2025-12-31"], ["--period", "2025", "--as-of", "2025-12-31"]):
        out = StringIO()
        call_command("attainment", "--org", "LD.DD.KD", "--year", "2025", *args, stdout=out)
        data = json.loads(out.getvalue())
        assert (data["as_of"], data["actual"], data["forecast"]) == ("2025-04-30", 1, None), args


def test_a_dissolved_child_keeps_its_figures_without_its_target(tree):
    from organizations.services import organization_dissolve

    plan = make_plan(tree.district, first_year=2025, number="12", symbol="KH/HU")
    table = make_rule(plan, RuleKind.ALLOCATION, min_count=5)
    allocate(table, tree.enterprise, 3)
    admit(tree.enterprise, D(2025, 3, 1))
    tree.enterprise.refresh_from_db()
    organization_dissolve(organization=tree.enterprise, on_date=D(2025, 5, 1), today=LATER)
    result = report(tree.district, 2025, D(2025, 12, 31))
    row = next(c for c in result.children if c.org.code == "LD.DD.DN")
    assert (row.actual, row.target, row.status, row.ended_on) == (1, None, None, D(2025, 5, 1))
    assert result.actual == 1
    then = report(tree.district, 2025, D(2025, 4, 30))
    row = next(c for c in then.children if c.org.code == "LD.DD.DN")
    assert (row.actual, row.target, row.ended_on) == (1, 3, None)


def test_a_closed_or_replaced_plan_keeps_its_targets_in_reports_of_the_days_before(tree):
    """Closing a plan ends its targets from that day; past reports still show them."""
    from quotas.services import plan_close

    old = make_plan(tree.district, first_year=2024, number="12", symbol="KH/HU")
    make_rule(old, RuleKind.COUNT, target=tree.district, min_count=7)
    new = make_plan(tree.district, first_year=2025, number="30", symbol="KH/HU")
    make_rule(new, RuleKind.COUNT, target=tree.district, min_count=9)

    def targets(year, day):
        return sorted(r.rule.min_count for r in attainment(scope=tree.district, year=year, as_of=day).rules)

    assert targets(2025, D(2025, 12, 31)) == [7, 9]
    plan_close(plan=old, today=D(2025, 4, 1), reason="Thay bằng Kế hoạch 30-KH/HU", replaced_by=new)
    old.refresh_from_db()
    assert old.closed_on == D(2025, 4, 1)
    assert targets(2024, D(2024, 12, 31)) == [7]  # its own year, read today: unchanged
    assert targets(2025, D(2025, 3, 31)) == [7, 9]  # the day before it was replaced
    assert targets(2025, D(2025, 12, 31)) == [9]  # the year's end: only the plan in force


def test_a_result_entered_for_a_merged_cell_counts_for_its_successor_in_an_inactivity_rule(tree):
    """Đồng Thúy's cell had 2 admissions entered for 2023; it is merged into the school's
    cell in 2024. The province asks every grassroots cell for an admission in three years:
    in 2025 the school's cell meets it with its predecessor's 2023, as every other figure
    counts a merged organization's results with its successor (it was listed as idle)."""
    from reports.services import historical_result_record

    plan = make_plan(tree.province, first_year=2025)
    make_rule(plan, RuleKind.INACTIVITY, applies_to_each=True, forms=["grassroots_cell"], years_without=3)
    historical_result_record(organization=tree.enterprise, year=2023, category="", count=2)
    tree.enterprise.refresh_from_db()
    tree.school.refresh_from_db()
    organization_merge(source=tree.enterprise, target=tree.school, on_date=D(2024, 6, 1), today=LATER)
    admit(tree.city_school, D(2025, 3, 1))

    for listed in (False, True):
        for day in (D(2025, 12, 31), D(2025, 2, 1)):  # the tallies, and a day before an admission
            answer = attainment(scope=tree.province, year=2025, as_of=day, list_failing=listed)
            (rule,) = [r for r in answer.rules if r.plan == plan]
            failing = [m.org.pk for m in rule.failing]
            assert tree.school.pk not in failing, (listed, day)
            assert (rule.matched, rule.meeting) == (2, 2 if day.month == 12 else 1), (listed, day)


def test_a_result_entered_before_two_mergers_counts_for_the_last_successor(tree):
    """Đồng Thúy's cell (2 admissions entered for 2023) is merged into the school's cell,
    which is merged into Trần Phú's. For a rule of one year without admissions, Trần Phú's
    row is idle in 2025 and shows 2023, its predecessors' latest year; for three years it
    meets the rule (the results' tallies follow each merger: reports/entered.py)."""
    from reports.services import historical_result_record

    plan = make_plan(tree.province, first_year=2025)
    one = make_rule(plan, RuleKind.INACTIVITY, applies_to_each=True, forms=["grassroots_cell"], years_without=1)
    three = make_rule(plan, RuleKind.INACTIVITY, applies_to_each=True, forms=["grassroots_cell"], years_without=3)
    historical_result_record(organization=tree.enterprise, year=2023, category="", count=2)
    for source, target, day in (
        (tree.enterprise, tree.school, D(2024, 3, 1)),
        (tree.school, tree.city_school, D(2024, 6, 1)),
    ):
        source.refresh_from_db()
        target.refresh_from_db()
        organization_merge(source=source, target=target, on_date=day, today=LATER)

    for listed in (False, True):
        answer = attainment(scope=tree.province, year=2025, as_of=D(2025, 12, 31), list_failing=listed)
        by_rule = {r.rule.pk: r for r in answer.rules if r.plan == plan}
        assert [m.org.pk for m in by_rule[three.pk].failing] == [], listed
        (idle,) = by_rule[one.pk].failing
        assert (idle.org.pk, idle.last_admission_year) == (tree.city_school.pk, 2023), listed


def test_inactivity_rules_read_the_results_tallies_not_the_results(tree):
    """Whether a cell had a historical result in the last years is one index probe of the
    tallies (kind ENTERED): read from the results themselves, every result of the country
    was compared with every cell (16 s for a province once 93,740 were entered)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.models import HistoricalResult
    from reports.services import historical_result_record

    plan = make_plan(tree.province, first_year=2025)
    make_rule(plan, RuleKind.INACTIVITY, applies_to_each=True, forms=["grassroots_cell"], years_without=2)
    historical_result_record(organization=tree.enterprise, year=2024, category="", count=2)
    table = HistoricalResult._meta.db_table
    for listed in (False, True):
        with CaptureQueriesContext(connection) as queries:
            answer = attainment(scope=tree.province, year=2025, as_of=D(2025, 12, 31), list_failing=listed)
            (rule,) = [r for r in answer.rules if r.plan == plan]
            failing = {m.org.pk: m.last_admission_year for m in rule.failing}
        assert tree.enterprise.pk not in failing and tree.school.pk in failing, listed
        # The rule's queries: organizations without (NOT EXISTS, or NOT (EXISTS on SQLite)) …
        structural = [q["sql"] for q in queries.captured_queries if re.search(r"NOT \(?EXISTS", q["sql"])]
        assert structural, listed
        assert not any(table in sql for sql in structural), listed


def test_historical_results_are_read_once_for_every_depth_of_a_report(tree):
    """The province's report counts entered results at the province, its districts and
    their organizations from one read of the results (per depth, each read scanned the
    country's results again: 0.4 s each once 93,740 were entered and cells merged), and
    a merged commune's results count with its successor."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.models import HistoricalResult
    from reports.services import historical_result_record

    today = dt.date.today()  # the tree of today: the tallies' road (cells are taken today)
    entered_for = today.year - 2
    plan = make_plan(tree.province)
    for target in (tree.district, tree.city, tree.enterprise):  # figures of three depths
        make_rule(plan, RuleKind.COUNT, target=target, min_count=1)
    historical_result_record(organization=tree.cell, year=entered_for, category="", count=4)
    historical_result_record(organization=tree.commune, year=entered_for, category="", count=2)
    tree.commune.refresh_from_db()
    takes_cells(tree.enterprise)
    organization_merge(source=tree.commune, target=tree.enterprise, on_date=D(2024, 6, 1), today=LATER)
    with CaptureQueriesContext(connection) as queries:
        answer = report(tree.province, today.year, today)
    assert sum(HistoricalResult._meta.db_table in q["sql"] for q in queries.captured_queries) == 1

    def entered(history):
        return next(y.actual for y in history if y.year == entered_for)

    rows = {r.subject.code: entered(r.measurements[0].history) for r in answer.rules}
    assert rows == {"LD.DD": 6, "LD.DL": None, tree.enterprise.code: 6}
    assert entered(answer.history) == 6
    # Last year's report, by the records' road (the tree changed since: cells taken today), agrees.
    last_year = report(tree.province, today.year - 1, D(today.year - 1, 12, 31))
    assert {r.subject.code: entered(r.measurements[0].history) for r in last_year.rules} == rows
