"""The attainment engine: how every organization in a scope stands against every rule.

One entry point, `attainment(scope=, year=, as_of=)`, returning plain dataclasses. No
HTML, Excel or PDF here: the report object (reports/report.py) and its renderers read
these results.

Query budget (constant in the number of organizations and rules):
* the applicable rules with their plans, issuers and targets (1), their allocation rows
  and sub-quotas as tuples (2),
* the organizations the rules and the drill-down need, annotated with member counts (1),
* whether any organization moved or was merged after the count day (1; when one did, the
  readers of reports/past.py replace the tally reads below),
* admissions: ONE read of the tallies (admissions.Tally: counts kept per node of the tree,
  by year and category) for every depth, each depth over the years it needs (this year;
  last year; the five years shown year on year for the scope, its children and
  single-subject rules; the years an INACTIVITY rule looks back); when the report's day
  is inside the year, the admissions after it, from the records (1, normally empty),
* historical results per depth (a small table) (depths),
* the pipeline: one read of the tallies (1); when the year is not over, the candidates of
  the pipeline who can still finish by 31/12 under the deadlines: the holidays (1) and one
  grouped count for every depth (1) (`_finishable_counts`, for the statuses of
  reports/status.py),
* rules over many organizations that only ask for a size or for recent admissions
  (CELL_SIZE, INACTIVITY over e.g. every cell in the country): how many each measures (1),
  the failing ones, with their figures (1 per kind), the admissions after the report's
  day (1, only when it is inside the year),
* per distinct depth of membership-share subjects without their own count: one grouped
  sum of their grassroots organizations' counts (≤ depths),
* cumulative admissions by month for the scope (1),
* the report period and the same period last year: the admissions of both spans at the
  paths the report shows, every depth in one query (1; `_span_counts`, in the tree the
  rest reads).

Performance notes (national dataset, bench/RESULTS.md "Attainment engine"): no query
joins admissions with the tree except for the months and the days after the report's
day; organizations are built from `values_list` rows (the failing rows of structural
rules as plain `OrganizationRow`s); the year-on-year history is computed only where it is
shown; the cyclic garbage collector is paused during the call.

The tree is the one that stood on the report's count day (its "as of", or 31/12 of a
past year): rules' subjects, roll-ups, children and allocation rows are resolved in it,
and every admission counts where its organization (or, after a merger, its successor)
stood that day, by the category and organization at admission. When nothing moved or
merged after that day, that tree is today's and the tallies hold it; otherwise the
figures are recounted from the records (reports/past.py; one more query says which).
Historical results (counts entered for past years) are added to the records of the same
organization and year: boards enter only what the records do not hold. A total entered
for a period of several years is shown as that period's total, never as one of its
years. A past year without data (see _has_data) reads None ("no data"), never 0.

Statuses are decided in reports/status.py (`count_status`, `share_status`).
"""

import calendar
import copy
import datetime as dt
import gc
import math
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.base import ModelState
from django.db.models.functions import Coalesce, ExtractMonth, Left, Length, Substr

from admissions.models import Admission, Candidate, Outcome, Step, Tally
from admissions.workdays import add_working_days, calendar_between
from organizations.models import GRASSROOTS_FORMS, MemberCount, Organization
from organizations.positions import TreeOnDay, any_merged, changed_after, counting_path, tree_on, tree_state
from quotas.models import Allocation, Plan, Rule, RuleKind, SubQuota, in_force_on
from quotas.sentences import rule_sentence

from . import periods as report_periods
from .models import HistoricalResult
from .status import Period, Status, count_status, share_status

__all__ = ["Status", "attainment"]  # Status lives in reports/status.py; re-exported for the pages

STEP = Organization.steplen
HISTORY_YEARS = 5  # the year itself and four before it
# Above this many organizations at one depth, a grouped query returns every bucket
# instead of listing the wanted ones in an IN clause.
BUCKET_FILTER_LIMIT = 2000
STRUCTURAL = (RuleKind.CELL_SIZE, RuleKind.INACTIVITY)


@dataclass(slots=True)
class YearFigure:
    """A year's figure; `actual` None = no data for that year (see _has_data). With
    `first_year` set, the total of a period of several years entered as one historical
    result ("2020–2023: 03"), ending with `year`: never one of the years."""

    year: int
    actual: int | None
    base: int | None = None
    share: Decimal | None = None
    first_year: int | None = None

    @property
    def is_period(self) -> bool:
        return self.first_year is not None

    @property
    def label(self) -> str:
        return f"{self.first_year}–{self.year}" if self.first_year else str(self.year)


@dataclass(slots=True)
class PeriodFigure:
    """A figure of the report's period beside the same period a year before (both
    counted in the tree of the report's day). `actual`/`last_year` None: no data."""

    actual: int | None
    last_year: int | None

    @property
    def difference(self) -> int | None:
        if self.actual is None or self.last_year is None:
            return None
        return self.actual - self.last_year

    @property
    def percent(self) -> Decimal | None:
        """This period ÷ the same period last year, in percent; None ("—") when last year is 0."""
        if self.actual is None:
            return None
        return _pct(self.actual, self.last_year)


@dataclass(slots=True)
class Measurement:
    """One organization measured against one rule, on its own subtree."""

    org: Organization
    actual: int = 0
    target_min: int | None = None  # counts (for shares: the implied counts)
    target_max: int | None = None
    share_min: Decimal | None = None
    share_max: Decimal | None = None
    implied_min: int | None = None
    implied_max: int | None = None
    planned_total: int | None = None  # what shares were applied to
    planned_from: str = ""  # "plan" | "last_year" | ""
    base: int | None = None  # all admissions (shares) or members at the start of the year
    share: Decimal | None = None  # actual / base in percent
    percent: Decimal | None = None  # progress: actual / target_min in percent
    forecast: int | None = 0  # pipeline: candidates past the cell's resolution (None: the year is over)
    finishable: int = 0  # of those, the ones whose ceremony the deadlines put by 31/12
    expected: int | None = None  # target_min pro rata of the year gone (None: the year is over)
    members: int | None = None  # CELL_SIZE: members as of the date
    last_admission_year: int | None = None  # INACTIVITY
    status: str = Status.MET
    history: list[YearFigure] = field(default_factory=list)
    periods: list[YearFigure] = field(default_factory=list)  # totals entered for periods (2020–2023)
    period: PeriodFigure | None = None  # the report's period beside the same period last year


@dataclass
class RuleResult:
    rule: Rule
    plan: Plan
    sentence: str
    subject: Organization | None  # None for rules over every matching organization
    many: bool
    measurements: "list[Measurement] | FailingList"  # for the rules above: the failing ones only
    status: str
    meeting: int = 0  # how many of the measured organizations meet it
    # Size and inactivity rules over many organizations: a FailingList (counted, read when
    # listed); else may be capped by the caller: see failing_count.
    failing: "list[Measurement] | FailingList" = field(default_factory=list)
    matched: int = 0  # how many organizations the rule measured (measurements may list fewer)

    @property
    def failing_count(self) -> int:
        return self.matched - self.meeting

    @property
    def kind(self) -> str:
        return self.rule.kind

    @property
    def category(self) -> str:
        return self.rule.category

    @property
    def single(self) -> Measurement | None:
        return None if self.many else (self.measurements[0] if self.measurements else None)


@dataclass(slots=True)
class AllocationRow:
    org: Organization
    total: int
    sub_targets: dict[str, int]
    actual: int
    sub_actual: dict[str, int]
    percent: Decimal | None
    status: str
    ended_on: dt.date | None = None  # merged or dissolved on that day: figures up to the day before
    period: PeriodFigure | None = None  # None for an ended row


@dataclass
class AllocationTable:
    rule: Rule
    plan: Plan
    subject: Organization
    target: int | None  # the committee's own total
    allocated: int  # sum of the rows (of the rows inside the scope when partial)
    actual: int | None  # the subject's actual (None when the subject is outside the scope)
    rows: list[AllocationRow]
    partial: bool  # the subject is above the scope: only the rows inside it are shown


@dataclass(slots=True)
class ChildRow:
    org: Organization
    actual: int
    forecast: int | None  # None: the year is over
    last_year: int | None  # None: no data for last year
    target: int | None
    percent: Decimal | None
    status: str | None
    ended_on: dt.date | None = None  # dissolved by the report's day: what is still counted there, no target
    period: PeriodFigure | None = None


@dataclass
class Attainment:
    scope: Organization
    year: int
    as_of: dt.date
    year_fraction: float  # share of the year gone by as_of
    year_over: bool
    actual: int  # all admissions of the scope's subtree this year up to as_of
    forecast: int | None  # None when the year is over: a closed year has no forecast
    target: int | None  # the scope's own total target, if a plan sets one
    rules: list[RuleResult]
    allocations: list[AllocationTable]
    children: list[ChildRow]
    months: list[int | None]  # cumulative admissions at the end of each month (None after as_of)
    history: list[YearFigure]  # the scope's totals, oldest first, ending with this year
    periods: list[YearFigure] = field(default_factory=list)  # totals of periods entered as one figure
    # The report period (reports/periods.py): its admissions, counted from its first day to
    # `period_to` (its last day, or the report's day while it runs), beside those of
    # `same_period` (the same span a year before).
    period: "report_periods.Period | None" = None
    period_to: dt.date | None = None
    same_period: "report_periods.Period | None" = None
    period_figure: PeriodFigure | None = None

    @property
    def rule_count(self) -> int:
        return len(self.rules)

    @property
    def period_actual(self) -> int | None:
        return self.period_figure.actual if self.period_figure else None


# --- helpers -------------------------------------------------------------------------


def _pct(part: int, whole: int | None) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _ceil_share(percent: Decimal, total: int) -> int:
    """Shares imply counts rounded up: 2% of 191 → 4 (seed 001's footnote).

    A positive share asks for at least one admission even when the total is unknown (0).
    """
    implied = math.ceil(Decimal(percent) * total / 100 - Decimal("1e-9"))
    return max(implied, 1) if percent > 0 else implied


def _year_fraction(year: int, as_of: dt.date) -> tuple[float, bool]:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if as_of >= end:
        return 1.0, True
    if as_of < start:
        return 0.0, False
    days = 366 if calendar.isleap(year) else 365
    return ((as_of - start).days + 1) / days, False


def _subject(rule: Rule) -> Organization:
    return rule.target or rule.plan.issuer


def _within(path: str, scope_path: str) -> bool:
    return path.startswith(scope_path)


@dataclass(slots=True)
class _Alloc:
    """One allocation row as the engine reads it."""

    organization_id: int
    total: int
    sub_quotas: dict[str, int]


# --- loading -------------------------------------------------------------------------


def applicable_rules(scope: Organization, year: int, on: dt.date, issuers: list[int] | None = None) -> list[Rule]:
    """Rules of the plans in force on `on` covering `year` (issued, or closed or replaced
    after that day), issued inside the scope or above it (or by `issuers`, the
    organizations inside or above it on an earlier day).

    Each rule gets `allocation_rows`: its allocation rows as light `_Alloc` tuples (read
    with `.values()`: a national report holds ~51,000 of them, too many for model objects).
    """
    if issuers is None:
        by_issuer = Q(plan__issuer__path__startswith=scope.path) | Q(plan__issuer__path__in=scope.ancestor_paths())
    else:
        by_issuer = Q(plan__issuer__in=issuers)
    rules = list(
        Rule.objects.filter(by_issuer, in_force_on(on, "plan__"), plan__first_year__lte=year)
        .filter(Q(plan__last_year__isnull=True) | Q(plan__last_year__gte=year))
        .select_related("plan__issuer", "target")
        # Plans without an issue date first on every database (as reports/past.py sorts them).
        .order_by("plan__issuer__depth", F("plan__issued_on").asc(nulls_first=True), "plan_id", "order", "pk")
    )
    by_rule: dict[int, list[_Alloc]] = {rule.pk: [] for rule in rules}
    by_allocation: dict[int, _Alloc] = {}
    for pk, rule_id, organization_id, total in (
        Allocation.objects.filter(rule__in=[rule.pk for rule in rules])
        .order_by("rule_id", "order", "pk")
        .values_list("pk", "rule_id", "organization_id", "total")
    ):
        allocation = _Alloc(organization_id, total, {})
        by_rule[rule_id].append(allocation)
        by_allocation[pk] = allocation
    if by_allocation:
        for allocation_id, category, count in (
            SubQuota.objects.filter(allocation__rule__in=[rule.pk for rule in rules])
            .order_by("pk")
            .values_list("allocation_id", "category", "count")
        ):
            by_allocation[allocation_id].sub_quotas[category] = count
    for rule in rules:
        rule.allocation_rows = by_rule[rule.pk]
    return rules


def _selector_signature(rule: Rule) -> tuple:
    depth = rule.plan.issuer.depth + rule.depth if rule.depth else None
    return (tuple(sorted(rule.forms or [])), tuple(sorted(rule.sectors or [])), depth)


def _signature_q(signature: tuple) -> Q:
    forms, sectors, depth = signature
    q = Q()
    if forms:
        q &= Q(form__in=forms)
    if sectors:
        q &= Q(sector__in=sectors)
    if depth:
        q &= Q(depth=depth)
    return q


def _matches(org: Organization, signature: tuple) -> bool:
    forms, sectors, depth = signature
    return (
        (not forms or org.form in forms)
        and (not sectors or org.sector in sectors)
        and (not depth or org.depth == depth)
    )


def _kind_matches(form: str, sector: str, depth: int, signature: tuple) -> bool:
    """`_matches` for an organization's (form, sector, depth)."""
    forms, sectors, wanted = signature
    return (not forms or form in forms) and (not sectors or sector in sectors) and (not wanted or depth == wanted)


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
        return _admissions(first_day, last_day).filter(organization_id__in=tree.counted_ids())
    return _admissions_now(scope, first_day, last_day)


def _admissions(first_day: dt.date, last_day: dt.date):
    return Admission.objects.filter(
        archived_at__isnull=True, ceremony_date__gte=first_day, ceremony_date__lte=last_day
    ).order_by()


def _admissions_now(scope: Organization, first_day: dt.date, last_day: dt.date, merged: bool | None = None):
    """admissions_in, in today's tree: annotated `p`, the path each counts under now
    (`merged`: whether any organization was merged, if the caller knows)."""
    rows = _admissions(first_day, last_day)
    if not (any_merged() if merged is None else merged):
        return rows.filter(organization__path__startswith=scope.path).annotate(p=F("organization__path"))
    rows = rows.filter(Q(organization__path__startswith=scope.path) | Q(organization__merged_into__isnull=False))
    return rows.annotate(p=counting_path("organization__")).filter(p__startswith=scope.path)


ORG_ANNOTATIONS = ("members", "members_now")


def _light_organizations(queryset, annotations) -> list[Organization]:
    """The queryset's organizations, built from `values_list` rows without Model.__init__
    (a national report loads ~300,000 of them; __init__ and its per-field setattr were a
    third of the time). The instances are ordinary: every concrete field and the
    annotations are set, `_state` says they come from the database."""
    names = [f.attname for f in Organization._meta.concrete_fields] + list(annotations)
    db = queryset.db
    new = Organization.__new__
    result = []
    for row in queryset.values_list(*names):
        org = new(Organization)
        state = ModelState()
        state.adding, state.db = False, db
        org.__dict__.update(zip(names, row, strict=True))
        org._state = state
        result.append(org)
    return result


@dataclass(slots=True, eq=False)
class OrganizationRow:
    """An organization as a failing row of a structural rule lists it (e.g. one of 77,000
    cells below ten members in the country): the fields reports show, without a model
    instance (building those was 7 µs a row, most of the time of a national report)."""

    pk: int
    path: str
    name: str
    code: str
    depth: int
    form: str
    sector: str
    figures: tuple  # the annotations asked for, in order
    parent: str = ""  # the parent's name, where asked for: names like "Chi bộ thôn 1" repeat

    @property
    def id(self) -> int:
        return self.pk

    def __str__(self):
        return self.name

    def __eq__(self, other):  # the same organization as a row or as a model instance
        return isinstance(other, OrganizationRow | Organization) and other.pk == self.pk

    def __hash__(self):
        return hash(self.pk)


def _raw_rows(queryset):
    """The rows of a `values_list` queryset straight from the cursor: without Django's
    per-value converters (the integer annotations' were 0.2 s of a national report).
    Only for columns the driver returns as Python values already on every backend:
    integers and text (SQLite returns dates as text)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # e.g. `pk__in` an empty list: Django knows no row matches
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


ROW_FIELDS = ("pk", "path", "name", "code", "depth", "form", "sector")


def _with_parent(queryset):
    parent = Organization.objects.filter(path=Left(OuterRef("path"), Length(OuterRef("path")) - STEP))
    return queryset.annotate(parent_name=Subquery(parent.values("name")[:1]))


def _organization_rows(queryset, annotations, with_parent: bool = False) -> list[OrganizationRow]:
    fields = ROW_FIELDS
    width = len(fields)
    if with_parent:
        queryset = _with_parent(queryset)
        return [
            OrganizationRow(*row[:width], row[width:-1], row[-1] or "")
            for row in _raw_rows(queryset.values_list(*fields, *annotations, "parent_name"))
        ]
    return [
        OrganizationRow(*row[:width], row[width:]) for row in _raw_rows(queryset.values_list(*fields, *annotations))
    ]


class _Counts:
    """Grouped counts keyed by (bucket path, year, category); '' = every category."""

    def __init__(self):
        self.data: dict[tuple[str, int, str], int] = defaultdict(int)
        self.recorded_years: set[int] = set()

    def add(self, path, year, category, n, total=True):
        if category:
            self.data[(path, year, category)] += n
        if total:
            self.data[(path, year, "")] += n

    def get(self, path, year, category="") -> int:
        return self.data.get((path, year, category or ""), 0)


def _bucket_filter(queryset, paths: set[str], width: int):
    if paths and len(paths) <= BUCKET_FILTER_LIMIT:
        return queryset.filter(bucket__in=sorted(paths))
    return queryset


def _tally(kind, scope, depths, wanted, since: dict[int, int] | None, year: int) -> list[tuple]:
    """Rows (depth, path, year, category, n) of admissions.Tally for every depth, in one query:
    inside the scope, from `since[depth]` to `year`, only the wanted paths when they are few."""
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
        return []
    with connections[Tally.objects.db].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        return cursor.fetchall()


def _after_count_day(scope, year, count_day, merged: bool | None = None) -> Counter:
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
        _admissions_now(scope, first_day, last_day, merged)
        .values("p", "category")
        .annotate(n=Count("pk"))
        .values_list("p", "category", "n")
    ):
        for end in range(STEP, len(path) + 1, STEP):
            after[(path[:end], category)] += n
    return after


def _admission_counts(scope, depths, wanted, since: dict[int, int], year, after: Counter) -> _Counts:
    """Admissions from 1 January of `since[depth]` to the count day per (path, year,
    category) at every depth: read from the tallies (one query) less `after` (those after
    the count day, see _after_count_day)."""
    counts = _Counts()
    data = counts.data  # _Counts.add inlined: a national report reads ~300,000 rows
    for _depth, path, y, category, n in _tally(Tally.Kind.ADMITTED, scope, depths, wanted, since, year):
        data[(path, y, category)] += n
        data[(path, y, "")] += n
    # The years the records hold admissions for in the scope (whole years: see _has_data).
    counts.recorded_years = {y for (path, y, category) in data if path == scope.path and not category}
    for (path, category), n in after.items():
        if len(path) // STEP in depths:
            counts.add(path, year, category, -n)
    return counts


def _historical_counts(
    scope, depths, wanted, first_year, last_year, counts: _Counts, periods=None, merged: bool | None = None
) -> None:
    """Add historical results; a blank-category row is the total of its organization and year.

    A total over several years (`first_year` set, e.g. 2020–2023) is no year's figure: it
    goes to `periods` ({(bucket, first year, last year, category): n}), not to `counts`.
    A row, even of 0, makes its key present in `counts` ("entered": see _has_data)."""
    blank = HistoricalResult.objects.annotate(span=Coalesce("first_year", 0)).filter(
        organization=OuterRef("organization_id"),
        year=OuterRef("year"),
        category="",
        span=Coalesce(OuterRef("first_year"), 0),
    )
    # Where each result counts: its organization, or after a merger its successor.
    base = HistoricalResult.objects.filter(year__gte=first_year, year__lte=last_year).annotate(
        p=counting_path("organization__") if (any_merged() if merged is None else merged) else F("organization__path")
    )
    base = base.filter(p__startswith=scope.path).annotate(covered=Exists(blank)).order_by()
    for depth in sorted(depths):
        width = depth * STEP
        rows = _bucket_filter(base.annotate(bucket=Substr("p", 1, width)), wanted.get(depth, set()), width)
        for bucket, year, category, covered, first, n in (
            rows.values("bucket", "year", "category", "covered", "first_year")
            .annotate(n=Sum("count"))
            .values_list("bucket", "year", "category", "covered", "first_year", "n")
        ):
            if first is not None:
                if periods is not None:
                    if category:
                        periods[(bucket, first, year, category)] += n
                    if not (category and covered):
                        periods[(bucket, first, year, "")] += n
                continue
            # A category row under a blank (total) row is already in that total.
            counts.add(bucket, year, category, n, total=not (category and covered))


def _deadline_days(year: int, as_of: dt.date) -> tuple[dt.date, dt.date, bool]:
    """The last days, by the deadlines (ADMISSION_RULES), from which a candidate still
    reaches the ceremony by 31/12: the decision (CEREMONY_WORKING_DAYS before 31/12) and
    the cell's resolution (DECISION_WORKING_DAYS before that); and whether the report's
    day is past the latter ("late": a resolution passed now no longer finishes this year).
    One query (the holidays of the year's second half)."""
    dec31 = dt.date(year, 12, 31)
    rules = settings.ADMISSION_RULES
    # Public holidays are days off; make-up working Saturdays are working days (as the services count).
    holidays = calendar_between(dec31 - dt.timedelta(days=250), dec31)
    last_decision = add_working_days(dec31, -rules["CEREMONY_WORKING_DAYS"], holidays)
    last_resolution = add_working_days(last_decision, -rules["DECISION_WORKING_DAYS"], holidays)
    return last_decision, last_resolution, as_of > last_resolution


def _finishable_filter(year: int, as_of: dt.date) -> tuple[Q, bool]:
    """Which candidates of the pipeline the deadlines still bring to the ceremony by 31/12
    of `year` (see _finishable_counts), and whether the report's day is "late" (one query,
    the holidays)."""
    dec31 = dt.date(year, 12, 31)
    last_decision, last_resolution, late = _deadline_days(year, as_of)
    resolutions = Q(step__in=[Step.CELL_RESOLUTION, Step.COMMITTEE_RESOLUTION]) & (
        Q(due_on__lte=last_decision) | Q(due_on__isnull=True, step_date__lte=last_resolution)
    )
    decided = Q(step=Step.DECISION) & (Q(due_on__lte=dec31) | Q(due_on__isnull=True, step_date__lte=last_decision))
    live = Q(archived_at__isnull=True, outcome=Outcome.IN_PROGRESS) & (
        resolutions | decided | Q(step__gte=Step.CEREMONY)
    )
    return live, late


def _finishable_counts(scope, depths, wanted, year, as_of, merged: bool | None = None) -> tuple[_Counts, bool]:
    """Candidates past the cell's resolution (the pipeline) whose ceremony the deadlines
    still put on or before 31/12 of `year`, per (bucket, category) at every depth, and
    whether the report's day is "late" (see _deadline_days). Two queries (the holidays,
    then one grouped count for every depth); none for a closed year.

    A candidate's next deadline is `Candidate.due_on` (kept by the services): at the
    resolutions, the decision's (60 working days from the cell's resolution); at the
    decision, the ceremony's (30 working days from it). Finishable: at a resolution with
    the decision due by the last decision day, or at the decision with the ceremony due by
    31/12. Without a due date (imported), the step's date against the same last days.
    The deadlines are the longest the statute allows: a candidate may go faster, so this
    is the count the board can rely on, not a ceiling."""
    counts = _Counts()
    dec31 = dt.date(year, 12, 31)
    if as_of >= dec31 or not depths:
        return counts, True
    finishable, late = _finishable_filter(year, as_of)
    if any_merged() if merged is None else merged:  # a merged organization's candidates count with its successor
        live = Candidate.objects.annotate(p=counting_path("organization__"))
    else:
        live = Candidate.objects.annotate(p=F("organization__path"))
    live = live.filter(finishable, p__startswith=scope.path)
    grouped = []
    for depth in sorted(depths):
        width = depth * STEP
        rows = live.annotate(bucket=Substr("p", 1, width)).order_by()
        rows = _bucket_filter(rows, wanted.get(depth, set()), width)
        grouped.append(
            rows.values("bucket", "category").annotate(n=Count("pk")).values_list("bucket", "category", "n").order_by()
        )
    for bucket, category, n in grouped[0].union(*grouped[1:], all=True).order_by():
        counts.add(bucket, year, category, n)
    return counts, late


def _has_data(counts: _Counts, recorded_years: set[int], path: str, year: int) -> bool:
    """Whether an organization has a figure for `year`: the records hold admissions that
    year somewhere in the report's scope (so they are kept here, and nothing means 0), or a
    historical result (even 0) was entered for that year for the organization or inside
    its subtree. Otherwise the year reads "no data", never 0. Totals of periods
    (2020–2023) are no year's figure."""
    return year in recorded_years or (path, year, "") in counts.data


def _pipeline_counts(scope, depths, wanted, year) -> _Counts:
    """Candidates past the cell's resolution, per path and category at every depth, from
    the tallies in one query."""
    counts = _Counts()
    for _depth, path, _y, category, n in _tally(Tally.Kind.PIPELINE, scope, depths, wanted, None, 0):
        counts.add(path, year, category, n)
    return counts


def _grassroots_members(scope, subjects: list[Organization], on: dt.date) -> dict[str, int]:
    """Sum of grassroots organizations' latest counts under each subject, per depth."""
    result: dict[str, int] = {}
    by_depth: dict[int, set[str]] = defaultdict(set)
    for org in subjects:
        by_depth[org.depth].add(org.path)
    latest = MemberCount.objects.filter(organization=OuterRef("pk"), as_of__lte=on).order_by("-as_of")
    for depth, paths in sorted(by_depth.items()):
        width = depth * STEP
        rows = (
            Organization.objects.filter(path__startswith=scope.path[: min(len(scope.path), width)])
            .filter(form__in=GRASSROOTS_FORMS)
            .annotate(m=Subquery(latest.values("members")[:1], output_field=IntegerField()))
            .annotate(bucket=Substr("path", 1, width))
            .order_by()
        )
        rows = _bucket_filter(rows, paths, width)
        result.update(dict(rows.values("bucket").annotate(total=Sum("m")).values_list("bucket", "total")))
    return result


def _monthly(scope, year, as_of, tree: TreeOnDay | None, merged: bool | None = None) -> list[int | None]:
    if tree is not None:
        from . import past

        counts = past.monthly(tree, year, as_of)
    else:
        counts = dict(
            _admissions_now(scope, dt.date(year, 1, 1), min(as_of, dt.date(year, 12, 31)), merged)
            .annotate(m=ExtractMonth("ceremony_date"))
            .values("m")
            .annotate(n=Count("pk"))
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


def _span_counts(scope, spans, wanted: dict[int, set[str]], tree: TreeOnDay | None, merged: bool) -> list[Counter]:
    """Admissions (not archived) with ceremony dates in each span [first, last], per
    (path, category) and (path, "") at the wanted paths of each depth, every admission
    placed where its organization (or its successor) stood on the report's count day:
    the tree the rest of the report reads (`tree`, or today's when nothing moved since).
    One query for every span and depth."""
    results = [Counter() for _span in spans]
    parts = []
    for i, (first, last) in enumerate(spans):
        if last < first:
            continue
        rows = _admissions(first, last)
        if tree is not None:
            parts.append(
                rows.filter(organization_id__in=tree.counted_ids())
                .values("organization_id", "category")
                .annotate(n=Count("pk"), s=Value(i))
                .values_list("organization_id", "category", "n", "s")
                .order_by()
            )
            continue
        if merged:
            inside = Q(organization__path__startswith=scope.path) | Q(organization__merged_into__isnull=False)
            rows = rows.filter(inside).annotate(p=counting_path("organization__")).filter(p__startswith=scope.path)
        else:
            rows = rows.filter(organization__path__startswith=scope.path).annotate(p=F("organization__path"))
        for depth in sorted(wanted):
            width = depth * STEP
            grouped = _bucket_filter(rows.annotate(bucket=Substr("p", 1, width)), wanted[depth], width)
            parts.append(
                grouped.values("bucket", "category")
                .annotate(n=Count("pk"), s=Value(i))
                .values_list("bucket", "category", "n", "s")
                .order_by()
            )
    if not parts:
        return results
    for key, category, n, i in parts[0].union(*parts[1:], all=True).order_by():
        counts = results[i]
        if tree is None:
            if key in wanted.get(len(key) // STEP, ()):
                if category:
                    counts[(key, category)] += n
                counts[(key, "")] += n
            continue
        path = tree.position(key)
        if path is None:
            continue
        for end in range(len(tree.root), len(path) + 1, STEP):
            prefix = path[:end]
            if prefix in wanted.get(end // STEP, ()):
                if category:
                    counts[(prefix, category)] += n
                counts[(prefix, "")] += n
    return results


def _many_structural(rule: Rule) -> bool:
    return rule.applies_to_each and rule.kind in STRUCTURAL


def _anchor(rule: Rule, scope: Organization) -> str:
    """Where a rule over many organizations looks from: the scope for rules from above it
    (they apply to the part of the tree inside it), else the issuer."""
    issuer = rule.plan.issuer
    return scope.path if _within(scope.path, issuer.path) else issuer.path


def _alive_on(day: dt.date) -> Q:
    return (Q(founded_on__isnull=True) | Q(founded_on__lte=day)) & (
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=day)
    )


@dataclass(frozen=True)
class _FailingSpec:
    """Which organizations fail one size or inactivity rule over many organizations: those
    under `anchor` (and the anchor itself when `own_pk` is set) matching the signature and
    below `threshold` members, or without admissions for `threshold` years, on the count day."""

    kind: str
    signature: tuple
    threshold: int
    anchor: str
    own_pk: int | None
    year: int
    count_day: dt.date
    first_year: int
    status: str  # of each failing organization
    target_min: int | None  # CELL_SIZE: the rule's minimum, shown in each row


def _members_on(day: dt.date) -> Subquery:
    """An organization's latest member count on or before `day` (None without one)."""
    latest = MemberCount.objects.filter(organization=OuterRef("pk"), as_of__lte=day).order_by("-as_of")
    return Subquery(latest.values("members")[:1], output_field=IntegerField())


def _failing(kind, signature, threshold, within: str, year, count_day):
    """Alive organizations under the path `within` matching `signature` and failing the rule
    on the count day (nothing after the count day: see _structural)."""
    rows = (
        Organization.objects.filter(path__startswith=within)
        .filter(_alive_on(count_day), _signature_q(signature))
        .order_by()
    )
    if kind == RuleKind.CELL_SIZE:
        return rows.annotate(members_now=_members_on(count_day)).filter(
            Q(members_now__isnull=True) | Q(members_now__lt=threshold)
        )
    window = year - threshold + 1
    # Two NOT EXISTS, not NOT (… OR …): PostgreSQL then runs each as an anti-join.
    return rows.exclude(
        Exists(
            Tally.objects.filter(
                kind=Tally.Kind.ADMITTED, path=OuterRef("path"), n__gt=0, year__gte=window, year__lte=year
            )
        )
    ).exclude(
        Exists(
            HistoricalResult.objects.filter(
                organization__path__startswith=OuterRef("path"), count__gt=0, year__gte=window, year__lte=year
            )
        )
    )


def _tally_sum(kind: str, year: int) -> Subquery:
    """An organization's tallied count of `kind` in `year` (every category)."""
    rows = Tally.objects.filter(kind=kind, path=OuterRef("path"), year=year).values("path").annotate(s=Sum("n"))
    return Subquery(rows.values("s")[:1], output_field=IntegerField())


def _idle_figures(first_year: int, last_recorded: int, year: int) -> dict:
    """What an idle organization's row shows: the latest year with admissions on record
    (from first_year to last_recorded) and with historical results entered (to year), and
    its pipeline."""
    recorded = Tally.objects.filter(kind=Tally.Kind.ADMITTED, path=OuterRef("path"), n__gt=0)
    entered = HistoricalResult.objects.filter(organization__path__startswith=OuterRef("path"), count__gt=0)
    return {
        "recorded": Subquery(
            recorded.filter(year__gte=first_year, year__lte=last_recorded).order_by("-year").values("year")[:1]
        ),
        "entered": Subquery(entered.filter(year__gte=first_year, year__lte=year).order_by("-year").values("year")[:1]),
        "forecast": _tally_sum(Tally.Kind.PIPELINE, 0),
    }


def _failing_page(spec: _FailingSpec, limit: int, after_path: str | None = None) -> list[Measurement]:
    """Up to `limit` failing organizations of one rule in path order, from `after_path` on."""
    depth = len(spec.anchor) // STEP
    rows = _failing(spec.kind, spec.signature, spec.threshold, spec.anchor, spec.year, spec.count_day)
    rows = rows.filter(Q(depth__gt=depth) | Q(pk=spec.own_pk or 0))
    if after_path is not None:
        rows = rows.filter(path__gt=after_path)
    if spec.kind == RuleKind.CELL_SIZE:  # members only: a size rule's table shows no admissions
        found = _organization_rows(rows.order_by("path")[:limit], ("members_now",), with_parent=True)
    else:
        rows = rows.annotate(**_idle_figures(spec.first_year, spec.year, spec.year))
        found = _organization_rows(rows.order_by("path")[:limit], ("recorded", "entered", "forecast"), with_parent=True)
    return _failing_measurements(spec, found)


def _failing_measurements(spec: _FailingSpec, found: list["OrganizationRow"]) -> list[Measurement]:
    if spec.kind == RuleKind.CELL_SIZE:
        return [
            Measurement(org=org, status=spec.status, target_min=spec.target_min, members=org.figures[0])
            for org in found
        ]
    return [
        Measurement(
            org=org,
            forecast=org.figures[2] or 0,
            last_admission_year=max(org.figures[0] or 0, org.figures[1] or 0) or None,
            status=spec.status,
        )
        for org in found
    ]


class FailingList:
    """The organizations failing a size or inactivity rule over many organizations (77,000
    cells below ten members in the country): counted by the engine, read from the database
    when listed, page by page in path order. Behaves as a read-only list of Measurements;
    pickles as its description, not its rows."""

    PAGE = 5000

    def __init__(self, spec: _FailingSpec, count: int, rows: "list[Measurement] | None" = None):
        self.spec, self.count = spec, count
        self.rows = rows  # read with the answer (attainment(list_failing=True)): no query when listed

    def __getstate__(self):  # the description, not the rows (the cache keeps answers)
        return {"spec": self.spec, "count": self.count, "rows": None}

    @property
    def status(self) -> str:
        return self.spec.status if self.count else Status.MET

    def __len__(self) -> int:
        return self.count

    def __bool__(self) -> bool:
        return self.count > 0

    def __iter__(self):
        if not self.count:
            return
        if self.rows is not None:
            yield from self.rows
            return
        after = None
        while True:
            page = _failing_page(self.spec, self.PAGE, after)
            yield from page
            if len(page) < self.PAGE:
                return
            after = page[-1].org.path

    def __getitem__(self, index):
        if self.rows is not None:
            return self.rows[index]
        if isinstance(index, slice):
            start, stop, step = index.indices(self.count)
            return _failing_page(self.spec, stop)[start:stop:step] if start < stop else []
        if index < 0:
            index += self.count
        if not 0 <= index < self.count:
            raise IndexError(index)
        return _failing_page(self.spec, index + 1)[index]

    def __eq__(self, other):
        if isinstance(other, list | tuple | FailingList):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None

    def __repr__(self):
        return f"<FailingList {self.spec.kind} under {self.spec.anchor}: {self.count}>"


def _structural_counted(
    scope, scope_org, rules, year, count_day, first_year, over, under, list_rows: bool = False
) -> dict[int, tuple]:
    """The failing organizations of each rule counted in the database (one grouped query for
    every rule; the rows are read when listed: FailingList). With `list_rows` (a caller that
    lists every failing organization: the JSON), the rows are read instead of counted, one
    query per kind for every rule, and each FailingList holds its own."""
    stale = Status.NOT_MET if over else Status.BEHIND
    groups = sorted(
        {(r.kind, _selector_signature(r), _threshold(r), len(_anchor(r, scope)) // STEP) for r in rules}, key=repr
    )
    if list_rows:
        return _structural_listed(scope, scope_org, rules, year, count_day, first_year, stale, under, groups)
    counted = []
    for i, (kind, signature, threshold, depth) in enumerate(groups):
        rows = _failing(kind, signature, threshold, scope.path, year, count_day).filter(depth__gte=depth)
        counted.append(
            rows.annotate(
                g=Value(i),
                bucket=Substr("path", 1, depth * STEP),
                own=Case(When(depth=depth, then=Value(1)), default=Value(0)),
            )
            .values("g", "bucket", "own")
            .annotate(n=Count("pk"))
            .values_list("g", "bucket", "own", "n")
        )
    failing: dict[tuple, int] = {}
    for g, bucket, own, n in counted[0].union(*counted[1:], all=True):
        failing[(groups[g][:3], bucket, own)] = n
    results = {}
    for rule in rules:
        signature, anchor, with_scope = _placed(rule, scope, scope_org)
        key = (rule.kind, signature, _threshold(rule))
        count = failing.get((key, anchor, 0), 0) + (failing.get((key, anchor, 1), 0) if with_scope else 0)
        own_pk = scope.pk if with_scope else None
        spec = _failing_spec(rule, signature, anchor, own_pk, year, count_day, first_year, stale)
        matched = under.get((signature, anchor), 0) + (1 if with_scope else 0)
        results[rule.pk] = (matched, FailingList(spec, count))
    return results


def _placed(rule: Rule, scope, scope_org) -> tuple:
    """A structural rule's selector signature, its anchor path in the scope, and whether
    the scope itself is among the organizations it measures."""
    signature, anchor = _selector_signature(rule), _anchor(rule, scope)
    with_scope = anchor == scope.path and scope.path != rule.plan.issuer.path and _matches(scope_org, signature)
    return signature, anchor, with_scope


def _failing_spec(rule: Rule, signature, anchor, own_pk, year, count_day, first_year, stale) -> _FailingSpec:
    cell_size = rule.kind == RuleKind.CELL_SIZE
    return _FailingSpec(
        kind=rule.kind,
        signature=signature,
        threshold=_threshold(rule),
        anchor=anchor,
        own_pk=own_pk,
        year=year,
        count_day=count_day,
        first_year=first_year,
        status=Status.NOT_MET if cell_size else stale,
        target_min=rule.min_count if cell_size else None,
    )


def _structural_listed(scope, scope_org, rules, year, count_day, first_year, stale, under, groups) -> dict[int, tuple]:
    """_structural_counted with the failing rows read (one query per kind, every group of
    rules in it), counted here, and held by each rule's FailingList in path order."""
    by_group: dict[int, list[tuple[OrganizationRow, str, int]]] = defaultdict(list)
    for kind in sorted({g[0] for g in groups}):
        annotations = ("members_now",) if kind == RuleKind.CELL_SIZE else ("recorded", "entered", "forecast")
        parts = []
        for i, (group_kind, signature, threshold, depth) in enumerate(groups):
            if group_kind != kind:
                continue
            rows = _failing(kind, signature, threshold, scope.path, year, count_day).filter(depth__gte=depth)
            if kind != RuleKind.CELL_SIZE:
                rows = rows.annotate(**_idle_figures(first_year, year, year))
            parts.append(
                rows.annotate(
                    g=Value(i),
                    bucket=Substr("path", 1, depth * STEP),
                    own=Case(When(depth=depth, then=Value(1)), default=Value(0)),
                )
            )
        extra = (*annotations, "g", "bucket", "own")
        union = [_with_parent(part).values_list(*ROW_FIELDS, *extra, "parent_name") for part in parts]
        width = len(ROW_FIELDS)
        for row in _raw_rows(union[0].union(*union[1:], all=True)):
            figures = row[width : width + len(annotations)]
            g, bucket, own = row[width + len(annotations) : -1]
            by_group[g].append((OrganizationRow(*row[:width], figures, row[-1] or ""), bucket, own))
    index = {group: i for i, group in enumerate(groups)}
    results = {}
    for rule in rules:
        signature, anchor, with_scope = _placed(rule, scope, scope_org)
        g = index[(rule.kind, signature, _threshold(rule), len(anchor) // STEP)]
        found = sorted(
            (org for org, bucket, own in by_group[g] if bucket == anchor and (not own or with_scope)),
            key=lambda org: org.path,
        )
        own_pk = scope.pk if with_scope else None
        spec = _failing_spec(rule, signature, anchor, own_pk, year, count_day, first_year, stale)
        matched = under.get((signature, anchor), 0) + (1 if with_scope else 0)
        results[rule.pk] = (matched, FailingList(spec, len(found), rows=_failing_measurements(spec, found)))
    return results


def _threshold(rule: Rule) -> int:
    """Members below which a size rule fails; years without admissions an inactivity rule allows."""
    return (rule.min_count or 0) if rule.kind == RuleKind.CELL_SIZE else (rule.years_without or 1)


def _structural(
    scope, scope_org, rules, year, count_day, first_year, over, after_by_category, list_rows: bool = False
) -> dict[int, tuple]:
    """CELL_SIZE and INACTIVITY rules over many organizations (e.g. every cell in the
    country), answered in the database: how many organizations each rule measures (one
    grouped count) and how many fail it (one grouped count: the rows are read when a
    table lists them, FailingList). When some of this year's admissions are after the
    count day, the failing rows are read and checked here instead (one query per kind:
    each with its members or its latest admission year, this year's admissions and the
    pipeline from the tallies). Returns {rule pk: (matched, failing measurements)}."""
    rules = [r for r in rules if _many_structural(r)]
    if not rules:
        return {}
    inside = Organization.objects.filter(path__startswith=scope.path).filter(_alive_on(count_day)).order_by()

    # How many alive organizations each (signature, anchor depth) counts under each anchor.
    # repr: a selector's depth may be None (any depth) beside another rule's number
    groups = sorted({(_selector_signature(r), len(_anchor(r, scope)) // STEP) for r in rules}, key=repr)
    counted = [
        inside.filter(_signature_q(sig), depth__gt=depth)
        .annotate(bucket=Substr("path", 1, depth * STEP), g=Value(i))
        .values("g", "bucket")
        .annotate(n=Count("pk"))
        .values_list("g", "bucket", "n")
        for i, (sig, depth) in enumerate(groups)
    ]
    under: dict[tuple, int] = {}
    for g, bucket, n in counted[0].union(*counted[1:], all=True):
        under[(groups[g][0], bucket)] = n
    if not after_by_category:
        return _structural_counted(scope, scope_org, rules, year, count_day, first_year, over, under, list_rows)
    # Some of this year's admissions are after the count day (a report as of an earlier
    # day): sizes do not depend on them, inactivity does; its rows are read and checked here.
    sizes = [r for r in rules if r.kind == RuleKind.CELL_SIZE]
    idle = [r for r in rules if r.kind == RuleKind.INACTIVITY]
    results = (
        _structural_counted(scope, scope_org, sizes, year, count_day, first_year, over, under, list_rows)
        if sizes
        else {}
    )
    if idle:
        results.update(
            _inactivity_listed(scope, scope_org, idle, year, first_year, over, under, inside, after_by_category)
        )
    return results


def _inactivity_listed(scope, scope_org, rules, year, first_year, over, under, inside, after_by_category) -> dict:
    """INACTIVITY rules over many organizations when some of this year's admissions are
    after the count day (the tallies hold whole years): the organizations idle up to last
    year are read (one query), and this year's admissions less those after the count day
    decide."""
    after: Counter = Counter()
    for (path, _category), n in after_by_category.items():
        after[path] += n
    signatures = {_selector_signature(r) for r in rules}
    window = year - min(r.years_without or 1 for r in rules) + 1
    matching = Q(pk__in=[])
    for signature in signatures:
        matching |= _signature_q(signature)
    recorded = Tally.objects.filter(kind=Tally.Kind.ADMITTED, path=OuterRef("path"), n__gt=0)
    entered = HistoricalResult.objects.filter(organization__path__startswith=OuterRef("path"), count__gt=0)
    # Two NOT EXISTS, not NOT (… OR …): PostgreSQL then runs each as an anti-join.
    rows = (
        inside.filter(matching)
        .exclude(Exists(recorded.filter(year__gte=window, year__lte=year - 1)))
        .exclude(Exists(entered.filter(year__gte=window, year__lte=year)))
        .annotate(**_idle_figures(first_year, year - 1, year), actual=_tally_sum(Tally.Kind.ADMITTED, year))
        .order_by("path")
    )
    found = _organization_rows(rows, ("recorded", "entered", "forecast", "actual"), with_parent=True)
    # The rows strictly under each anchor a rule looks from (the scope's own row apart).
    anchors = {_anchor(r, scope) for r in rules}
    under_anchor: dict[str, list[OrganizationRow]] = defaultdict(list)
    for org in found:
        for end in range(STEP, len(org.path), STEP):
            if org.path[:end] in anchors:
                under_anchor[org.path[:end]].append(org)
    stale = Status.NOT_MET if over else Status.BEHIND
    results = {}
    for rule in rules:
        signature, anchor, with_scope = _placed(rule, scope, scope_org)
        candidates = under_anchor.get(anchor, [])
        if with_scope:
            candidates = [o for o in found if o.pk == scope.pk] + candidates
        failing = []
        for org in candidates:
            if not _matches(org, signature):
                continue
            recorded_year, entered_year, forecast, actual = org.figures
            actual = (actual or 0) - after.get(org.path, 0)
            last = max(year if actual > 0 else 0, recorded_year or 0, entered_year or 0) or None
            if last and last >= year - (rule.years_without or 1) + 1:
                continue
            failing.append(
                Measurement(org=org, actual=actual, forecast=forecast or 0, last_admission_year=last, status=stale)
            )
        results[rule.pk] = (under.get((signature, anchor), 0) + (1 if with_scope else 0), failing)
    return results


# --- the engine ----------------------------------------------------------------------


def attainment(
    *,
    scope: Organization,
    year: int,
    as_of: dt.date,
    period: "report_periods.Period | None" = None,
    list_failing: bool = False,
) -> Attainment:
    """How the scope and every organization inside it stand against every applicable rule
    in `year` up to `as_of`; and the admissions of the report `period` (by default the
    year) beside those of the same period last year. `list_failing`: the caller lists every
    failing organization of the size and inactivity rules (the JSON): they are read with
    the answer, one query per kind, instead of counted and read again per rule."""
    # A national report builds ~1 million objects (organizations, counts, measurements)
    # that hold no reference cycles; the cyclic garbage collector, triggered again and
    # again by those allocations, took a quarter of the time. It is paused for the call
    # (process-wide: other threads' allocations are not collected meanwhile either).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _attainment(scope, year, as_of, period or report_periods.parse(str(year)), list_failing)
    finally:
        if collecting:
            gc.enable()


def _attainment(scope: Organization, year: int, as_of: dt.date, report_period, list_failing=False) -> Attainment:
    fraction, over = _year_fraction(year, as_of)
    jan1 = dt.date(year, 1, 1)
    count_day = min(as_of, dt.date(year, 12, 31))
    # The tree as it stood on the count day: today's (the tallies keep it) unless an
    # organization moved or was merged since; then the figures are recounted from the
    # records with every organization where it stood that day (reports/past.py).
    state = tree_state(count_day)
    tree = tree_on(scope, count_day) if state.changed else None
    if tree is not None:
        from . import past

        scope = copy.copy(scope)
        scope.path, scope.depth = tree.root, len(tree.root) // STEP
        rules = applicable_rules(scope, year, count_day, issuers=[*tree.paths, *past.above(tree)])
        past.place(rules, count_day)
    else:
        rules = applicable_rules(scope, year, count_day)

    # Which organizations are needed: the scope, its children, every rule's subject
    # inside the scope, allocation rows inside it, and every selector's matches.
    pks = {scope.pk}
    signatures = set()
    for rule in rules:
        if _many_structural(rule):
            continue  # answered in the database: _structural
        if rule.applies_to_each:
            signatures.add(_selector_signature(rule))
        elif _within(_subject(rule).path, scope.path):
            pks.add(_subject(rule).pk)
    wanted_q = Q(pk__in=pks) | Q(depth=scope.depth + 1)
    for signature in signatures:
        wanted_q |= _signature_q(signature) & Q(depth__gt=scope.depth)
    # Members at the start of the year (membership shares) and on the count day (CELL_SIZE).
    members = {"members": _members_on(jan1), "members_now": _members_on(count_day)}
    if tree is not None:  # every organization of the scope that day, at its path then
        orgs = past.organizations(tree, _light_organizations, members)
        listed = dict(orgs)
    else:
        orgs_qs = Organization.objects.filter(path__startswith=scope.path).filter(wanted_q).annotate(**members)
        orgs = {org.pk: org for org in _light_organizations(orgs_qs.order_by("path"), ORG_ANNOTATIONS)}
        # Organizations only in allocation tables (inside the scope) are read as rows: name and
        # path are all a table shows (51,000 nationally; model objects were 80 MB of the answer).
        allocated = Allocation.objects.filter(rule__in=[rule.pk for rule in rules]).values("organization_id")
        rows_only = Organization.objects.filter(path__startswith=scope.path, pk__in=allocated).exclude(wanted_q)
        listed = {org.pk: org for org in _organization_rows(rows_only.order_by(), ())}
        listed.update(orgs)
    scope_org = orgs.get(scope.pk, scope)

    # Index selector matches by signature and by the ancestor paths rules look from.
    def anchor_of(rule: Rule) -> str:
        return _anchor(rule, scope)

    anchors: dict[tuple, set[str]] = defaultdict(set)
    for rule in rules:
        if rule.applies_to_each and not _many_structural(rule):
            anchors[_selector_signature(rule)].add(anchor_of(rule))
    alive = [o for o in orgs.values() if o.depth > scope.depth and o.existed_on(count_day)]
    matched: dict[tuple, dict[str, list[Organization]]] = {}
    kinds = {(o.form, o.sector, o.depth) for o in alive}
    for signature in signatures:
        index: dict[str, list[Organization]] = defaultdict(list)
        wanted_anchors = anchors[signature]
        matching = {kind for kind in kinds if _kind_matches(*kind, signature)}
        for org in alive:
            if (org.form, org.sector, org.depth) in matching:
                path = org.path
                for i in range(STEP, len(path), STEP):
                    if path[:i] in wanted_anchors:
                        index[path[:i]].append(org)
        matched[signature] = index

    def matches_of(rule: Rule) -> list[Organization]:
        issuer = rule.plan.issuer
        anchor = anchor_of(rule)
        found = matched[_selector_signature(rule)].get(anchor, [])
        if anchor == scope.path and _matches(scope_org, _selector_signature(rule)) and scope.path != issuer.path:
            found = [scope_org, *found]
        return [o for o in found if o.depth > issuer.depth]

    subjects_by_rule: dict[int, list[Organization]] = {}
    for rule in rules:
        if rule.kind == RuleKind.ALLOCATION and not rule.applies_to_each:
            subject = _subject(rule)
            subjects_by_rule[rule.pk] = [orgs[subject.pk]] if subject.pk in orgs else []
        elif _many_structural(rule):
            subjects_by_rule[rule.pk] = []  # see _structural
        elif rule.applies_to_each:
            subjects_by_rule[rule.pk] = matches_of(rule)
        else:
            subject = _subject(rule)
            subjects_by_rule[rule.pk] = [orgs[subject.pk]] if subject.pk in orgs else []

    # What each organization needs, by depth (one tally query for every depth): this
    # year by category (the scope, its children, rule subjects, allocation rows, matches
    # of count and share rules), from the first year `start` gives the depth: last year
    # (share subjects without a planned total), the years shown year on year (the scope,
    # its children, subjects of single-subject rules; for the matches of a rule over many
    # organizations no history is shown or computed), the years an INACTIVITY rule looks
    # back. Structural rules over many organizations need nothing here (_structural).
    full: dict[int, set[str]] = defaultdict(set)
    start: dict[int, int] = {}
    inactivity = [r.years_without or 0 for r in rules if r.kind == RuleKind.INACTIVITY]
    first_year = year - max([HISTORY_YEARS - 1, *[k - 1 for k in inactivity]])
    history_first = year - HISTORY_YEARS + 1

    def need(org: Organization, since: int = year):
        full[org.depth].add(org.path)
        start[org.depth] = min(start.get(org.depth, year), since)

    children_orgs = [o for o in orgs.values() if o.depth == scope.depth + 1]
    for org in [scope_org, *children_orgs]:
        need(org, history_first)
    for rule in rules:
        each = rule.applies_to_each
        since = first_year if rule.kind == RuleKind.INACTIVITY else year
        if not each:
            since = min(since, history_first)
        elif rule.kind == RuleKind.SHARE_OF_ADMISSIONS:
            since = year - 1  # last year's total when no total is planned
        for org in subjects_by_rule[rule.pk]:
            need(org, since)
        for a in rule.allocation_rows:
            if a.organization_id in listed:
                need(listed[a.organization_id])

    periods: dict[tuple, int] = defaultdict(int)
    if tree is not None:
        actuals, pipeline = _Counts(), _Counts()
        past.admission_counts(tree, actuals, first_year, year, count_day)
        recorded_years = actuals.recorded_years
        past.historical_counts(tree, actuals, first_year, year, periods)
        past.pipeline_counts(tree, pipeline, year)
        if over:
            finishable, late = _Counts(), True
        else:
            finishable, late = past.finishable_counts(tree, year, *_finishable_filter(year, as_of))
        structural = past.structural(
            scope, scope_org, rules, orgs, actuals, pipeline,
            year=year, count_day=count_day, first_year=first_year, over=over, engine=sys.modules[__name__],
        )  # fmt: skip
    else:
        after = _after_count_day(scope, year, count_day, state.merged)
        actuals = _admission_counts(scope, set(full), full, start, year, after)
        recorded_years = actuals.recorded_years
        _historical_counts(scope, set(full), full, first_year, year, actuals, periods, state.merged)
        pipeline = _pipeline_counts(scope, set(full), full, year)
        if over:
            finishable, late = _Counts(), True
        else:
            finishable, late = _finishable_counts(scope, set(full), full, year, as_of, state.merged)
        structural = _structural(scope, scope_org, rules, year, count_day, first_year, over, after, list_failing)
    period = Period(fraction, over, late)

    # The report period beside the same period last year: the admissions of each span, at
    # the paths the report shows, in the same tree (one query). A period from 1 January of
    # the year is the year to date: its figures are the engine's (historical results included).
    period_to, same_period = report_spans(report_period, count_day)
    year_to_date = report_period.start == jan1
    spans = [(report_period.start, period_to)] if not year_to_date else []
    *this_counts, last_counts = _span_counts(
        scope, [*spans, (same_period.start, same_period.end)], full, tree, state.merged
    )
    # Last year's whole year: the engine's figure where it reads one (the scope and its
    # children: "no data" stays None, historical results count).
    whole_last_year = (same_period.start, same_period.end) == (dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31))

    def period_of(path: str, category: str = "", engine_last_year: bool = False) -> PeriodFigure:
        category = category or ""
        if year_to_date:
            actual = actuals.get(path, year, category)
        else:
            actual = this_counts[0].get((path, category), 0)
        if whole_last_year and engine_last_year:
            last = figure(path, year - 1, category)
        else:
            last = last_counts.get((path, category), 0)
        return PeriodFigure(actual, last)

    # Per bucket, the latest year from first_year on with anything counted (INACTIVITY).
    latest_counted: dict[str, int] = {}
    for (path, y, category), n in actuals.data.items():
        if n and not category and first_year <= y <= year and y > latest_counted.get(path, 0):
            latest_counted[path] = y

    def members_at_start(org: Organization) -> int | None:
        return org.members

    need_sum = [
        o for r in rules if r.kind == RuleKind.SHARE_OF_MEMBERSHIP for o in subjects_by_rule[r.pk] if o.members is None
    ]
    if not need_sum:
        grassroots_sum = {}
    elif tree is not None:
        grassroots_sum = past.grassroots_members(orgs, need_sum)
    else:
        grassroots_sum = _grassroots_members(scope, need_sum, jan1)

    # Planned totals: a COUNT rule's minimum, an ALLOCATION rule's total, or an allocation row.
    planned: dict[int, int] = {}
    for rule in rules:
        if rule.kind == RuleKind.ALLOCATION:
            for allocation in rule.allocation_rows:
                planned.setdefault(allocation.organization_id, allocation.total)
    for rule in rules:
        if rule.applies_to_each or rule.category or rule.min_count is None:
            continue
        if rule.kind in (RuleKind.COUNT, RuleKind.ALLOCATION):
            planned[_subject(rule).pk] = rule.min_count

    def figure(path: str, y: int, category: str = "") -> int | None:
        """A year's count, or None without data for that year (the report's year always has)."""
        if y != year and not _has_data(actuals, recorded_years, path, y):
            return None
        return actuals.get(path, y, category)

    def history_of(org: Organization, category: str, with_base: bool) -> list[YearFigure]:
        figures = []
        for y in range(year - HISTORY_YEARS + 1, year + 1):
            n = figure(org.path, y, category)
            base = figure(org.path, y) if with_base else None
            figures.append(YearFigure(y, n, base, _pct(n, base) if with_base and n is not None else None))
        return figures

    def periods_of(org: Organization, category: str) -> list[YearFigure]:
        """Totals entered for periods of several years (seed 002's 2020–2023) overlapping the years shown."""
        return [
            YearFigure(last, n, first_year=first)
            for (path, first, last, c), n in sorted(periods.items(), key=lambda item: item[0][1:3])
            if path == org.path and c == (category or "") and last >= year - HISTORY_YEARS + 1
        ]

    def measure(rule: Rule, org: Organization) -> Measurement:
        """One organization against one rule. Rules over every matching organization get no
        year-on-year history (it is shown for single subjects only)."""
        m = Measurement(org=org)
        category = rule.category
        shown = not rule.applies_to_each
        m.actual = actuals.get(org.path, year, category)
        m.forecast = pipeline.get(org.path, year, category)
        m.finishable = finishable.get(org.path, year, category)
        cap = rule.max_is_cap

        def status_of(low, high):
            return count_status(m.actual, low, high, period, pipeline=m.forecast, finishable=m.finishable, cap=cap)

        kind = rule.kind
        if kind in (RuleKind.COUNT, RuleKind.ALLOCATION):
            m.target_min, m.target_max = rule.min_count, rule.max_count
            m.status, m.expected = status_of(m.target_min, m.target_max)
            if shown:
                m.history = history_of(org, category, False)
        elif kind == RuleKind.SHARE_OF_ADMISSIONS:
            m.share_min, m.share_max = rule.min_percent, rule.max_percent
            m.base = actuals.get(org.path, year)
            m.share = _pct(m.actual, m.base)
            if org.pk in planned:
                m.planned_total, m.planned_from = planned[org.pk], "plan"
            else:
                m.planned_total, m.planned_from = actuals.get(org.path, year - 1), "last_year"
            if m.share_min is not None:
                m.implied_min = _ceil_share(m.share_min, m.planned_total or 0)
            if m.share_max is not None and m.planned_total:
                m.implied_max = math.floor(Decimal(m.share_max) * m.planned_total / 100)
            m.target_min = m.implied_min
            m.status, m.expected = status_of(m.implied_min, None)
            m.status = share_status(m.status, m.share, m.share_min, m.share_max, period, has_base=bool(m.base), cap=cap)
            if shown:
                m.history = history_of(org, category, True)
        elif kind == RuleKind.SHARE_OF_MEMBERSHIP:
            m.share_min, m.share_max = rule.min_percent, rule.max_percent
            members = members_at_start(org)
            if members is None:
                members = grassroots_sum.get(org.path)
            m.base = members
            m.share = _pct(m.actual, members)
            if m.share_min is not None and members:
                m.implied_min = _ceil_share(m.share_min, members)
            if m.share_max is not None and members:
                m.implied_max = math.floor(Decimal(m.share_max) * members / 100)
            m.target_min, m.target_max = m.implied_min, m.implied_max
            m.status, m.expected = status_of(m.implied_min, m.implied_max)
            if shown:
                m.history = history_of(org, category, False)
        elif kind == RuleKind.CELL_SIZE:
            m.target_min = rule.min_count
            m.members = org.members_now
            small = m.members is None or (rule.min_count is not None and m.members < rule.min_count)
            m.status = Status.NOT_MET if small else Status.MET
        elif kind == RuleKind.INACTIVITY:
            k = rule.years_without or 1
            # The latest year with an admission on record or a historical result.
            m.last_admission_year = latest_counted.get(org.path)
            if m.last_admission_year and m.last_admission_year >= year - k + 1:
                m.status = Status.MET
            else:
                m.status = Status.NOT_MET if over else Status.BEHIND
            if shown:
                m.history = history_of(org, "", False)
        if m.target_min and kind not in (RuleKind.CELL_SIZE, RuleKind.INACTIVITY):
            m.percent = _pct(m.actual, m.target_min)
        if over:  # a closed year: no forecast, no pace
            m.forecast, m.expected = None, None
        if shown and kind != RuleKind.CELL_SIZE:
            m.periods = periods_of(org, category if kind != RuleKind.INACTIVITY else "")
        if kind not in STRUCTURAL:
            m.period = period_of(org.path, category)
        return m

    results: list[RuleResult] = []
    tables: list[AllocationTable] = []
    ended = _Ended(rules, year, count_day, state.ended)
    for rule in rules:
        subjects = subjects_by_rule[rule.pk]
        if rule.kind == RuleKind.ALLOCATION:
            table = _allocation_table(
                rule, scope, listed, actuals, year, period, pipeline, finishable, ended, period_of
            )
            if table is not None:
                tables.append(table)
        if _many_structural(rule):
            # Only the failing organizations are listed (the others meet it).
            matched, measurements = structural[rule.pk]
            if not matched:
                continue
        elif not subjects:
            continue
        else:
            measurements = [measure(rule, org) for org in subjects]
            matched = len(measurements)
        if isinstance(measurements, FailingList):  # counted, listed when read
            failing, status = measurements, measurements.status
        else:
            failing = [m for m in measurements if not Status.meets(m.status)]
            status = Status.worst(m.status for m in (failing or measurements))
        results.append(
            RuleResult(
                rule=rule,
                plan=rule.plan,
                sentence=rule_sentence(rule),
                subject=None if rule.applies_to_each else subjects[0],
                many=rule.applies_to_each,
                measurements=measurements,
                status=status,
                meeting=matched - len(failing),
                failing=failing,
                matched=matched,
            )
        )

    children = []
    for org in orgs.values():
        if org.depth != scope.depth + 1 or not _child_on(org, count_day):
            continue
        target = planned.get(org.pk)
        actual = actuals.get(org.path, year)
        forecast = pipeline.get(org.path, year)
        status = None
        ended_on = org.dissolved_on if org.dissolved_on is not None and org.dissolved_on <= count_day else None
        if ended_on is not None:
            # Dissolved: its units moved on and count where they stand; what is still
            # counted here (units dissolved with it) is listed, its target no longer applies.
            target = None
            if not actual and not figure(org.path, year - 1):
                continue
        if target:
            ready = finishable.get(org.path, year)
            status = count_status(actual, target, None, period, pipeline=forecast, finishable=ready)[0]
        children.append(
            ChildRow(
                org=org,
                actual=actual,
                forecast=None if over else forecast,
                last_year=figure(org.path, year - 1),
                target=target,
                percent=_pct(actual, target),
                status=status,
                ended_on=ended_on,
                period=period_of(org.path, engine_last_year=True),
            )
        )
    children.sort(key=lambda c: (c.ended_on is not None, c.org.name))  # the tree of the day: ended last

    return Attainment(
        scope=scope_org,
        year=year,
        as_of=as_of,
        year_fraction=fraction,
        year_over=over,
        actual=actuals.get(scope.path, year),
        forecast=None if over else pipeline.get(scope.path, year),
        target=planned.get(scope.pk),
        rules=results,
        allocations=tables,
        children=children,
        months=_monthly(scope, year, as_of, tree, state.merged),
        history=history_of(scope_org, "", False),
        periods=periods_of(scope_org, ""),
        period=report_period,
        period_to=period_to,
        same_period=same_period,
        period_figure=period_of(scope.path, engine_last_year=True),
    )


def _child_on(org: Organization, day: dt.date) -> bool:
    """Whether a child is listed on a day: founded by then, and not merged (from the day of
    its merger its figures are its successor's). Dissolved children keep their figures."""
    founded = org.founded_on is None or org.founded_on <= day
    merged = org.merged_into_id is not None and org.dissolved_on is not None and org.dissolved_on <= day
    return founded and not merged


class _Ended:
    """Allocation rows (and tables) of organizations merged or dissolved by the count day:
    an issued table keeps its rows, each with what the organization admitted up to its
    last day (when any organization ended by then: one query for which, then one per
    ended organization; a handful after a reorganization, none otherwise)."""

    def __init__(self, rules, year: int, count_day: dt.date, any_ended: bool = True):
        self.year, self.count_day = year, count_day
        pks = {a.organization_id for rule in rules if rule.kind == RuleKind.ALLOCATION for a in rule.allocation_rows}
        pks |= {_subject(rule).pk for rule in rules if rule.kind == RuleKind.ALLOCATION}
        self.on: dict[int, dt.date] = {}
        if pks and any_ended:
            self.on = dict(
                Organization.objects.filter(pk__in=pks, dissolved_on__lte=count_day).values_list("pk", "dissolved_on")
            )
        self._counts: dict[int, Counter] = {}

    def counts(self, org) -> Counter:
        """{category: n, "": total} admitted in the year up to the organization's last day,
        in the tree of that day."""
        if org.pk not in self._counts:
            last_day = self.on[org.pk] - dt.timedelta(days=1)
            organization = Organization.objects.get(pk=org.pk)
            counts: Counter = Counter()
            if last_day.year == self.year:
                rows = admissions_in(organization, dt.date(self.year, 1, 1), min(last_day, self.count_day))
                for category, n in rows.values("category").annotate(n=Count("pk")).values_list("category", "n"):
                    counts[category] += n
                    counts[""] += n
            self._counts[org.pk] = counts
        return self._counts[org.pk]


def _allocation_table(
    rule, scope, orgs, actuals, year, period, pipeline, finishable, ended, period_of
) -> AllocationTable | None:
    """The allocation rows inside the scope. A row's status is the worst of its total's and
    of each sub-quota's ("03 (01 HS)": 3 admitted without the pupil has not met it). A row
    whose organization ended by the count day shows what it admitted up to its last day,
    its year over."""
    subject = _subject(rule)
    partial = not _within(subject.path, scope.path)
    rows = []
    counted, pending, ready = actuals.data, pipeline.data, finishable.data  # ~51,000 rows nationally

    def status_of(path, category, actual, low):
        key = (path, year, category)
        return count_status(actual, low, None, period, pipeline=pending.get(key, 0), finishable=ready.get(key, 0))[0]

    for allocation in rule.allocation_rows:
        org = orgs.get(allocation.organization_id)
        if org is None:  # outside the scope
            continue
        path, total, subs = org.path, allocation.total, allocation.sub_quotas
        ended_on = ended.on.get(org.pk)
        if ended_on is not None:  # its figures up to its last day; its year is over
            figures = ended.counts(org)

            def row_status(category, actual, low):
                return count_status(actual, low, None, Period(1.0, True))[0]

            actual = figures[""]
        else:

            def row_status(category, actual, low, path=path):
                return status_of(path, category, actual, low)

            actual = counted.get((path, year, ""), 0)
        status = row_status("", actual, total)
        sub_actual = {}
        if subs:
            subs = dict(subs)
            if ended_on is not None:
                sub_actual = {category: figures[category] for category in subs}
            else:
                sub_actual = {category: counted.get((path, year, category), 0) for category in subs}
            sub_statuses = [row_status(c, sub_actual[c], n) for c, n in subs.items()]
            status = Status.worst([status, *sub_statuses])
        figure = None if ended_on is not None else period_of(path)
        rows.append(AllocationRow(org, total, subs, actual, sub_actual, _pct(actual, total), status, ended_on, figure))
    if partial and not rows:
        return None
    if partial:
        actual = None
    elif subject.pk in ended.on:
        actual = ended.counts(subject)[""]
    else:
        actual = actuals.get(subject.path, year)
    return AllocationTable(
        rule=rule,
        plan=rule.plan,
        subject=subject,
        target=rule.min_count,
        allocated=sum(r.total for r in rows),
        actual=actual,
        rows=rows,
        partial=partial,
    )
