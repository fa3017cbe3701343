"""The printed plan as PDF: the structure laid out by a template, printed by WeasyPrint."""

from django.template.loader import render_to_string

from common.pdf import html_to_pdf

from .content import DRAFT_MARK, RECIPIENTS_LABEL, PlanDocument


def render_pdf_html(document: PlanDocument) -> str:
    return render_to_string(
        "quotas/plan_print.html", {"doc": document, "draft_mark": DRAFT_MARK, "recipients_label": RECIPIENTS_LABEL}
    )


def render_pdf(document: PlanDocument) -> bytes:
    return html_to_pdf(render_pdf_html(document))
