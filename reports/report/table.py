"""The report object's building blocks: columns, tables of plain cells, the report itself,
and the labels and cell values every renderer shares (statuses, "no data", percentages)."""

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from admissions.categories import Category

from ..engine import (
    Attainment,
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


# A year without data (reports.engine.measure._Computation.known): never shown as 0.
NO_DATA = gettext_lazy("no data")


TEXT, INT, PERCENT, STATUS = "text", "int", "percent", "status"


# What the "%" of a period shows when the same period last year is 0 (or has no data).
NO_PERCENT = "—"


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
        self.padded: tuple[int, ...] = ()  # columns of counts a document writes zero-padded ("03")
        self.sub_columns: list[tuple[str, int, int]] = []  # an appendix's sub-quotas: (category, quota, achieved)
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
    closing: str = ""  # an organization that ended, as of its last day: says so (closing_note)
    founded: str = ""  # a day before the organization was founded: says so (founded_note)
    # The day the document is dated (its place-and-date line): the day it was sent for a
    # report sent upward; else (None) the day its figures are counted to.
    dated: dt.date | None = None

    @property
    def tables(self) -> list[Table]:
        return [
            self.summary,
            *([self.period] if self.period else []),
            *self.allocation_tables,
            self.children,
            *self.rule_tables,
        ]


def status_label(status: str | None) -> str:
    return str(STATUS_LABELS[status]) if status else ""


def figure_or_no_data(value: int | None):
    """A year's figure, or the words "no data" (in every renderer) when there is none."""
    return str(NO_DATA) if value is None else value


def fraction(value: Decimal | None) -> float | None:
    """A percentage (33.3) as the fraction Excel formats as a percent (0.333): divided as a
    decimal, so the cell holds 0.333 (a float division stored 0.33299999999999996)."""
    return None if value is None else float(Decimal(value) / 100)


def category_label(category: str) -> str:
    return str(Category(category).label) if category else _("all new members")
