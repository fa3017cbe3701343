"""The report as a PDF in the official layout of party documents (WeasyPrint).

Header block in two columns (superior party organization and issuing body; "ĐẢNG CỘNG
SẢN VIỆT NAM" with its rule, place and date), "BÁO CÁO" and the subject, the tables and
charts of the same report object as the page and the workbook, page numbers from page 2,
the signature block and "Nơi nhận". Liberation Serif (Times New Roman's metric twin,
every Vietnamese diacritic) is embedded by WeasyPrint.
"""

import base64

from django.template.loader import render_to_string

from organizations.documents import party_body, place_name, signer
from organizations.models import Organization, OrgForm

from . import charts
from .report import Report

SYMBOL = {
    OrgForm.PROVINCIAL: "BC/TU",
    OrgForm.DISTRICT: "BC/HU",
    OrgForm.BLOC: "BC/ĐU",
    OrgForm.COMMUNE: "BC/ĐU",
    OrgForm.GRASSROOTS_COMMITTEE: "BC/ĐU",
    OrgForm.PARTIAL_COMMITTEE: "BC/ĐU",
    OrgForm.GRASSROOTS_CELL: "BC/CB",
    OrgForm.CELL: "BC/CB",
}


def _svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


class Printed:
    """A table as the PDF prints it: without the columns no row fills (a closed year's
    "Dự kiến", a "Cơ sở tính" no rule of the table has); an appendix keeps its first five."""

    def __init__(self, table, appendix: bool = False):
        self.title, self.lead, self.count = table.title, getattr(table, "lead", ""), table.count
        rows, totals = table.rows, table.totals or []
        width = 5 if appendix else len(table.columns)
        keep = [
            i
            for i in range(min(width, len(table.columns)))
            if i < 2 or any(_filled(row[i]) for row in rows if i < len(row)) or (i < len(totals) and _filled(totals[i]))
        ]
        self.columns = [table.columns[i] for i in keep]
        self.rows = [[row[i] for i in keep] for row in rows]
        self.totals = [totals[i] for i in keep] if totals else []


def _filled(value) -> bool:
    return value is not None and value != ""


def _sections(report: Report) -> list[tuple[int, Printed]]:
    """The rules' own sections the PDF prints (those with a list or a lead), numbered 1, 2, 3…
    without the gaps of the rules shown only in the summary."""
    shown = [t for t in report.rule_tables if t.lead or t.count > 1]
    sections = []
    for number, table in enumerate(shown, start=1):
        printed = Printed(table)
        printed.title = f"{number}. {table.title.split('. ', 1)[-1]}"
        sections.append((number, printed))
    return sections


def render_pdf_html(report: Report) -> str:
    att = report.attainment
    scope = att.scope
    ancestors = list(Organization.objects.filter(path__in=scope.ancestor_paths()).order_by("depth"))
    parent = ancestors[-1] if ancestors else None
    on_behalf, title = signer(scope)
    context = {
        "report": report,
        "att": att,
        "superior": party_body(parent),
        "issuer": scope.name.upper(),
        "number": "Số \u00a0\u00a0\u00a0\u00a0\u00a0-" + SYMBOL.get(scope.form, "BC"),
        "place": place_name(scope, ancestors),
        "date": att.as_of,
        "on_behalf": on_behalf,
        "signer_title": title,
        "recipients": (
            [f"Ban Thường vụ {parent.name} (báo cáo)", f"Ban Tổ chức {parent.name} (báo cáo)"] if parent else []
        )
        + [f"Các tổ chức đảng trực thuộc {scope.name}", f"Lưu Văn phòng {scope.name}"],
        # The allocation tables follow the signature, each on its own page, captioned with
        # the plan they are attached to (DOCUMENT-FORMAT.md).
        "appendix": [
            (Printed(table, appendix=True), plan)
            for table, plan in zip(report.allocation_tables, [t.plan for t in att.allocations], strict=True)
        ],
        "summary": Printed(report.summary),
        "sections": _sections(report),
        "children": Printed(report.children) if report.children.rows else None,
        "period_table": Printed(report.period) if report.period else None,
        "cumulative_chart": _svg_data_uri(charts.cumulative_chart(att)),
        "history_chart": _svg_data_uri(charts.history_chart(att)),
    }
    return render_to_string("reports/pdf.html", context)


def render_pdf(report: Report) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_pdf_html(report), base_url=".").write_pdf()
