"""The board of reports flags a child locked as its records are refused: by the rule of
organizations.locks.covering. Xã Đơn Dương's approved report of 2025 locks the communes
merged into it on 01/07/2025 (their records count with it): the district's board of the
first half had shown them unlocked, while an admission of theirs of May 2025 was refused."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from organizations.locks import check_unlocked, lock_on
from organizations.models import Organization
from submissions import selectors

D = dt.date
TODAY = D(2026, 12, 3)
MAY = D(2025, 5, 21)


def _commune(parent: Organization, name: str, code: str, **fields) -> Organization:
    """A commune committee created under `parent` (as it stands now) through the service."""
    from organizations.services import organization_create

    parent.refresh_from_db()
    return organization_create(
        parent=parent, name=name, code=code, form="grassroots_committee", sector="commune", **fields
    )


def _board(code: str, key: str):
    rows, _due = selectors.board(Organization.objects.get(code=code), period=selectors.parse_period(key), today=TODAY)
    return {row.organization.code: row for row in rows}


def test_merged_communes_are_flagged_locked_as_their_records_are_refused(reorganized_demo):
    rows = _board("LD.DD", "2025-6M")
    commune = Organization.objects.get(code="LD.X-DONDUONG")
    merged = [code for code, row in rows.items() if row.organization.merged_into_id == commune.pk]
    assert {"LD.DD.TM", "LD.DD.TT"} <= set(merged)
    for code in merged:
        row = rows[code]
        assert row.locked and row.locked_until == D(2025, 12, 22), code
        with pytest.raises(ValidationError, match="Đảng ủy xã Đơn Dương"):
            check_unlocked(organization=row.organization, day=MAY, today=TODAY)


@pytest.mark.parametrize(("code", "key"), [("LD.DD", "2025-6M"), ("LD.DT", "2025-6M"), ("LD.DL", "2025-Q2")])
def test_every_row_s_flag_is_the_lock_its_records_meet(reorganized_demo, code, key):
    rows = _board(code, key)
    assert rows
    for row in rows.values():
        assert row.locked == (lock_on(organization=row.organization, day=MAY, today=TODAY) is not None), (
            row.organization.code
        )


def test_the_board_s_queries_do_not_grow_with_merged_children(tree, users):
    """Each commune merged on 01/07/2025 into its own new committee, whose year is locked:
    the district's board of the half year flags them all locked, in as many queries for four
    of them as for one (their successors read together, not one read each)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from organizations.locks import lock_period
    from organizations.services import organization_merge

    def merged_commune(i):
        commune = _commune(tree.district, f"Đảng bộ xã Thử {i}", f"LD.DD.T{i}")
        new = _commune(tree.province, f"Đảng ủy xã Mới {i}", f"LD.X-M{i}", founded_on=D(2025, 7, 1))
        organization_merge(source=commune, target=new, on_date=D(2025, 7, 1), today=D(2025, 7, 1))
        lock_period(organization=new, start=D(2025, 1, 1), end=D(2025, 12, 20 + i), user=users.admin, reason="Năm 2025")

    def board():
        tree.district.refresh_from_db()
        with CaptureQueriesContext(connection) as queries:
            rows, _due = selectors.board(tree.district, period=selectors.parse_period("2025-6M"), today=TODAY)
        return {row.organization.code: row.locked for row in rows}, len(queries)

    merged_commune(0)
    flags, one = board()
    assert flags["LD.DD.T0"] and not flags["LD.DD.THPT"]
    for i in (1, 2, 3):
        merged_commune(i)
    flags, four = board()
    assert all(flags[f"LD.DD.T{i}"] for i in range(4))
    assert four == one


def test_a_lock_begun_the_year_before_flags_its_part_of_the_year(tree, users):
    """A lock from 01/10/2024 to 28/02/2025 covers the first two months of 2025."""
    from organizations.locks import lock_period

    lock_period(organization=tree.district, start=D(2024, 10, 1), end=D(2025, 2, 28), user=users.admin, reason="Kỳ")
    rows, _due = selectors.board(tree.province, period=selectors.parse_period("2025"), today=TODAY)
    flags = {row.organization.code: (row.locked, row.locked_until) for row in rows}
    assert flags["LD.DD"] == (True, D(2025, 2, 28)) and flags["LD.DL"] == (False, None)


def test_the_successor_read_along_a_long_chain_of_mergers_is_that_of_the_day(tree, users):
    """Five mergers in a row, a month apart: the board's successors read from memory are
    those positions.successors_on gives for every day, to the end of the chain."""
    from organizations.locks import LockSet, lock_period
    from organizations.positions import successors_on
    from organizations.services import organization_merge

    chain = [_commune(tree.district, f"Đảng bộ xã Chuỗi {i}", f"LD.DD.C{i}") for i in range(6)]
    for i in range(5):
        day = D(2025, 2 + i, 1)
        organization_merge(source=chain[i], target=chain[i + 1], on_date=day, today=day)
    lock_period(organization=tree.city, start=D(2025, 1, 1), end=D(2025, 12, 31), user=users.admin, reason="Năm")
    first = Organization.objects.get(pk=chain[0].pk)
    locks = LockSet(today=TODAY)
    locks.prefetch_successors([first])
    for month in range(1, 13):
        day = D(2025, month, 15)
        expected = successors_on(day).get(first.pk, first.pk)
        assert locks.successor(first, day).pk == expected, day
    assert locks.successor(first, D(2025, 12, 31)).pk == chain[5].pk
