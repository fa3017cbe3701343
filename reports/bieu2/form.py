"""`bieu2()`: the form of an organization for a period beside the same period last year; its
JSON; whether organizations moved inside it (and the note that says so).
"""

import copy
import datetime as dt
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from organizations.models import Organization, OrganizationPath
from organizations.positions import counted_under, names_on

from ..engine.spans import report_spans
from ..models import HistoricalResult
from ..periods import Period, between
from .counting import _change_days, _Column, _count
from .rows import GROUPS, HEAD_ROWS, NOT_STATED, ORGANIZATION_ROWS, Form, Line, Row


def _rows(this: _Column, last: _Column) -> list[Row]:
    rows = [Row(key, str(label), this.counts[key], last.counts[key]) for key, label in HEAD_ROWS]
    rows[0].this_period, rows[0].same_period_last_year = this.total, last.total
    for prefix, _heading, choices in GROUPS:
        for key, label in [*choices, ("not_stated", NOT_STATED)]:
            full = f"{prefix}.{key}"
            rows.append(Row(full, str(label), this.counts[full], last.counts[full], group=prefix))
        if prefix == "age":
            rows.append(
                Row(
                    "mean_age",
                    _("Mean age"),
                    mean_age(this.ages),
                    mean_age(last.ages),
                    group=prefix,
                    links=False,
                )
            )
    return rows


def mean_age(ages: list[int]) -> float | None:
    """The mean of whole ages to one decimal, a half rounded up (28.65 → 28.7), from the
    exact sum: a float's round() reads 28.65 as 28.649999… and rounds it down (and rounds
    an exact half to even). A float of that one-decimal value, as the JSON and the files
    take it; None without ages."""
    if not ages:
        return None
    return float((Decimal(sum(ages)) / Decimal(len(ages))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _lines(this: Counter, last: Counter, spelling: dict[str, str], prefix: str, blank: str, first: str) -> list[Line]:
    keys = sorted(set(this) | set(last), key=lambda k: (k != first, -(this[k] + last[k]), k))
    return [Line(spelling.get(prefix + k) or (blank if not k else k), this[k], last[k]) for k in keys]


def bieu2(*, organization: Organization, period: Period, today: dt.date, with_ids: bool = False) -> Form:
    """The form of `organization` for `period` beside the same period last year.

    `with_ids`: keep the admissions behind each cell (for users allowed to see names).
    A merged or dissolved organization's form ends on its last day (as its dashboard does):
    the period is cut there, and so is the same period last year."""
    if organization.dissolved_on is not None and period.end >= organization.dissolved_on:
        last_day = organization.last_day
        period = between(period.start, max(last_day, period.start))
    # A period that runs is counted to today, beside the same days last year (as the
    # dashboard's period beside the same period last year).
    counted_to, last_period = report_spans(period, today)
    # Its days so far: no admission after `today` (a form frozen on the day it was sent).
    so_far = between(period.start, counted_to) if period.start <= counted_to < period.end else period
    changes = _change_days(last_period.start)
    counted = counted_under(organization)  # where its records are in today's tree
    this = _count(organization, so_far, changes, counted, today, with_ids)
    last = _count(organization, last_period, changes, counted, today, with_ids)
    spelling = {**last.spelling, **this.spelling}
    names = names_on(min(period.end, today))  # the form names organizations as on its day
    if names.by_pk.get(organization.pk):
        organization = copy.copy(organization)
        names.rename([organization])
    entered = _entered(counted, period, last_period)
    ids = {}
    if with_ids:
        ids = {(key, "this"): pks for key, pks in this.ids.items()}
        ids.update({(key, "last"): pks for key, pks in last.ids.items()})
    rows = _rows(this, last)
    organization_rows = [
        Row(key, str(label), this.organizations[key], last.organizations[key], links=False)
        for key, label in ORGANIZATION_ROWS
    ]
    # No percentage compares the columns when counts were entered for their years (not in
    # the form), nor for an organization founded after last year's column began (it holds
    # only the days since its founding: a commune of 01/07/2025, "22 against 2").
    comparable = not entered and not founded_after(organization, last_period.start)
    for row in [*rows, *organization_rows]:
        row.comparable = comparable
    return Form(
        organization=organization,
        period=period,
        last_period=last_period,
        counted_to=counted_to if period.start <= counted_to < period.end else None,
        rows=rows,
        organization_rows=organization_rows,
        entered=entered,
        comparable=comparable,
        by_ethnicity=_lines(this.ethnicities, last.ethnicities, spelling, "", "Kinh", "kinh"),
        by_religion=_lines(this.religions, last.religions, spelling, "religion:", _("No religion"), ""),
        ids=ids,
        names=names,
    )


def _entered(counted, period: Period, last_period: Period) -> dict[tuple[int, int], int]:
    """{(first year, last year): n} of the new members entered as counts (historical
    results) inside the organization (where they count today) for a year of either column,
    or for several years reaching one: an organization's blank-category row is its total,
    else its category rows add up (as the engine counts them). One query."""
    first, last = min(period.start.year, last_period.start.year), max(period.end.year, last_period.end.year)
    rows = counted.records(HistoricalResult.objects.filter(year__gte=first)).annotate(
        span=Coalesce("first_year", "year")
    )
    found: dict[tuple[int, int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for org, span, year, category, n in rows.filter(span__lte=last).values_list(
        "organization_id", "span", "year", "category", "count"
    ):
        found[(org, span, year)][category] += n
    entered: dict[tuple[int, int], int] = defaultdict(int)
    for (_org, span, year), counts in found.items():
        entered[(span, year)] += counts[""] if "" in counts else sum(counts.values())
    return dict(sorted(entered.items()))


def founded_after(organization: Organization, day: dt.date) -> bool:
    return organization.founded_on is not None and organization.founded_on > day


def founded_note(form: Form) -> str:
    """Why the form of an organization founded after the same period last year began holds
    nothing before its founding, where its attainment report counts the admissions of the
    organizations merged into it (a commune of 01/07/2025): "" for one founded before (one
    query when founded since)."""
    org = form.organization
    if not founded_after(org, form.last_period.start):
        return ""
    merged = Organization.objects.filter(merged_into=org.pk, dissolved_on__lte=form.period.end).order_by("name")
    names = ", ".join(merged.values_list("name", flat=True))
    values = {"org": org.name, "day": org.founded_on.strftime("%d/%m/%Y"), "names": names}
    if names:
        return (
            _(
                "%(org)s was founded on %(day)s: this form counts those admitted under it from that day. Those "
                "admitted before count where their organizations stood then (merged into it since: %(names)s); "
                "its attainment report counts them with it. No percentage compares the periods."
            )
            % values
        )
    return (
        _(
            "%(org)s was founded on %(day)s: this form counts those admitted under it from that day. Those "
            "admitted before count where their organizations stood then. No percentage compares the periods."
        )
        % values
    )


def entered_note(form: Form) -> str:
    """Why the form's totals may be below the dashboard's, and compare nothing: "" when no
    count was entered for its years."""
    if not form.entered:
        return ""
    spans = "; ".join(
        f"{year}: {n}" if first == year else f"{first}–{year}: {n}" for (first, year), n in form.entered.items()
    )
    return _(
        "New members entered as a year's count (Results of earlier years) are not in this form, which "
        "counts the admissions recorded person by person (%(spans)s); no percentage compares the periods."
    ) % {"spans": spans}


def form_json(form: Form) -> dict:
    """The `bieu2` command's JSON (keys: org, period, rows, by_ethnicity, by_religion; the
    organizations block under `organizations`; the counts entered for its years, which it
    leaves out, under `entered`)."""

    def row(r: Row) -> dict:
        return {
            "key": r.key,
            "label": r.label,
            "this_period": r.this_period,
            "same_period_last_year": r.same_period_last_year,
            "percent": r.percent,
        }

    def line(li: Line) -> dict:
        return {"label": li.label, "this_period": li.this_period, "same_period_last_year": li.same_period_last_year}

    return {
        "org": form.organization.name,
        "code": form.organization.code,
        "period": {
            "key": form.period.key,
            "label": form.period.label,
            "start": form.period.start.isoformat(),
            "end": form.period.end.isoformat(),
            "counted_to": form.counted_to.isoformat() if form.counted_to else None,  # while it runs
            "same_period_last_year": {
                "key": form.last_period.key,
                "start": form.last_period.start.isoformat(),
                "end": form.last_period.end.isoformat(),
            },
        },
        "rows": [row(r) for r in form.rows],
        "organizations": [row(r) for r in form.organization_rows],
        "by_ethnicity": [line(li) for li in form.by_ethnicity],
        "by_religion": [line(li) for li in form.by_religion],
        # Counts entered for its years, not in the form: [{first_year, last_year, count}].
        "entered": [{"first_year": f, "last_year": y, "count": n} for (f, y), n in form.entered.items()],
    }


def moved_within(form: Form) -> bool:
    """Whether an organization moved into, out of or within the form's subtree, or was
    merged, from the start of the same period last year to the end of the period (one
    query). Then the form (each admission where its organization stood on the ceremony
    date) and the attainment report (where each organization stands on the report's day)
    can count the same admission in different places, and the form says so."""
    path = form.organization.path
    start, end = form.last_period.start, form.period.end
    moved = OrganizationPath.objects.filter(valid_until__gt=start, valid_until__lte=end).filter(
        Q(path__startswith=path) | Q(organization__path__startswith=path)
    )
    merged = Organization.objects.filter(
        merged_into__isnull=False, dissolved_on__gt=start, dissolved_on__lte=end
    ).filter(Q(path__startswith=path) | Q(merged_into__path__startswith=path))
    return Organization.objects.filter(pk=form.organization.pk).filter(Exists(moved) | Exists(merged)).exists()


def moved_note() -> str:
    return _(
        "Organizations of this report moved or were merged between the start of the same period last year "
        "and the end of this one: this form counts each admission where its organization stood on the "
        "ceremony date, the attainment report where the organization stands on the report's day, so their "
        "figures, this period's and the same period last year's, may differ."
    )
