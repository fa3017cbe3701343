"""The member-count and tree imports at scale (issue 18): their queries do not grow with
their rows, the bulk write leaves what the services called row by row leave (history rows
included), and a bad row after many good ones changes nothing."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from common import cache as computed
from common.xlsx import ImportFailed
from organizations.imports import member_count_import, tree_import
from organizations.models import MemberCount, Organization
from organizations.services import member_count_record, organization_create

from .conftest import TODAY
from .xlsx_files import xlsx_upload

D = dt.date
COUNT_HEADER = ("Mã", "Tính đến ngày", "Số đảng viên")
TREE_HEADER = ("Tổ chức cấp trên", "Tên tổ chức", "Loại hình", "Lĩnh vực", "Mã")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _count_rows(tree, n: int, start: dt.date | None = None) -> list[tuple]:
    """n counts: the district's grassroots organizations and the cell, one a day from `start`."""
    orgs = [tree.school, tree.cell, tree.commune, tree.enterprise, tree.district]
    start = start or D(2020, 1, 1)
    return [COUNT_HEADER] + [
        (orgs[i % 5].code, (start + dt.timedelta(days=i // 5)).strftime("%d/%m/%Y"), 10 + i % 37) for i in range(n)
    ]


def _counts_import(rows, tree, users):
    return member_count_import(upload=xlsx_upload(rows), under=tree.district, user=users.admin, today=TODAY)


def _queries(run) -> int:
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured)


def test_the_queries_of_a_member_count_import_do_not_grow_with_its_rows(tree, users):
    _counts_import(_count_rows(tree, 3, D(2019, 1, 1)), tree, users)  # first use of the tables
    small = _queries(lambda: _counts_import(_count_rows(tree, 10, D(2019, 6, 1)), tree, users))
    large = _queries(lambda: _counts_import(_count_rows(tree, 2000), tree, users))
    assert large == small, (small, large)
    assert MemberCount.objects.count() == 2 + 3 + 10 + 2000


def _counts_state() -> list[tuple]:
    counts = MemberCount.objects.order_by("organization__code", "as_of")
    history = MemberCount.history.order_by("organization_id", "as_of", "history_id")
    return [
        [(c.organization.code, c.as_of, c.members, c.note) for c in counts],
        [
            (h.organization_id, h.as_of, h.members, h.note, h.history_type, h.history_user_id, h.history_change_reason)
            for h in history
        ],
    ]


def _snapshot_of(run, state=_counts_state) -> list:
    """What `run` leaves (`state()` after it), then undone."""
    with transaction.atomic():
        run()
        left = state()
        transaction.set_rollback(True)
    return left


def test_the_bulk_member_count_import_leaves_what_the_service_row_by_row_leaves(tree, users):
    rows = _count_rows(tree, 60, D(2024, 12, 1))
    rows.append((tree.school.code, "01/01/2025", 31))  # corrects the count stored that day (27)
    before = _counts_state()

    def row_by_row():  # the import before issue 18: the service once per row
        for code, day, members in rows[1:]:
            member_count_record(
                organization=Organization.objects.get(code=code),
                as_of=dt.datetime.strptime(day, "%d/%m/%Y").date(),
                members=members,
                note="nhập từ Excel",
                user=users.admin,
                today=TODAY,
            )

    reference = _snapshot_of(row_by_row)
    assert _counts_state() == before
    bulk = _snapshot_of(lambda: _counts_import(rows, tree, users))
    assert bulk == reference
    assert ("LD.DD.THPT", D(2025, 1, 1), 31, "nhập từ Excel") in bulk[0]
    assert {h[4] for h in bulk[1][len(before[1]) :]} == {"+", "~"}


def test_a_bad_member_count_row_after_many_good_ones_changes_nothing(tree, users):
    rows = _count_rows(tree, 500)
    rows.append((tree.city_school.code, "01/01/2025", 5))  # outside the district
    rows.append((tree.cell.code, "01/01/2099", 5))  # in the future
    before = _counts_state()
    bumps = []

    def count(**kwargs):
        bumps.append(kwargs)

    computed.changed.connect(count, dispatch_uid="test-count-bumps")
    try:
        with pytest.raises(ImportFailed) as failure:
            _counts_import(rows, tree, users)
    finally:
        computed.changed.disconnect(dispatch_uid="test-count-bumps")
    assert [e.row for e in failure.value.errors] == [502, 503]
    assert "LD.DL.TP" in failure.value.errors[0].message
    assert _counts_state() == before
    assert bumps == []


def test_a_member_count_import_marks_its_organizations_changed_once(tree, users):
    bumps = []

    def count(organization_ids=None, **kwargs):
        bumps.append(organization_ids)

    computed.changed.connect(count, dispatch_uid="test-count-bumps")
    try:
        _counts_import(_count_rows(tree, 50), tree, users)
    finally:
        computed.changed.disconnect(dispatch_uid="test-count-bumps")
    assert bumps == [{tree.school.pk, tree.cell.pk, tree.commune.pk, tree.enterprise.pk, tree.district.pk}]


# ------------------------------------------------------------------ the tree import


def _tree_rows(n: int, prefix: str = "T") -> list[tuple]:
    """n organizations under the district: communes with their cells (a cell listed before
    its commune now and then), some under the existing commune Ka Đô (which has a child)."""
    rows = [TREE_HEADER]
    for i in range(n):
        commune = f"{prefix}.{i // 20:03d}"
        if i % 20 == 0:
            rows.append(("", f"Đảng bộ xã {prefix} {i // 20}", "Đảng bộ cơ sở", "Xã, phường, thị trấn", commune))
        elif i % 7 == 0:
            rows.append(("LD.DD.KD", f"Chi bộ thôn {prefix} {i}", "Chi bộ", "Thôn, tổ dân phố", f"{commune}.K{i:04d}"))
        else:
            rows.append((commune, f"Chi bộ thôn {prefix} {i}", "Chi bộ", "Thôn, tổ dân phố", f"{commune}.{i:04d}"))
    if n > 3:
        rows[2], rows[1] = rows[1], rows[2]  # a child before its parent
    return rows


def _tree_import(rows, tree, users):
    return tree_import(upload=xlsx_upload(rows), under=tree.district, user=users.admin, today=TODAY)


def test_the_queries_of_a_tree_import_do_not_grow_with_its_rows(tree, users):
    _tree_import(_tree_rows(3, "W"), tree, users)  # first use of the tables
    small = _queries(lambda: _tree_import(_tree_rows(10, "S"), tree, users))
    large = _queries(lambda: _tree_import(_tree_rows(2000, "L"), tree, users))
    assert large == small, (small, large)
    assert Organization.objects.filter(code__startswith="L.").count() == 2000


def _tree_state() -> list:
    orgs = Organization.objects.order_by("path")
    history = Organization.history.order_by("history_id")
    return [
        [(o.code, o.name, o.search_name, o.form, o.sector, o.path, o.depth, o.numchild) for o in orgs],
        [(h.code, h.path, h.depth, h.history_type, h.history_user_id, h.history_change_reason) for h in history],
    ]


def test_the_bulk_tree_import_leaves_what_the_service_row_by_row_leaves(tree, users):
    rows = _tree_rows(90)
    created = []

    def row_by_row():  # the import before issue 18: organization_create per row, each after its parent
        pending = rows[1:]
        while pending:
            waiting = []
            for ref, name, _form, _sector, code in pending:
                file_parent = ref and any(r[4] == ref for r in rows[1:])
                if file_parent and not Organization.objects.filter(code=ref).exists():
                    waiting.append((ref, name, _form, _sector, code))
                    continue
                parent = Organization.objects.get(code=ref) if ref else tree.district
                parent.refresh_from_db()
                form = "grassroots_committee" if name.startswith("Đảng bộ") else "cell"
                sector = "commune" if form == "grassroots_committee" else "village"
                created.append(
                    organization_create(parent=parent, name=name, code=code, form=form, sector=sector, user=users.admin)
                )
            pending = waiting

    before = _tree_state()
    reference = _snapshot_of(row_by_row, _tree_state)
    assert _tree_state() == before
    bulk = _snapshot_of(lambda: _tree_import(rows, tree, users), _tree_state)
    assert bulk == reference
    assert len(bulk[0]) == len(before[0]) + 90


def test_a_bad_tree_row_after_many_good_ones_changes_nothing(tree, users):
    rows = _tree_rows(400)
    rows.append(("", "x" * 300, "Chi bộ", "Khác", "TOO-LONG"))  # the name is too long for the service
    rows.append(("NT.PR", "Chi bộ ngoài", "Chi bộ", "Khác", "OUT-1"))  # parent outside the scope
    before = _tree_state()
    with pytest.raises(ImportFailed) as failure:
        _tree_import(rows, tree, users)
    assert [e.row for e in failure.value.errors] == [402, 403]
    assert "255" in failure.value.errors[0].message
    assert _tree_state() == before
