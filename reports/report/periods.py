"""The report period beside the same period last year: the cells and columns beside a
row's figures (`Beside`), the labels of the spans, and the table of the period."""

import datetime as dt

from django.utils.translation import gettext as _

from organizations.selectors import with_last_day

from ..engine import (
    Attainment,
    PeriodFigure,
)
from .table import INT, NO_PERCENT, PERCENT, TEXT, Column, Table, category_label, figure_or_no_data, fraction


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
        if att.cut_years:
            self.spans += " " + cut_note(att)

    def hide(self) -> None:
        """No columns beside the rows (none of them has a figure beside last year's)."""
        self.shown, self.columns, self.spans = False, [], ""

    @staticmethod
    def figure(period: "PeriodFigure | None", last_year: int | None) -> "PeriodFigure | None":
        """A row's period figure, with "no data" for the same period when the whole of
        last year has none (no records at all: never a 0 beside "no data")."""
        if period is None or last_year is not None or period.last_year is None:
            return period
        return PeriodFigure(period.actual, None, period.cut)

    def cells(self, figure) -> list:
        if not self.shown:
            return []
        cells = period_cells(figure)
        return cells[1:] if self.year_to_date else cells

    def summed(self, first: int, figures: list) -> tuple[int, ...]:
        """The positions (from `first`) of the columns whose total is the sum of the rows:
        this period and last year's (unless no row has data, or a row's is unknown)."""
        if not self.shown or any(f is None for f in figures):
            return ()
        this_unknown, last_unknown = _unknown(figures)
        columns = [] if self.year_to_date or this_unknown else [first]
        if any(f is not None and f.last_year is not None for f in figures) and not last_unknown:
            columns.append(first if self.year_to_date else first + 1)
        return tuple(columns)

    def totals(self, figures: list) -> list:
        """The total row's cells: none when a row has no figure beside last year's (an
        allocation row counted up to another day than the report's), never the sum of
        part of a column."""
        if not self.shown:
            return []
        if any(f is None for f in figures):
            return self.cells(None)
        known = [f for f in figures if f is not None]
        actuals = [f.actual for f in known if f.actual is not None]
        lasts = [f.last_year for f in known if f.last_year is not None]
        this_unknown, last_unknown = _unknown(figures)
        total = PeriodFigure(
            None if this_unknown or not actuals else sum(actuals),
            None if last_unknown or not lasts else sum(lasts),
        )
        if total.last_year is None:
            cells = [total.actual, None, None, None]
        else:
            cells = period_cells(total)
        return cells[1:] if self.year_to_date else cells


def cut_note(att: Attainment) -> str:
    """Why period figures read "no data" although the records hold some: years entered as
    one count for the whole year (Attainment.cut_years), which no part of the year holds."""
    if not att.cut_years:
        return ""
    return _(
        "“No data” for a period: the new members of %(years)s were entered as a count for the whole "
        "year (New members of past years), which cannot be split into part of it."
    ) % {"years": ", ".join(map(str, att.cut_years))}


def _unknown(figures: list) -> tuple[bool, bool]:
    """Whether the rows' total of this period, and of the same period last year, is
    unknown: a row's figure is cut (its span holds part of a year entered as a count), so
    the rows cannot be added up ("no data", never the sum of the others)."""
    cut = [f for f in figures if f is not None and f.cut]
    return any(f.actual is None for f in cut), any(f.last_year is None for f in cut)


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
        note=cut_note(att),
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


def own_name(row) -> str:
    """The row of what counts at the report's organization itself (Attainment.own)."""
    return own_label(row.org.name, row.merged)


def own_label(name: str, merged: list[str]) -> str:
    """What counts at organization `name` itself, and at the organizations `merged` into it."""
    if merged:
        return _("Recorded at %(name)s itself and at the organizations merged into it (%(merged)s)") % {
            "name": name,
            "merged": ", ".join(merged),
        }
    return _("Recorded at %(name)s itself") % {"name": name}


def ended_name(row) -> str:
    """A row's organization, and when it was merged or dissolved (an issued allocation
    table keeps the row, counted up to its last day; a dissolved child keeps what is still
    counted under it)."""
    return with_last_day(row.org.name, row.ended_on)
