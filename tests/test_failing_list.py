"""Size and inactivity rules over many organizations: the engine counts the failing ones in
the database and lists them when read (FailingList), page by page."""

import datetime as dt
import pickle

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organizations.models import OrgForm, Sector
from organizations.services import member_count_record, organization_create
from quotas.models import RuleKind
from reports.engine import FailingList, Status, attainment
from tests.test_reports_engine import admit, make_plan, make_rule

END = dt.date(2025, 12, 31)


@pytest.fixture
def cells(tree):
    """Four cells under the commune: tree.cell (8 members, admitted 2023) and three more
    with 12, 3 and no member count; admissions in 2025 and 2022."""
    made = [tree.cell]
    for i, members in enumerate((12, 3, None), start=1):
        cell = organization_create(
            parent=tree.commune,
            code=f"LD.DD.XA.C{i}",
            name=f"Chi bộ thôn {i}",
            form=OrgForm.CELL,
            sector=Sector.VILLAGE,
        )
        if members is not None:
            member_count_record(organization=cell, as_of=dt.date(2025, 1, 1), members=members)
        made.append(cell)
    admit(made[0], dt.date(2023, 4, 1))
    admit(made[1], dt.date(2025, 4, 1))
    admit(made[2], dt.date(2022, 4, 1))
    plan = make_plan(tree.district, number="3", symbol="KH/HU")
    make_rule(plan, RuleKind.CELL_SIZE, applies_to_each=True, forms=[OrgForm.CELL], min_count=10)
    make_rule(plan, RuleKind.INACTIVITY, applies_to_each=True, forms=[OrgForm.CELL], years_without=3)
    make_rule(plan, RuleKind.INACTIVITY, applies_to_each=True, forms=[OrgForm.CELL], years_without=1)
    return made


def _rules(result):
    size = next(r for r in result.rules if r.kind == RuleKind.CELL_SIZE)
    idle3, idle1 = sorted(
        (r for r in result.rules if r.kind == RuleKind.INACTIVITY), key=lambda r: -r.rule.years_without
    )
    return size, idle3, idle1


def test_failing_organizations_are_counted_and_listed_in_path_order(tree, cells):
    size, idle3, idle1 = _rules(attainment(scope=tree.district, year=2025, as_of=END))
    assert isinstance(size.failing, FailingList)
    # Below ten members or without a count: the 8, the 3 and the one never counted.
    assert (size.matched, size.meeting, size.failing_count, len(size.failing)) == (4, 1, 3, 3)
    assert [(m.org.pk, m.members, m.target_min) for m in size.failing] == [
        (cells[0].pk, 8, 10),
        (cells[2].pk, 3, 10),
        (cells[3].pk, None, 10),
    ]
    assert size.status == Status.NOT_MET
    # Three years: 2023–2025; the cell admitting in 2022 and the one never admitting fail.
    assert [(m.org.pk, m.last_admission_year) for m in idle3.failing] == [(cells[2].pk, 2022), (cells[3].pk, None)]
    assert idle3.meeting == 2 and idle3.status == Status.NOT_MET
    # One year: only the cell admitting in 2025 meets it.
    assert [m.org.pk for m in idle1.failing] == [cells[0].pk, cells[2].pk, cells[3].pk]
    assert [m.last_admission_year for m in idle1.failing] == [2023, 2022, None]


def test_slices_indexes_and_pages_give_the_same_rows(tree, cells, monkeypatch):
    size, _idle3, _idle1 = _rules(attainment(scope=tree.district, year=2025, as_of=END))
    everything = list(size.failing)
    assert size.failing[1:3] == everything[1:3] and size.failing[:50] == everything
    assert size.failing[0] == everything[0] and size.failing[-1] == everything[-1]
    with pytest.raises(IndexError):
        size.failing[3]
    monkeypatch.setattr(FailingList, "PAGE", 1)  # one row per query
    with CaptureQueriesContext(connection) as queries:
        assert list(size.failing) == everything
    assert len(queries) == 4  # three full pages, then an empty one


def test_counting_reads_no_rows_and_the_answer_pickles_small(tree, cells):
    result = attainment(scope=tree.district, year=2025, as_of=END)
    size, _idle3, _idle1 = _rules(result)
    again = pickle.loads(pickle.dumps(result))
    assert [m.org.pk for m in _rules(again)[0].failing] == [m.org.pk for m in size.failing]
    assert b"Chi b\xe1\xbb\x99 th\xc3\xb4n 2" not in pickle.dumps(size)  # names are not in the answer


def test_a_matching_scope_below_the_issuer_counts_itself(tree, cells):
    size, idle3, _idle1 = _rules(attainment(scope=cells[2], year=2025, as_of=END))
    assert (size.matched, size.failing_count) == (1, 1)
    assert [(m.org.pk, m.members) for m in size.failing] == [(cells[2].pk, 3)]
    assert [m.org.pk for m in idle3.failing] == [cells[2].pk]
    size, idle3, _idle1 = _rules(attainment(scope=cells[1], year=2025, as_of=END))
    assert (size.matched, size.failing_count, list(size.failing), idle3.failing_count) == (1, 0, [], 0)
    assert size.status == Status.MET


def test_a_report_up_to_an_earlier_day_checks_the_rows_it_reads(tree, cells):
    """Admissions after the report's day are taken off: cells[1] admitted in April 2025, so
    on 31 March it has been idle for a year too."""
    size, _idle3, idle1 = _rules(attainment(scope=tree.district, year=2025, as_of=dt.date(2025, 3, 31)))
    assert [m.org.pk for m in idle1.failing] == [cells[0].pk, cells[1].pk, cells[2].pk, cells[3].pk]
    assert idle1.status == Status.BEHIND  # the year is not over
    assert [m.org.parent for m in idle1.failing] == [tree.commune.name] * 4
    # Sizes do not depend on admissions: still counted, and read when listed.
    assert isinstance(size.failing, FailingList) and [m.members for m in size.failing] == [8, 3, None]


def test_the_json_answer_lists_the_failing_cells_reading_them_once(tree, cells):
    from reports.serialize import attainment_json

    result = attainment(scope=tree.district, year=2025, as_of=END)
    with CaptureQueriesContext(connection) as queries:
        answer = attainment_json(result)
    size = next(r for r in answer["rules"] if r["kind"] == RuleKind.CELL_SIZE)
    assert size["failing"] == [c.name for c in (cells[0], cells[2], cells[3])]
    assert (size["matched"], size["meeting"]) == (4, 1)
    assert len(queries) == 3  # one read per size or inactivity rule
