"""The attainment engine: how every organization in a scope stands against every rule.

One entry point, `attainment(scope=, year=, as_of=)`, returning plain dataclasses. No
HTML, Excel or PDF here: the report object (reports/report.py) and its renderers read
these results.

Query budget (constant in the number of organizations and rules):
* the applicable rules with their plans, issuers and targets (1), their allocation rows
  and sub-quotas as tuples (2),
* the organizations the rules and the drill-down need, annotated with member counts (1),
* whether any organization moved, was merged, changed its form or sector or was renamed
  after the count day (1; when one moved, merged or changed, the readers of reports/past.py
  replace the tally reads below; when one was renamed, its name of the day is read (1) and
  shown everywhere in the answer: `_name_of_day`),
* in today's tree, the ids of the organizations whose records count under the scope, when
  they are few (1; `organizations.positions.counted_under`: the reads of admissions and
  candidates below filter by them instead of a path prefix),
* admissions: ONE read of the tallies (admissions.Tally: counts kept per node of the tree,
  by year and category) for every depth, each depth over the years it needs (this year;
  last year; the five years shown year on year for the scope, its children and
  single-subject rules; the years an INACTIVITY rule looks back); when the report's day
  is inside the year, the admissions after it, from the records (1, normally empty),
* historical results per depth (a small table) (depths),
* the pipeline: one read of the tallies (1); when the year is not over, the candidates of
  the pipeline who can still finish by 31/12 under the deadlines: the holidays (1) and one
  grouped count for every depth (1) (`finishable_candidates`, for the statuses of
  reports/status.py); for a day before today, whether the pipeline changed since (1, 2
  when nobody left the road since: `admissions.counting.pipeline_changed_after`; when it
  changed, the pipeline of that day is
  read from the records instead of the tallies, each candidate at the step they had then,
  one grouped count), and the candidates of both moved by hand since, counted where they
  were that day (1: the moves after the day, `counting.moved_after`; when some are, up to
  three more: which are in the pipeline, their organizations' paths, which can finish),
* rules over many organizations that only ask for a size or for recent admissions
  (CELL_SIZE, INACTIVITY over e.g. every cell in the country): how many each measures (1),
  the failing ones, with their figures (1 per kind), the admissions after the report's
  day (1, only when it is inside the year),
* per distinct depth of membership-share subjects without their own count: one grouped
  sum of their grassroots organizations' counts (≤ depths),
* organizations ended (merged or dissolved) by the count day among the allocation rows,
  the single subjects and the issuers of rules over many organizations (1, when any
  organization ended by then: `ended._Ended`); their figures up to their last day, those
  ended on one day under the scope read together (5 per such day), an ended committee's
  allocation rows in one read (2, the tree of the day cut from the scope's), the issuers of
  rules over many organizations that ended on one day together (their organizations 1,
  their admissions 1, and for size and inactivity rules member counts 1 and latest years
  2), any other one by one (a tree of its last day each),
* what counts at the scope itself beside its children, the organizations merged into it
  by name (1, only when something does: `own_row`),
* cumulative admissions by month for the scope (1),
* the report period and the same period last year: the admissions of both spans at the
  paths the report shows, every depth in one query (1; `_span_counts`, in the tree the
  rest reads; none when they are the year to date and last year's whole year, read with
  the tallies above; when last year's span is most of its year from 1 January, that
  year's tallies less the admissions after the span: `spans.from_whole_year`).

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
years. A past year without data (see _Computation.known) reads None ("no data"), never 0.

Statuses are decided in reports/status.py (`count_status`, `share_status`).

The package's rooms: `rules` (the rules that apply to a scope, their selectors and where
they look from), `rows` (the row readers), `counts` (tallies, history, pipeline,
finishable candidates), `spans` (admission records between two days: months, the report
period), `failing` and `structural` (size and inactivity rules over many organizations,
their lazily read failing lists), `measure` (one computation: every rule measured),
`allocation` (allocation tables, ended organizations), `results` (the dataclasses).
"""

import copy
import dataclasses
import datetime as dt

from organizations.models import Organization
from organizations.positions import NamesOnDay, counted_under, names_on, tree_on, tree_state
from quotas.models import RuleKind

from .. import periods as report_periods
from ..status import Status
from .allocation import _allocation_table
from .ended import _Ended
from .failing import FailingList
from .measure import _Computation
from .results import (
    AllocationRow,
    AllocationTable,
    Attainment,
    ChildRow,
    Measurement,
    PeriodFigure,
    RuleNotApplying,
    RuleResult,
    YearFigure,
)
from .rows import OrganizationRow, _scope_organizations, gc_paused, name_rows
from .rules import STRUCTURAL, _rules_of_day, _subjects, applicable_rules, rules_not_applying
from .spans import _monthly, admissions_in, report_spans

# The engine's public API: `attainment` and the plain results it returns, the rules that
# apply to a scope, the admissions of a span. Status lives in reports/status.py and is
# re-exported for the pages. What one room of the engine gives another (or reports/past.py,
# Biểu 2, the tests) is a public name of that room, imported from it (e.g.
# `reports.engine.counts.deadline_days`). `tree_state` is read here so that a test can
# pretend the tree moved.
__all__ = [
    "STRUCTURAL",
    "AllocationRow",
    "AllocationTable",
    "Attainment",
    "ChildRow",
    "FailingList",
    "Measurement",
    "OrganizationRow",
    "PeriodFigure",
    "RuleNotApplying",
    "RuleResult",
    "Status",
    "YearFigure",
    "admissions_in",
    "applicable_rules",
    "attainment",
    "gc_paused",
    "report_spans",
]


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
    failing organization of the size and inactivity rules (the JSON, the workbook and the
    PDF): they are read with the answer, one query per kind, instead of counted and read
    again per rule."""
    if scope.last_day is not None and as_of > scope.last_day:
        as_of = scope.last_day  # an organization that ended reports up to its last day
    with gc_paused():  # ~1 million objects without cycles: see gc_paused
        return _attainment(scope, year, as_of, period or report_periods.parse(str(year)), list_failing)


def _attainment(scope: Organization, year: int, as_of: dt.date, report_period, list_failing=False) -> Attainment:
    count_day = min(as_of, dt.date(year, 12, 31))
    # The tree as it stood on the count day: today's (the tallies keep it) unless an
    # organization moved, was merged or changed its kind since; then the figures are
    # recounted from the records with every organization where, and of what form and
    # sector, it stood that day (reports/past.py).
    state = tree_state(count_day)
    tree = tree_on(scope, count_day) if state.changed else None
    scope, rules = _rules_of_day(scope, year, count_day, tree, state.ended)
    orgs, listed, scope_org = _scope_organizations(scope, rules, tree, dt.date(year, 1, 1), count_day)
    names = names_on(count_day) if state.renamed else None
    if names:
        if scope_org is scope:  # the caller's instance: never renamed in place
            scope_org = copy.copy(scope)
        subjects = [org for rule in rules for org in (rule.plan.issuer, rule.target) if org is not None]
        names.rename([*orgs.values(), *listed.values(), scope_org, *subjects])
    ended = _Ended(rules, year, count_day, state.ended, scope_org, names)
    c = _Computation(
        scope=scope,
        scope_org=scope_org,
        year=year,
        as_of=as_of,
        rules=rules,
        subjects=_subjects(rules, scope, scope_org, orgs, count_day, ended),
        orgs=orgs,
        listed=listed,
        ended=ended,
    )
    # Today's tree: where the scope's records are, read once for the reads of records below.
    counted = counted_under(scope, state.merged) if tree is None else None
    c.need_all()
    c.count(tree, state.merged, list_failing, report_period, counted, state.reshaped_on)
    c.read_period(report_period, tree, counted)

    results: list[RuleResult] = []
    tables: list[AllocationTable] = []
    measuring_none: list = []
    ended.prefetch(scope_org)
    for rule in rules:
        if rule.kind == RuleKind.ALLOCATION:
            table = _allocation_table(
                rule, scope, listed, c.actuals, year, c.period, c.pipeline, c.finishable, ended, c.period_of,
                forecasting=c.forecasting,
            )  # fmt: skip
            if table is not None:
                tables.append(table)
        result = c.rule_result(rule)
        if result is not None:
            results.append(result)
        elif rule.applies_to_each and rule.plan.issuer.path.startswith(scope.path):
            # Issued at the scope or inside it, it measures nothing: the report says why
            # instead of leaving it out silently (one from above only misses the scope; one
            # of a committee that ended outside it, ended_above, holds nothing of it).
            measuring_none.append(rule)
    if names:
        _name_of_day(results, names, today_tree=tree is None)

    return Attainment(
        scope=scope_org,
        year=year,
        as_of=as_of,
        year_fraction=c.fraction,
        year_over=c.over,
        actual=c.actuals.get(scope.path, year),
        forecast=c.pipeline.get(scope.path, year) if c.forecasting else None,
        target=c.planned.get(scope.pk),
        rules=results,
        allocations=tables,
        children=c.children(),
        own=c.own_row(),
        months=_monthly(scope, year, as_of, tree, counted),
        history=c.history_of(scope_org, "", False),
        periods=c.periods_of(scope_org, ""),
        period=report_period,
        period_to=c.period_to,
        same_period=c.same_period,
        period_figure=c.period_of(scope.path, engine_last_year=True),
        cut_years=c.cut_years(),
        names=names,
        not_applying=rules_not_applying(measuring_none, count_day, any_ended=state.ended),
        amended_after=list({a.pk: a for rule in rules for a in rule.amended_after}.values()),
    )


def _name_of_day(results: list[RuleResult], names: NamesOnDay, today_tree: bool) -> None:
    """The failing organizations of size and inactivity rules, read as rows from the
    database, named as on the count day (those listed later by a FailingList: when read).
    Read from today's tree their parents are named by path; from the tree of the day they
    were built from the organizations named already."""
    for result in results:
        for found in (result.measurements, result.failing):
            if isinstance(found, FailingList):
                found.spec = dataclasses.replace(found.spec, names=names)
                found = found.rows or []
            rows = [m.org for m in found if isinstance(m.org, OrganizationRow)]
            if today_tree:
                name_rows(rows, names)
            else:
                names.rename(rows)
