"""Import an allocation table from .xlsx in the appendix layout: STT | TCCSĐ | CHỈ TIÊU.

All rows or none: every bad row is listed with its reason (an organization not found among
the table's, whether unknown or elsewhere; an unreadable quota).
"""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from admissions.categories import CATEGORY_ABBREVIATIONS
from common.imports import read_or_fail, register
from common.xlsx import ImportFailed, RowError, name_key, not_found
from organizations import access
from organizations.access import Perm

from .models import Rule
from .services import RowInput, allocation_candidates, allocation_set
from .services.allocations import quota_problems

COLUMNS = {
    "number": ("STT", "Số thứ tự", "No."),
    "organization": ("TCCSĐ", "Tổ chức cơ sở đảng", "Tổ chức", "Tên tổ chức", "Organization"),
    "quota": ("Chỉ tiêu", "Chỉ tiêu phát triển đảng viên", "Quota"),
}

_NOTATION = re.compile(r"^\s*(\d{1,5})\s*(?:\((.*)\))?\s*$")
_SUB = re.compile(r"^\s*(\d{1,5})\s+([A-Za-zĐđ]{1,4})\s*$")


def parse_notation(text) -> tuple[int, dict[str, int]]:
    """ "03 (01 HS)" → (3, {"pupil": 1}); "09" → (9, {}); "3 (1 HS, 1 SV)" too.

    Raises ValueError with a message for the user when the text cannot be read.
    """
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        if float(text) != int(text) or text < 0:
            raise ValueError(_("“%(value)s” is not a whole number") % {"value": text})
        if problems := quota_problems(int(text), {}):  # a number cell has no digit limit
            raise ValueError("; ".join(problems))
        return int(text), {}
    match = _NOTATION.match(str(text or ""))
    if not match:
        raise ValueError(_("cannot read the quota “%(value)s” (write e.g. 03 or 03 (01 HS))") % {"value": text})
    total, inner = int(match.group(1)), match.group(2)
    subs: dict[str, int] = {}
    for part in re.split(r"[,;]", inner or ""):
        if not part.strip():
            continue
        sub = _SUB.match(part)
        abbreviation = sub.group(2).upper().replace("Đ", "D") if sub else ""
        if not sub or abbreviation not in CATEGORY_ABBREVIATIONS:
            known = ", ".join(CATEGORY_ABBREVIATIONS)
            raise ValueError(
                _("cannot read “%(part)s” (write a count and one of %(known)s)")
                % {"part": part.strip(), "known": known}
            )
        category = CATEGORY_ABBREVIATIONS[abbreviation]
        subs[category] = subs.get(category, 0) + int(sub.group(1))
    if problems := quota_problems(total, subs):
        raise ValueError("; ".join(problems))
    return total, subs


def allocation_import(
    *, upload, rule: Rule, user, today: dt.date, reason: str = "", in_force_from: dt.date | None = None
) -> int:
    """Set the table's rows from the file (rows not in the file are kept). Returns the
    number of rows read. Raises ImportFailed listing every bad row; nothing is saved then.
    On an issued plan an amendment in force from `in_force_from` (default today)."""
    rows = read_or_fail(upload, COLUMNS, required={"organization", "quota"})

    inside = {}
    for org in allocation_candidates(rule):
        inside.setdefault(org.code.casefold(), []).append(org)
        inside.setdefault(name_key(org.name), []).append(org)
    errors: list[RowError] = []
    parsed: list[RowInput] = []
    seen: dict[int, int] = {}
    for row in rows:
        name = row.text("organization")
        problems = []
        org = None
        if not name:
            problems.append(_("the organization is empty"))
        else:
            matches = inside.get(name.casefold()) or inside.get(name_key(name)) or []
            if len(matches) == 1:
                org = matches[0]
            elif len(matches) > 1:
                problems.append(_("“%(name)s” matches several organizations: use its code") % {"name": name})
            else:  # unknown, misspelled or elsewhere: the same words
                problems.append(not_found(name))
        raw = row.values.get("quota")
        total, subs = None, {}
        try:
            total, subs = parse_notation(raw)
        except ValueError as exc:
            problems.append(str(exc))
        if org is not None:
            if org.pk in seen:
                problems.append(_("the organization repeats row %(row)d") % {"row": seen[org.pk]})
            seen.setdefault(org.pk, row.number)
        if problems:
            errors.append(RowError(row.number, "; ".join(problems)))
        else:
            parsed.append(RowInput(org.pk, total, subs))
    if errors:
        raise ImportFailed(errors)
    try:
        allocation_set(
            rule=rule,
            rows=parsed,
            user=user,
            today=today,
            reason=reason,
            check_versions=False,
            in_force_from=in_force_from,
        )
    except ValidationError as exc:
        if "in_force_from" in getattr(exc, "error_dict", {}):
            raise  # the day given beside the file: said under its field
        raise ImportFailed([RowError(0, message) for message in exc.messages]) from None
    return len(parsed)


def _allocation_command(
    *, upload, organization, user, today: dt.date, rule: int, reason: str, in_force_from=None, **_options
) -> int:
    """`manage.py import_xlsx allocation --rule ID`: the table as its import page resolves it."""
    from django.core.exceptions import PermissionDenied
    from django.core.management.base import CommandError
    from django.http import Http404

    from . import selectors
    from .models import PlanStatus, RuleKind

    plan_pk = Rule.objects.filter(pk=rule).values_list("plan_id", flat=True).first()
    try:
        plans = selectors.visible_plans(user).select_related("issuer")
        plan = access.get_visible(user, plans, plan_pk, Perm.EDIT_PLANS, org_field="issuer")
        table = access.get_visible(user, selectors.rules_of(plan), rule)
    except Http404:
        raise CommandError(f"No allocation table {rule} in the scope of this user.") from None
    except PermissionDenied:
        raise CommandError(f"The user's role does not allow changing allocation table {rule}.") from None
    if table.kind != RuleKind.ALLOCATION:
        raise CommandError(f"Rule {rule} is not an allocation table.")
    if organization not in (plan.issuer, table.target):
        raise CommandError(f"Allocation table {rule} belongs to {plan.issuer.code}, not to {organization.code}.")
    if plan.status != PlanStatus.DRAFT and not reason.strip():
        raise CommandError("The plan is issued: give the reason for amending it with --reason.")
    return allocation_import(
        upload=upload, rule=table, user=user, today=today, reason=reason, in_force_from=in_force_from
    )


register("allocation", _allocation_command, perm=Perm.EDIT_PLANS, requires=("rule",))
