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
    from organizations.services import organization_create, organization_merge

    def merged_commune(i):
        tree.district.refresh_from_db()
        commune = organization_create(
            parent=tree.district,
            name=f"Đảng bộ xã Thử {i}",
            code=f"LD.DD.T{i}",
            form="grassroots_committee",
            sector="commune",
        )
        tree.province.refresh_from_db()
        new = organization_create(
            parent=tree.province,
            name=f"Đảng ủy xã Mới {i}",
            code=f"LD.X-M{i}",
            form="grassroots_committee",
            sector="commune",
            founded_on=D(2025, 7, 1),
        )
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
