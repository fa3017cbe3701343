"""Import a tree of organizations, or member counts, from .xlsx: all rows or none.

Both are set-based like the candidate import (admissions/imports.py): every row is checked
(the checks of the services organization_create and member_count_record, with what they
read read once for the file), every bad row is named, and the good rows are written together
(bulk inserts with their history rows naming the importing user, one cache bump on commit),
so the queries of an import do not grow with its rows.
"""

import datetime as dt
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from common import cache
from common.imports import insert_history, insert_with_history, read_or_fail, register, register_resolver
from common.text import fold
from common.xlsx import ImportFailed, RowError, choice_lookup, name_key, not_found, parse_date

from . import access, locks, services
from .models import MemberCount, Organization, OrgForm, Sector
from .nesting import nesting_problem

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
        # The file gives no founding dates: its organizations stand in every report of every
        # day, which one under a committee founded on a day cannot (the rule of a founding,
        # services.check_founded_under, saying where such organizations are added).
        try:
            services.check_founded_under(
                existing.get(ref) if ref else under,
                None,
                _(
                    "%(parent)s was founded on %(day)s: add the organizations under it with their founding"
                    " dates (one by one, or in a reorganization file), not in this file, which has none"
                ),
            )
        except ValidationError as exc:
            problems.extend(exc.messages)
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

    # The service's checks of each new organization (organization_build: its fields; the
    # codes' uniqueness is the one query above, the parent's activity checked above).
    built = {}
    for _row, name, code, form, sector, problems in parsed:
        if problems:
            continue
        try:
            built[code] = services.organization_build(
                parent=None, name=name, code=code, form=form, sector=sector, user=user, check_code=False
            )
        except ValidationError as exc:
            problems.extend(exc.messages)

    # Which form may stand under which (organizations.nesting), the parent being `under`, an
    # existing organization or another row of the file (when its form was read).
    form_of = {code: form for _row, _name, code, form, _sector, _problems in parsed if code}
    for row, _name, _code, form, _sector, problems in parsed:
        ref = row.text("parent")
        parent_form = under.form if not ref else form_of.get(ref) or getattr(existing.get(ref), "form", None)
        if form is not None and parent_form is not None:
            problem = nesting_problem(form, parent_form)
            if problem:
                problems.append(problem)
    for row, *_fields, problems in parsed:
        if problems:
            errors.append(RowError(row.number, "; ".join(problems)))
    if errors:
        raise ImportFailed(errors)

    # The order the rows are created in: passes over the file, each row once its parent is
    # created (earlier in the pass or before), as the row-by-row import always did.
    order, placed, pending = [], set(), [(row.number, row.text("parent"), code) for row, _n, code, *_r in parsed]
    while pending:
        waiting = []
        for item in pending:
            if item[1] in file_codes and item[1] not in placed:
                waiting.append(item)
            else:
                order.append(item)
                placed.add(item[2])
        pending = waiting  # never stuck: the cycles were refused above
    with transaction.atomic():
        return _write_tree(order, built=built, under=under, existing=existing, user=user)


def _write_tree(order, *, built: dict, under: Organization, existing: dict, user) -> list[Organization]:
    """The new organizations placed after the parent's children (after every step they ever
    held: services.last_steps; the first child of a leaf at step 1), in `order`, written together:
    the parents read (locked) once, one insert with the history rows, one update of the
    parents' child counts; every cached answer is stale after the commit (the tree changed)."""
    in_db = {under.pk: under, **{o.pk: o for o in existing.values()}}
    parents = {o.pk: o for o in Organization.objects.select_for_update().filter(pk__in=in_db)}
    if not parents[under.pk].is_active:
        raise ImportFailed([RowError(0, _("Cannot add an organization under a dissolved organization."))])
    steplen = Organization.steplen
    last_step = services.last_steps(p.path for p in parents.values())  # never a path held before
    next_step: dict[str, int] = {}
    children: Counter = Counter()
    for number, ref, code in order:
        parent = under if not ref else built.get(ref) or existing[ref]
        parent = parents.get(parent.pk, parent) if parent.pk else parent
        if parent.path not in next_step:
            next_step[parent.path] = (last_step.get(parent.path, 0) if parent.pk else 0) + 1
        step = next_step[parent.path]
        next_step[parent.path] = step + 1
        key = Organization._int2str(step)
        organization = built[code]
        organization.depth = parent.depth + 1
        organization.path = parent.path + Organization.alphabet[0] * (steplen - len(key)) + key
        if len(key) > steplen or len(organization.path) > Organization._meta.get_field("path").max_length:
            raise ImportFailed([RowError(number, _("no room left under %(name)s") % {"name": parent.name})])
        organization.search_name = fold(organization.name)  # what Organization.save sets
        children[parent.path] += 1
    new = [built[code] for _number, _ref, code in order]
    for organization in new:
        organization.numchild = children[organization.path]
    insert_with_history(new, Organization)
    for parent in parents.values():
        parent.numchild += children[parent.path]
    Organization.objects.bulk_update([p for p in parents.values() if children[p.path]], ["numchild"])
    under.numchild = parents[under.pk].numchild
    cache.everything_changed()
    return new


NOTE = "nhập từ Excel"  # the note of an imported count
COUNT_COLUMNS = {
    "code": ("Mã", "Mã tổ chức", "Code"),
    "as_of": ("Tính đến ngày", "Ngày", "As of"),
    "members": ("Số đảng viên", "Đảng viên", "Members"),
}


def member_count_import(*, upload, under: Organization, user, today: dt.date) -> int:
    """Record member counts (code, as of, members) for organizations under `under`.

    All rows or none; raises ImportFailed listing every bad row.
    """
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
    with transaction.atomic(), locks.read_once(today=today, organizations=allowed.values()):
        new, changed = [], []
        stored = _stored_counts(parsed)
        for number, (organization, day, members) in zip(numbers, parsed, strict=True):
            try:
                count = services.member_count_build(
                    organization=organization,
                    as_of=day,
                    members=members,
                    note=NOTE,
                    user=user,
                    today=today,
                    stored=stored,
                )
            except ValidationError as exc:
                errors.append(RowError(number, "; ".join(exc.messages)))
                continue
            (new if count.pk is None else changed).append(count)
        if errors:
            raise ImportFailed(sorted(errors, key=lambda e: e.row))
        member_counts_write(new=new, changed=changed)
    return len(parsed)


def _stored_counts(parsed) -> dict[tuple[int, dt.date], MemberCount]:
    """The counts already stored for the file's organizations on its dates (one query)."""
    if not parsed:
        return {}
    found = MemberCount.objects.filter(
        organization_id__in={o.pk for o, _d, _m in parsed}, as_of__in={d for _o, d, _m in parsed}
    )
    return {(c.organization_id, c.as_of): c for c in found}


def member_counts_write(*, new: list[MemberCount], changed: list[MemberCount]) -> None:
    """The one bulk write of member counts (checked, stamped): the new ones inserted and the
    corrected ones updated, with their history rows, in a few statements; the answers of
    their organizations stale once the transaction commits. Each count's stored end
    (`MemberCount.until`) is set again for the organizations written, in one statement."""
    insert_with_history(new, MemberCount)
    if changed:
        MemberCount.objects.bulk_update(changed, ["members", "note"])
        insert_history(changed, MemberCount, history_type="~")
    organization_ids = {c.organization_id for c in (*new, *changed)}
    MemberCount.objects.refresh_until(organization_ids)
    cache.organizations_changed(organization_ids)


# ------------------------------------------------------------------ manage.py import_xlsx


def page_organization(user, code: str, perm: access.Perm) -> Organization:
    """The organization of an import page's URL, for the command: not found outside the
    scope (the page's 404), refused below the role (its 403)."""
    from django.core.management.base import CommandError

    found = Organization.objects.filter(code=code).first()
    if found is None or not access.has_perm(user, found, access.Perm.VIEW):
        raise CommandError(_("No organization with code “%(code)s” in the scope of this user.") % {"code": code})
    if not access.has_perm(user, found, perm):
        raise CommandError(_("The user's role on “%(code)s” does not allow this import.") % {"code": code})
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
