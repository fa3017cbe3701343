"""One report object, rendered as HTML, Excel and PDF from the same rows.

`build_report(attainment)` turns the engine's result into titled tables of plain cells
(text, integers, fractions for percentages, status codes). The renderers
(templates, reports/xlsx.py, reports/pdf.py) only lay these cells out, so the screen,
the workbook and the PDF never disagree.

Large scopes (bench/RESULTS.md "Exports"): a national report measures ~320,000
organizations and lists 51,000 allocation rows, so a table's rows are produced from the
engine's result when a renderer iterates them (`Table.iter_rows`, a generator: the
workbook streams them to the file) and kept only when a template asks for `rows`.
A rule over more than `LIST_ALL_UP_TO` organizations lists only those not meeting it,
under the line "N of M organizations meet it" (a board cannot read 7,000 cells that meet
the rule; it acts on those that do not). Rules are grouped by kind (`Report.sections`):
one sheet per kind in the workbook, each rule a titled block on it.
"""

import datetime as dt
import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from admissions.categories import Category
from quotas.models import RuleKind
from quotas.sentences import allocation_notation, percent, two_digits

from .engine import (
    STRUCTURAL,
    AllocationTable,
    Attainment,
    Measurement,
    OrganizationRow,
    PeriodFigure,
    RuleResult,
    Status,
)

# Every status, best first (Status.ORDER): the pages, the workbook, the PDF and the JSON list them so.
STATUS_LABELS = {
    Status.EXCEEDED: gettext_lazy("Exceeded"),
    Status.MET: gettext_lazy("Met"),
    Status.ON_TRACK: gettext_lazy("On track"),
    Status.AT_RISK: gettext_lazy("At risk of not being met"),
    Status.BEHIND: gettext_lazy("Behind"),
    Status.NOT_MET: gettext_lazy("Not met"),
}
# The CSS classes of static/css/app.css badges and progress bars ("best": met or better).
STATUS_CLASS = {
    Status.EXCEEDED: "best",
    Status.MET: "ok",
    Status.ON_TRACK: "info",
    Status.AT_RISK: "risk",
    Status.BEHIND: "warn",
    Status.NOT_MET: "bad",
}
# A year without data (reports.engine._has_data): never shown as 0.
NO_DATA = gettext_lazy("no data")

TEXT, INT, PERCENT, STATUS = "text", "int", "percent", "status"

# A rule over at most this many organizations lists each of them; above it, only those
# not meeting it (all of them, or as many as the engine kept if it capped the list).
LIST_ALL_UP_TO = 200

# Short names of the kinds (a workbook sheet's name: at most 31 characters), in order.
KIND_SHEETS = {
    RuleKind.COUNT: gettext_lazy("Counts"),
    RuleKind.SHARE_OF_ADMISSIONS: gettext_lazy("Shares of new members"),
    RuleKind.SHARE_OF_MEMBERSHIP: gettext_lazy("Shares of membership"),
    RuleKind.ALLOCATION: gettext_lazy("Allocations"),
    RuleKind.CELL_SIZE: gettext_lazy("Cell size"),
    RuleKind.INACTIVITY: gettext_lazy("Inactive cells"),
}


@dataclass
class Column:
    title: str
    kind: str = TEXT
    width: int = 12


class Table:
    """A titled table of plain cells.

    Rows come either from `add` (small tables) or from `source`, a callable returning an
    iterator of (row, link) pairs that is run each time the rows are iterated:
    `iter_rows()` streams them without keeping them (the workbook), `rows` and `links`
    keep them for the templates. `count` is the number of rows when known beforehand.
    """

    def __init__(
        self,
        *,
        key: str,
        title: str,
        columns: list[Column],
        source: Callable[[], Iterator[tuple[list, dict | None]]] | None = None,
        count: int | None = None,
        caption: str = "",
        lead: str = "",
        note: str = "",
        totals: list | None = None,
        sum_columns: tuple[int, ...] = (),
    ):
        self.key = key
        self.title = title
        self.columns = columns
        self.caption = caption  # the italic line under the title
        self.lead = lead  # a line before the rows ("45 of 101 organizations meet it; …")
        self.note = note  # a line after the table ("Lưu ý", allocated vs target)
        self.totals = totals  # a total row; None cells stay empty; INT columns may be summed
        self.sum_columns = sum_columns  # columns whose total is the sum of the rows (a formula in Excel)
        self.extra: list[Table] = []  # smaller tables shown below (year on year)
        self._source = source
        self._count = count
        self._rows: list[list] | None = None if source else []
        self._links: list[dict | None] | None = None if source else []

    def add(self, row: list, link: dict | None = None) -> None:
        self._keep()
        self._rows.append(row)
        self._links.append(link)

    def iter_rows(self) -> Iterable[list]:
        if self._rows is not None:
            return iter(self._rows)
        return (row for row, _link in self._source())

    def _keep(self) -> None:
        if self._rows is None:
            pairs = list(self._source())
            self._rows = [row for row, _link in pairs]
            self._links = [link for _row, link in pairs]

    @property
    def rows(self) -> list[list]:
        self._keep()
        return self._rows

    @property
    def links(self) -> list[dict | None]:
        self._keep()
        return self._links

    @property
    def count(self) -> int:
        if self._rows is not None:
            return len(self._rows)
        if self._count is None:
            self._count = sum(1 for _pair in self._source())
        return self._count


@dataclass
class RuleSection:
    """The rules of one kind: a sheet of the workbook, each rule a block on it."""

    kind: str
    name: str  # the sheet's name
    title: str  # the kind as a heading
    columns: list[Column]
    tables: list[Table]


@dataclass
class Report:
    attainment: Attainment
    title: str
    subject: str
    summary: Table
    rule_tables: list[Table]  # in the order of the summary
    allocation_tables: list[Table]
    children: Table
    sections: list[RuleSection] = field(default_factory=list)  # the rule tables grouped by kind
    period: Table | None = None  # the report period beside the same period last year

    @property
    def tables(self) -> list[Table]:
        return [
            self.summary,
            *([self.period] if self.period else []),
            *self.allocation_tables,
            self.children,
            *self.rule_tables,
        ]


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector: building and rendering a report creates no
    cycles, but right after the engine (which pauses it too) every collection would walk
    its ~1 million young objects (national report: 0.2 s of work took 1 s)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def status_label(status: str | None) -> str:
    return str(STATUS_LABELS[status]) if status else ""


def figure_or_no_data(value: int | None):
    """A year's figure, or the words "no data" (in every renderer) when there is none."""
    return str(NO_DATA) if value is None else value


def fraction(value: Decimal | None) -> float | None:
    """A percentage (33.3) as the fraction Excel formats as a percent (0.333)."""
    return None if value is None else float(value) / 100


def category_label(category: str) -> str:
    return str(Category(category).label) if category else _("all new members")


def target_text(m: Measurement, kind: str) -> str:
    if kind == RuleKind.SHARE_OF_ADMISSIONS:
        parts = []
        if m.share_min is not None:
            parts.append("≥ " + percent(m.share_min))
        if m.share_max is not None:
            parts.append("≤ " + percent(m.share_max))
        text = ", ".join(parts)
        if m.implied_min is not None:
            text += " (≈ " + two_digits(m.implied_min) + ")"
        return text
    if kind == RuleKind.SHARE_OF_MEMBERSHIP:
        text = "≥ " + percent(m.share_min) if m.share_min is not None else ""
        if m.implied_min is not None:
            text += " (≈ " + two_digits(m.implied_min) + ")"
        return text
    if kind == RuleKind.INACTIVITY:
        return ""
    low, high = m.target_min, m.target_max
    if low is not None and high is not None:
        return two_digits(low) if low == high else f"{two_digits(low)}–{two_digits(high)}"
    if low is not None:
        return "≥ " + two_digits(low)
    if high is not None:
        return "≤ " + two_digits(high)
    return ""


def _rule_row(index: int, r: RuleResult) -> list:
    subject = r.subject.name if r.subject else _("%(n)d organizations") % {"n": r.matched}
    if r.many:
        if r.kind in STRUCTURAL:  # the rule's own minimum: its rows are read only when listed
            target = target_text(Measurement(org=None, target_min=r.rule.min_count), r.kind)
        else:
            target = target_text(r.measurements[0], r.kind) if r.measurements else ""
        actual = _("%(meeting)d of %(total)d meet it") % {"meeting": r.meeting, "total": r.matched}
        return [index, r.plan.reference, r.sentence, subject, target, actual, None, None, r.status]
    m = r.single
    actual_value = m.members if r.kind == RuleKind.CELL_SIZE else m.actual
    share = _rate(m, r.kind)
    return [
        index,
        r.plan.reference,
        r.sentence,
        subject,
        target_text(m, r.kind),
        actual_value,
        m.base,
        fraction(share),
        r.status,
    ]


def rule_columns(kind: str) -> list[Column]:
    """The columns of a rule's table: the same for every rule of a kind (one sheet per kind)."""
    organization = [Column("STT", INT, 8), Column(_("Organization"), TEXT, 44)]
    if kind in STRUCTURAL:  # long lists of cells whose names repeat: say what each is part of
        organization.append(Column(_("Part of"), TEXT, 36))
    if kind == RuleKind.CELL_SIZE:
        return [
            *organization,
            Column(_("Target"), TEXT, 14),
            Column(_("Members"), INT, 12),
            Column(_("Status"), STATUS, 16),
        ]
    if kind == RuleKind.INACTIVITY:
        return [
            *organization,
            Column(_("Last admission"), INT, 14),
            Column(_("Achieved"), INT, 12),
            Column(_("Forecast"), INT, 10),
            Column(_("Status"), STATUS, 16),
        ]
    return [
        *organization,
        Column(_("Target"), TEXT, 14),
        Column(_("Achieved"), INT, 12),
        Column(_("Base"), INT, 10),
        Column(_("Share / progress"), PERCENT, 12),
        Column(_("Forecast"), INT, 10),
        Column(_("Status"), STATUS, 14),
    ]


def _rate(m: Measurement, kind: str):
    """The share, or the progress towards the target; none for "at least 01" (met or not is
    all it says: 4 admissions against "≥ 01" are not "400%")."""
    if m.share is not None:
        return m.share
    if kind == RuleKind.COUNT and m.target_min == 1 and m.target_max is None:
        return None
    return m.percent


def _parent_name(org) -> str:
    """The parent's name where the engine read it (rows of organizations failing a size or
    inactivity rule: names like "Chi bộ thôn 1" repeat across a province)."""
    return org.parent if isinstance(org, OrganizationRow) else ""


def _measurement_row(i: int, m: Measurement, kind: str, closed: bool = False) -> list:
    """One organization's row; a closed year shows no forecast."""
    forecast = None if closed else m.forecast
    if kind == RuleKind.CELL_SIZE:
        return [i, m.org.name, _parent_name(m.org), target_text(m, kind), m.members, m.status]
    if kind == RuleKind.INACTIVITY:
        return [i, m.org.name, _parent_name(m.org), m.last_admission_year, m.actual, forecast, m.status]
    return [i, m.org.name, target_text(m, kind), m.actual, m.base, fraction(_rate(m, kind)), forecast, m.status]


def lists_every_organization(r: RuleResult) -> bool:
    """Whether a rule's table lists every organization it measured, or only those not meeting it.

    Size and inactivity rules over many organizations list only the failing ones whatever
    the scope: the engine answers them in the database and returns no others."""
    if r.kind in STRUCTURAL:
        return False
    return r.matched <= LIST_ALL_UP_TO


def _rule_table(index: int, r: RuleResult, closed: bool = False) -> Table:
    every = not r.many or lists_every_organization(r)
    listed = r.measurements if every else r.failing
    kind, link = r.kind, {"category": r.category}

    def source():
        for i, m in enumerate(listed, start=1):
            yield _measurement_row(i, m, kind, closed), {**link, "org": m.org.pk}

    lead = ""
    if r.many:
        counts = {"meeting": r.meeting, "total": r.matched, "failing": r.failing_count, "listed": len(listed)}
        if every or not r.failing_count:  # no "the 0 that do not are listed"
            lead = _("%(meeting)s of %(total)s organizations meet it.") % counts
        elif len(listed) < r.failing_count:
            lead = (
                _(
                    "%(meeting)s of %(total)s organizations meet it; the first %(listed)s of the %(failing)s "
                    "that do not are listed."
                )
                % counts
            )
        else:
            lead = _("%(meeting)s of %(total)s organizations meet it; the %(failing)s that do not are listed.") % counts
    table = Table(
        key=f"rule-{r.rule.pk}",
        title=f"{index}. {r.sentence}",
        columns=rule_columns(kind),
        source=source,
        count=len(listed),
        caption=r.plan.reference,
        lead=lead,
    )
    if not r.many and r.single and r.single.history:
        table.extra.append(year_on_year(r.single))
    return table


def year_on_year(m: Measurement) -> Table:
    """The same figure for earlier years: records, or historical results entered as counts.
    A year without data reads "no data"; a total entered for a period (2020–2023) is a
    row of its own, the period's total, not split into its years."""
    table = Table(
        key="history",
        title=_("Year on year"),
        columns=[
            Column(_("Year"), INT, 8),
            Column(_("Achieved"), INT, 12),
            Column(_("Base"), INT, 10),
            Column(_("Share"), PERCENT, 10),
        ],
    )
    for figure in m.periods:
        table.add([figure.label, figure.actual, None, None])
    for figure in m.history:
        table.add([figure.year, figure_or_no_data(figure.actual), figure.base, fraction(figure.share)])
    return table


def _ended_name(row) -> str:
    """A row's organization, and when it was merged or dissolved (an issued allocation
    table keeps the row, counted up to its last day; a dissolved child keeps what is still
    counted under it)."""
    if row.ended_on is None:
        return row.org.name
    return _("%(name)s (until %(day)s)") % {
        "name": row.org.name,
        "day": (row.ended_on - dt.timedelta(days=1)).strftime("%d/%m/%Y"),
    }


def _allocation_table(table: AllocationTable, att: Attainment) -> Table:
    year = att.year
    beside = Beside(att)
    # A row of an organization directly under the scope reads the figure its own row does
    # (last year's "no data" included), so the appendix and the table above never disagree.
    child_periods = {c.org.pk: Beside.figure(c.period, c.last_year) for c in att.children if c.ended_on is None}
    periods = [child_periods.get(row.org.pk, row.period) if row.ended_on is None else None for row in table.rows]

    def source():
        for i, (row, figure) in enumerate(zip(table.rows, periods, strict=True), start=1):
            yield (
                [
                    i,
                    _ended_name(row),
                    allocation_notation(row.total, row.sub_targets),
                    allocation_notation(row.actual, row.sub_actual),
                    fraction(row.percent),
                    row.total,
                    row.actual,
                    *beside.cells(figure),
                    row.status,
                ],
                {"org": row.org.pk, "category": ""},
            )

    t = Table(
        key=f"allocation-{table.rule.pk}",
        title=_("ALLOCATION OF THE %(year)d ADMISSION QUOTA") % {"year": year},
        caption=(
            _("Attached to plan no. %(ref)s of the standing committee of %(org)s")
            % {
                "ref": table.plan.reference or "…",
                "org": table.subject.name,
            }
        ),
        columns=[
            Column("STT", INT, 6),
            Column("TCCSĐ", TEXT, 48),
            Column(_("QUOTA"), TEXT, 14),
            Column(_("ACHIEVED"), TEXT, 14),
            Column(_("RATE"), PERCENT, 10),
            Column(_("Quota (total)"), INT, 10),
            Column(_("Achieved (total)"), INT, 10),
            *beside.columns,
            Column(_("Status"), STATUS, 14),
        ],
        sum_columns=(5, 6, *beside.summed(7, periods)),
        source=source,
        count=len(table.rows),
    )
    t.lead = beside.spans
    allocated = sum(r.total for r in table.rows)
    achieved = sum(r.actual for r in table.rows)
    if table.target is not None and not table.partial:
        t.note = _("Allocated %(allocated)s of %(org)s's target of %(target)s.") % {
            "allocated": allocated,
            "org": table.subject.name,
            "target": table.target,
        }
    t.totals = [
        None,
        _("Total"),
        two_digits(allocated),
        two_digits(achieved),
        fraction(Decimal(achieved * 100) / allocated if allocated else None),
        allocated,
        achieved,
        *beside.totals(periods),
        None,
    ]
    return t


# What the "%" of a period shows when the same period last year is 0 (or has no data).
NO_PERCENT = "—"


def period_cells(figure) -> list:
    """This period, the same period last year, the difference and this ÷ last ("—" when
    last year is 0): the four cells beside a figure."""
    if figure is None:
        return [None, None, None, None]
    percent = fraction(figure.percent)
    return [
        figure_or_no_data(figure.actual),
        figure_or_no_data(figure.last_year),
        figure.difference,
        NO_PERCENT if percent is None else percent,
    ]


class Beside:
    """The report period beside the same period last year, as columns beside a row's own
    figures (the organizations directly under the scope, the allocation appendix): this
    period, the same period last year, the difference and this ÷ last ("—" when last year
    is 0). A period from 1 January is the year to date: its "this period" is the row's
    achieved figure already shown, so the column is left out. Every figure comes from the
    engine's answer (`ChildRow.period`, `AllocationRow.period`): no query per row."""

    def __init__(self, att: Attainment):
        self.shown = att.period is not None
        self.year_to_date = not self.shown or att.period.start == dt.date(att.year, 1, 1)
        self.columns: list[Column] = []
        self.spans = ""
        if not self.shown:
            return
        if not self.year_to_date:
            self.columns.append(Column(_("This period"), INT, 12))
        self.columns += [
            Column(_("Same period last year"), INT, 16),
            Column(_("Difference"), INT, 12),
            Column(_("Rate to last year"), PERCENT, 16),
        ]
        if self.year_to_date:
            self.spans = _("Same period last year: %(last)s.") % {"last": same_span_label(att)}
        else:
            self.spans = _("This period: %(this)s; same period last year: %(last)s.") % {
                "this": period_span_label(att),
                "last": same_span_label(att),
            }

    @staticmethod
    def figure(period: "PeriodFigure | None", last_year: int | None) -> "PeriodFigure | None":
        """A row's period figure, with "no data" for the same period when the whole of
        last year has none (no records at all: never a 0 beside "no data")."""
        if period is None or last_year is not None or period.last_year is None:
            return period
        return PeriodFigure(period.actual, None)

    def cells(self, figure) -> list:
        if not self.shown:
            return []
        cells = period_cells(figure)
        return cells[1:] if self.year_to_date else cells

    def summed(self, first: int, figures: list) -> tuple[int, ...]:
        """The positions (from `first`) of the columns whose total is the sum of the rows:
        this period and last year's (unless no row has data)."""
        if not self.shown:
            return ()
        n = 0 if self.year_to_date else 1
        if not any(f is not None and f.last_year is not None for f in figures):
            return tuple(range(first, first + n))
        return tuple(range(first, first + n + 1))

    def totals(self, figures: list) -> list:
        if not self.shown:
            return []
        known = [f for f in figures if f is not None]
        actuals = [f.actual for f in known if f.actual is not None]
        lasts = [f.last_year for f in known if f.last_year is not None]
        total = PeriodFigure(sum(actuals) if actuals else None, sum(lasts) if lasts else None)
        if total.last_year is None:
            cells = [total.actual, None, None, None]
        else:
            cells = period_cells(total)
        return cells[1:] if self.year_to_date else cells


def period_columns(att: Attainment) -> list[Column]:
    return [
        Column(_("This period (%(period)s)") % {"period": period_span_label(att)}, INT, 16),
        Column(_("Same period last year (%(period)s)") % {"period": same_span_label(att)}, INT, 16),
        Column(_("Difference"), INT, 10),
        Column(_("Rate to last year"), PERCENT, 12),
    ]


def _day(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def period_span_label(att: Attainment) -> str:
    """The days counted: "01/04/2025–30/06/2025" (to the report's day while it runs)."""
    return f"{_day(att.period.start)}–{_day(att.period_to)}"


def same_span_label(att: Attainment) -> str:
    return f"{_day(att.same_period.start)}–{_day(att.same_period.end)}"


def period_table(att: Attainment) -> Table | None:
    """The admissions of the report period beside the same period last year: the scope's
    total and each target measuring the admissions of one organization (of a category) —
    the same rows in the page, the workbook and the PDF. The organizations directly under
    the scope have the same columns beside their own figures (`children_table`)."""
    if att.period is None or att.period_figure is None:
        return None
    columns = [Column("STT", INT, 6), Column(_("Organization"), TEXT, 48), *period_columns(att)]
    table = Table(
        key="same-period",
        title=_("New members in %(period)s and in the same period last year") % {"period": att.period.label},
        caption=_("Admissions with ceremony dates from %(this)s, beside %(last)s")
        % {"this": period_span_label(att), "last": same_span_label(att)},
        columns=columns,
    )
    n = 1
    table.add(
        [n, _("%(org)s (total)") % {"org": att.scope.name}, *period_cells(att.period_figure)],
        {"org": att.scope.pk, "category": ""},
    )
    seen = {(att.scope.pk, "")} | {(c.org.pk, "") for c in att.children}
    for r in att.rules:
        m = r.single
        if m is None or m.period is None or (m.org.pk, r.category or "") in seen:
            continue
        seen.add((m.org.pk, r.category or ""))
        n += 1
        name = f"{m.org.name}: {category_label(r.category)}" if r.category else m.org.name
        table.add([n, name, *period_cells(m.period)], {"org": m.org.pk, "category": r.category})
    return table


def child_targets(att: Attainment) -> dict[int, tuple]:
    """(target, percent, status) of each child organization the engine gives no target,
    by its id: the total its own plan sets (a count rule of all new members for the child
    itself), else the quota an allocation table gives it (the scope's own table first,
    then the tables of the plans above it)."""
    found: dict[int, tuple] = {}
    for r in att.rules:
        m = r.single
        if r.kind == RuleKind.COUNT and not r.category and m is not None and m.target_min is not None:
            found.setdefault(m.org.pk, (m.target_min, m.percent, r.status))
    for table in sorted(att.allocations, key=lambda t: t.subject.pk != att.scope.pk):
        for row in table.rows:
            found.setdefault(row.org.pk, (row.total, row.percent, row.status))
    return found


def _report_subject(att: Attainment) -> str:
    subject = _("Results of the %(year)d party development targets") % {"year": att.year}
    if att.period is not None and att.period.key != str(att.year):
        subject += " — " + att.period.label
    return subject


def children_table(att: Attainment) -> Table:
    """The organizations directly under the scope: quota, achieved, rate, forecast, the
    report period beside the same period last year, and the status. The whole of last
    year is a column of its own only while it differs from the same period (a running
    year); no forecast once the year is over."""
    beside = Beside(att)
    whole_year = att.same_period is not None and (att.same_period.start, att.same_period.end) == (
        dt.date(att.year - 1, 1, 1),
        dt.date(att.year - 1, 12, 31),
    )
    last_year_column = not (beside.shown and beside.year_to_date and whole_year)
    columns = [
        Column("STT", INT, 6),
        Column(_("Organization"), TEXT, 44),
        Column(_("Quota"), INT, 9),
        Column(_("Achieved"), INT, 10),
        Column(_("Rate"), PERCENT, 9),
        Column(_("Forecast"), INT, 9),
    ]
    if last_year_column:
        # Its own context: not the "Last year" of a plan's years (quotas/forms.py).
        columns.append(Column(pgettext("report column: the figure of the year before", "Last year"), INT, 10))
    first_beside = len(columns)
    columns += [*beside.columns, Column(_("Status"), STATUS, 14)]
    table = Table(
        key="children", title=_("Organizations directly under %(org)s") % {"org": att.scope.name}, columns=columns
    )
    table.lead = beside.spans
    targets = child_targets(att)
    for i, c in enumerate(att.children, start=1):
        target, percent, status = c.target, c.percent, c.status
        if target is None and c.ended_on is None and c.org.pk in targets:
            target, percent, status = targets[c.org.pk]
        last = [figure_or_no_data(c.last_year)] if last_year_column else []
        table.add(
            [
                i,
                _ended_name(c),
                target,
                c.actual,
                fraction(percent),
                c.forecast,
                *last,
                *beside.cells(Beside.figure(c.period, c.last_year)),
                status,
            ],
            {"org": c.org.pk, "category": ""},
        )
    last_years = [c.last_year for c in att.children if c.last_year is not None]
    figures = [Beside.figure(c.period, c.last_year) for c in att.children]
    # No sum of forecasts for a closed year; no sum of "no data" (Excel would write 0).
    table.sum_columns = (
        (3,)
        + (() if att.year_over else (5,))
        + ((6,) if last_year_column and last_years else ())
        + beside.summed(first_beside, figures)
    )
    table.totals = [
        None,
        _("Total"),
        None,
        sum(c.actual for c in att.children),
        None,
        None if att.year_over else sum(c.forecast or 0 for c in att.children),
        *([sum(last_years) if last_years else None] if last_year_column else []),
        *beside.totals(figures),
        None,
    ]
    return table


def build_report(att: Attainment) -> Report:
    with gc_paused():
        return _build_report(att)


def _build_report(att: Attainment) -> Report:
    summary = Table(
        key="summary",
        title=_("Attainment of the %(year)d party development targets") % {"year": att.year},
        columns=[
            Column("STT", INT, 6),
            Column(_("Plan no."), TEXT, 20),
            Column(_("Target (as written in the plan)"), TEXT, 60),
            Column(_("Organization"), TEXT, 28),
            Column(_("Target"), TEXT, 14),
            Column(_("Achieved"), TEXT, 14),
            Column(_("Base"), INT, 10),
            Column(_("Share / progress"), PERCENT, 12),
            Column(_("Status"), STATUS, 16),
        ],
        caption=_("As of %(date)s") % {"date": att.as_of.strftime("%d/%m/%Y")},
    )
    rule_tables = []
    by_kind: dict[str, list[Table]] = {}
    for i, r in enumerate(att.rules, start=1):
        summary.add(_rule_row(i, r), {"org": (r.subject or att.scope).pk, "category": r.category})
        table = _rule_table(i, r, att.year_over)
        rule_tables.append(table)
        by_kind.setdefault(r.kind, []).append(table)
    sections = [
        RuleSection(
            kind=kind, name=str(name), title=str(RuleKind(kind).label), columns=rule_columns(kind), tables=tables
        )
        for kind, name in KIND_SHEETS.items()
        if (tables := by_kind.get(kind))
    ]
    children = children_table(att)
    return Report(
        attainment=att,
        title=_("REPORT"),
        subject=_report_subject(att),
        summary=summary,
        rule_tables=rule_tables,
        allocation_tables=[_allocation_table(t, att) for t in att.allocations],
        children=children,
        sections=sections,
        period=period_table(att),
    )
