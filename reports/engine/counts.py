"""The counts: admissions and the pipeline read from the tallies (admissions.Tally),
historical results added to them, the candidates the deadlines can still bring to the
ceremony, and the members of grassroots organizations."""

import datetime as dt
import os
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr

from admissions import counting
from admissions.models import Candidate, Outcome, Step, StepRecord, Tally
from admissions.workdays import add_working_days, calendar_between
from organizations.models import UPPER_COMMITTEE_FORMS, MemberCount, Organization, OrganizationPath, holds_own_members
from organizations.positions import (
    CountedUnder,
    alive_on,
    changed_after,
    counted_under,
    counting_path,
    successors_on,
    tree_on,
)
from organizations.selectors import holding_own_members, path_as_of

from ..models import HistoricalResult
from .rows import BUCKET_FILTER_LIMIT, WantedPrefixes, _bucket_filter, _members_on
from .spans import admissions_now

STEP = Organization.steplen


class Counts:
    """Grouped counts keyed by (bucket path, year, category); '' = every category."""

    def __init__(self):
        self.data: dict[tuple[str, int, str], int] = defaultdict(int)
        # The historical results among `data`, keyed alike: a year's entered count is the
        # whole year's and is in no part of it (_Computation.span_figure).
        self.entered: dict[tuple[str, int, str], int] = defaultdict(int)
        # (path, year) of the organizations a count was entered at for one year (not 0): below
        # them the records do not tell each organization's year (_Computation.known).
        self.entered_at: set[tuple[str, int]] = set()
        # (path, year) under which a total was entered for a year without any of its
        # categories: a category's part of that year is unknown there (_Computation.figure).
        self.no_breakdown: set[tuple[str, int]] = set()

    def add(self, path, year, category, n, total=True):
        if category:
            self.data[(path, year, category)] += n
        if total:
            self.data[(path, year, "")] += n

    def get(self, path, year, category="") -> int:
        return self.data.get((path, year, category or ""), 0)

    def add_entered(self, path, year, category, n, total=True):
        """A historical result: added to the counts, and kept apart as entered."""
        self.add(path, year, category, n, total)
        if category:
            self.entered[(path, year, category)] += n
        if total:
            self.entered[(path, year, "")] += n


def _tally(kind, scope, depths, wanted, since: dict[int, int] | None, year: int) -> Iterator[tuple]:
    """Rows (depth, path, year, category, n) of admissions.Tally for every depth, in one query:
    inside the scope, from `since[depth]` to `year`, only the wanted paths when they are few.
    Read a batch at a time (nationally 1.1 million rows: never all of them as tuples at once)."""
    table = Tally._meta.db_table
    selects, params = [], []
    for depth in sorted(depths):
        where = "kind = %s AND depth = %s AND path LIKE %s AND year BETWEEN %s AND %s AND n <> 0"
        params += [kind, depth, scope.path + "%", since[depth] if since else 0, year]
        paths = wanted.get(depth, set())
        if paths and len(paths) <= BUCKET_FILTER_LIMIT:
            where += f" AND path IN ({', '.join(['%s'] * len(paths))})"
            params += sorted(paths)
        selects.append(f"SELECT depth, path, year, category, n FROM {table} WHERE {where}")
    if not selects:
        return
    with connections[Tally.objects.db].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        while batch := cursor.fetchmany(20_000):
            yield from batch


def after_count_day(scope, year, count_day, merged: bool | None = None, counted: CountedUnder | None = None) -> Counter:
    """Admissions of `year` after `count_day`, per (path, category) at their organization
    and every node above it. The tallies hold whole years, so a count up to a day inside
    the year takes these off. Usually none (nothing is admitted in the future); a report
    "as of" an earlier day reads them."""
    after: Counter = Counter()
    last_day = dt.date(year, 12, 31)
    if count_day >= last_day:
        return after
    first_day = max(count_day + dt.timedelta(days=1), dt.date(year, 1, 1))
    for path, category, n in (
        admissions_now(scope, first_day, last_day, merged, counted)
        .values("p", "category")
        .annotate(n=Count("pk"))
        .values_list("p", "category", "n")
    ):
        for end in range(STEP, len(path) + 1, STEP):
            after[(path[:end], category)] += n
    return after


def admission_counts(
    scope, depths, wanted, since: dict[int, int], year, after: Counter, last_year: Counter | None = None
) -> Counts:
    """Admissions from 1 January of `since[depth]` to the count day per (path, year,
    category) at every depth: read from the tallies (one query) less `after` (those after
    the count day, see after_count_day). `last_year`: a Counter filled, from the same
    query, with last year's whole-year tallies per (path, category) and (path, "") at the
    wanted paths of every depth (what spans._whole_year reads for the same period last
    year), instead of reading them again."""
    counts = Counts()
    data = counts.data
    before = year - 1
    if last_year is None:
        rows = _tally(Tally.Kind.ADMITTED, scope, depths, wanted, since, year)
        skip = set()
    else:
        reach = {depth: min(since[depth], before) for depth in depths}
        rows = _tally(Tally.Kind.ADMITTED, scope, depths, wanted, reach, year)
        skip = {depth for depth in depths if since[depth] > before}  # read for last year only
    # Nationally 1.1 million tally rows name 285,000 paths, a few years and nine categories:
    # each key's texts and years are held once (the driver makes a new object per value),
    # which halves what the counts hold. Each (path, year, category) is one tally row (its
    # unique key; paths differ by depth); every row is also added to its (path, year) total.
    one = {}.setdefault
    for depth, path, y, category, n in rows:
        path, y = one(path, path), one(y, y)
        if y == before and last_year is not None:
            if path in wanted[depth]:
                if category:
                    last_year[(path, one(category, category))] += n
                last_year[(path, "")] += n
            if depth in skip:
                continue
        data[(path, y, one(category, category))] = n
        data[(path, y, "")] += n
    for (path, category), n in after.items():
        if len(path) // STEP in depths:
            counts.add(path, year, category, -n)
    return counts


def blank_total():
    """The blank-category (total) historical result of the outer row's organization, year
    and span: a category row under it is already counted in it."""
    return HistoricalResult.objects.annotate(span=Coalesce("first_year", 0)).filter(
        organization=OuterRef("organization_id"),
        year=OuterRef("year"),
        category="",
        span=Coalesce(OuterRef("first_year"), 0),
    )


def historical_counts(
    scope,
    depths,
    wanted,
    first_year,
    last_year,
    counts: Counts,
    periods=None,
    merged: bool | None = None,
    counted: CountedUnder | None = None,
) -> None:
    """Add historical results; a blank-category row is the total of its organization and year.

    A total over several years (`first_year` set, e.g. 2020–2023) is no year's figure: it
    goes to `periods` ({(bucket, first year, last year, category): n}), not to `counts`.
    A row, even of 0, makes its key present in `counts` ("entered": see _Computation.known).
    One query, grouped by the path where each result counts (its organization's, or after
    a merger its successor's: CountedUnder.records), added at every wanted depth here (as
    _bucket_filter would: only the wanted paths of a depth when they are few): read per
    depth, each query scanned the country's results again (0.4 s each once 93,740 were
    entered and cells merged: bench/historical.py)."""
    blank = blank_total()
    entered = HistoricalResult.objects.filter(year__gte=first_year, year__lte=last_year)
    rows = (
        (counted or counted_under(scope, merged))
        .records(entered)
        .annotate(covered=Exists(blank))
        .order_by()
        .values("p", "year", "category", "covered", "first_year")
        .annotate(n=Sum("count"))
        .values_list("p", "year", "category", "covered", "first_year", "n")
    )
    widths = [depth * STEP for depth in sorted(depths)]
    few = {depth * STEP: paths for depth in depths if 0 < len(paths := wanted.get(depth, ())) <= BUCKET_FILTER_LIMIT}
    breakdown = Breakdown()
    for path, year, category, covered, first, n in rows:
        if first is None and n:
            counts.entered_at.add((path, year))
        breakdown.add(path, year, category, first, n)
        for width in widths:
            if len(path) < width:
                break
            bucket = path[:width]
            if width in few and bucket not in few[width]:
                continue
            add_historical(counts, periods, bucket, year, category, covered, first, n)
    breakdown.mark(counts, lambda path: (path[:width] for width in widths if len(path) >= width))


class Breakdown:
    """Which organizations' totals of a year were entered without any of its categories
    (a year's total "191", no row of pupils or workers beside it), kept as the results are
    read: their paths and those above them go to `Counts.no_breakdown`."""

    def __init__(self):
        self.totals: set[tuple[str, int]] = set()
        self.categories: set[tuple[str, int]] = set()

    def add(self, path: str, year: int, category: str, first, n) -> None:
        if first is None and n:
            (self.categories if category else self.totals).add((path, year))

    def mark(self, counts: Counts, above) -> None:
        """`above(path)`: the paths the counts are kept at for an organization at `path`."""
        for path, year in self.totals - self.categories:
            counts.no_breakdown.update((bucket, year) for bucket in above(path))


def add_historical(counts: Counts, periods, path: str, year: int, category: str, covered, first, n) -> None:
    """One grouped row of historical results at `path`: a year's figure into `counts`, or
    (`first` set) a period's total into `periods` when it is kept. `covered`: a blank
    (total) row of the same organization and year exists, so a category row is already in it.
    A period's total of one category ("2020–2023: 03 pupils") is that category's only: it is
    no total of new members, nor part of one (3 pupils and 5 workers are not "8 admitted")."""
    if first is not None:
        if periods is not None:
            periods[(path, first, year, category)] += n
        return
    counts.add_entered(path, year, category, n, total=not (category and covered))


def latest_years(counts: Counts, periods, first_year: int, year: int) -> dict[str, int]:
    """{path: the latest year from `first_year` to `year` with anything counted}, what an
    inactivity rule reads: an admission or a year's historical result (the total of new
    members), or a total entered for a period of several years (`periods`, of any category,
    more than 0), read as its last year, as the tallies count it (reports/entered.py): so
    every road reads "2021–2024: 2" as an admission in 2024."""
    latest: dict[str, int] = {}
    for (path, y, category), n in counts.data.items():
        if n and not category and first_year <= y <= year and y > latest.get(path, 0):
            latest[path] = y
    for (path, _first, last, _category), n in (periods or {}).items():
        if n > 0 and first_year <= last <= year and last > latest.get(path, 0):
            latest[path] = last
    return latest


def deadline_days(year: int, as_of: dt.date, holidays=None) -> tuple[dt.date, dt.date, bool]:
    """The last days, by the deadlines (ADMISSION_RULES), from which a candidate still
    reaches the ceremony by 31/12: the decision (CEREMONY_WORKING_DAYS before 31/12) and
    the cell's resolution (DECISION_WORKING_DAYS before that); and whether the report's
    day is past the latter ("late": a resolution passed now no longer finishes this year).
    One query (the holidays of the year's second half), none given `holidays`."""
    dec31 = dt.date(year, 12, 31)
    rules = settings.ADMISSION_RULES
    # Public holidays are days off; make-up working Saturdays are working days (as the services count).
    if holidays is None:
        holidays = calendar_between(dec31 - dt.timedelta(days=250), dec31)
    last_decision = add_working_days(dec31, -rules["CEREMONY_WORKING_DAYS"], holidays)
    last_resolution = add_working_days(last_decision, -rules["DECISION_WORKING_DAYS"], holidays)
    return last_decision, last_resolution, as_of > last_resolution


@dataclass(frozen=True)
class _Deadlines:
    """The days finishable_candidates compares a candidate's dates with: the last decision
    and cell's resolution that still reach the ceremony by 31/12 (deadline_days), the
    working days after them (`decision_before`, `resolution_before`: a step taken on the
    weekend or holiday right after a last day runs its deadline from the same working day,
    so it still finishes), and the first ones whose next deadline has not passed on the
    report's day (`as_of`)."""

    year: int
    last_decision: dt.date
    last_resolution: dt.date
    decision_before: dt.date
    resolution_before: dt.date
    as_of: dt.date
    first_decision: dt.date
    first_resolution: dt.date


def _deadline_q(step: str, since: str, due: str, days: _Deadlines, resolved: str = "") -> Q:
    """Candidates (at `step` since `since`, the next deadline `due`, the cell's resolution on
    `resolved` (default `since`): field names) whose ceremony the deadlines still put on or
    before 31/12 of the year, and whose next deadline has not passed on the report's day
    (see finishable_candidates). At the committee's resolution the decision is still due 60
    working days from the cell's (its own date restarts nothing)."""
    resolution = resolved or since
    resolutions = Q(**{f"{step}__in": [Step.CELL_RESOLUTION, Step.COMMITTEE_RESOLUTION]}) & (
        Q(**{f"{due}__lte": days.last_decision, f"{due}__gte": days.as_of})
        | Q(
            **{
                f"{due}__isnull": True,
                f"{resolution}__lt": days.resolution_before,
                f"{resolution}__gte": days.first_resolution,
            }
        )
    )
    decided = Q(**{step: Step.DECISION}) & (
        Q(**{f"{due}__lte": dt.date(days.year, 12, 31), f"{due}__gte": days.as_of})
        | Q(**{f"{due}__isnull": True, f"{since}__lt": days.decision_before, f"{since}__gte": days.first_decision})
    )
    return resolutions | decided | Q(**{f"{step}__gte": Step.CEREMONY})


def finishable_candidates(year: int, as_of: dt.date, day: dt.date | None = None):
    """The candidates of the pipeline the deadlines still bring to the ceremony by 31/12 of
    `year` (a queryset; None once the year is over), and whether the report's day is
    "late" (see deadline_days). One query (the holidays). `day`: the pipeline as it stood
    on that day (counting.pipeline_on), each candidate at the step they had then.

    A candidate's next deadline is `Candidate.due_on` (kept by the services): at the
    resolutions, the decision's (60 working days from the cell's resolution); at the
    decision, the ceremony's (30 working days from it). Finishable: at a resolution with
    the decision due by the last decision day, or at the decision with the ceremony due by
    31/12. Without a due date (imported; a step of a past day taken since), the date its
    deadline runs from against the same last days: the cell's resolution at either
    resolution (a file without its record: the step's date), the decision at the decision.
    The deadlines are the longest the statute allows: a candidate may go faster, so this is
    the count the board can rely on, not a ceiling. A candidate whose deadline passed
    before the report's day (overdue: the decision due in October, still awaited on 30/12)
    is not: the statute no longer says when they finish. They stay in the pipeline (the
    forecast), and a target that needs them reads at risk, not on track."""
    if as_of >= dt.date(year, 12, 31):
        return None, True
    dec31, rules = dt.date(year, 12, 31), settings.ADMISSION_RULES
    # The holidays from the first day a deadline running to the report's day may start.
    holidays = calendar_between(min(dec31 - dt.timedelta(days=250), as_of - dt.timedelta(days=130)), dec31)
    last_decision, last_resolution, late = deadline_days(year, as_of, holidays)
    days = _Deadlines(
        year,
        last_decision,
        last_resolution,
        decision_before=add_working_days(last_decision, 1, holidays),
        resolution_before=add_working_days(last_resolution, 1, holidays),
        as_of=as_of,
        first_decision=add_working_days(as_of, -rules["CEREMONY_WORKING_DAYS"], holidays),
        first_resolution=add_working_days(as_of, -rules["DECISION_WORKING_DAYS"], holidays),
    )
    if day is None:
        live = Q(archived_at__isnull=True, outcome=Outcome.IN_PROGRESS)
        return Candidate.objects.filter(live & _deadline_q("step", "step_date", "due_on", days)), late
    # The step each had on the day: their present one if taken by then, else the last recorded by then.
    latest = StepRecord.objects.filter(candidate=OuterRef("pk"), date__lte=day).order_by("-step", "-date")
    resolution = StepRecord.objects.filter(candidate=OuterRef("pk"), step=Step.CELL_RESOLUTION, date__lte=day)
    taken = Q(step_date__lte=day)
    road = counting.pipeline_on(Candidate.objects.all(), day).annotate(
        step_then=Case(When(taken, then=F("step")), default=Subquery(latest.values("step")[:1])),
        since_then=Case(When(taken, then=F("step_date")), default=Subquery(latest.values("date")[:1])),
        due_then=Case(When(taken, then=F("due_on")), default=Value(None, output_field=DateField())),
        # The decision's deadline runs from the cell's resolution (a file without its record: the step's date).
        resolved_then=Coalesce(Subquery(resolution.values("date")[:1]), "since_then"),
    )
    q = _deadline_q("step_then", "since_then", "due_then", days, "resolved_then")
    return road.filter(q), late


def _candidate_counts(
    scope, depths, wanted, year, candidates, counted: CountedUnder | None = None, by_path: Counter | None = None
) -> Counts:
    """`candidates` (a queryset) per (bucket, category) at every depth, each where their
    organization counts today (a merged organization's with its successor): one grouped
    read per organization, rolled up to the wanted paths of every depth. A read per depth
    scanned the candidates once for each (5 s of the national report); rolled up in Python,
    the country's 101,000 grouped rows took 1.3 s: they are rolled up in the same query
    (_rolled_up_sql). `by_path`: a Counter filled with the rows read, every category, per
    organization's path (rolled up here then: the caller needs the rows)."""
    counts = Counts()
    if candidates is None or not depths:
        return counts
    live = (counted or counted_under(scope)).records(candidates)
    grouped = live.values("p", "category").annotate(n=Count("pk")).values_list("p", "category", "n").order_by()
    if by_path is None:
        for bucket, category, n in _rolled_up_sql(grouped, {depth: wanted.get(depth, set()) for depth in depths}):
            counts.add(bucket, year, category, n)
        return counts
    prefixes = WantedPrefixes({depth: wanted.get(depth, set()) for depth in depths})
    for path, category, n in grouped:
        for prefix in prefixes(path):
            counts.add(prefix, year, category, n)
        by_path[path] += n
    return counts


def _rolled_up_sql(grouped, wanted: dict[int, set[str]]) -> Iterator[tuple[str, str, int]]:
    """Rows (bucket, category, n) of `grouped` (a query of rows (p, category, n) per
    organization's path) summed under the wanted paths of every depth (`wanted`: {depth:
    paths}; those of a depth listed when they are few, as in _tally), in one query: the
    grouped rows are read once (a common table expression) and summed per depth."""
    inner, params = grouped.query.sql_with_params()
    selects = []
    for depth, paths in sorted(wanted.items()):
        if not paths:
            continue
        width = depth * STEP
        where = f"LENGTH(p) >= {width}"
        if len(paths) <= BUCKET_FILTER_LIMIT:
            where += f" AND SUBSTR(p, 1, {width}) IN ({', '.join(['%s'] * len(paths))})"
            params = (*params, *sorted(paths))
        selects.append(
            f"SELECT SUBSTR(p, 1, {width}) AS bucket, category, SUM(n) FROM grouped WHERE {where}"
            f" GROUP BY SUBSTR(p, 1, {width}), category"
        )
    if not selects:
        return
    sql = f"WITH grouped (p, category, n) AS ({inner}) " + " UNION ALL ".join(selects)
    with connections[grouped.db].cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(20_000):
            yield from batch


def rolled_up(by_path: Counter, paths) -> dict[str, int]:
    """Counts per organization's path (`by_path`) summed under each of `paths`."""
    wanted: dict[int, set[str]] = defaultdict(set)
    for path in paths:
        wanted[len(path) // STEP].add(path)
    totals, prefixes = dict.fromkeys(paths, 0), WantedPrefixes(wanted)
    for path, n in by_path.items():
        for prefix in prefixes(path):
            totals[prefix] += n
    return totals


def recorded_years(first_year: int, year: int) -> set[int]:
    """The years from `first_year` to `year` the records hold admissions for anywhere (the
    tallies of the trees' roots, whatever a report's scope or day): kept here, so an
    organization without an admission that year reads 0 (_Computation.known). One query."""
    rows = Tally.objects.filter(kind=Tally.Kind.ADMITTED, depth=1, n__gt=0, year__gte=first_year, year__lte=year)
    return set(rows.values_list("year", flat=True).distinct())


def recorded_paths(scope: Organization, year: int) -> set[str]:
    """The paths under the scope with admissions recorded in `year` (the tallies, today's
    tree): one query."""
    rows = Tally.objects.filter(kind=Tally.Kind.ADMITTED, year=year, path__startswith=scope.path).exclude(n=0)
    return set(rows.values_list("path", flat=True))


def entered_above(scope: Organization, first_year: int, year: int, tree=None) -> set[int]:
    """The years from `first_year` to `year` for which a count was entered (not 0) at an
    organization above the scope, or at one merged into it (whose results count there),
    in the tree of the count day (`tree`, reports/past.py; else today's): below it the
    records do not tell each organization's year (_Computation.known). One query; three
    from the tree of a day."""
    results = HistoricalResult.objects.filter(first_year__isnull=True, year__gte=first_year, year__lte=year)
    results = results.filter(count__gt=0)
    if tree is None:
        above = [scope.path[:end] for end in range(STEP, len(scope.path), STEP)]
        results = results.annotate(p=counting_path("organization__")).filter(p__in=above)
    else:
        from .. import past

        above = set(past.above(tree))
        above |= {pk for pk, successor in successors_on(tree.day).items() if successor in above}
        results = results.filter(organization_id__in=above)
    if not above:
        return set()
    return set(results.values_list("year", flat=True).distinct())


def entered_over(scope: Organization, years: set[int], tree=None) -> dict[int, set[str]]:
    """{year: the paths under the scope, in the tree of the count day (`tree`, else today's),
    whose figure of that year a count entered for it covered}: the records do not tell their
    part of it (_Computation.known). Those of the organizations whose records count under the
    scope that stood at the end of that year under an organization with a count entered for
    it (or under its successor, when it was merged in that year: the count is the
    successor's), and have moved or merged since, with every path above them up to the
    scope (a committee holding such an organization: its own sum is not known either). The
    reorganization of 2025 took the wards of Đà Lạt, whose 191 admissions of 2023 were
    entered for the city, to committees of the province, where nothing now stands above
    them with a count of 2023. The organizations that neither moved nor merged since are
    below their committee of then in today's tree, where `known` looks already. One query;
    two when counts were entered for those years; three or four when some organization
    under the scope moved or merged since (the committees above them then, and their
    successors). A committee dissolved (not merged) in that year holds nobody at its end:
    it covers no one (docs/domain.md §7)."""
    entered = HistoricalResult.objects.filter(first_year__isnull=True, year__in=years, count__gt=0).order_by()
    counted_years = sorted(set(entered.values_list("year", flat=True).distinct()))
    if not counted_years:
        return {}
    ends = {y: dt.date(y, 12, 31) for y in counted_years}
    then = [f"then_{y}" for y in ends]
    on_end = {f"then_{y}": path_as_of(end) for y, end in ends.items()}

    # Those whose records count under the scope now that moved or merged since, at each
    # year's end (the path's prefix first, which an index answers; a merged one counts at
    # its successor's).
    first_end = min(ends.values())
    moved = OrganizationPath.objects.filter(valid_until__gt=first_end).values("organization_id")
    rows = Organization.objects.filter(
        Q(pk__in=moved) | Q(merged_into__isnull=False, dissolved_on__gt=first_end)
    ).order_by()
    if tree is not None:
        rows = rows.filter(pk__among=tree.counted_ids()).annotate(p=Value(""))
    else:
        rows = rows.filter(Q(path__startswith=scope.path) | Q(merged_into__isnull=False))
        rows = rows.annotate(p=counting_path()).filter(p__startswith=scope.path)
    found = []
    for pk, founded_on, p, *paths in rows.annotate(**on_end).values_list("pk", "founded_on", "p", *then):
        where = tree.position(pk) if tree is not None else p
        if where is not None and where.startswith(scope.path):
            found.append((where, founded_on, dict(zip(ends, paths, strict=True))))
    if not found:
        return {}

    # The organizations with a count of a year, at that year's end, or their successors then:
    # only those that held a path above one of these (or were merged) when they are few.
    prefixes = {
        path[:end] for *_, paths in found for path in paths.values() for end in range(STEP, len(path) + 1, STEP)
    }
    holding = entered.values_list("organization_id", "year").distinct()
    if len(prefixes) <= BUCKET_FILTER_LIMIT:
        holding = holding.filter(
            Q(organization__path__in=prefixes)
            | Q(organization__past_paths__path__in=prefixes)
            | Q(organization__merged_into__isnull=False)
        )
    by_year: dict[int, set[int]] = defaultdict(set)
    for pk, y in holding:
        by_year[y].add(pk)
    above: dict[int, set[str]] = defaultdict(set)
    holders = {pk for pks in by_year.values() for pk in pks}
    for _chain in range(4):  # a merger's successor, up to three mergers in a row
        merged_then = []
        rows = Organization.objects.filter(pk__among=holders).order_by().annotate(**on_end)
        for pk, into, dissolved_on, *paths in rows.values_list("pk", "merged_into_id", "dissolved_on", *then):
            for y, path in zip(ends, paths, strict=True):
                if pk not in by_year[y]:
                    continue
                if into is not None and dissolved_on <= ends[y]:
                    merged_then.append((y, into))
                else:
                    above[y].add(path)
        if not merged_then:
            break
        for y, into in merged_then:
            by_year[y].add(into)
        holders = {into for _y, into in merged_then}

    covered: dict[int, set[str]] = defaultdict(set)
    for where, founded_on, paths in found:
        for y, path in paths.items():
            if founded_on is not None and founded_on > ends[y]:
                continue
            if any(path[:end] in above[y] for end in range(STEP, len(path) + 1, STEP)):
                covered[y].update(where[:end] for end in range(len(scope.path), len(where) + 1, STEP))
    return dict(covered)


def _moved_back(
    root: str, day: dt.date, year: int, pipeline: Counts, finishable: Counts, road, finishing, by_path=None
) -> None:
    """The candidates of the pipeline of `day` (`road`; `finishing`: those of them the
    deadlines can still bring to the ceremony, or None) moved to another organization
    after the day by hand (CandidateTransfer), counted where they were that day, as the
    readers of a past day's tree count them (reports/past.py): the tallies and the records
    read in today's tree place them where they are now. A merger's hand-over moves no
    count (the merged organization's candidates count with its successor already). One
    query (counting.moved_after), three more when some moved, for both counts: a report of
    an earlier day asks it (nothing is moved after today).
    `root`: the path the counts are kept under (the scope's); `by_path`: a Counter of the
    pipeline per organization's path (_candidate_counts), moved the same way."""
    moves = counting.moved_after(road, day)
    if not moves:
        return
    ids = {org for _pk, now, then, _category in moves for org in (now, then)}
    paths = dict(Organization.objects.filter(pk__in=ids).annotate(p=counting_path()).values_list("pk", "p"))
    moved = {pk: (paths[now], paths[then], category) for pk, now, then, category in moves}
    moved = {pk: move for pk, move in moved.items() if move[0] != move[1]}  # a merger's: counted there already
    finishes = set()
    if moved and finishing is not None:
        finishes = set(finishing.filter(pk__in=list(moved)).values_list("pk", flat=True))
    for pk, (now, then, category) in moved.items():
        for path, n in ((now, -1), (then, 1)):
            if not path.startswith(root):
                continue
            if by_path is not None:
                by_path[path] += n
            for end in range(len(root), len(path) + 1, STEP):
                pipeline.add(path[:end], year, category, n)
                if pk in finishes:
                    finishable.add(path[:end], year, category, n)


def pipeline_at(paths: list[str], day: dt.date) -> dict[str, int]:
    """The pipeline of `day` (counting.pipeline_on) under each of `paths` in today's tree,
    those moved by hand since where they were: what the failing rows of an inactivity rule
    forecast in a report of a day the pipeline changed since (their tallied pipeline is
    today's), when a FailingList reads them. Two queries."""
    if not paths:
        return {}
    root = os.path.commonprefix(paths)
    root = root[: len(root) // STEP * STEP]
    road = counting.pipeline_on(Candidate.objects.all(), day)
    by_path: Counter = Counter()
    rows = CountedUnder(root, True, None).records(road).values("p").annotate(n=Count("pk")).values_list("p", "n")
    for path, n in rows.order_by():
        by_path[path] += n
    _moved_back(root, day, 0, Counts(), Counts(), road, None, by_path)
    return rolled_up(by_path, paths)


def _pipeline_counts(scope, depths, wanted, year) -> Counts:
    """Candidates past the cell's resolution, per path and category at every depth, from
    the tallies in one query."""
    counts = Counts()
    data = counts.data  # Counts.add inlined (~100,000 rows nationally)
    for _depth, path, _y, category, n in _tally(Tally.Kind.PIPELINE, scope, depths, wanted, None, 0):
        if category:
            data[(path, year, category)] += n
        data[(path, year, "")] += n
    return counts


def members_at_start(scope, subjects: list[Organization], day: dt.date) -> dict[str, int]:
    """The members on `day` (the start of the year: a share of membership's base) under
    each of `subjects` (those with no count of their own), keyed by the subject's path in
    the report's tree: the sum of the latest counts that day of the organizations standing
    then and holding their own members (models.holds_own_members) under it, placed and of
    the forms they had that day. A committee above the grassroots with a count of its own
    that day (a commune committee's 900) is its members, on its own report as in the base
    of every committee above it: its count stands for its subtree there (the counts below
    it are in it, as a grassroots committee's cells are in its count). When the tree
    changed since (a reorganization after 1 January), in the tree of that day: a commune
    merged since still held its members then, and a cell moved under a commune committee
    since was in its grassroots committee's count, not beside it. One query a depth in
    today's tree; five in the tree of the day (that of the scope's root: a subject may
    stand outside the scope)."""
    if not changed_after(day):
        return _grassroots_members(scope, subjects, day)
    # A rule's subject may stand outside the scope (a district's share on a city's report):
    # the tree of its whole root, read by pk.
    tree = tree_on(Organization.objects.get(path=scope.path[:STEP]), day)
    rows = list(
        Organization.objects.filter(alive_on(day), pk__among=tree.paths)
        .annotate(**_members_on(m=day))
        .values_list("pk", "form", "m")
    )
    form_at = {tree.paths[pk]: tree.kinds.get(pk, (form,))[0] for pk, form, _m in rows}
    held = [
        (path, m)
        for pk, form, m in rows
        if m is not None
        and holds_own_members(form_at[path := tree.paths[pk]], form_at.get(path[: -Organization.steplen]))
    ]
    # Committees above the grassroots with their own count that day: theirs replaces their subtree's.
    counted = [
        (path, m) for pk, _form, m in rows if m is not None and form_at[path := tree.paths[pk]] in UPPER_COMMITTEE_FORMS
    ]
    result: dict[str, int] = {}
    for subject in subjects:
        then = tree.paths.get(subject.pk)
        if then is None:
            continue
        tops = [path for path, _m in counted if path.startswith(then) and path != then]
        counts = [
            m for path, m in (*held, *counted) if path.startswith(then) and path != then and not _below_any(path, tops)
        ]
        if counts:  # none counted: no sum (as in today's tree)
            result[subject.path] = sum(counts)
    return result


def _below_any(path: str, committees: list[str]) -> bool:
    """Whether `path` stands strictly under one of `committees` (paths)."""
    return any(len(top) < len(path) and path.startswith(top) for top in committees)


def _grassroots_members(scope, subjects: list[Organization], on: dt.date) -> dict[str, int]:
    """members_at_start in today's tree (unchanged since `on`): per depth, one query (the
    holders' counts summed per subject, beside the committees above the grassroots under
    it with a count of their own, each with the holders' counts under it that its count
    replaces)."""
    result: dict[str, int] = {}
    by_depth: dict[int, set[str]] = defaultdict(set)
    for org in subjects:
        by_depth[org.depth].add(org.path)
    for depth, paths in sorted(by_depth.items()):
        width = depth * STEP
        inside = Organization.objects.filter(alive_on(on), path__startswith=scope.path[: min(len(scope.path), width)])
        rows = holding_own_members(inside).annotate(**_members_on(m=on)).annotate(bucket=Substr("path", 1, width))
        rows = _bucket_filter(rows.order_by(), paths, width)
        sums = rows.values("bucket").annotate(
            top=Value(""), total=Sum("m"), under=Value(0, output_field=IntegerField())
        )
        committees = (
            inside.filter(form__in=UPPER_COMMITTEE_FORMS, depth__gt=depth)
            .annotate(**_members_on(m=on))
            .filter(m__isnull=False)
            .annotate(bucket=Substr("path", 1, width))
        )
        committees = _bucket_filter(committees.order_by(), paths, width).annotate(
            top=F("path"), total=F("m"), under=Coalesce(_holders_under(on), 0)
        )
        union = sums.values_list("bucket", "top", "total", "under").union(
            committees.values_list("bucket", "top", "total", "under"), all=True
        )
        counted: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
        for bucket, top, total, under in union:
            if top:
                counted[bucket].append((top, total, under))
            else:
                result[bucket] = total
        for bucket, found in counted.items():
            tops = [top for top, _m, _under in found]
            for top, m, under in found:
                if not _below_any(top, tops):  # its count replaces the holders' under it
                    result[bucket] = (result.get(bucket) or 0) + m - under
    return result


def _holders_under(on: dt.date) -> Subquery:
    """The sum of the latest counts on `on` of the organizations holding their own members
    standing under the outer row's path (a committee above the grassroots)."""
    under = Organization.objects.filter(alive_on(on), path__startswith=OuterRef(OuterRef("path")))
    holders = holding_own_members(under)
    counts = MemberCount.objects.latest_on(on).filter(organization__in=holders.values("pk")).order_by()
    return Subquery(counts.annotate(s=Func("members", function="SUM")).values("s")[:1], output_field=IntegerField())
