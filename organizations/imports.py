"""Import a tree of organizations from .xlsx: all rows or none."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from common.imports import read_or_fail, register, register_resolver
from common.text import fold
from common.xlsx import ImportFailed, RowError, choice_lookup, name_key, not_found, parse_date

from . import access, locks
from .models import Organization, OrgForm, Sector
from .services import organization_create

COLUMNS = {
    "parent": ("Tổ chức cấp trên", "Cấp trên", "Parent"),
    "name": ("Tên tổ chức", "Tên", "Name"),
    "form": ("Loại hình", "Hình thức", "Form"),
    "sector": ("Lĩnh vực", "Khối", "Sector"),
    "code": ("Mã", "Mã tổ chức", "Code"),
}


def tree_import(*, upload, under: Organization, user, today: dt.date) -> list[Organization]:
    """Create the organizations listed in `upload` below `under`.

    `parent` names an existing organization (by code, or by its exact name when that
    is unique) within the user's administration scope, or the code of another row of
    the file; empty means `under`. Raises ImportFailed listing every bad row.
    """
    rows = read_or_fail(upload, COLUMNS, required=set(COLUMNS))

    forms = choice_lookup(OrgForm)
    sectors = choice_lookup(Sector)
    manageable = access.organizations_under(user, under, access.Perm.MANAGE)
    errors: list[RowError] = []
    parsed = []
    file_codes: dict[str, int] = {}
    for row in rows:
        name, code = row.text("name"), row.text("code")
        form = forms.get(fold(row.text("form")))
        sector = sectors.get(fold(row.text("sector")))
        problems = []
        if not name:
            problems.append(_("the name is empty"))
        if not code:
            problems.append(_("the code is empty"))
        elif code in file_codes:
            problems.append(_("code %(code)s repeats row %(row)d") % {"code": code, "row": file_codes[code]})
        if form is None:
            problems.append(_("unknown form “%(value)s”") % {"value": row.text("form")})
        if sector is None:
            problems.append(_("unknown sector “%(value)s”") % {"value": row.text("sector")})
        if code:
            file_codes.setdefault(code, row.number)
        parsed.append((row, name, code, form, sector, problems))

    taken = set(Organization.objects.filter(code__in=list(file_codes)).values_list("code", flat=True))
    parent_refs = {row.text("parent") for row, *_rest in parsed if row.text("parent")}
    existing = {o.code: o for o in manageable.filter(code__in=parent_refs - set(file_codes))}
    by_name: dict[str, list[Organization]] = {}
    names = {name_key(ref) for ref in parent_refs - set(existing) - set(file_codes)}
    for org in manageable.filter(search_name__in=names):
        by_name.setdefault(org.search_name, []).append(org)

    for row, _name, code, _form, _sector, problems in parsed:
        if code in taken:
            problems.append(_("code %(code)s already exists") % {"code": code})
        ref = row.text("parent")
        if ref and ref not in file_codes and ref not in existing:
            matches = by_name.get(name_key(ref), [])
            if len(matches) == 1:
                existing[ref] = matches[0]
            elif len(matches) > 1:
                problems.append(_("parent “%(ref)s” matches several organizations: use its code") % {"ref": ref})
            else:  # unknown, misspelled or outside the scope: the same words
                problems.append(_("parent “%(ref)s” not found in your scope") % {"ref": ref})
        if ref in existing and not existing[ref].is_active:
            problems.append(_("parent “%(ref)s” is dissolved") % {"ref": ref})
        if ref and ref == code:
            problems.append(_("a row cannot be its own parent"))

    # Rows pointing at file rows must not form a cycle.
    parent_of = {code: row.text("parent") for row, _n, code, *_r in parsed if code}
    for _row, _name, code, _form, _sector, problems in parsed:
        seen, ref = {code}, parent_of.get(code, "")
        while ref in parent_of:
            if ref in seen:
                problems.append(_("the parents in the file form a cycle"))
                break
            seen.add(ref)
            ref = parent_of[ref]

    for row, *_fields, problems in parsed:
        if problems:
            errors.append(RowError(row.number, "; ".join(problems)))
    if errors:
        raise ImportFailed(errors)

    created: dict[str, Organization] = {}
    pending = list(parsed)
    with transaction.atomic():
        while pending:
            waiting = []
            for item in pending:
                row, name, code, form, sector, _problems = item
                ref = row.text("parent")
                if not ref:
                    parent = under
                elif ref in file_codes:
                    parent = created.get(ref)
                    if parent is None:
                        waiting.append(item)
                        continue
                else:
                    parent = existing[ref]
                parent.refresh_from_db()
                created[code] = organization_create(
                    parent=parent, name=name, code=code, form=form, sector=sector, user=user
                )
            if len(waiting) == len(pending):  # unreachable after the cycle check
                raise ImportFailed([RowError(r.number, _("parent not found")) for r, *_x in waiting])
            pending = waiting
    return list(created.values())


COUNT_COLUMNS = {
    "code": ("Mã", "Mã tổ chức", "Code"),
    "as_of": ("Tính đến ngày", "Ngày", "As of"),
    "members": ("Số đảng viên", "Đảng viên", "Members"),
}


def member_count_import(*, upload, under: Organization, user, today: dt.date) -> int:
    """Record member counts (code, as of, members) for organizations under `under`.

    All rows or none; raises ImportFailed listing every bad row.
    """
    from .services import member_count_record

    rows = read_or_fail(upload, COUNT_COLUMNS, required=set(COUNT_COLUMNS))
    codes = {row.text("code") for row in rows}
    allowed = {
        o.code: o for o in access.organizations_under(user, under, access.Perm.EDIT_PLANS).filter(code__in=codes)
    }
    errors, parsed, numbers, seen = [], [], [], {}
    for row in rows:
        problems = []
        organization = allowed.get(row.text("code"))
        if organization is None:
            problems.append(not_found(row.text("code")))
        day = parse_date(row.values.get("as_of"))
        if day is None:
            problems.append(_("unreadable date “%(value)s” (use dd/mm/yyyy)") % {"value": row.text("as_of")})
        elif day > today:
            problems.append(_("the date is in the future"))
        try:
            members = int(row.text("members"))
            if members < 0:
                raise ValueError
        except ValueError:
            members = None
            problems.append(_("unreadable number of members “%(value)s”") % {"value": row.text("members")})
        key = (row.text("code"), day)
        if key in seen:
            problems.append(_("repeats row %(row)d") % {"row": seen[key]})
        seen.setdefault(key, row.number)
        if problems:
            errors.append(RowError(row.number, "; ".join(problems)))
        else:
            parsed.append((organization, day, members))
            numbers.append(row.number)
    # The locks read once for the file: a row dated in a locked period is a row error naming it.
    with locks.read_once(today=today, organizations=allowed.values()) as in_force:
        for number, (organization, day, _members) in zip(numbers, parsed, strict=True):
            lock = locks.covering(in_force, organization=organization, day=day)
            if lock:
                errors.append(RowError(number, locks.locked_message(lock)))
        if errors:
            raise ImportFailed(sorted(errors, key=lambda e: e.row))
        with transaction.atomic():
            for organization, day, members in parsed:
                member_count_record(
                    organization=organization, as_of=day, members=members, note="nhập từ Excel", user=user, today=today
                )
    return len(parsed)


# ------------------------------------------------------------------ manage.py import_xlsx


def page_organization(user, code: str, perm: access.Perm) -> Organization:
    """The organization of an import page's URL, for the command: not found outside the
    scope (the page's 404), refused below the role (its 403)."""
    from django.core.management.base import CommandError

    found = Organization.objects.filter(code=code).first()
    if found is None or not access.has_perm(user, found, access.Perm.VIEW):
        raise CommandError(f"No organization with code “{code}” in the scope of this user.")
    if not access.has_perm(user, found, perm):
        raise CommandError(f"The user's role on “{code}” does not allow this import.")
    return found


register_resolver(page_organization)
register(
    "tree",
    lambda *, upload, organization, user, today, **_options: len(
        tree_import(upload=upload, under=organization, user=user, today=today)
    ),
    perm=access.Perm.MANAGE,
)
register(
    "counts",
    lambda *, upload, organization, user, today, **_options: member_count_import(
        upload=upload, under=organization, user=user, today=today
    ),
    perm=access.Perm.EDIT_PLANS,
)
