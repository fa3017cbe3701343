"""Import historical results (past years' counts) from .xlsx: all rows or none.

The year may be a period ("2020-2023", "2020–2023"): the count is then that period's
total (seed 002), stored as one row from its first to its last year.
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from admissions.categories import CATEGORY_ABBREVIATIONS, Category
from common import clock
from common.imports import read_or_fail, register
from common.text import fold
from common.xlsx import ImportFailed, RowError, choice_lookup, name_key, not_found
from organizations import access, locks
from organizations.models import Organization

from .models import HistoricalResult
from .services import historical_result_build, historical_results_stored, historical_results_write

COLUMNS = {
    "organization": ("Mã tổ chức", "Mã", "Tổ chức", "Organization", "Code"),
    "year": ("Năm", "Year"),
    "category": ("Đối tượng", "Category"),
    "count": ("Số đảng viên mới", "Số lượng", "Kết nạp", "New members", "Count"),
    "source": ("Nguồn", "Source"),
}
TEMPLATE_COLUMNS = ["Mã tổ chức", "Năm", "Đối tượng", "Số đảng viên mới", "Nguồn"]


def _integer(text: str) -> int | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if value.is_integer() else None


PERIOD = re.compile(r"^\s*(\d{4})\s*[-–]\s*(\d{4})\s*$")


def _years(text: str) -> tuple[int | None, int | None]:
    """(first year of a period or None, the (last) year or None when unreadable)."""
    period = PERIOD.match(text)
    if period:
        first, last = int(period.group(1)), int(period.group(2))
        return (first, last) if first < last else (None, None)
    return None, _integer(text)


def historical_import(*, upload, under: Organization, user) -> list[HistoricalResult]:
    """Record every row's count (organization by code or exact name within the user's plan scope).

    An empty category means all new members; categories may be written as labels,
    values or the abbreviations of allocation tables (HS, SV, CN, …).
    """
    rows = read_or_fail(upload, COLUMNS, required={"organization", "year", "count"})
    editable = access.organizations_under(user, under, access.Perm.EDIT_PLANS)
    refs = {row.text("organization") for row in rows}
    by_code = {o.code: o for o in editable.filter(code__in=refs)}
    by_name: dict[str, list[Organization]] = {}
    for org in editable.filter(search_name__in={name_key(ref) for ref in refs - set(by_code)}):
        by_name.setdefault(org.search_name, []).append(org)
    categories = choice_lookup(Category)
    categories.update({fold(abbr): value for abbr, value in CATEGORY_ABBREVIATIONS.items()})

    errors, parsed, numbers, seen = [], [], [], {}
    for row in rows:
        problems = []
        ref = row.text("organization")
        org = by_code.get(ref)
        if org is None:
            matches = by_name.get(name_key(ref), [])
            if len(matches) == 1:
                org = matches[0]
            elif len(matches) > 1:
                problems.append(_("“%(ref)s” matches several organizations: use its code") % {"ref": ref})
            else:
                problems.append(not_found(ref))
        first_year, year = _years(row.text("year"))
        if year is None or not 1990 <= year <= 2100 or (first_year is not None and first_year < 1990):
            problems.append(_("the year “%(value)s” is not a year") % {"value": row.text("year")})
        count = _integer(row.text("count"))
        if count is None or count < 0:
            problems.append(_("the count “%(value)s” is not a whole number ≥ 0") % {"value": row.text("count")})
        category = ""
        if row.text("category"):
            category = categories.get(fold(row.text("category")))
            if category is None:
                problems.append(_("unknown category “%(value)s”") % {"value": row.text("category")})
        key = (org.pk if org else ref, year, category)
        if org and key in seen:
            problems.append(_("repeats row %(row)d") % {"row": seen[key]})
        seen.setdefault(key, row.number)
        if problems:
            errors.append(RowError(row.number, "; ".join(problems)))
            continue
        parsed.append((org, first_year, year, category, count, row.text("source")))
        numbers.append(row.number)
    # The rows read are checked as the page checks each entry (every bad row is listed),
    # then written at once (reports.services).
    stored = historical_results_stored((org.pk, year, category) for org, _first, year, category, _n, _s in parsed)
    new, changed = [], []
    built = []
    if parsed:  # the locks read once for the file (each row's years are checked against them)
        organizations = list({org.pk: org for org, *_rest in parsed}.values())
        with locks.read_once(today=clock.today(), organizations=organizations):
            built = _build_rows(numbers, parsed, stored, user, errors)
    for result in built:
        (new if result.pk is None else changed).append(result)
    if errors:
        raise ImportFailed(sorted(errors, key=lambda e: e.row))
    with transaction.atomic():
        historical_results_write(new=new, changed=changed)
    return [*new, *changed]


def _build_rows(numbers, parsed, stored, user, errors) -> list:
    """Each parsed row built as the page builds an entry (historical_result_build), or its
    refusal added to `errors`."""
    built = []
    for number, (org, first_year, year, category, count, source) in zip(numbers, parsed, strict=True):
        try:
            result = historical_result_build(
                organization=org,
                first_year=first_year,
                year=year,
                category=category,
                count=count,
                source=source,
                user=user,
                stored=stored,
            )
        except ValidationError as exc:
            errors.append(RowError(number, "; ".join(exc.messages)))
            continue
        built.append(result)
    return built


register(
    "history",
    lambda *, upload, organization, user, **_options: len(
        historical_import(upload=upload, under=organization, user=user)
    ),
    perm=access.Perm.EDIT_PLANS,
)
