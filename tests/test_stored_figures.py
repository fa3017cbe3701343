"""The stored end of each member count (`MemberCount.until`: the date of the organization's
next count) stays right whichever way counts are written, and the reports read the count
that was the latest on their day through it, before and after a reorganization."""

import datetime as dt

import pytest

from organizations import services
from organizations.imports import member_count_import
from organizations.models import MemberCount, OrgForm, Sector
from organizations.services import member_count_record, organization_create
from quotas.models import RuleKind
from reports.engine import attainment
from tests.test_reports_engine import admit, make_plan, make_rule

from .conftest import TODAY, takes_cells
from .xlsx_files import xlsx_upload

D = dt.date


def _until_as_recomputed() -> None:
    """Every count's stored `until` equals the next count's date, computed from scratch."""
    rows = list(
        MemberCount.objects.order_by("organization_id", "as_of").values_list("organization_id", "as_of", "until")
    )
    for i, (organization_id, _as_of, until) in enumerate(rows):
        following = rows[i + 1] if i + 1 < len(rows) else None
        expected = following[1] if following and following[0] == organization_id else None
        assert until == expected, rows[i]


def _latest(org, day):
    return list(MemberCount.objects.filter(organization=org).latest_on(day).values_list("members", flat=True))


def test_a_count_entered_is_the_latest_from_its_day(tree):
    assert _latest(tree.cell, D(2024, 12, 31)) == []
    assert _latest(tree.cell, D(2025, 1, 1)) == [8]
    member_count_record(organization=tree.cell, as_of=D(2025, 7, 1), members=12)
    assert _latest(tree.cell, D(2025, 6, 30)) == [8]
    assert _latest(tree.cell, D(2025, 7, 1)) == [12]
    assert _latest(tree.cell, D(2030, 1, 1)) == [12]
    _until_as_recomputed()


def test_an_earlier_dated_count_entered_later_ends_where_the_next_begins(tree):
    member_count_record(organization=tree.cell, as_of=D(2025, 7, 1), members=12)
    member_count_record(organization=tree.cell, as_of=D(2024, 1, 1), members=5)
    assert MemberCount.objects.get(organization=tree.cell, as_of=D(2024, 1, 1)).until == D(2025, 1, 1)
    assert MemberCount.objects.get(organization=tree.cell, as_of=D(2025, 1, 1)).until == D(2025, 7, 1)
    assert MemberCount.objects.get(organization=tree.cell, as_of=D(2025, 7, 1)).until is None
    assert _latest(tree.cell, D(2024, 6, 1)) == [5]
    member_count_record(organization=tree.cell, as_of=D(2025, 3, 1), members=9)  # between two
    assert _latest(tree.cell, D(2025, 2, 28)) == [8] and _latest(tree.cell, D(2025, 3, 1)) == [9]
    _until_as_recomputed()


def test_a_count_edited_or_removed_keeps_the_others_right(tree):
    member_count_record(organization=tree.cell, as_of=D(2025, 7, 1), members=12)
    member_count_record(organization=tree.cell, as_of=D(2025, 1, 1), members=10)  # corrected
    assert _latest(tree.cell, D(2025, 3, 1)) == [10]
    MemberCount.objects.get(organization=tree.cell, as_of=D(2025, 7, 1)).delete()
    assert _latest(tree.cell, D(2026, 1, 1)) == [10]
    _until_as_recomputed()


def test_a_count_imported_ends_the_one_before(tree, users):
    upload = xlsx_upload(
        [("Mã", "Tính đến ngày", "Số đảng viên"), ("LD.DD.KD.01", "01/06/2025", 11), ("LD.DD.THPT", "01/01/2024", 20)]
    )
    member_count_import(upload=upload, under=tree.district, user=users.district_planner, today=TODAY)
    assert _latest(tree.cell, D(2025, 5, 31)) == [8] and _latest(tree.cell, D(2025, 6, 1)) == [11]
    assert _latest(tree.school, D(2024, 12, 31)) == [20] and _latest(tree.school, D(2025, 1, 1)) == [27]
    _until_as_recomputed()


def test_a_bulk_load_is_set_right_by_refresh_until(tree):
    MemberCount.objects.bulk_create([MemberCount(organization=tree.cell, as_of=D(2025, 9, 1), members=15)])
    assert sorted(_latest(tree.cell, D(2025, 9, 1))) == [8, 15]  # not yet
    assert MemberCount.objects.refresh_until([tree.cell.pk]) == 2
    assert _latest(tree.cell, D(2025, 9, 1)) == [15]
    _until_as_recomputed()


@pytest.fixture
def cell_size(tree):
    """A second cell under the commune (12 members from 2025), tree.cell (8 from 2025, 12
    from 01/07/2025), the enterprise (13 from 01/06/2024, 20 from 01/06/2025); district
    rules: every cell has at least ten members, admissions are 10% of its members."""
    other = organization_create(
        parent=tree.commune, code="LD.DD.KD.02", name="Chi bộ Thôn 2", form=OrgForm.CELL, sector=Sector.VILLAGE
    )
    member_count_record(organization=other, as_of=D(2025, 1, 1), members=12)
    member_count_record(organization=tree.cell, as_of=D(2025, 7, 1), members=12)
    plan = make_plan(tree.district, number="3", symbol="KH/HU")
    make_rule(plan, RuleKind.CELL_SIZE, applies_to_each=True, forms=[OrgForm.CELL], min_count=10)
    make_rule(plan, RuleKind.SHARE_OF_MEMBERSHIP, min_percent=10)  # of the district's grassroots members
    member_count_record(organization=tree.enterprise, as_of=D(2024, 6, 1), members=13)
    member_count_record(organization=tree.enterprise, as_of=D(2025, 6, 1), members=20)
    return other


def _figures(scope, as_of):
    result = attainment(scope=scope, year=as_of.year, as_of=as_of)
    size = next(r for r in result.rules if r.kind == RuleKind.CELL_SIZE)
    share = next(r for r in result.rules if r.kind == RuleKind.SHARE_OF_MEMBERSHIP)
    return [(m.org.code, m.members) for m in size.failing], size.matched, share.measurements[0].base


def test_reports_as_of_an_earlier_day_read_the_count_of_that_day(tree, cell_size):
    # On 30/06/2025 the cell had 8 members; from 01/07 it has 12. The share's base is the
    # district's grassroots members on 1 January: the school's 27 and the enterprise's.
    assert _figures(tree.district, D(2025, 6, 30)) == ([("LD.DD.KD.01", 8)], 2, 40)
    assert _figures(tree.district, D(2025, 12, 31)) == ([], 2, 40)
    assert _figures(tree.district, D(2026, 3, 1)) == ([], 2, 47)
    member_count_record(organization=tree.cell, as_of=D(2025, 3, 1), members=4)  # entered late
    member_count_record(organization=tree.enterprise, as_of=D(2024, 12, 1), members=15)
    assert _figures(tree.district, D(2025, 6, 30)) == ([("LD.DD.KD.01", 4)], 2, 42)
    assert _figures(tree.district, D(2025, 2, 1)) == ([("LD.DD.KD.01", 8)], 2, 42)


def test_a_cell_directly_under_a_committee_above_the_grassroots_adds_its_members(tree, cell_size):
    """A cell standing directly under a district (or, since 2025, a commune committee) is no
    grassroots organization's: its members are its own part of the district's, in the
    share's base and on the district's page, and not once it stands under a grassroots
    committee (its committee's count holds it)."""
    direct = organization_create(
        parent=tree.district, code="LD.DD.03", name="Chi bộ Cơ quan", form=OrgForm.CELL, sector=Sector.AGENCY
    )
    member_count_record(organization=direct, as_of=D(2025, 1, 1), members=9)
    assert _figures(tree.district, D(2025, 12, 31))[2] == 49  # 27 + 13 + 9
    services.organization_move(organization=direct, new_parent=tree.commune, on_date=D(2026, 2, 1), today=D(2026, 2, 1))
    assert _figures(tree.district, D(2025, 12, 31))[2] == 49  # the tree of that day
    # 2026's base is the members on 1 January 2026, when it still stood directly under the
    # district: its own part then (this asserted 47, the tree of the count day, before the
    # base was read in the tree of 1 January); from 1 February its commune's count holds it.
    assert _figures(tree.district, D(2026, 3, 1))[2] == 56


def test_counts_stay_with_their_organization_across_a_move_and_a_merger(tree, cell_size):
    before = [_figures(tree.district, day) for day in (D(2025, 6, 30), D(2025, 12, 31))]
    takes_cells(tree.enterprise)
    services.organization_move(
        organization=cell_size, new_parent=tree.enterprise, on_date=D(2026, 2, 1), today=D(2026, 2, 1)
    )
    takes_cells(tree.school)
    services.organization_merge(source=tree.commune, target=tree.school, on_date=D(2026, 3, 1), today=D(2026, 3, 1))
    _until_as_recomputed()
    # The 2025 reports read the tree of 2025 and the counts of their day, as before.
    assert [_figures(tree.district, day) for day in (D(2025, 6, 30), D(2025, 12, 31))] == before
    # In 2026 the cell stands under the school, the other cell under the enterprise.
    tree.cell.refresh_from_db()
    member_count_record(organization=tree.cell, as_of=D(2026, 4, 1), members=3, today=D(2026, 4, 1))
    result = attainment(scope=tree.district, year=2026, as_of=D(2026, 4, 30))
    size = next(r for r in result.rules if r.kind == RuleKind.CELL_SIZE)
    assert [(m.org.code, m.members) for m in size.failing] == [("LD.DD.KD.01", 3)]
    result = attainment(scope=tree.district, year=2026, as_of=D(2026, 3, 31))
    size = next(r for r in result.rules if r.kind == RuleKind.CELL_SIZE)
    assert size.failing_count == 0 and size.matched == 2


def test_last_years_whole_year_beside_the_report_counts_as_the_records_do(tree):
    """The same period last year, a whole year, is read from the tallies: an archived
    admission does not count, a merged organization's count with its successor."""
    plan = make_plan(tree.district, number="4", symbol="KH/HU")
    make_rule(plan, RuleKind.COUNT, target=tree.school, min_count=1)
    admit(tree.cell, D(2025, 3, 1))
    admit(tree.commune, D(2025, 5, 1))
    admit(tree.commune, D(2025, 12, 31))
    archived = admit(tree.cell, D(2025, 6, 1))
    archived.archived_at = dt.datetime(2025, 7, 1, tzinfo=dt.UTC)
    archived.save()
    admit(tree.commune, D(2026, 2, 1))
    takes_cells(tree.school)
    services.organization_merge(source=tree.commune, target=tree.school, on_date=D(2026, 1, 1), today=D(2026, 1, 1))
    result = attainment(scope=tree.district, year=2026, as_of=D(2026, 12, 31))
    children = {c.org.code: c.period for c in result.children}
    # The commune's three 2025 admissions (its cell's included) count with the school now.
    assert children["LD.DD.THPT"].last_year == 3 and children["LD.DD.THPT"].actual == 1
    count = next(r for r in result.rules if r.kind == RuleKind.COUNT)
    assert (count.measurements[0].period.actual, count.measurements[0].period.last_year) == (1, 3)
