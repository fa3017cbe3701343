"""Admission records between two days: the admissions of a scope, its months, and the
report period beside the same period last year (`_span_counts`), each admission placed
where its organization (or its successor) stood on the count day."""

import datetime as dt
from collections import Counter

from django.db.models import Count, Value
from django.db.models.functions import ExtractMonth

from admissions.counting import admitted_between
from admissions.models import Tally
from organizations.models import Organization
from organizations.positions import CountedUnder, TreeOnDay, changed_after, counted_under, tree_on

from .. import periods as report_periods
from .rows import WantedPrefixes

STEP = Organization.steplen


def admissions_in(scope: Organization, first_day: dt.date, last_day: dt.date, *, tree: TreeOnDay | None = None):
    """Admissions (not archived) with ceremony dates in [first_day, last_day] inside `scope`
    in the tree as it stood on `last_day`: each counted where its organization (or, after
    a merger, its successor) stood that day.

    In today's tree (nothing moved or merged after `last_day`) they are annotated `p`, the
    path they count under; otherwise (`tree`, or one read here) they are only filtered.
    """
    if tree is None and changed_after(last_day):
        tree = tree_on(scope, last_day)
    if tree is not None:
        return _admissions(first_day, last_day).filter(organization_id__among=tree.counted_ids())
    return admissions_now(scope, first_day, last_day)


def _admissions(first_day: dt.date, last_day: dt.date):
    return admitted_between(first_day, last_day)


def admissions_now(
    scope: Organization,
    first_day: dt.date,
    last_day: dt.date,
    merged: bool | None = None,
    counted: CountedUnder | None = None,
):
    """admissions_in, in today's tree: annotated `p`, the path each counts under now
    (`merged`: whether any organization was merged, if the caller knows; `counted`: where
    the scope's records are, if the caller has read it)."""
    return (counted or counted_under(scope, merged)).records(_admissions(first_day, last_day))


def _monthly(scope, year, as_of, tree: TreeOnDay | None, counted: CountedUnder | None) -> list[int | None]:
    if tree is not None:
        from .. import past

        counts = past.monthly(tree, year, as_of)
    else:
        counts = dict(
            admissions_now(scope, dt.date(year, 1, 1), min(as_of, dt.date(year, 12, 31)), counted=counted)
            .annotate(m=ExtractMonth("ceremony_date"))
            .values("m")
            .annotate(n=Count("*"))  # COUNT(*): the index (organization, ceremony day) alone answers it
            .values_list("m", "n")
        )
    months: list[int | None] = []
    running = 0
    for month in range(1, 13):
        if dt.date(year, month, 1) > as_of:
            months.append(None)
            continue
        running += counts.get(month, 0)
        months.append(running)
    return months


def report_spans(period: "report_periods.Period", count_day: dt.date) -> tuple[dt.date, "report_periods.Period"]:
    """The last day a period is counted to (its end, or the report's day while it runs)
    and the same span a year before (a running period against last year's same days)."""
    counted_to = min(period.end, count_day)
    same = period.same_period_last_year()
    if counted_to < period.end and counted_to >= period.start:
        same = report_periods.between(same.start, report_periods.a_year_before(counted_to))
    return counted_to, same


def _span_counts(
    scope,
    spans,
    wanted: dict[int, set[str]],
    tree: TreeOnDay | None,
    counted: CountedUnder | None,
    known: dict | None = None,
) -> list[Counter]:
    """Admissions (not archived) with ceremony dates in each span [first, last], per
    (path, category) and (path, "") at the wanted paths of each depth, every admission
    placed where its organization (or its successor) stood on the report's count day:
    the tree the rest of the report reads (`tree`, or today's when nothing moved since).
    One query for every span and depth. `counted`: where the scope's records are in today's
    tree (when `tree` is None). `known`: {year: Counter} of whole years already read from
    the tallies (counts.admission_counts), in today's tree; a span from 1 January over
    most of such a year (from_whole_year) is the year less the admissions after the span:
    the same period last year of a report late in the year reads a month of records, not
    eleven (nationally 180,000 admissions)."""
    results = [Counter() for _span in spans]
    parts = []
    for i, (first, last) in enumerate(spans):
        if last < first:
            continue
        if tree is None and (first, last) == (dt.date(first.year, 1, 1), dt.date(first.year, 12, 31)):
            if known and first.year in known:
                results[i].update(known[first.year])
            else:
                _whole_year(scope, first.year, wanted, results[i])
            continue
        sign = 1
        if tree is None and known and first.year in known and from_whole_year(first, last):
            results[i].update(known[first.year])
            first, last, sign = last + dt.timedelta(days=1), dt.date(first.year, 12, 31), -1
        rows = _admissions(first, last)
        if tree is not None:
            parts.append(
                rows.filter(organization_id__among=tree.counted_ids())
                .values("organization_id", "category")
                .annotate(n=Count("pk"), s=Value(i))
                .values_list("organization_id", "category", "n", "s")
                .order_by()
            )
            continue
        if counted is None:  # read once, for every span
            counted = counted_under(scope)
        rows = counted.records(rows)
        # Per organization, rolled up below (a read per depth scanned the span once for each).
        parts.append(
            rows.values("p", "category")
            .annotate(n=Count("pk"), s=Value(i if sign > 0 else -1 - i))
            .values_list("p", "category", "n", "s")
            .order_by()
        )
    if not parts:
        return results
    prefixes = WantedPrefixes(wanted) if tree is None else WantedPrefixes(wanted, len(tree.root), tree.position)
    for key, category, n, i in parts[0].union(*parts[1:], all=True).order_by():
        if i < 0:  # the admissions after a span read as its whole year less them
            i, n = -1 - i, -n
        counts = results[i]
        for prefix in prefixes(key):
            if category:
                counts[(prefix, category)] += n
            counts[(prefix, "")] += n
    return results


def from_whole_year(first: dt.date, last: dt.date) -> bool:
    """Whether a span [first, last] from 1 January is read as its year's tallies less the
    admissions after `last` (_span_counts): when those are fewer days than the span."""
    dec31 = dt.date(first.year, 12, 31)
    return first == dt.date(first.year, 1, 1) and last <= dec31 and (dec31 - last) < (last - first)


def _whole_year(scope, year: int, wanted: dict[int, set[str]], counts: Counter) -> None:
    """_span_counts of a whole calendar year in today's tree: the admission tallies of that
    year, which count the same admissions at the same paths (one query, not a year of
    admissions joined with the tree)."""
    from .counts import _tally

    for depth, path, _year, category, n in _tally(
        Tally.Kind.ADMITTED, scope, set(wanted), wanted, dict.fromkeys(wanted, year), year
    ):
        if path in wanted[depth]:
            if category:
                counts[(path, category)] += n
            counts[(path, "")] += n
