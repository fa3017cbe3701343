"""What the engine answers: plain dataclasses (no HTML, Excel or PDF here; the report
object, reports/report.py, and its renderers read them)."""

import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from organizations.models import Organization
from quotas.models import Plan, Rule

from .. import periods as report_periods
from ..status import Status

if TYPE_CHECKING:
    from organizations.positions import NamesOnDay

    from .failing import FailingList

STEP = Organization.steplen


@dataclass(slots=True)
class YearFigure:
    """A year's figure; `actual` None = no data for that year (see _Computation.known). With
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
    counted in the tree of the report's day). `actual`/`last_year` None: no data. `cut`:
    one of them is None because its span holds part of a year entered as a count (unknown,
    not nothing: a total over it is unknown too)."""

    actual: int | None
    last_year: int | None
    cut: bool = False

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
    # Counted to the day before: a single subject merged or dissolved by then, a rule over
    # many organizations whose issuer ended by then, or a match of one dissolved in the year.
    ended_on: dt.date | None = None

    @property
    def counted_to(self) -> dt.date | None:
        return None if self.ended_on is None else self.ended_on - dt.timedelta(days=1)


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
    # The pipeline its status counts with (past the cell's resolution), read for the row's
    # organization whatever the scope; None for a row whose year is over or not begun.
    forecast: int | None = None


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
    # The committee ended (merged or dissolved) by the count day: the day it ended; every
    # row is counted up to the day before, its last (the quota applied until then).
    subject_ended_on: dt.date | None = None
    # The day before, when it is before the count day: the day its rows are counted to, and
    # their quota's last (it gives them no target for the year; None: the count day).
    counted_to: dt.date | None = None


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
    # The row of the scope itself (Attainment.own): the organizations merged into it, by name.
    merged: list[str] = field(default_factory=list)


@dataclass
class RuleNotApplying:
    """A rule over many organizations issued inside the scope that measures none: no
    organization it applies to stands on the count day (the district committees of a plan
    of 2024, after the 2025 reorganization). `ended`: those of them that ended by then, as
    (day, merged, names) per day they ended on."""

    rule: Rule
    plan: Plan
    sentence: str
    ended: list[tuple[dt.date, bool, list[str]]] = field(default_factory=list)


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
    # What counts at the scope itself beside its children (None when nothing does): the
    # records of the organization itself and of the organizations merged into it.
    own: ChildRow | None
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
    # The years whose entered counts left a period figure unknown ("no data"): part of such
    # a year is in a span of the report (measure._Computation.cut_years).
    cut_years: tuple[int, ...] = ()
    # Organizations renamed after the count day, by their names of that day: the answer's
    # organizations carry them already; the document's header reads those above the scope.
    names: "NamesOnDay | None" = None
    # The rules that apply to no organization standing on the count day (not in `rules`).
    not_applying: list[RuleNotApplying] = field(default_factory=list)
    # Amendments of the plans read that take effect only after the count day: the report
    # counts against what they replaced (quotas.in_force), and says so.
    amended_after: list = field(default_factory=list)

    @property
    def rule_count(self) -> int:
        return len(self.rules)

    @property
    def period_actual(self) -> int | None:
        return self.period_figure.actual if self.period_figure else None


@functools.lru_cache(maxsize=1 << 16, typed=True)
def _pct(part: int, whole: int | None) -> Decimal | None:
    """part ÷ whole in percent, to one decimal, halves up. Integers are divided as integers
    (a national report computes ~120,000 of these; Decimal arithmetic was most of their
    time), the same value; anything else (a negative part, whose -0.0 Decimal keeps) as
    Decimals. Cached: the same pairs recur (e.g. 0 of 1 admitted, 1 of 2)."""
    if not whole:
        return None
    if type(part) is int and type(whole) is int and part >= 0 and whole > 0:
        tenths, rest = divmod(part * 1000, whole)
        if 2 * rest >= whole:
            tenths += 1
        return Decimal(tenths).scaleb(-1)
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
