"""The measurement of the rules of one scope: `_Computation` holds the state of one
computation (the year, the counts read for the scope, the report period's figures) and
measures an organization against a rule (`measure`), reading its year-on-year history
(`history_of`) and its period beside the same period last year (`period_of`)."""

import calendar
import dataclasses
import datetime as dt
import math
from collections import Counter, defaultdict
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from admissions import counting
from admissions.models import Candidate
from organizations.models import Organization
from quotas.models import Rule, RuleKind
from quotas.sentences import rule_sentence

from ..status import Period, Status, count_status, share_status
from .allocation import YEAR_OVER, _child_on
from .counts import (
    Counts,
    _candidate_counts,
    _moved_back,
    _pipeline_counts,
    admission_counts,
    after_count_day,
    entered_above,
    entered_over,
    finishable_candidates,
    historical_counts,
    latest_years,
    members_at_start,
    recorded_paths,
    recorded_years,
    rolled_up,
)
from .failing import FailingList
from .results import ChildRow, Measurement, PeriodFigure, RuleResult, YearFigure, _pct
from .rules import (
    STRUCTURAL,
    _subject,
    _within,
    is_many_structural,
)
from .spans import _span_counts, from_whole_year, report_spans
from .structural import _structural

STEP = Organization.steplen
HISTORY_YEARS = 5  # the year itself and four before it


def _ceil_share(percent: Decimal, total: int) -> int:
    """Shares imply counts rounded up: 2% of 191 → 4 (seed 001's footnote)."""
    return math.ceil(Decimal(percent) * total / 100 - Decimal("1e-9"))


def _year_fraction(year: int, as_of: dt.date) -> tuple[float, bool]:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if as_of >= end:
        return 1.0, True
    if as_of < start:
        return 0.0, False
    days = 366 if calendar.isleap(year) else 365
    return ((as_of - start).days + 1) / days, False


def closing(scope: Organization, year: int, as_of: dt.date) -> bool:
    """Whether a report is the closing one of a scope merged or dissolved in `year`: counted
    to its last day (or a later one), its year is over (final statuses, no forecast nor
    pace), as its own plan and allocation row read in the reports of the committee above."""
    last_day = scope.last_day
    return last_day is not None and last_day.year == year and as_of >= last_day


def _last_year_from_tallies(report_period, count_day: dt.date, year: int) -> bool:
    """Whether read_period reads `year`'s whole-year tallies for a report period's same
    period last year: it is that year, or most of it from 1 January (spans.from_whole_year)."""
    same = report_spans(report_period, count_day)[1]
    return same.start == dt.date(year, 1, 1) and from_whole_year(same.start, same.end)


def _forecast_of_day(structural: dict[int, tuple], day: dt.date, by_path: Counter, moves_only: bool = False) -> None:
    """Give the failing rows of inactivity rules (read with the tallies' pipeline, today's)
    the pipeline of `day`: those read already here from `by_path` (the pipeline of the day
    per organization, read by `count`; `moves_only`: what the moves by hand since change
    in today's, nothing else having changed), those a FailingList reads later when it
    reads them (`_FailingSpec.pipeline_day`)."""
    rows = []
    for _matched, failing in structural.values():
        if isinstance(failing, FailingList):
            if failing.spec.kind != RuleKind.INACTIVITY:
                continue
            if failing.rows is None:
                failing.spec = dataclasses.replace(failing.spec, pipeline_day=day)
                continue
            failing = failing.rows
        rows += failing
    forecasts = rolled_up(by_path, {m.org.path for m in rows})
    for m in rows:
        tallied = (m.forecast or 0) if moves_only else 0  # the moves change today's; else the day's whole
        m.forecast = tallied + forecasts[m.org.path]


class _Computation:
    """One attainment computation of `scope` in `year` up to `as_of`, once its rules, its
    organizations and each rule's subjects are known. `need` says what each organization
    needs counted, `count` reads it, `read_period` reads the report period; then
    `rule_result` measures each rule and `children` lists the organizations directly
    under the scope."""

    def __init__(self, *, scope, scope_org, year: int, as_of: dt.date, rules, subjects, orgs, listed, ended):
        self.scope, self.scope_org, self.year, self.as_of = scope, scope_org, year, as_of
        self.rules, self.subjects, self.orgs, self.listed = rules, subjects, orgs, listed
        self.fraction, self.over = _year_fraction(year, as_of)
        if closing(scope_org, year, as_of):
            self.fraction, self.over = 1.0, True
        self.ended = ended  # ended._Ended: the organizations ended by the count day
        self.jan1 = dt.date(year, 1, 1)
        self.count_day = min(as_of, dt.date(year, 12, 31))
        # No forecast once the year is over, nor before it begins (today's candidates are
        # this year's to finish: counted for next year too, they would be counted twice).
        self.forecasting = not self.over and self.count_day >= self.jan1
        self.not_begun = False  # the report period: read_period
        # What each organization needs, by depth (one tally query for every depth): this
        # year by category (the scope, its children, rule subjects, allocation rows, matches
        # of count and share rules), from the first year `start` gives the depth: last year
        # (share subjects without a planned total), the years shown year on year (the scope,
        # its children, subjects of single-subject rules; for the matches of a rule over many
        # organizations no history is shown or computed), the years an INACTIVITY rule looks
        # back. Structural rules over many organizations need nothing here (_structural).
        self.full: dict[int, set[str]] = defaultdict(set)
        self.start: dict[int, int] = {}
        inactivity = [r.years_without or 0 for r in rules if r.kind == RuleKind.INACTIVITY]
        self.first_year = year - max([HISTORY_YEARS - 1, *[k - 1 for k in inactivity]])
        self.history_first = year - HISTORY_YEARS + 1
        self.periods: dict[tuple, int] = defaultdict(int)  # totals entered for periods of several years
        self.known_years: dict[int, Counter] = {}  # whole years' tallies read by `count` (read_period)

    # --- what to count -----------------------------------------------------------------

    def need(self, org: Organization, since: int | None = None) -> None:
        since = self.year if since is None else since
        self.full[org.depth].add(org.path)
        self.start[org.depth] = min(self.start.get(org.depth, self.year), since)

    def need_all(self) -> None:
        year, scope = self.year, self.scope
        children_orgs = [o for o in self.orgs.values() if o.depth == scope.depth + 1]
        for org in [self.scope_org, *children_orgs]:
            self.need(org, self.history_first)
        for rule in self.rules:
            each = rule.applies_to_each
            since = self.first_year if rule.kind == RuleKind.INACTIVITY else year
            if not each:
                since = min(since, self.history_first)
            elif rule.kind == RuleKind.SHARE_OF_ADMISSIONS:
                since = year - 1  # last year's total when no total is planned
            for org in self.subjects[rule.pk]:
                self.need(org, since)
            for a in rule.allocation_rows:
                if a.organization_id in self.listed:
                    self.need(self.listed[a.organization_id])

    def count(self, tree, merged: bool, list_failing: bool, report_period=None, counted=None, reshaped_on=None) -> None:
        """Read the counts: admissions, historical results, the pipeline, the finishable
        candidates, the structural rules; from the tallies, or from the records in the tree
        of the count day (`tree`, reports/past.py). `report_period`: the one read_period
        will read (when its same period last year is last year's whole year, that year's
        tallies are read here with the rest). `counted`: where the scope's records are in
        today's tree (organizations.positions.counted_under; when `tree` is None)."""
        scope, scope_org, rules = self.scope, self.scope_org, self.rules
        year, as_of, over = self.year, self.as_of, self.over
        count_day, first_year, full, periods = self.count_day, self.first_year, self.full, self.periods
        # The pipeline as it stood on the count day: today's (the tallies keep it) unless a
        # candidate took a step or left the road since (then read from the records, each
        # candidate at the step they had that day); those moved by hand since, where they were.
        before_today = count_day < timezone.localdate()
        of_the_day = before_today and (tree is not None or counting.pipeline_changed_after(count_day))
        # Historical results from the first year a span of the report reaches (the same
        # period last year of a span over several years): span_figure adds them.
        entered_from = first_year if report_period is None else min(first_year, report_period.start.year - 1)
        candidates = Candidate.objects.all()
        road = counting.pipeline_on(candidates, count_day) if of_the_day else counting.pipeline(candidates)
        day = count_day if of_the_day else None
        finishing, late = (None, True) if over else finishable_candidates(year, as_of, day)
        if tree is not None:
            from .. import past

            actuals, pipeline = Counts(), Counts()
            past.admission_counts(tree, actuals, first_year, year, count_day)
            past.historical_counts(tree, actuals, entered_from, year, periods)
            past.pipeline_counts(tree, pipeline, year, road)
            finishable = past.finishable_counts(tree, year, finishing)
            self.structural = past.structural(
                scope, scope_org, rules, self.orgs, actuals, pipeline,
                year=year, count_day=count_day, first_year=first_year, over=over, periods=periods,
            )  # fmt: skip
        else:
            after = after_count_day(scope, year, count_day, merged, counted)
            # Last year's whole year, when the report period's same period last year is it
            # (read_period), comes from the same read of the tallies.
            if report_period is not None and _last_year_from_tallies(report_period, count_day, year - 1):
                self.known_years = {year - 1: Counter()}
            actuals = admission_counts(scope, set(full), full, self.start, year, after, self.known_years.get(year - 1))
            historical_counts(scope, set(full), full, entered_from, year, actuals, periods, merged, counted)
            by_path = Counter()  # the pipeline of the day per organization (of_the_day)
            if of_the_day:
                pipeline = _candidate_counts(scope, set(full), full, year, road, counted, by_path)
            else:
                pipeline = _pipeline_counts(scope, set(full), full, year)
            finishable = _candidate_counts(scope, set(full), full, year, finishing, counted)
            if before_today:
                _moved_back(scope.path, count_day, year, pipeline, finishable, road, finishing, by_path)
            self.structural = _structural(
                scope, scope_org, rules, year, count_day, first_year, over, after, list_failing
            )
            # The failing rows' forecast: the tallies hold today's pipeline, with those
            # moved by hand since at their new organization (by_path then holds the moves).
            if of_the_day or any(by_path.values()):
                _forecast_of_day(self.structural, count_day, by_path, moves_only=not of_the_day)
        # Size and inactivity rules of an issuer ended by the count day: on its last day.
        for rule in rules:
            issuer = rule.plan.issuer
            if is_many_structural(rule) and self.ended.issuer_ended(rule):
                outside = not _within(issuer.path, scope.path)
                self.structural[rule.pk] = self.ended.structural(rule, scope_org, first_year, outside)
        self.actuals, self.pipeline, self.finishable = actuals, pipeline, finishable
        # Which past years have a figure (known): those the records hold anywhere, less
        # those with a count entered above the scope (one query each).
        self.recorded = recorded_years(entered_from, year - 1)
        self.from_tree, self._recorded_paths = tree is not None, {}
        self.entered_above = entered_above(scope_org, entered_from, year - 1, tree) if self.recorded else set()
        # Those past years after which organizations moved or merged (TreeState.reshaped_on):
        # a count entered then covered organizations that may stand elsewhere now.
        reshaped = {y for y in self.recorded if reshaped_on is not None and reshaped_on > dt.date(y, 12, 31)}
        self.entered_over = entered_over(scope_org, reshaped, tree) if reshaped else {}
        self.period = Period(self.fraction, over, late)
        # Per bucket, the latest year from first_year on with anything counted (INACTIVITY):
        # a period's total by its last year, as the tallies and every other road read it.
        self.latest_counted = latest_years(actuals, periods, first_year, year)
        need_sum = [
            o for r in rules if r.kind == RuleKind.SHARE_OF_MEMBERSHIP for o in self.subjects[r.pk] if o.members is None
        ]
        # Their members on 1 January, in the tree of that day (members_at_start).
        self.grassroots_sum = members_at_start(scope, need_sum, self.jan1) if need_sum else {}
        # Planned totals: a COUNT rule's minimum, an ALLOCATION rule's total, or an allocation row.
        self.planned: dict[int, int] = {}
        for rule in rules:
            # The table of a committee that ended before the count day applied to its rows
            # until its last day (ended._Ended): it gives them no target for the year.
            if rule.kind == RuleKind.ALLOCATION and self.ended.counted_to(_subject(rule)) is None:
                for allocation in rule.allocation_rows:
                    self.planned.setdefault(allocation.organization_id, allocation.total)
        # A later plan's total replaces an earlier one's; within a plan its count rule ("kết nạp
        # ít nhất 320") is the committee's total, its allocation table's target (300, perhaps
        # not amended with it) what the table allocates.
        order = {pk: i for i, pk in enumerate(dict.fromkeys(rule.plan_id for rule in rules))}
        for rule in sorted(rules, key=lambda r: (order[r.plan_id], r.kind == RuleKind.COUNT)):
            if rule.applies_to_each or rule.category or rule.min_count is None:
                continue
            if rule.kind in (RuleKind.COUNT, RuleKind.ALLOCATION):
                self.planned[_subject(rule).pk] = rule.min_count

    def read_period(self, report_period, tree, counted) -> None:
        """The report period beside the same period last year: the admissions of each span, at
        the paths the report shows, in the same tree (one query). A period from 1 January of
        the year is the year to date: its figures are the engine's (historical results included)."""
        year = self.year
        self.report_period = report_period
        self.period_to, self.same_period = report_spans(report_period, self.count_day)
        self.not_begun = report_period.not_begun(self.count_day)
        same = self.same_period
        self.year_to_date = report_period.start == self.jan1
        spans = [(report_period.start, self.period_to)] if not self.year_to_date else []
        *self.this_counts, self.last_counts = _span_counts(
            self.scope, [*spans, (same.start, same.end)], self.full, tree, counted, self.known_years
        )
        # Last year's whole year: the engine's figure where it reads one (the scope and its
        # children: "no data" stays None, historical results count).
        self.whole_last_year = (same.start, same.end) == (dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31))

    # --- figures -----------------------------------------------------------------------

    def period_of(self, path: str, category: str = "", engine_last_year: bool = False) -> PeriodFigure | None:
        """The report period's figure at `path` beside the same period last year; None when
        the report is counted to a day before the period begins (it holds no day of it)."""
        if self.not_begun:
            return None
        category = category or ""
        if self.year_to_date:
            actual = self.actuals.get(path, self.year, category)
        else:
            actual = self.span_figure(path, category, self.this_counts[0], self.report_period.start, self.period_to)
        if self.whole_last_year and engine_last_year:
            last = self.figure(path, self.year - 1, category)  # a whole year: never cut
            cut = actual is None
        else:
            same = self.same_period
            last = self.span_figure(path, category, self.last_counts, same.start, same.end)
            if last is not None and not all(self.known(path, y) for y in range(same.start.year, same.end.year + 1)):
                last = None  # a past year without a figure for it (known): none for part of it either
            cut = actual is None or last is None
        return PeriodFigure(actual, last, cut)

    def span_figure(self, path: str, category: str, records: Counter, first: dt.date, last: dt.date) -> int | None:
        """Admissions from `first` to `last` at `path`: the records counted there (`records`,
        per (path, category)) with the historical results entered for each whole year of the
        span. None ("no data") when the span holds part of a year with results entered under
        `path`: a year's entered count is the whole year's and cannot be split into its days
        (the same period last year of a board whose last year was entered as a count)."""
        n = records.get((path, category), 0)
        entered = self.actuals.entered
        for y in range(first.year, last.year + 1):
            if _holds_year(y, first, last):
                n += entered.get((path, y, category), 0)
            elif entered.get((path, y, "")):
                return None
        return n

    def cut_years(self) -> tuple[int, ...]:
        """The years of which a span of the report (this period, the same period last year)
        holds only part while counts were entered for them in the scope: the figures that
        read "no data" by span_figure (a row's entered count is also its scope's)."""
        spans = [] if self.year_to_date else [(self.report_period.start, self.period_to)]
        if not self.whole_last_year:  # a whole year is never cut
            spans.append((self.same_period.start, self.same_period.end))
        entered, path = self.actuals.entered, self.scope.path
        cut = {
            y
            for first, last in spans
            for y in range(first.year, last.year + 1)
            if not _holds_year(y, first, last) and entered.get((path, y, ""))
        }
        return tuple(sorted(cut))

    def figure(self, path: str, y: int, category: str = "") -> int | None:
        """A year's count, or None without data for that year (the report's year always has);
        a category's is None too where a total of that year was entered without its
        categories (Counts.no_breakdown: "191 admitted" tells no count of workers)."""
        if y != self.year and not self.known(path, y):
            return None
        if category and y != self.year and (path, y) in self.actuals.no_breakdown:
            return None
        return self.actuals.get(path, y, category)

    def known(self, path: str, y: int) -> bool:
        """Whether the organization at `path` has a figure for the past year `y`, the same
        whatever the report's scope: the records hold admissions of that year under it, or
        a count (even 0) was entered for it or under it; else, when the records hold that
        year anywhere, 0 is its figure, unless a count was entered for the year at an
        organization above it, in the tree of the report's day or of that year's end
        (entered_over: the wards of a city dissolved since), where the records do not tell
        its part of that count.
        Otherwise "no data", never 0. Totals of periods (2020–2023) are no year's figure."""
        if (path, y, "") in self.actuals.data:
            return True
        if y not in self.recorded:
            return False
        if path in self.entered_over.get(y, ()):  # under a count entered in that year's tree
            return path in self.recorded_paths(y)
        entered_at = self.actuals.entered_at
        if y not in self.entered_above and not any(
            (path[:end], y) in entered_at for end in range(len(self.scope.path), len(path), STEP)
        ):
            return True
        return path in self.recorded_paths(y)

    def recorded_paths(self, y: int) -> set[str]:
        """The paths with admissions recorded in the past year `y` under the scope: the counts
        read from a past day's tree hold every node's years; from the tallies, only those
        each depth needed, so the year's are read once when asked (one query)."""
        if y not in self._recorded_paths:
            if self.from_tree:
                found = {path for (path, year, category) in self.actuals.data if year == y and not category}
            else:
                found = recorded_paths(self.scope, y)
            self._recorded_paths[y] = found
        return self._recorded_paths[y]

    def history_of(self, org: Organization, category: str, with_base: bool) -> list[YearFigure]:
        figures = []
        for y in range(self.year - HISTORY_YEARS + 1, self.year + 1):
            n = self.figure(org.path, y, category)
            base = self.figure(org.path, y) if with_base else None
            figures.append(YearFigure(y, n, base, _pct(n, base) if with_base and n is not None else None))
        return figures

    def periods_of(self, org: Organization, category: str) -> list[YearFigure]:
        """Totals entered for periods of several years (seed 002's 2020–2023) overlapping the years shown."""
        return [
            YearFigure(last, n, first_year=first)
            for (path, first, last, c), n in sorted(self.periods.items(), key=lambda item: item[0][1:3])
            if path == org.path and c == (category or "") and last >= self.year - HISTORY_YEARS + 1
        ]

    # --- measuring -----------------------------------------------------------------------

    def measure(self, rule: Rule, org: Organization) -> Measurement:
        """One organization against one rule. Rules over every matching organization get no
        year-on-year history (it is shown for single subjects only)."""
        year, actuals, period, over = self.year, self.actuals, self.period, self.over
        m = Measurement(org=org)
        category = rule.category
        shown = not rule.applies_to_each
        m.actual = actuals.get(org.path, year, category)
        m.forecast = self.pipeline.get(org.path, year, category)
        m.finishable = self.finishable.get(org.path, year, category)
        ended = None
        if shown and org.dissolved_on == self.ended.end_by:
            # Its last day is the count day: measured as any day (its history, its period),
            # its year over, as its own closing report reads it (closing).
            period, over, until = YEAR_OVER, True, None
        elif rule.plan.issuer.dissolved_on == self.ended.end_by:
            # The issuer's last day is the count day: its plan's year is over, for those it
            # measures as in its own closing report and the reports above it (a cell's own
            # report of 30/06/2025 reads the dissolved district's rule closed, as the
            # district's and the province's do).
            period, over, until = YEAR_OVER, True, None
        else:
            until = self.ended.of(rule, org)
        if until is not None:
            # Its one subject ended by the count day (merged or dissolved), or the issuer of
            # a rule over many organizations did, or this match was dissolved: what it
            # admitted up to that last day, in the tree of that day, its year over (as an
            # allocation row of an ended organization). Today's tree holds nothing under it
            # any more; its years before are not shown (they were counted in that tree too).
            ended, figures = until
            m.actual, m.ended_on = figures[category or ""], ended
            period, over, shown = YEAR_OVER, True, False
        cap = rule.max_is_cap
        kind = rule.kind
        if kind in (RuleKind.COUNT, RuleKind.ALLOCATION):
            m.target_min, m.target_max = rule.min_count, rule.max_count
            m.status, m.expected = judged(kind, m, period, cap)
            if shown:
                m.history = self.history_of(org, category, False)
        elif kind == RuleKind.SHARE_OF_ADMISSIONS:
            m.share_min, m.share_max = rule.min_percent, rule.max_percent
            m.base = actuals.get(org.path, year) if ended is None else figures[""]
            m.share = _pct(m.actual, m.base)
            if org.pk in self.planned:
                m.planned_total, m.planned_from = self.planned[org.pk], "plan"
            elif ended is None or ended == self.ended.end_by:  # standing on the count day, its last
                m.planned_total, m.planned_from = actuals.get(org.path, year - 1), "last_year"
            # else: its last year is not in today's tree (it holds nothing under it any more)
            # The count a share implies against a total (planned, else last year's): none
            # without one (15% of 0 implies no count; the pages say "against 0" only beside one).
            if m.share_min is not None and m.planned_total:
                m.implied_min = _ceil_share(m.share_min, m.planned_total)
            if m.share_max is not None and m.planned_total:
                m.implied_max = math.floor(Decimal(m.share_max) * m.planned_total / 100)
            m.target_min = m.implied_min
            # Without an implied count a positive share still asks for one admission of its
            # category (any share above 0% of a year's admissions is at least one of them);
            # no target is shown then, nor a pace towards it (judged).
            m.status, m.expected = judged(kind, m, period, cap)
            if m.implied_min is None:
                m.expected = None
            if shown:
                m.history = self.history_of(org, category, True)
        elif kind == RuleKind.SHARE_OF_MEMBERSHIP:
            m.share_min, m.share_max = rule.min_percent, rule.max_percent
            members = org.members  # at the start of the year
            if members is None:
                members = self.grassroots_sum.get(org.path)
            m.base = members
            m.share = _pct(m.actual, members)
            if m.share_min is not None and members:
                m.implied_min = _ceil_share(m.share_min, members)
            if m.share_max is not None and members:
                m.implied_max = math.floor(Decimal(m.share_max) * members / 100)
            m.target_min, m.target_max = m.implied_min, m.implied_max
            # Without a base (no count on 1 January) a positive share still asks for one
            # admission: rounded up, any share above 0% of any membership is at least one
            # (as a share of admissions does); no target is shown then, nor a pace (judged).
            m.status, m.expected = judged(kind, m, period, cap)
            if m.implied_min is None:
                m.expected = None
            if shown:
                m.history = self.history_of(org, category, False)
        elif kind == RuleKind.CELL_SIZE:
            m.target_min = rule.min_count
            m.members = org.members_now
            small = m.members is None or (rule.min_count is not None and m.members < rule.min_count)
            # Behind while the year runs (members can still be admitted or transferred in),
            # not met once it is over: as an inactive cell (DOMAIN.md "Statuses").
            m.status = (Status.NOT_MET if over else Status.BEHIND) if small else Status.MET
        elif kind == RuleKind.INACTIVITY:
            k = rule.years_without or 1
            # The latest year with an admission on record or a historical result.
            m.last_admission_year = self.latest_counted.get(org.path)
            if m.last_admission_year and m.last_admission_year >= year - k + 1:
                m.status = Status.MET
            else:
                m.status = Status.NOT_MET if over else Status.BEHIND
            if shown:
                m.history = self.history_of(org, "", False)
        if m.target_min and kind not in (RuleKind.CELL_SIZE, RuleKind.INACTIVITY):
            m.percent = _pct(m.actual, m.target_min)
        if over:  # a closed year: no forecast, no pace
            m.forecast, m.expected = None, None
        elif not self.forecasting:
            m.forecast = None
        if shown and kind != RuleKind.CELL_SIZE:
            m.periods = self.periods_of(org, category if kind != RuleKind.INACTIVITY else "")
        if kind not in STRUCTURAL and ended is None:
            m.period = self.period_of(org.path, category)
        return m

    def rule_result(self, rule: Rule) -> RuleResult | None:
        """A rule measured on its subjects (None when it measures nothing in the scope)."""
        subjects = self.subjects[rule.pk]
        if is_many_structural(rule):
            # Only the failing organizations are listed (the others meet it).
            matched, measurements = self.structural[rule.pk]
            if not matched:
                return None
        elif not subjects:
            return None
        else:
            measurements = [self.measure(rule, org) for org in subjects]
            matched = len(measurements)
        if isinstance(measurements, FailingList):  # counted, listed when read
            failing, status = measurements, measurements.status
        else:
            failing = [m for m in measurements if not Status.meets(m.status)]
            status = Status.worst(m.status for m in (failing or measurements))
        return RuleResult(
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

    def children(self) -> list[ChildRow]:
        """The organizations directly under the scope on the count day, ended ones last."""
        year, count_day, actuals, pipeline = self.year, self.count_day, self.actuals, self.pipeline
        children = []
        for org in self.orgs.values():
            if org.depth != self.scope.depth + 1 or not _child_on(org, count_day):
                continue
            target = self.planned.get(org.pk)
            actual = actuals.get(org.path, year)
            forecast = pipeline.get(org.path, year)
            status = None
            ended_on = org.dissolved_on if org.dissolved_on is not None and org.dissolved_on <= count_day else None
            if ended_on is not None:
                # Dissolved: its units moved on and count where they stand; what is still
                # counted here (units dissolved with it) is listed, its target no longer applies.
                target = None
                if not actual and not self.figure(org.path, year - 1):
                    continue
            if target:
                ready = self.finishable.get(org.path, year)
                # On its last day its year is over, as its own closing report and its
                # allocation row read it (ended._Ended); its pipeline goes on elsewhere.
                period = YEAR_OVER if org.last_day == count_day else self.period
                status = count_status(actual, target, None, period, pipeline=forecast, finishable=ready)[0]
            children.append(
                ChildRow(
                    org=org,
                    actual=actual,
                    forecast=forecast if self.forecasting else None,
                    last_year=self.figure(org.path, year - 1),
                    target=target,
                    percent=_pct(actual, target),
                    status=status,
                    ended_on=ended_on,
                    period=self.period_of(org.path, engine_last_year=True),
                )
            )
        children.sort(key=lambda c: (c.ended_on is not None, c.org.name))  # the tree of the day: ended last
        return children

    def own_row(self) -> ChildRow | None:
        """What counts at the scope itself and in none of its children: the records of the
        organization itself (a grassroots committee's own admissions), and those of the
        organizations merged into it, whose figures count with it (a commune of 2025 holds
        its predecessors' admissions of the year). Without this row the children's rows
        would not add up to the total. None when nothing counts there; one query when it does."""
        year, path = self.year, self.scope.path
        # The children listed on the count day (one founded later has no row: a count entered
        # for its year counts here).
        kids = [o.path for o in self.orgs.values() if o.depth == self.scope.depth + 1 and _child_on(o, self.count_day)]

        def rest(figure):
            total = figure(path)
            return None if total is None else total - sum(figure(kid) or 0 for kid in kids)

        actual = rest(lambda p: self.actuals.get(p, year))
        forecast = rest(lambda p: self.pipeline.get(p, year))
        last_year = rest(lambda p: self.figure(p, year - 1))
        period = None
        if not self.not_begun:
            period = PeriodFigure(
                rest(lambda p: self.period_of(p, engine_last_year=True).actual),
                rest(lambda p: self.period_of(p, engine_last_year=True).last_year),
                self.period_of(path, engine_last_year=True).cut,
            )
        if not (actual or forecast or last_year or (period and (period.actual or period.last_year))):
            return None
        scope = self.scope_org
        # Merged by the count day (one merged later still stood apart then), from last year on;
        # through another one only once that one had merged too (a commune merged in 2025 into
        # one that joined the scope in 2026 is not the scope's in 2025).
        by = self.count_day
        into = (
            Q(merged_into=scope)
            | Q(merged_into__merged_into=scope, merged_into__dissolved_on__lte=by)
            | Q(
                merged_into__merged_into__merged_into=scope,
                merged_into__dissolved_on__lte=by,
                merged_into__merged_into__dissolved_on__lte=by,
            )
        )
        merged = Organization.objects.filter(into, dissolved_on__gt=dt.date(year - 1, 1, 1), dissolved_on__lte=by)
        return ChildRow(
            org=scope,
            actual=actual,
            forecast=forecast if self.forecasting else None,
            last_year=last_year,
            target=None,
            percent=None,
            status=None,
            period=period,
            merged=list(merged.order_by("name").values_list("name", flat=True)),
        )


def judged(kind: str, m: Measurement, period: Period, cap: bool) -> tuple[str, int | None]:
    """The status of a measurement of a count or share rule whose targets are set, and the
    count expected by now, in `period`: the one rule of the engine (measure) and of a
    committee's row read with its year over (the compare page's closing rows). A share
    without an implied count still asks for one admission when its minimum is above 0."""
    low, high = m.target_min, m.target_max
    if kind in (RuleKind.SHARE_OF_ADMISSIONS, RuleKind.SHARE_OF_MEMBERSHIP):
        low = m.implied_min if m.implied_min is not None else (1 if m.share_min else None)
        high = m.implied_max if kind == RuleKind.SHARE_OF_MEMBERSHIP else None
    status, expected = count_status(m.actual, low, high, period, pipeline=m.forecast, finishable=m.finishable, cap=cap)
    if kind == RuleKind.SHARE_OF_ADMISSIONS:
        status = share_status(status, m.share, m.share_min, m.share_max, period, has_base=bool(m.base), cap=cap)
    return status, expected


def _holds_year(year: int, first: dt.date, last: dt.date) -> bool:
    """Whether the span first..last holds the whole of `year`."""
    return first <= dt.date(year, 1, 1) and dt.date(year, 12, 31) <= last
