"""A reorganization file's rows: its columns, the operations they spell, and each row read
into an Operation (with the problems of the row itself).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.text import fold
from common.xlsx import choice_lookup, parse_date

from .. import services
from ..models import Organization, OrgForm, Sector

COLUMNS = {
    "operation": ("Thao tác", "Operation"),
    "on_date": ("Ngày hiệu lực", "Effective date"),
    "code": ("Mã", "Code"),
    "target": ("Mã đích", "Target code"),
    "name": ("Tên mới", "New name"),
    "form": ("Loại hình", "Form"),
    "sector": ("Lĩnh vực", "Sector"),
}

CREATE, RENAME, MOVE, MERGE, DISSOLVE = "create", "rename", "move", "merge", "dissolve"
OPERATION_LABELS = {
    CREATE: gettext_lazy("found"),
    RENAME: gettext_lazy("rename"),
    MOVE: gettext_lazy("move"),
    MERGE: gettext_lazy("merge"),
    DISSOLVE: gettext_lazy("dissolve"),
}
# The spellings of the file (compared without case or diacritics), and English keys.
OPERATIONS = {
    fold(spelling): operation
    for operation, spellings in {
        CREATE: ("thành lập", "create", "found"),
        RENAME: ("đổi tên", "rename"),
        MOVE: ("chuyển", "move"),
        MERGE: ("sáp nhập", "hợp nhất", "merge"),
        DISSOLVE: ("giải thể", "dissolve"),
    }.items()
    for spelling in spellings
}
OPERATION_SPELLINGS = "thành lập, đổi tên, chuyển, sáp nhập, giải thể"
# Which columns an operation reads besides its code; a value in another column is a mistake.
NEEDS_TARGET = {CREATE, MOVE, MERGE}
NEEDS_DATE = {MOVE, MERGE, DISSOLVE}
TAKES_NAME = {CREATE, RENAME}
TAKES_FORM = {CREATE, RENAME}


@dataclass
class Operation:
    row: int
    kind: str
    code: str
    target: str = ""
    name: str = ""
    form: str = ""
    sector: str = ""
    on_date: dt.date | None = None
    # filled in by the checks, for the preview
    old_name: str = ""
    target_name: str = ""
    carried: list[str] = field(default_factory=list)  # codes of children a merge moves

    @property
    def label(self) -> str:
        return str(OPERATION_LABELS[self.kind])

    @property
    def description(self) -> str:
        values = {
            "code": self.code,
            "name": self.name or self.old_name,
            "old": self.old_name,
            "target": self.target_name,
        }
        if self.kind == CREATE:
            return _("Found “%(name)s” (%(code)s) under “%(target)s”") % values
        if self.kind == RENAME:
            return _("Rename “%(old)s” (%(code)s) to “%(name)s”") % values
        if self.kind == MOVE:
            return _("Move “%(name)s” (%(code)s) under “%(target)s”") % values
        if self.kind == MERGE:
            text = _("Merge “%(name)s” (%(code)s) into “%(target)s”") % values
            if self.carried:
                text += " " + _("(its %(n)d active child organizations move with it)") % {"n": len(self.carried)}
            return text
        return _("Dissolve “%(name)s” (%(code)s)") % values


def _parse(rows, today: dt.date) -> tuple[list[Operation], dict[int, list[str]]]:
    forms, sectors = choice_lookup(OrgForm), choice_lookup(Sector)
    operations, problems = [], {}
    for row in rows:
        errors = problems.setdefault(row.number, [])
        kind = OPERATIONS.get(fold(row.text("operation")))
        if kind is None:
            errors.append(
                _("unknown operation “%(value)s” (use: %(choices)s)")
                % {"value": row.text("operation"), "choices": OPERATION_SPELLINGS}
            )
            continue
        op = Operation(row=row.number, kind=kind, code=row.text("code"), target=row.text("target"))
        if not op.code:
            errors.append(_("the code (Mã) is empty"))
        if kind in NEEDS_TARGET and not op.target:
            errors.append(_("the target code (Mã đích) is empty"))
        elif kind not in NEEDS_TARGET and op.target:
            errors.append(_("the target code (Mã đích) is not used by this operation"))
        op.name = row.text("name")
        if kind in TAKES_NAME and not op.name:
            errors.append(_("the new name (Tên mới) is empty"))
        elif kind not in TAKES_NAME and op.name:
            errors.append(_("the new name (Tên mới) is not used by this operation"))
        for key, lookup, message, empty in (
            ("form", forms, _("unknown form “%(value)s”"), _("the form (Loại hình) is empty")),
            ("sector", sectors, _("unknown sector “%(value)s”"), _("the sector (Lĩnh vực) is empty")),
        ):
            value = row.text(key)
            if not value:
                if kind == CREATE:
                    errors.append(empty)
                continue
            if kind not in TAKES_FORM:
                errors.append(_("column %(column)s is not used by this operation") % {"column": COLUMNS[key][0]})
            elif lookup.get(fold(value)) is None:
                errors.append(message % {"value": value})
            else:
                setattr(op, key, lookup[fold(value)])
        if row.values.get("on_date") not in (None, ""):
            op.on_date = parse_date(row.values.get("on_date"))
            if op.on_date is None:
                errors.append(_("unreadable date “%(value)s” (use dd/mm/yyyy)") % {"value": row.text("on_date")})
            elif op.on_date > today:
                errors.append(_("the date is in the future"))
        elif kind in NEEDS_DATE:
            errors.append(_("the effective date (Ngày hiệu lực) is empty"))
        operations.append(op)
    return operations, problems


def apply_operation(op: Operation, *, user, today: dt.date, reason: str) -> None:
    """Make one row's change through the organization services (their every check: a
    period lock on the row's day among them)."""
    get = Organization.objects.get
    if op.kind == CREATE:
        services.organization_create(
            parent=get(code=op.target),
            code=op.code,
            name=op.name,
            form=op.form,
            sector=op.sector,
            founded_on=op.on_date,
            user=user,
            reason=reason,
            today=today,
        )
        return
    organization = get(code=op.code)
    dated = {"on_date": op.on_date, "today": today, "user": user, "reason": reason}
    if op.kind == RENAME:
        fields = {"name": op.name} | {key: getattr(op, key) for key in ("form", "sector") if getattr(op, key)}
        services.organization_update(
            organization=organization, user=user, reason=reason, changes_from=op.on_date, today=today, **fields
        )
    elif op.kind == MOVE:
        services.organization_move(organization=organization, new_parent=get(code=op.target), **dated)
    elif op.kind == MERGE:
        services.organization_merge(source=organization, target=get(code=op.target), **dated)
    else:
        services.organization_dissolve(organization=organization, **dated)
