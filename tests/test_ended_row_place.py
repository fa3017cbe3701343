"""An allocation row goes where its organization's admissions count in the tree of the
report's day. One that ended goes with its committee: moved, or handed by a merger to the
successor, even on its own last day (it is part of what the merged committee handed over, its
records counted there with the committee's own). The row and the total it adds to are always
in the same report."""

import datetime as dt

from organizations.services import organization_dissolve, organization_merge
from quotas.models import RuleKind
from reports.engine import attainment

from .conftest import takes_cells
from .test_reports_engine import admit, allocate, make_plan, make_rule

D = dt.date
MERGED = D(2025, 5, 1)  # the merger, and the dissolution of one of the organizations it hands over
AS_OF = D(2025, 6, 30)


def _table(scope, as_of=AS_OF):
    scope.refresh_from_db()
    report = attainment(scope=scope, year=2025, as_of=as_of)
    return {row.org.pk: (row.total, row.actual, row.ended_on) for table in report.allocations for row in table.rows}


def _actual(scope, as_of=AS_OF):
    scope.refresh_from_db()
    return attainment(scope=scope, year=2025, as_of=as_of).actual


def test_a_row_dissolved_on_its_committees_merger_goes_with_its_records_to_the_successor(tree):
    table = make_rule(make_plan(tree.province), RuleKind.ALLOCATION, min_count=10)
    allocate(table, tree.school, 2)
    allocate(table, tree.city, 3)
    allocate(table, tree.city_school, 1)
    admit(tree.school, D(2025, 3, 2))
    organization_merge(source=tree.district, target=tree.city, on_date=MERGED, today=AS_OF)
    tree.school.refresh_from_db()
    organization_dissolve(organization=tree.school, on_date=MERGED, today=AS_OF)

    # The merger handed the school to the city with the district's records: the city's
    # table lists its row, counted to its last day, and the city's total holds its admission.
    city = _table(tree.city)
    assert city[tree.school.pk] == (2, 1, MERGED)
    assert city[tree.city_school.pk][:2] == (1, 0)
    assert _actual(tree.city) == 1
    # As of a day before the merger, the school stood under the district: not the city's.
    assert tree.school.pk not in _table(tree.city, as_of=D(2025, 4, 1))
    assert _actual(tree.city, as_of=D(2025, 4, 1)) == 0
    assert _table(tree.district, as_of=D(2025, 4, 1))[tree.school.pk][:2] == (2, 1)
    # The province lists it, counted to its last day.
    assert _table(tree.province)[tree.school.pk] == (2, 1, MERGED)


def test_a_row_handed_to_another_district_the_day_it_ended_goes_where_its_admissions_count(tree):
    """The village cell stood under Ka Đô (Đơn Dương) to its last day; Ka Đô merged that day
    into a unit of Đà Lạt, which took the cell over the day it was dissolved: its row and its
    admissions are Đà Lạt's from then on, as Ka Đô's own are."""
    table = make_rule(make_plan(tree.province), RuleKind.ALLOCATION, min_count=10)
    allocate(table, tree.cell, 2)
    allocate(table, tree.enterprise, 1)
    admit(tree.cell, D(2025, 2, 3))
    admit(tree.cell, D(2025, 4, 4))
    successor = takes_cells(tree.city_school)
    organization_merge(source=tree.commune, target=successor, on_date=MERGED, today=AS_OF)
    tree.cell.refresh_from_db()
    organization_dissolve(organization=tree.cell, on_date=MERGED, today=AS_OF)
    tree.cell.refresh_from_db()
    assert tree.cell.path.startswith(successor.path)  # where the merger put it

    for scope in (successor, tree.city):
        assert _table(scope)[tree.cell.pk] == (2, 2, MERGED), scope.code
        assert _actual(scope) == 2, scope.code
    assert tree.cell.pk not in _table(tree.district)
    assert _actual(tree.district) == 0
    assert _table(tree.province)[tree.cell.pk] == (2, 2, MERGED)
    # As of its last day it stood in Đơn Dương: its row and its admissions are the district's.
    last_day = MERGED - dt.timedelta(days=1)
    assert _table(tree.district, as_of=last_day)[tree.cell.pk][:2] == (2, 2)
    assert _actual(tree.district, as_of=last_day) == 2
    assert tree.cell.pk not in _table(tree.city, as_of=last_day)


def test_a_row_that_ended_before_its_committee_moved_moves_with_it(tree):
    """The village cell is dissolved on 01/03, and its commune moves under Đà Lạt on 01/05:
    the cell's row goes with its commune (to Đà Lạt's reports), as its admission does."""
    from organizations.services import organization_move

    table = make_rule(make_plan(tree.province), RuleKind.ALLOCATION, min_count=10)
    allocate(table, tree.cell, 2)
    admit(tree.cell, D(2025, 2, 3))
    organization_dissolve(organization=tree.cell, on_date=D(2025, 3, 1), today=AS_OF)
    tree.commune.refresh_from_db()
    organization_move(organization=tree.commune, new_parent=tree.city, on_date=D(2025, 5, 1), today=AS_OF)

    for scope in (tree.commune, tree.city, tree.province):
        assert _table(scope)[tree.cell.pk] == (2, 1, D(2025, 3, 1)), scope.code
        scope.refresh_from_db()
        assert attainment(scope=scope, year=2025, as_of=AS_OF).actual == 1
    assert tree.cell.pk not in _table(tree.district)
    # As of a day before the move, where it stood then.
    assert _table(tree.district, as_of=D(2025, 4, 1))[tree.cell.pk] == (2, 1, D(2025, 3, 1))
    assert tree.cell.pk not in _table(tree.city, as_of=D(2025, 4, 1))
