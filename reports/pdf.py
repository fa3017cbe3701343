"""The report as a PDF in the official layout of party documents (WeasyPrint).

Header block in two columns (superior party organization and issuing body; "ĐẢNG CỘNG
SẢN VIỆT NAM" with its rule, place and date), "BÁO CÁO" and the subject, the tables and
charts of the same report object as the page and the workbook, page numbers from page 2,
the signature block and "Nơi nhận". Liberation Serif (Times New Roman's metric twin,
every Vietnamese diacritic) is embedded by WeasyPrint.
"""

import base64
import dataclasses

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from common.pdf import html_to_pdf
from organizations.documents import document_symbol, party_body, place_name, signer
from organizations.models import Organization, OrgForm
from quotas.document import board, committee
from quotas.sentences import allocation_notation

from . import charts
from .engine import Status
from .report import STATUS, Report, status_label


def _svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


WIDE_ON_PORTRAIT = 8  # columns a portrait A4 page holds with readable names


class Printed:
    """A table as the PDF prints it: without the columns no row fills (a closed year's
    "Dự kiến", a "Cơ sở tính" no rule of the table has). An allocation appendix prints
    STT | TCCSĐ | CHỈ TIÊU | THỰC HIỆN | TỶ LỆ as the plan writes them (its counts
    zero-padded, `Table.padded`, its sub-quotas in brackets: "03 (01 HS)", from the
    table's sub-quota columns), and the period beside the same period last year; not the status."""

    def __init__(self, table, appendix: bool = False):
        self.title, self.lead, self.count = table.title, getattr(table, "lead", ""), table.count
        self.caption, self.note = getattr(table, "caption", ""), getattr(table, "note", "")
        rows, totals = table.rows, table.totals or []
        n = len(table.columns)
        subs = getattr(table, "sub_columns", []) if appendix else []
        if subs:
            rows = [_noted(row, subs) for row in rows]
            totals = _noted(totals, subs) if totals else totals
        inside = {i for _c, quota, achieved in subs for i in (quota, achieved)}
        wanted = [i for i in range(n - 1) if i not in inside] if appendix else range(n)
        keep = [
            i
            for i in wanted
            if i < 2 or any(_filled(row[i]) for row in rows if i < len(row)) or (i < len(totals) and _filled(totals[i]))
        ]
        self.columns = [table.columns[i] for i in keep]
        if subs:  # "03 (01 HS)" needs the room the plan's column gives it
            self.columns[2:4] = [dataclasses.replace(c, width=max(c.width, 16)) for c in self.columns[2:4]]
        whole = sum(c.width for c in self.columns) or 1
        self.widths = [round(c.width * 100 / whole, 1) for c in self.columns]
        self.rows = [[row[i] for i in keep] for row in rows]
        self.totals = [totals[i] for i in keep] if totals else []
        padded = [keep.index(i) for i in getattr(table, "padded", ()) if i in keep]
        if padded:  # an appendix's counts, as the plan writes them: "03"
            for row in [*self.rows, self.totals] if self.totals else self.rows:
                for i in padded:
                    if type(row[i]) is int:
                        row[i] = f"{row[i]:02d}"


def _noted(row: list, subs: list[tuple[str, int, int]]) -> list:
    """An appendix row with its quota and achieved counts in the plan's notation: the
    total, then the sub-quotas in brackets ("03 (01 HS)", "01 (01 HS)")."""
    row = list(row)
    quotas = {c: row[quota] for c, quota, _a in subs if row[quota]}
    achieved = {c: row[a] for c, quota, a in subs if row[quota] and row[a]}
    if type(row[2]) is int:
        row[2] = allocation_notation(row[2], quotas)
    if type(row[3]) is int:
        row[3] = allocation_notation(row[3], achieved)
    return row


def _filled(value) -> bool:
    return value is not None and value != ""


def _sections(report: Report) -> list[tuple[int, Printed]]:
    """The rules' own sections the PDF prints (those with a list or a lead), numbered 1, 2, 3…
    without the gaps of the rules shown only in the summary; a section whose number is not
    its target's in the summary names that one ("chỉ tiêu số 5 ở bảng trên")."""
    shown = [t for t in report.rule_tables if t.lead or t.count > 1]
    sections = []
    for number, table in enumerate(shown, start=1):
        printed = Printed(table)
        index, sentence = table.title.split(". ", 1)
        printed.title = f"{number}. {sentence}"
        if index != str(number):
            printed.title = _("%(number)s. %(sentence)s (target no. %(index)s in the table above)") % {
                "number": number,
                "sentence": sentence,
                "index": index,
            }
        sections.append((number, printed))
    return sections


MEETING = (Status.EXCEEDED, Status.MET)


def children_in_appendix(report: Report) -> dict | None:
    """When the scope's own allocation table lists every organization directly under it,
    section III says how they stand in a few lines and leaves the figures to the appendix
    (the same rows twice was what boards noticed first); else None (the table is printed)."""
    att = report.attainment
    own = [t for t in att.allocations if t.subject.pk == att.scope.pk and not t.partial]
    numbers = [i for i, t in enumerate(att.allocations, start=1) if any(t is o for o in own)]
    listed = {row.org.pk for t in own for row in t.rows}
    children = [c for c in att.children if c.ended_on is None]
    if not own or not children or any(c.org.pk not in listed for c in children):
        return None
    table = report.children
    status_at = next(i for i, c in enumerate(table.columns) if c.kind == STATUS)
    by_status: dict[str, list[str]] = {}
    for row in table.rows:
        if row[status_at]:
            figures = f"{row[3]:02d}/{row[2]:02d}" if isinstance(row[2], int) else f"{row[3]:02d}"
            by_status.setdefault(row[status_at], []).append(f"{row[1]} ({figures})")
    meeting = sum(len(by_status.get(s, [])) for s in MEETING)
    return {
        "meeting": meeting,
        "total": sum(len(names) for names in by_status.values()),
        "others": [(status_label(s), by_status[s]) for s in Status.ORDER if s not in MEETING and s in by_status],
        # "Phụ lục 2" (or "Phụ lục 2, 3") when the report has several appendices.
        "appendix": "Phụ lục" + (" " + ", ".join(map(str, numbers)) if len(att.allocations) > 1 else ""),
    }


def document_parts(att, dated=None) -> dict:
    """What the report says as a party document, in the PDF and the workbook alike: the
    header block (superior party organization, issuing body, number and symbol, place and
    date: `dated`, else the day its figures are counted to), who signs on behalf of whom,
    and "Nơi nhận"."""
    scope = att.scope
    ancestors = list(Organization.objects.filter(path__in=scope.ancestor_paths()).order_by("depth"))
    if att.names:  # the names of the report's day
        att.names.rename(ancestors)
    parent = ancestors[-1] if ancestors else None
    on_behalf, title = signer(scope)
    symbol = document_symbol(scope)
    return {
        "superior": party_body(parent) if parent is not None and parent.form != OrgForm.CENTRAL else "",
        "issuer": committee(scope).upper(),
        "number": "Số \u00a0\u00a0\u00a0\u00a0\u00a0-" + symbol,
        "symbol": symbol,
        "board": board(scope),
        "place": place_name(scope, ancestors),
        "date": dated or att.as_of,
        "on_behalf": on_behalf,
        "signer_title": title,
        "recipients": (
            [f"Ban Thường vụ {parent.name} (báo cáo)", f"Ban Tổ chức {parent.name} (báo cáo)"] if parent else []
        )
        + [f"Các tổ chức đảng trực thuộc {scope.name}", f"Lưu Văn phòng {scope.name}"],
    }


def render_pdf_html(report: Report) -> str:
    att = report.attainment
    in_appendix = children_in_appendix(report)
    children = Printed(report.children) if report.children.rows and in_appendix is None else None
    context = {
        "report": report,
        "att": att,
        **document_parts(att, report.dated),
        # The allocation tables follow the signature, each on its own page, captioned with
        # the plan they are attached to (docs/documents.md).
        "appendix": [
            (Printed(table, appendix=True), plan, board(plan.issuer))
            for table, plan in zip(report.allocation_tables, [t.plan for t in att.allocations], strict=True)
        ],
        "summary": Printed(report.summary),
        "sections": _sections(report),
        "children": children,
        # More columns than a portrait page holds (names broke one word a line): section III
        # and the signature after it on landscape pages, as the summary is.
        "children_wide": children is not None and len(children.columns) > WIDE_ON_PORTRAIT,
        "children_in_appendix": in_appendix,
        # The period table once the organizations have their own columns: the scope's total
        # (said in a sentence above it) and the targets on one organization, if any.
        "period_table": Printed(report.period) if report.period and report.period.count > 1 else None,
        "cumulative_chart": _svg_data_uri(charts.cumulative_chart(att)),
        "history_chart": _svg_data_uri(charts.history_chart(att)),
    }
    return render_to_string("reports/pdf.html", context)


def render_pdf(report: Report) -> bytes:
    return html_to_pdf(render_pdf_html(report))
