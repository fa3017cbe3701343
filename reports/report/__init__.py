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
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from admissions.categories import ABBREVIATION_OF
from organizations.models import Organization
from organizations.selectors import with_last_day
from quotas.models import RuleKind

from ..engine import AllocationTable, Attainment, RuleNotApplying, gc_paused
from ..engine.measure import closing
from .periods import (
    Beside,
    cut_note,
    ended_name,
    own_name,
    period_cells,
    period_columns,
    period_span_label,
    period_table,
    same_span_label,
)
from .rule_tables import (
    KIND_SHEETS,
    _rule_row,
    _rule_table,
    group_same_targets,
    lists_every_organization,
    rule_columns,
    target_text,
    year_on_year,
)
from .table import (
    INT,
    NO_DATA,
    NO_PERCENT,
    PERCENT,
    STATUS,
    STATUS_CLASS,
    STATUS_LABELS,
    TEXT,
    Column,
    Report,
    RuleSection,
    Table,
    category_label,
    figure_or_no_data,
    fraction,
    status_label,
)

# What the renderers and pages read from the report object.
__all__ = [
    "Beside",
    "Column",
    "INT",
    "NO_DATA",
    "NO_PERCENT",
    "PERCENT",
    "Report",
    "RuleSection",
    "STATUS",
    "STATUS_CLASS",
    "STATUS_LABELS",
    "TEXT",
    "Table",
    "build_report",
    "category_label",
    "child_targets",
    "children_table",
    "cut_note",
    "figure_or_no_data",
    "fraction",
    "gc_paused",
    "group_same_targets",
    "lists_every_organization",
    "period_cells",
    "period_columns",
    "period_span_label",
    "period_table",
    "rule_columns",
    "same_span_label",
    "status_label",
    "target_text",
    "year_on_year",
]


def _allocation_table(table: AllocationTable, att: Attainment) -> Table:
    """The appendix of an allocation: every figure once, as a number. The plan's "03 (01 HS)"
    is CHỈ TIÊU 3 and, when the table has sub-quotas, CHỈ TIÊU HS 1 beside THỰC HIỆN HS
    (a quota and an achieved column per category: `sub_columns`, which the PDF writes back
    into the plan's notation). `padded`: the counts the PDF and the workbook write
    zero-padded, as a plan writes them ("03")."""
    year = att.year
    beside = Beside(att)
    # A row of an organization directly under the scope reads the figure its own row does
    # (last year's "no data" included), so the appendix and the table above never disagree.
    # A row counted up to a last day other than the report's has no figure beside last year's
    # (the engine gives none: AllocationRow.period); one whose last day is the report's day
    # (the district's own report of its last day) is comparable and has one.
    child_periods = {c.org.pk: Beside.figure(c.period, c.last_year) for c in att.children if c.ended_on is None}
    periods = [None if row.period is None else child_periods.get(row.org.pk, row.period) for row in table.rows]
    if table.rows and all(figure is None for figure in periods):
        beside.hide()  # every row counted to a committee's last day: empty columns say nothing
    categories = list(dict.fromkeys(c for row in table.rows for c, n in (row.sub_targets or {}).items() if n))
    sub_columns = []
    for c in categories:
        values = {"category": ABBREVIATION_OF.get(c, c)}
        sub_columns += [
            Column(_("QUOTA %(category)s") % values, INT, 10),
            Column(_("ACHIEVED %(category)s") % values, INT, 10),
        ]

    def sub_cells(row) -> list:
        cells = []
        for c in categories:
            quota = (row.sub_targets or {}).get(c) or None
            cells += [quota, None if quota is None else row.sub_actual.get(c, 0)]
        return cells

    def source():
        for i, (row, figure) in enumerate(zip(table.rows, periods, strict=True), start=1):
            link = {"org": row.org.pk, "category": ""}
            if table.counted_to is not None:  # the admissions behind its figure: as of that day
                link["as_of"] = table.counted_to
            # A row of a committee's table that ended is counted to its last day, whatever
            # became of the row's organization (a school moved under a new commune).
            ended_on = row.ended_on or (table.subject_ended_on if table.counted_to is not None else None)
            yield (
                [
                    i,
                    with_last_day(row.org.name, ended_on),
                    row.total,
                    row.actual,
                    fraction(row.percent),
                    *sub_cells(row),
                    *beside.cells(figure),
                    row.status,
                ],
                link,
            )

    first_beside = 5 + len(sub_columns)
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
            Column(_("QUOTA"), INT, 10),
            Column(_("ACHIEVED"), INT, 10),
            Column(_("RATE"), PERCENT, 10),
            *sub_columns,
            *beside.columns,
            Column(_("Status"), STATUS, 14),
        ],
        sum_columns=(2, 3, *range(5, first_beside), *beside.summed(first_beside, periods)),
        source=source,
        count=len(table.rows),
    )
    t.padded = (0, 2, 3, *range(5, first_beside))
    # (category, its quota column, its achieved column): the PDF writes them back into the
    # plan's notation, "03 (01 HS)" (DOCUMENT-FORMAT.md, appendix tables).
    t.sub_columns = [(c, 5 + 2 * i, 6 + 2 * i) for i, c in enumerate(categories)]
    t.lead = beside.spans
    allocated = sum(r.total for r in table.rows)
    achieved = sum(r.actual for r in table.rows)
    notes = []
    if table.subject_ended_on is not None:
        # Every row is counted to the committee's last day, moved units too (they carry no
        # "(up to …)" of their own): said once for the whole table.
        notes.append(counted_to_note(table))
    if table.target is not None and not table.partial:
        notes.append(
            _("Allocated %(allocated)s of %(org)s's target of %(target)s.")
            % {"allocated": allocated, "org": table.subject.name, "target": table.target}
        )
    if not table.partial and table.actual is not None and achieved < table.actual:
        # The rows are the allocated organizations, not the committee's whole subtree.
        notes.append(
            _(
                "%(org)s achieved %(actual)s: %(rest)s of them are in no row (counted at the committee"
                " itself, or at organizations the table allocates nothing to)."
            )
            % {"org": table.subject.name, "actual": table.actual, "rest": table.actual - achieved}
        )
    t.note = " ".join(notes)
    sub_totals = [sum(cells[i] or 0 for cells in map(sub_cells, table.rows)) for i in range(len(sub_columns))]
    t.totals = [
        None,
        _("Total"),
        allocated,
        achieved,
        fraction(Decimal(achieved * 100) / allocated if allocated else None),
        *sub_totals,
        *beside.totals(periods),
        None,
    ]
    return t


def counted_to_note(table: AllocationTable) -> str:
    """What an allocation table of a committee that ended says of its figures: they are
    counted up to its last day, whatever became of each row's organization after it."""
    values = {
        "org": table.subject.name,
        "day": table.subject_ended_on.strftime("%d/%m/%Y"),
        "last": (table.subject_ended_on - dt.timedelta(days=1)).strftime("%d/%m/%Y"),
    }
    if table.subject.merged_into_id is not None:
        return _("Allocation table of %(org)s (merged on %(day)s): achieved figures counted up to %(last)s.") % values
    return _("Allocation table of %(org)s (dissolved on %(day)s): achieved figures counted up to %(last)s.") % values


def child_targets(att: Attainment) -> dict[int, tuple]:
    """(target, percent, status) of each child organization the engine gives no target,
    by its id: the total its own plan sets (a count rule of all new members for the child
    itself), else the quota an allocation table gives it (the scope's own table first,
    then the tables of the plans above it). Not the table of a committee that ended before
    the count day: its quota applied to its rows until its last day, counted to that day
    (the engine's targets leave it out alike: engine.measure)."""
    found: dict[int, tuple] = {}
    for r in att.rules:
        m = r.single
        if r.kind == RuleKind.COUNT and not r.category and m is not None and m.target_min is not None:
            found.setdefault(m.org.pk, (m.target_min, m.percent, r.status))
    for table in sorted(att.allocations, key=lambda t: t.subject.pk != att.scope.pk):
        if table.counted_to is not None:
            continue
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
    shown_targets = []
    for i, c in enumerate(att.children, start=1):
        target, percent, status = c.target, c.percent, c.status
        if target is None and c.ended_on is None and c.org.pk in targets:
            target, percent, status = targets[c.org.pk]
        if target is not None:
            shown_targets.append(target)
        last = [figure_or_no_data(c.last_year)] if last_year_column else []
        table.add(
            [
                i,
                ended_name(c),
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
    rows = att.children
    if att.own is not None:  # what counts at the scope itself: the rows add up to its total
        c = att.own
        last = [figure_or_no_data(c.last_year)] if last_year_column else []
        beside_own = beside.cells(Beside.figure(c.period, c.last_year))
        table.add([len(rows) + 1, own_name(c), None, c.actual, None, c.forecast, *last, *beside_own, None])
        rows = [*rows, c]
    last_years = [c.last_year for c in rows if c.last_year is not None]
    figures = [Beside.figure(c.period, c.last_year) for c in rows]
    # No sum of forecasts for a closed year or one not begun (the scope's forecast is None
    # then); no sum of "no data" (Excel would write 0).
    no_forecast = att.forecast is None
    table.sum_columns = (
        ((2,) if shown_targets else ())
        + (3,)
        + (() if no_forecast else (5,))
        + ((6,) if last_year_column and last_years else ())
        + beside.summed(first_beside, figures)
    )
    table.totals = [
        None,
        _("Total"),
        sum(shown_targets) if shown_targets else None,  # the targets shown, whatever the year
        sum(c.actual for c in rows),
        None,
        None if no_forecast else sum(c.forecast or 0 for c in rows),
        *([sum(last_years) if last_years else None] if last_year_column else []),
        *beside.totals(figures),
        None,
    ]
    return table


def closing_note(att: Attainment) -> str:
    """What the closing report of an organization that ended says of it (engine.measure.closing),
    else ""."""
    scope = att.scope
    if not closing(scope, att.year, att.as_of):
        return ""
    day = scope.dissolved_on.strftime("%d/%m/%Y")
    successor = Organization.objects.filter(pk=scope.merged_into_id).values_list("name", flat=True).first()
    if successor:
        ended = _("Merged into %(successor)s on %(day)s") % {"successor": successor, "day": day}
    else:
        ended = _("Dissolved on %(day)s") % {"day": day}
    return _("%(ended)s: its year ended on its last day; its targets are judged on what it achieved by then.") % {
        "ended": ended
    }


def founded_note(att: Attainment) -> str:
    """What a report counted to a day before its organization was founded says of it (as
    its page does first), else ""."""
    founded = att.scope.founded_on
    if founded is None or min(att.as_of, dt.date(att.year, 12, 31)) >= founded:
        return ""
    return _(
        "Founded on %(day)s: on the report's day it did not exist yet, and its units counted with the"
        " organizations they were under then."
    ) % {"day": founded.strftime("%d/%m/%Y")}


def not_applying_note(n: RuleNotApplying, year: int) -> str:
    """Why a rule of the plans has no row in the report: no organization it applies to
    stands (the district committees after the 2025 reorganization), naming those that ended."""
    ended = "; ".join(
        (_("%(names)s merged on %(day)s") if merged else _("%(names)s dissolved on %(day)s"))
        % {"names": ", ".join(names), "day": day.strftime("%d/%m/%Y")}
        for day, merged, names in n.ended
    )
    values = {"sentence": n.sentence, "plan": n.plan.reference or n.plan.title, "year": year, "ended": ended}
    if ended:
        return (
            _(
                "The target “%(sentence)s” of plan %(plan)s does not apply in %(year)d: no organization it"
                " applies to stands any more (%(ended)s)."
            )
            % values
        )
    return (
        _("The target “%(sentence)s” of plan %(plan)s does not apply in %(year)d: no organization it applies to.")
        % values
    )


def amended_after_note(att: Attainment) -> str:
    """What a report of a day says of the amendments of its plans that take effect only after
    that day: it counts against the targets they replaced (quotas.in_force)."""
    if not att.amended_after:
        return ""
    count_day = min(att.as_of, dt.date(att.year, 12, 31))
    amendments = "; ".join(
        _("%(plan)s, amended on %(made)s, in force from %(from)s")
        % {
            "plan": a.plan.label,  # as the rules' list names it
            "made": a.made_on.strftime("%d/%m/%Y"),
            "from": a.in_force_from.strftime("%d/%m/%Y"),
        }
        for a in att.amended_after
    )
    return _(
        "The targets are those in force on %(day)s; amendments in force only after that day"
        " are not counted (%(amendments)s)."
    ) % {"day": count_day.strftime("%d/%m/%Y"), "amendments": amendments}


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
    closing, founded = closing_note(att), founded_note(att)
    for note in (closing, founded):
        if note:
            summary.caption = f"{summary.caption}. {note}"
    rule_tables = []
    by_kind: dict[str, list[Table]] = {}
    # The same target set by several plans is one row naming them all, as on the page.
    for i, (r, plans) in enumerate(group_same_targets(att.rules), start=1):
        summary.add(_rule_row(i, r, plans), {"org": (r.subject or att.scope).pk, "category": r.category})
        # A year over or not begun: no forecast in its rows.
        table = _rule_table(i, r, att.forecast is None, min(att.as_of, dt.date(att.year, 12, 31)))
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
    # The rules left out, and why: after the summary table, on the page, in the PDF and the workbook.
    notes = [amended_after_note(att)] if att.amended_after else []
    notes += [not_applying_note(n, att.year) for n in att.not_applying]
    summary.note = " ".join(notes)
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
        closing=closing,
        founded=founded,
    )
