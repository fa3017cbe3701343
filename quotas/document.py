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
"""

import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field

from django.template.loader import render_to_string

from common.text import fold
from organizations.documents import party_body, place_name, signer
from organizations.models import Organization, OrgForm

from .models import Plan, PlanStatus, Recurrence, RuleKind
from .selectors import plan_rules
from .sentences import allocation_notation, two_digits

NATION = "ĐẢNG CỘNG SẢN VIỆT NAM"
DOC_TYPE = "KẾ HOẠCH"
DRAFT_MARK = "DỰ THẢO"
RECIPIENTS_LABEL = "Nơi nhận:"
APPENDIX_LABEL = "Phụ lục"
APPENDIX_COLUMNS = ("STT", "TCCSĐ", "CHỈ TIÊU")
TOTAL_LABEL = "Tổng cộng"
TARGETS_HEADING = "CHỈ TIÊU"
MILESTONES_HEADING = "TỔ CHỨC THỰC HIỆN"
ROMAN = ("I", "II", "III", "IV", "V")
BLANK = "\u00a0" * 6  # room to write a number or a day by hand
ELLIPSIS = "…"

# Committees whose standing committee (Ban Thường vụ) issues and signs.
_STANDING_COMMITTEES = (OrgForm.PROVINCIAL, OrgForm.DISTRICT, OrgForm.BLOC, OrgForm.COMMUNE)
_CELLS = (OrgForm.CELL, OrgForm.GRASSROOTS_CELL)
# Characters XML 1.0 cannot hold (a .docx would be refused by Word): control characters but tab and newline.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Cell:
    """One line of the header block; `style` says how it is set (see the renderers)."""

    text: str
    style: str = ""  # superior | issuer | star | number | nation | dateline | ""


@dataclass
class Paragraph:
    text: str
    style: str = "body"  # heading | lead | body | item


@dataclass
class Appendix:
    label: str  # "Phụ lục", "Phụ lục 2"
    caption: str  # "PHÂN BỔ CHỈ TIÊU PHÁT TRIỂN ĐẢNG NĂM 2025"
    attached_to: str  # "(Kèm theo Kế hoạch số …-KH/HU, ngày … của Ban Thường vụ Huyện ủy Đơn Dương)"
    columns: tuple[str, ...]
    rows: list[tuple[str, str, str]]
    total: tuple[str, str, str]


@dataclass
class PlanDocument:
    title: str  # the file's title: "Kế hoạch số 97-KH/TU — …"
    filename: str  # without extension
    draft: bool
    header: list[tuple[Cell, Cell]]  # rows of the two-column header block
    doc_type: str
    subject: str
    body: list[Paragraph]
    on_behalf: str  # "T/M BAN THƯỜNG VỤ"
    signer_title: str  # "BÍ THƯ"
    recipients: list[str]
    appendices: list[Appendix] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Every line of text in reading order (for tests and plain-text checks)."""
        out = [DRAFT_MARK] if self.draft else []
        out += [c.text for row in self.header for c in row if c.text]
        out += [self.doc_type, self.subject] + [p.text for p in self.body]
        out += [RECIPIENTS_LABEL, *self.recipients, self.on_behalf, self.signer_title]
        for a in self.appendices:
            out += [a.label, a.caption, a.attached_to, *a.columns]
            out += [text for row in [*a.rows, a.total] for text in row if text]
        return out


# --- building --------------------------------------------------------------------------------


def _date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _first_lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _subject(title: str) -> str:
    """The subject line under "KẾ HOẠCH": the title without a leading "Kế hoạch"."""
    text = " ".join(unicodedata.normalize("NFC", title).split())
    if text[:9].lower() == "kế hoạch " and len(text) > 9:
        text = text[9:]
    return text[:1].upper() + text[1:]


def committee(org: Organization) -> str:
    """The committee that leads `org`: "Đảng bộ xã Ka Đô" is led by "Đảng ủy xã Ka Đô"."""
    if org.form not in _CELLS and org.name.startswith("Đảng bộ "):
        return "Đảng ủy " + org.name[len("Đảng bộ ") :]
    return org.name


def board(org: Organization) -> str:
    """Who issues and signs for `org`: "Ban Thường vụ Tỉnh ủy Lâm Đồng", "Đảng ủy xã …", "Chi bộ …"."""
    if org.form in _STANDING_COMMITTEES:
        return f"Ban Thường vụ {committee(org)}"
    return committee(org)


def reference(plan: Plan) -> str:
    """ "97-KH/TU"; "…-KH/HU" while the plan has no number."""
    return plan.reference or f"{ELLIPSIS}-{plan.symbol}"


def attached_to(plan: Plan) -> str:
    day = _date(plan.issued_on) if plan.issued_on else ELLIPSIS
    return f"(Kèm theo Kế hoạch số {reference(plan)}, ngày {day} của {board(plan.issuer)})"


def _dateline(place: str, day: dt.date | None) -> str:
    if day is None:
        return f"{place}, ngày{BLANK}tháng{BLANK}năm{BLANK}"
    return f"{place}, ngày {day:%d} tháng {day:%m} năm {day:%Y}"


def _header(plan: Plan, ancestors: list[Organization]) -> list[tuple[Cell, Cell]]:
    """The header block as in the seeds: superior and issuer left, the Party's name right;
    the place and date on the row of the star; the number under it."""
    issuer = plan.issuer
    parent = ancestors[-1] if ancestors else None
    superior = party_body(parent) if parent is not None and parent.form != OrgForm.CENTRAL else ""
    number = f"Số {plan.number}-{plan.symbol}" if plan.number else f"Số{BLANK}-{plan.symbol}"
    left = ([Cell(superior, "superior")] if superior else []) + [Cell(committee(issuer).upper(), "issuer")]
    rows = [(left[0], Cell(NATION, "nation"))] + [(c, Cell("")) for c in left[1:]]
    rows.append((Cell("*", "star"), Cell(_dateline(place_name(issuer, ancestors), plan.issued_on), "dateline")))
    rows.append((Cell(number, "number"), Cell("")))
    return rows


def _years(plan: Plan) -> str:
    if plan.last_year == plan.first_year:
        return f"năm {plan.first_year}"
    if plan.last_year is None:
        return f"hằng năm, từ năm {plan.first_year}"
    return f"hằng năm, giai đoạn {plan.first_year} - {plan.last_year}"


def _milestone(m) -> str:
    said = fold(m.title)  # "(định kỳ hằng quý)" already in the title: not said twice
    if m.recurrence == Recurrence.YEARLY:
        when = ("" if "hang nam" in said else "hằng năm, ") + f"trước ngày {m.due_on:%d/%m}"
    elif m.recurrence == Recurrence.QUARTERLY:
        when = ("" if "hang quy" in said else "hằng quý, ") + f"lần đầu trước ngày {_date(m.due_on)}"
    else:
        when = f"trước ngày {_date(m.due_on)}"
    text = f"{m.title.rstrip(' .;')}, {when}."
    return f"{m.responsible.rstrip(' .:')}: {text}" if m.responsible.strip() else text


def _recipients(issuer: Organization, parent: Organization | None, has_children: bool) -> list[str]:
    lines = []
    if parent is not None and parent.form != OrgForm.CENTRAL:
        lines.append(f"{board(parent)} (báo cáo)")
        if parent.form in _STANDING_COMMITTEES:
            lines.append(f"Ban Tổ chức {committee(parent)}")
    elif issuer.form == OrgForm.PROVINCIAL:
        lines += ["Ban Tổ chức Trung ương (báo cáo)"]
    if issuer.form in _STANDING_COMMITTEES:
        lines.append(f"Các đồng chí Ủy viên Ban Thường vụ {committee(issuer)}")
    if has_children:
        lines.append(f"Các tổ chức đảng trực thuộc {issuer.name}")
    lines.append(f"Lưu Văn phòng {committee(issuer)}" if issuer.form not in _CELLS else "Lưu hồ sơ chi bộ")
    return lines


def _appendix_caption(plan: Plan, owner: Organization) -> str:
    if plan.last_year == plan.first_year:
        years = f"NĂM {plan.first_year}"
    elif plan.last_year is None:
        years = f"HẰNG NĂM, TỪ NĂM {plan.first_year}"
    else:
        years = f"GIAI ĐOẠN {plan.first_year} - {plan.last_year}"
    whose = "" if owner.pk == plan.issuer_id else f" CỦA {owner.name.upper()}"
    return f"PHÂN BỔ CHỈ TIÊU PHÁT TRIỂN ĐẢNG{whose} {years}"


def plan_document(plan: Plan) -> PlanDocument:
    """The plan as a document, from what the app holds (a handful of queries)."""
    issuer = plan.issuer
    ancestors = list(Organization.objects.filter(path__in=issuer.ancestor_paths()).order_by("depth"))
    parent = ancestors[-1] if ancestors else None
    rules = plan_rules(plan)
    subject = _subject(plan.title)

    body: list[Paragraph] = []
    for parent_plan in plan.implements.select_related("issuer").order_by("issued_on", "pk"):
        day = f", ngày {_date(parent_plan.issued_on)}" if parent_plan.issued_on else ""
        body.append(
            Paragraph(
                f"Thực hiện Kế hoạch số {reference(parent_plan)}{day} của {board(parent_plan.issuer)}"
                f" về {_first_lower(_subject(parent_plan.title))};"
            )
        )
    body.append(Paragraph(f"{board(issuer)} xây dựng Kế hoạch {_first_lower(subject)} như sau:"))

    headings = iter(ROMAN)
    appendices: list[Appendix] = []
    tables = [row for row in rules if row.rule.kind == RuleKind.ALLOCATION and row.table]
    if rules:
        body.append(Paragraph(f"{next(headings)}. {TARGETS_HEADING}", "heading"))
        body.append(Paragraph(f"Chỉ tiêu {_years(plan)}:", "lead"))
        for number, row in enumerate(rules, start=1):
            sentence = row.sentence
            if row in tables:
                label = APPENDIX_LABEL + (f" {tables.index(row) + 1}" if len(tables) > 1 else "")
                sentence += f" ({label.lower()} kèm theo)"
            body.append(Paragraph(f"{number}. {sentence}.", "item"))
    milestones = list(plan.milestones.all())
    if milestones:
        body.append(Paragraph(f"{next(headings)}. {MILESTONES_HEADING}", "heading"))
        for number, m in enumerate(milestones, start=1):
            body.append(Paragraph(f"{number}. {_milestone(m)}", "item"))

    for index, row in enumerate(tables, start=1):
        owner = row.rule.target or issuer
        lines, total, subs = [], 0, {}
        for number, (allocation, notation) in enumerate(row.table, start=1):
            lines.append((two_digits(number), allocation.organization.name, notation))
            total += allocation.total
            for s in allocation.sub_quotas.all():
                subs[s.category] = subs.get(s.category, 0) + s.count
        appendices.append(
            Appendix(
                label=APPENDIX_LABEL + (f" {index}" if len(tables) > 1 else ""),
                caption=_appendix_caption(plan, owner),
                attached_to=attached_to(plan),
                columns=APPENDIX_COLUMNS,
                rows=lines,
                total=("", TOTAL_LABEL, allocation_notation(total, subs)),
            )
        )

    on_behalf, signer_title = signer(issuer)
    has_children = Organization.objects.filter(
        path__startswith=issuer.path, depth=issuer.depth + 1, dissolved_on__isnull=True
    ).exists()
    ascii_ref = fold(plan.reference or "du thao").replace("/", "-").replace(" ", "-")
    return PlanDocument(
        title=f"Kế hoạch số {reference(plan)} — {subject}",
        filename=f"ke-hoach-{plan.pk}-{re.sub(r'[^a-z0-9-]', '', ascii_ref)}",
        draft=plan.status == PlanStatus.DRAFT,
        header=_header(plan, ancestors),
        doc_type=DOC_TYPE,
        subject=subject,
        body=body,
        on_behalf=on_behalf,
        signer_title=signer_title,
        recipients=_recipients(issuer, parent, has_children),
        appendices=appendices,
    )


# --- PDF -------------------------------------------------------------------------------------


def render_pdf_html(document: PlanDocument) -> str:
    return render_to_string(
        "quotas/plan_print.html", {"doc": document, "draft_mark": DRAFT_MARK, "recipients_label": RECIPIENTS_LABEL}
    )


def render_pdf(document: PlanDocument) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_pdf_html(document), base_url=".").write_pdf()


# --- .docx -----------------------------------------------------------------------------------

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


RENDERERS = {"pdf": render_pdf, "docx": render_docx}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
