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
        "appendix": list(zip(report.allocation_tables, [t.plan for t in att.allocations], strict=True)),
        "cumulative_chart": _svg_data_uri(charts.cumulative_chart(att)),
        "history_chart": _svg_data_uri(charts.history_chart(att)),
    }
    return render_to_string("reports/pdf.html", context)


def render_pdf(report: Report) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_pdf_html(report), base_url=".").write_pdf()
