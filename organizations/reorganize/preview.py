"""What a reorganization file would do, checked and changed nothing: the operations, their
counts, and what other apps list as affected (their registered effects).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from common.imports import read_or_fail
from common.xlsx import ImportFailed, RowError

from .. import access
from ..models import Organization
from .effects import affected_by
from .operations import COLUMNS, CREATE, DISSOLVE, MERGE, MOVE, RENAME, Operation, _parse, apply_operation
from .simulation import _simulate, _Tree


@dataclass
class Preview:
    operations: list[Operation]
    counts: dict[str, int]
    # What other apps list as affected, by name, from their registered effects (quotas:
    # "plans", "allocations", "rules"); read as attributes: `preview.plans`.
    affected: dict[str, list] = field(default_factory=dict)
    file_name: str = ""

    def __getattr__(self, name: str) -> list:
        affected = self.__dict__.get("affected", {})
        if name in affected:
            return affected[name]
        raise AttributeError(name)

    def summary(self) -> dict:
        """What the Reorganization record keeps (JSON): the affected rows by their pk."""
        return {
            "counts": self.counts,
            "operations": [
                {
                    "row": op.row,
                    "operation": op.kind,
                    "code": op.code,
                    "target": op.target,
                    "name": op.name,
                    "on_date": op.on_date.isoformat() if op.on_date else None,
                    "description": op.description,
                }
                for op in self.operations
            ],
        } | {name: [row.pk for row in rows] for name, rows in self.affected.items()}


def _scope(user, under: Organization | None, perm: access.Perm):
    """The organizations a file may name: the user's scope for `perm` (everything for a
    command run without a user), below `under` when given."""
    if user is not None:
        return access.organizations(user, perm) if under is None else access.organizations_under(user, under, perm)
    return Organization.objects.all() if under is None else Organization.objects.filter(path__startswith=under.path)


def _moved_and_ended(operations: list[Operation], tree: _Tree) -> tuple[set[int], set[int]]:
    """The existing organizations that move, merge or dissolve (carried children too), and
    those of them that merge or dissolve."""
    ended, moved = set(), set()
    for op in operations:
        node = tree.by_code.get(op.code)
        if node is None or not isinstance(node.key, int):
            continue
        if op.kind in (MERGE, DISSOLVE):
            ended.add(node.key)
        if op.kind in (MOVE, MERGE, DISSOLVE):
            moved.add(node.key)
        for code in op.carried:
            carried = tree.by_code[code]
            if isinstance(carried.key, int):
                moved.add(carried.key)
    return moved, ended


def _apply_and_roll_back(operations: list[Operation], *, user, today: dt.date) -> None:
    current = None
    try:
        with transaction.atomic():
            for current in operations:
                apply_operation(current, user=user, today=today, reason="")
            transaction.set_rollback(True)
    except ValidationError as exc:
        raise ImportFailed([RowError(current.row, "; ".join(exc.messages))]) from None
    except IntegrityError:
        raise ImportFailed([RowError(current.row if current else 0, _("the database refused this change"))]) from None


def reorganization_preview(
    *,
    upload,
    today: dt.date,
    user=None,
    under: Organization | None = None,
    perm: access.Perm = access.Perm.MANAGE,
    file_name: str = "",
    check_by_applying: bool = True,
) -> Preview:
    """Read and check every row of a reorganization file; raise ImportFailed listing every
    bad row, or return what applying it would do. Changes nothing.

    When the rows pass, they are applied through the services in a transaction rolled back
    (`check_by_applying`), so the preview refuses what applying would refuse (a period
    locked on a row's day, for one): the first row a service refuses is named.

    Every organization the file names must lie in the user's scope for `perm` (below
    `under` when given); `user=None` (a command) may name any organization.
    """
    rows = read_or_fail(upload, COLUMNS, required=set(COLUMNS), exact=True)
    operations, problems = _parse(rows, today)
    codes = {op.code for op in operations if op.code} | {op.target for op in operations if op.target}
    named = list(_scope(user, under, perm).filter(code__in=codes))
    tree = _Tree(named)
    new_codes = [op.code for op in operations if op.kind == CREATE and op.code]
    taken = set(Organization.objects.filter(code__in=new_codes).values_list("code", flat=True))
    _simulate(operations, tree, taken, problems)
    errors = [RowError(number, "; ".join(messages)) for number, messages in sorted(problems.items()) if messages]
    if errors:
        raise ImportFailed(errors)
    if check_by_applying:
        _apply_and_roll_back(operations, user=user, today=today)
    counts = {kind: 0 for kind in ("created", "renamed", "moved", "merged", "dissolved")}
    for op in operations:
        key = {CREATE: "created", RENAME: "renamed", MOVE: "moved", MERGE: "merged", DISSOLVE: "dissolved"}[op.kind]
        counts[key] += 1
        counts["moved"] += len(op.carried)
    moved, ended = _moved_and_ended(operations, tree)
    affected = affected_by(moved=moved, ended=ended, user=user)
    return Preview(operations, counts, affected, file_name=file_name)
