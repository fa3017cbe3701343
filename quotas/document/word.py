"""The printed plan as .docx (python-docx), the format boards edit before signing."""

import io
import re

from .content import DRAFT_MARK, RECIPIENTS_LABEL, PlanDocument

# Characters XML 1.0 cannot hold (a .docx would be refused by Word): control characters but tab and newline.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 13


def _plain(text: str) -> str:
    """User text as plain text Word accepts (no control characters)."""
    return _NOT_XML.sub("", text)


def _set_font(run_or_style, size=None, bold=None, italic=None, underline=None):
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = run_or_style.font
    font.name = FONT
    fonts = run_or_style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    if underline is not None:
        font.underline = underline


def _para(container, text="", *, align=None, size=BODY_PT, bold=False, italic=False, underline=False, **fmt):
    from docx.shared import Pt

    p = container.add_paragraph()
    if align is not None:
        p.alignment = align
    pf = p.paragraph_format
    pf.space_before = Pt(fmt.get("before", 0))
    pf.space_after = Pt(fmt.get("after", 0))
    if "indent" in fmt:
        pf.first_line_indent = fmt["indent"]
    if "left" in fmt:
        pf.left_indent = fmt["left"]
    if text:
        _set_font(p.add_run(_plain(text)), size, bold, italic, underline)
    return p


def _no_borders(table):
    from docx.oxml.ns import qn

    tbl_pr = table._tbl.tblPr
    borders = tbl_pr.makeelement(qn("w:tblBorders"), {})
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(borders.makeelement(qn(f"w:{edge}"), {qn("w:val"): "nil"}))
    # Word refuses a file whose properties are out of the schema's order.
    tbl_pr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook")


def _widths(table, widths):
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _cell_text(cell, text, *, align, size=BODY_PT, bold=False, italic=False, underline=False):
    p = cell.paragraphs[0]
    p.alignment = align
    if text:
        _set_font(p.add_run(_plain(text)), size, bold, italic, underline)
    return p


def _boxed(paragraph):
    """A border around a paragraph: the "DỰ THẢO" mark."""
    from docx.oxml.ns import qn

    ppr = paragraph._p.get_or_add_pPr()
    borders = ppr.makeelement(qn("w:pBdr"), {})
    for edge in ("top", "left", "bottom", "right"):
        borders.append(
            borders.makeelement(qn(f"w:{edge}"), {qn("w:val"): "single", qn("w:sz"): "8", qn("w:space"): "2"})
        )
    ppr.insert_element_before(borders, *_AFTER_PBDR)


def _page_numbers(section):
    """Page numbers centred at the top, from page 2."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn

    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run()
    _set_font(run, 13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            run._r.append(run._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind}))
        else:
            instr = run._r.makeelement(qn("w:instrText"), {qn("xml:space"): "preserve"})
            instr.text = text
            run._r.append(instr)


# What follows w:pBdr in a paragraph's properties (ECMA-376 CT_PPr).
_AFTER_PBDR = tuple(
    f"w:{tag}"
    for tag in (
        "shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
        "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection "
        "textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
    ).split()
)

HEADER_FORMAT = {
    "superior": {"size": 14},
    "issuer": {"size": 14, "bold": True},
    "star": {"size": 14},
    "number": {"size": 14},
    "nation": {"size": 15, "bold": True, "underline": True},
    "dateline": {"size": 14, "italic": True},
    "": {},
}


def render_docx(document: PlanDocument) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    center, right, left, justify = (
        WD_ALIGN_PARAGRAPH.CENTER,
        WD_ALIGN_PARAGRAPH.RIGHT,
        WD_ALIGN_PARAGRAPH.LEFT,
        WD_ALIGN_PARAGRAPH.JUSTIFY,
    )
    doc = Document()
    doc.core_properties.title = _plain(document.title)
    _set_font(doc.styles["Normal"], BODY_PT)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    _page_numbers(section)

    if document.draft:
        mark = _para(doc, DRAFT_MARK, align=center, size=13, bold=True, after=4)
        mark.paragraph_format.left_indent = Mm(130)  # a small box at the top right
        _boxed(mark)

    header = doc.add_table(rows=len(document.header), cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    header.autofit = False
    _no_borders(header)
    _widths(header, (Mm(68), Mm(97)))
    for row, cells in zip(header.rows, document.header, strict=True):
        for cell, content in zip(row.cells, cells, strict=True):
            _cell_text(cell, content.text, align=center, **HEADER_FORMAT[content.style])

    _para(doc, document.doc_type, align=center, size=16, bold=True, before=18)
    _para(doc, document.subject, align=center, size=14, bold=True)
    for line in document.amended:
        _para(doc, line, align=center, italic=True, before=3)
    _para(doc, "-----", align=center, after=12)
    for p in document.body:
        if p.style == "heading":
            _para(doc, p.text, align=justify, bold=True, before=6, after=3)
        else:
            _para(doc, p.text, align=justify, indent=Mm(10), after=3)

    _para(doc, "", after=6)  # air above the signature block
    sign = doc.add_table(rows=1, cols=2)
    sign.autofit = False
    _no_borders(sign)
    _widths(sign, (Mm(85), Mm(80)))
    recipients, signature = sign.rows[0].cells
    _cell_text(recipients, RECIPIENTS_LABEL, align=left, size=14, bold=True, italic=True, underline=True)
    for number, line in enumerate(document.recipients, start=1):
        end = "." if number == len(document.recipients) else ","
        _para(recipients, f"- {line}{end}", align=left, size=12, left=Mm(3), indent=-Mm(3))
    _cell_text(signature, document.on_behalf, align=center, size=14, bold=True)
    _para(signature, document.signer_title, align=center, size=14, bold=True)
    _para(signature, "", after=72)  # room for the signature
    if document.signer_name:
        _para(signature, document.signer_name, align=center, size=14, bold=True)

    for appendix in document.appendices:
        label = _para(doc, appendix.label, align=right, bold=True)
        label.paragraph_format.page_break_before = True  # the appendix on its own page
        _para(doc, appendix.caption, align=center, bold=True, before=6)
        _para(doc, appendix.attached_to, align=center, italic=True, after=8)
        table = doc.add_table(rows=1, cols=len(appendix.columns))
        table.style = doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for cell, title in zip(table.rows[0].cells, appendix.columns, strict=True):
            _cell_text(cell, title, align=center, size=TABLE_PT, bold=True)
        for values, bold in [*((r, False) for r in appendix.rows), (appendix.total, True)]:
            cells = table.add_row().cells
            for cell, value, align in zip(cells, values, (center, left, center), strict=True):
                _cell_text(cell, value, align=align, size=TABLE_PT, bold=bold)
        _widths(table, (Mm(16), Mm(114), Mm(35)))

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
