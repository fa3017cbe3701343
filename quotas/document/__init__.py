"""A plan printed as the document a board signs: PDF (WeasyPrint) and .docx (python-docx).

`plan_document()` builds one neutral structure of the document (header block of Hướng
dẫn 36-HD/VPTW, "KẾ HOẠCH" and the subject, the plan's content as the app holds it, the
signature block, "Nơi nhận", and one appendix page per allocation table); `render_pdf()`
and `render_docx()` only lay that structure out, so the two files never disagree.

The document's fixed words ("ĐẢNG CỘNG SẢN VIỆT NAM", "KẾ HOẠCH", "Nơi nhận:"…) are
Vietnamese whatever the interface language: they are data here, not translations. The
app knows the plan's rules, milestones, years and the plans it implements, not its prose
(purposes, tasks of each board): those parts are not printed, and nothing is invented
beyond the opening sentence every plan of the seeds has. Where the plan has no number or
date yet (a draft, or a seed that does not give them), the blanks are left to fill by hand.

The rooms: `content` (the structure), `pdf` and `word` (the two layouts).
"""

from .content import Appendix, Cell, Paragraph, PlanDocument, attached_to, board, committee, plan_document
from .pdf import render_pdf, render_pdf_html
from .word import render_docx

RENDERERS = {"pdf": render_pdf, "docx": render_docx}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

__all__ = [
    "CONTENT_TYPES",
    "RENDERERS",
    "Appendix",
    "Cell",
    "Paragraph",
    "PlanDocument",
    "attached_to",
    "board",
    "committee",
    "plan_document",
    "render_docx",
    "render_pdf",
    "render_pdf_html",
]
