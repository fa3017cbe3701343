"""One report object, rendered as HTML, Excel and PDF from the same rows.

`build_report(attainment)` turns the engine's result into titled tables of plain cells
(text, integers, fractions for percentages, status codes). The renderers
(templates, reports/xlsx.py, reports/pdf.py) only lay these cells out, so the screen,
the workbook and the PDF never disagree.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from admissions.categories import Category
from quotas.models import RuleKind
from quotas.sentences import allocation_notation, percent, two_digits

from .engine import AllocationTable, Attainment, Measurement, RuleResult, Status

STATUS_LABELS = {
    Status.MET: gettext_lazy("Met"),
    Status.ON_TRACK: gettext_lazy("On track"),
    Status.BEHIND: gettext_lazy("Behind"),
    Status.NOT_MET: gettext_lazy("Not met"),
}
# The CSS classes of static/css/app.css badges and progress bars.
STATUS_CLASS = {Status.MET: "ok", Status.ON_TRACK: "info", Status.BEHIND: "warn", Status.NOT_MET: "bad"}

TEXT, INT, PERCENT, STATUS = "text", "int", "percent", "status"


@dataclass
class Column:
    title: str
    kind: str = TEXT
    width: int = 12


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    caption: str = ""  # the italic line under the title
    note: str = ""  # a line after the table ("Lưu ý", allocated vs target)
    totals: list | None = None  # a total row; None cells stay empty; INT columns may be summed
    sum_columns: tuple[int, ...] = ()  # columns whose total is the sum of the rows (a formula in Excel)
    links: list[dict] = field(default_factory=list)  # per row: {column index: url name args} for HTML
    extra: list["Table"] = field(default_factory=list)  # smaller tables shown below (year on year)

    def plain_rows(self):
        return self.rows


@dataclass
class Report:
    attainment: Attainment
    title: str
    subject: str
    summary: Table
    rule_tables: list[Table]
    allocation_tables: list[Table]
    children: Table

    @property
    def tables(self) -> list[Table]:
        return [self.summary, *self.allocation_tables, self.children, *self.rule_tables]


def status_label(status: str | None) -> str:
    return str(STATUS_LABELS[status]) if status else ""


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
        target = target_text(r.measurements[0], r.kind) if r.measurements else ""
        actual = _("%(meeting)d of %(total)d meet it") % {"meeting": r.meeting, "total": r.matched}
        return [index, r.plan.reference, r.sentence, subject, target, actual, None, None, r.status]
    m = r.single
    actual_value = m.members if r.kind == RuleKind.CELL_SIZE else m.actual
    share = m.share if m.share is not None else m.percent
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


def _rule_table(index: int, r: RuleResult) -> Table:
    columns = [
        Column("STT", INT, 6),
        Column(_("Organization"), TEXT, 44),
        Column(_("Target"), TEXT, 14),
        Column(_("Achieved"), INT, 12),
        Column(_("Base"), INT, 10),
        Column(_("Share / progress"), PERCENT, 12),
        Column(_("Forecast"), INT, 10),
        Column(_("Status"), STATUS, 14),
    ]
    if r.kind == RuleKind.CELL_SIZE:
        columns[3] = Column(_("Members"), INT, 12)
    if r.kind == RuleKind.INACTIVITY:
        columns[2] = Column(_("Last admission"), INT, 14)
    table = Table(key=f"rule-{r.rule.pk}", title=f"{index}. {r.sentence}", columns=columns, caption=r.plan.reference)
    for i, m in enumerate(r.measurements, start=1):
        share = m.share if m.share is not None else m.percent
        if r.kind == RuleKind.CELL_SIZE:
            actual, target = m.members, target_text(m, r.kind)
        elif r.kind == RuleKind.INACTIVITY:
            actual, target = m.actual, m.last_admission_year
        else:
            actual, target = m.actual, target_text(m, r.kind)
        table.rows.append([i, m.org.name, target, actual, m.base, fraction(share), m.forecast, m.status])
        table.links.append({"org": m.org.pk, "category": r.category})
    if not r.many and r.single and r.single.history:
        table.extra.append(year_on_year(r.single))
    return table


def year_on_year(m: Measurement) -> Table:
    """The same figure for earlier years: records, or historical results entered as counts."""
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
    for figure in m.history:
        table.rows.append([figure.year, figure.actual, figure.base, fraction(figure.share)])
    return table


def _allocation_table(table: AllocationTable, year: int) -> Table:
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
            Column(_("Status"), STATUS, 14),
        ],
        sum_columns=(5, 6),
    )
    for i, row in enumerate(table.rows, start=1):
        t.rows.append(
            [
                i,
                row.org.name,
                allocation_notation(row.total, row.sub_targets),
                allocation_notation(row.actual, row.sub_actual),
                fraction(row.percent),
                row.total,
                row.actual,
                row.status,
            ]
        )
        t.links.append({"org": row.org.pk, "category": ""})
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
        None,
    ]
    return t


def build_report(att: Attainment) -> Report:
    summary = Table(
        key="summary",
        title=_("Attainment of the %(year)d party development targets") % {"year": att.year},
        columns=[
            Column("STT", INT, 6),
            Column(_("Plan no."), TEXT, 12),
            Column(_("Target (as written in the plan)"), TEXT, 60),
            Column(_("Organization"), TEXT, 28),
            Column(_("Target"), TEXT, 14),
            Column(_("Achieved"), TEXT, 14),
            Column(_("Base"), INT, 10),
            Column(_("Share / progress"), PERCENT, 12),
            Column(_("Status"), STATUS, 14),
        ],
        caption=_("As of %(date)s") % {"date": att.as_of.strftime("%d/%m/%Y")},
    )
    rule_tables = []
    for i, r in enumerate(att.rules, start=1):
        summary.rows.append(_rule_row(i, r))
        summary.links.append({"org": (r.subject or att.scope).pk, "category": r.category})
        rule_tables.append(_rule_table(i, r))
    children = Table(
        key="children",
        title=_("Organizations directly under %(org)s") % {"org": att.scope.name},
        columns=[
            Column("STT", INT, 6),
            Column(_("Organization"), TEXT, 48),
            Column(_("Quota"), INT, 10),
            Column(_("Achieved"), INT, 10),
            Column(_("Rate"), PERCENT, 10),
            Column(_("Forecast"), INT, 10),
            Column(_("Last year"), INT, 10),
            Column(_("Status"), STATUS, 14),
        ],
        sum_columns=(3, 5, 6),
    )
    for i, c in enumerate(att.children, start=1):
        children.rows.append(
            [i, c.org.name, c.target, c.actual, fraction(c.percent), c.forecast, c.last_year, c.status]
        )
        children.links.append({"org": c.org.pk, "category": ""})
    children.totals = [
        None,
        _("Total"),
        None,
        sum(c.actual for c in att.children),
        None,
        sum(c.forecast for c in att.children),
        sum(c.last_year for c in att.children),
        None,
    ]
    return Report(
        attainment=att,
        title=_("REPORT"),
        subject=_("Results of the %(year)d party development targets") % {"year": att.year},
        summary=summary,
        rule_tables=rule_tables,
        allocation_tables=[_allocation_table(t, att.year) for t in att.allocations],
        children=children,
    )
