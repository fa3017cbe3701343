"""The report as an .xlsx workbook (openpyxl, write-only: rows stream to the file).

Sheets:
* "Tổng hợp": the rule table (one row per rule), frozen header, landscape;
* "Phụ lục": the allocation tables in the appendix layout (caption, "Kèm theo Kế hoạch
  số …", STT | TCCSĐ | CHỈ TIÊU | THỰC HIỆN | TỶ LỆ, a total row of SUM formulas, rates as
  formulas, the note), one after the other; with a single table its header is frozen
  and repeated on every printed page;
* "Trực thuộc": the organizations directly under the scope, the period beside the same
  period last year, totals as formulas;
* one sheet per rule kind present ("Số lượng", "Tỷ lệ trong số kết nạp", "Phân bổ",
  "Quy mô chi bộ", …): each rule a block — "N. sentence", the plan reference, for rules
  over many organizations the line "N of M organizations meet it" — then its rows (every
  organization, or those not meeting it above report.LIST_ALL_UP_TO) and, for a rule on
  one organization, the year-on-year table.
Every sheet opens with the document's header block ("ĐẢNG CỘNG SẢN VIỆT NAM", the party
body, the issuing body, number, place and date, "BÁO CÁO" and the subject: `Document`) and,
but the sheets of rules, ends with "Nơi nhận" and the signature block. Every sheet is A4,
fitted to the page width, the usual margins, page numbers from page 2, Times New Roman.

Speed (bench/RESULTS.md "Exports"): a national workbook holds ~235,000 rows and 1.2
million cells. openpyxl spends ~15 µs per cell building a cell object and an lxml
element for it; here a row is formatted as XML text (styles resolved once to their index
in the workbook's style table, text escaped, strings inline as openpyxl writes them) and
written in chunks straight into the `<sheetData>` of the sheet's part, between the parts
openpyxl writes (`_StreamedWorksheet`, `_RawWriter`): ~2 µs per cell, and memory stays
flat. Formulas are only what this module marks as `Formula`, never text that starts
with "=" (an organization named "=SUM(…)" stays text).
"""

import io
import re
from html import escape

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.page import PageMargins
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import xmlfile

from .report import INT, PERCENT, STATUS, Column, Report, Table, gc_paused, status_label

FONT = "Times New Roman"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
A4 = "9"  # openpyxl's paperSize code for A4
CHUNK = 500  # rows written to the file at once
MM = 1 / 25.4  # Excel's margins are in inches
# The usual margins of party documents (top 20, bottom 20, left 30, right 15 mm).
MARGINS = PageMargins(left=30 * MM, right=15 * MM, top=20 * MM, bottom=20 * MM, header=10 * MM, footer=10 * MM)
HEAD_ROWS = 8  # the document's header block: 4 rows, a blank, the kind, the subject, "-----"


class Formula(str):
    """A cell formula (without its "=")."""


class _RawWriter(WorksheetWriter):
    """openpyxl's worksheet writer, on a file this module can also write raw XML to."""

    def get_stream(self):
        with open(self.out, "wb") as self.file, xmlfile(self.file) as xf:
            with xf.element("worksheet", xmlns=SHEET_MAIN_NS):
                try:
                    while True:
                        el = yield
                        if el is True:
                            yield xf
                        elif el is not None:
                            xf.write(el)
                except GeneratorExit:
                    pass


class _StreamedWorksheet(WriteOnlyWorksheet):
    """A write-only worksheet whose rows arrive as chunks of `<row>` XML text, written
    into `<sheetData>` as they are (the part has no XML declaration: UTF-8)."""

    def _get_writer(self):
        if self._writer is None:
            self._writer = _RawWriter(self)
            self._writer.write_top()

    def _write_rows(self):
        xf = self._writer.xf.send(True)
        with xf.element("sheetData"):
            xf.flush()
            write = self._writer.file.write
            try:
                while True:
                    write((yield).encode())
            except GeneratorExit:
                pass
        self._writer.xf.send(None)

    def append_xml(self, chunk: str):
        self._get_writer()
        if self._rows is None:
            self._rows = self._write_rows()
            next(self._rows)
        self._rows.send(chunk)


# Characters XML cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE) or must escape; a carriage
# return as such would be read back as a line feed.
_SPECIAL = re.compile(r"[\x00-\x08\x0b-\x1f&<>]")


def _text(value) -> str:
    """User text for a cell: always written as text (`_tail`), as common.workbook's writer does."""
    value = str(value)
    if _SPECIAL.search(value):
        value = escape(ILLEGAL_CHARACTERS_RE.sub("", value), quote=False).replace("\r", "&#13;")
    return value


def _tail(value) -> str:
    """What follows `<c r=".." s=".."` for a value: its type and content."""
    if value is None or value == "":
        return "/>"
    if isinstance(value, Formula):
        return f"><f>{_text(value)}</f><v></v></c>"
    if isinstance(value, str):
        text = _text(value)
        space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
        return f' t="inlineStr"><is><t{space}>{text}</t></is></c>'
    if isinstance(value, bool):
        value = int(value)
    return f' t="n"><v>{value}</v></c>'


class _Styles:
    """Each combination of font, format, border, fill and alignment registered once in the
    workbook's style table; cells refer to it by index."""

    def __init__(self, workbook: Workbook):
        self.workbook = workbook
        self.ids: dict[tuple, int] = {}

    def __call__(
        self,
        *,
        bold=False,
        italic=False,
        size=12,
        fmt=None,
        border=False,
        fill=False,
        wrap=False,
        align=None,
        underline=False,
    ):
        key = (bold, italic, size, fmt, border, fill, wrap, align, underline)
        style = self.ids.get(key)
        if style is None:
            template = WriteOnlyCell(_StyleHolder(self.workbook))
            template.font = Font(
                name=FONT, bold=bold, italic=italic, size=size, underline="single" if underline else None
            )
            if fmt:
                template.number_format = fmt
            if border:
                template.border = BORDER
            if fill:
                template.fill = HEADER_FILL
            template.alignment = Alignment(wrap_text=wrap, vertical="center", horizontal=align)
            style = self.ids[key] = template.style_id
        return style


class _StyleHolder:
    """What a WriteOnlyCell needs of its worksheet to register its style: the workbook."""

    def __init__(self, workbook):
        self.parent = workbook


class _Sheet:
    def __init__(self, workbook: Workbook, styles: _Styles, title: str, widths: list[int], landscape=False):
        self.ws = _StreamedWorksheet(parent=workbook, title=title[:31])
        workbook._add_sheet(self.ws)
        self.ws.page_setup.paperSize = A4
        self.ws.page_setup.orientation = "landscape" if landscape else "portrait"
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        self.ws.print_options.horizontalCentered = True
        self.ws.page_margins = MARGINS
        # Page numbers from page 2, centred at the top (as the PDF).
        self.ws.HeaderFooter.differentFirst = True
        self.ws.oddHeader.center.text = "&P"
        self.ws.oddHeader.center.font = FONT
        self.ws.oddHeader.center.size = 13
        for i, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = width
        self.width = len(widths)
        self.letters = [get_column_letter(i) for i in range(1, max(self.width, 26) + 1)]
        self.styles = styles
        self.row = 0
        self.pending: list[str] = []
        self.merged: list[str] = []

    def append(self, cells: list[tuple[int, object]] = (), height: float | None = None) -> int:
        """Append a row of (style id, value) cells from column A (`height` in points, for
        wrapped text); returns its number."""
        self.row += 1
        r = str(self.row)
        letters = self.letters
        tall = f' ht="{height}" customHeight="1"' if height else ""
        self.pending.append(
            f'<row r="{r}"{tall}>'
            + "".join(f'<c r="{letters[i]}{r}" s="{s}"{_tail(v)}' for i, (s, v) in enumerate(cells))
            + "</row>"
        )
        if len(self.pending) >= CHUNK:
            self.flush()
        return self.row

    def append_cells(self, row: str, cells: list[str]):
        """Append row number `row` (the next one) made of finished `<c>` elements."""
        self.row += 1
        self.pending.append(f'<row r="{row}">{"".join(cells)}</row>')
        if len(self.pending) >= CHUNK:
            self.flush()

    def flush(self):
        if self.pending:
            self.ws.append_xml("".join(self.pending))
            self.pending = []

    def close(self):
        self.flush()
        # MultiCellRange.add checks each new range against every other: quadratic in the
        # 7,000 merged lines of a national appendix. The ranges here never overlap.
        self.ws.merged_cells = MultiCellRange([CellRange(ref) for ref in self.merged])

    def line(self, text: str, merged=True, height: float | None = None, **style):
        """A line of text across the sheet's columns (a title, a caption, a note)."""
        row = self.append([(self.styles(**style), text)], height=height)
        if merged and self.width > 1:
            self.merged.append(f"A{row}:{self.letters[self.width - 1]}{row}")
        return row

    def freeze_below(self, header_row: int):
        # Write-only sheets write their views with the first row: call before appending.
        self.ws.freeze_panes = f"A{header_row + 1}"
        self.ws.print_title_rows = f"{header_row}:{header_row}"


def _split(widths: list[int]) -> int:
    """Where the header block's left column ends: the first columns making about 45% of the width."""
    whole, run = sum(widths), 0
    for i, width in enumerate(widths[:-1]):
        run += width
        if run >= whole * 0.45:
            return i + 1
    return max(1, len(widths) - 1)


class Document:
    """The report as a party document on each sheet: the header block at the top (as the
    PDF's: superior body and issuing body left, "ĐẢNG CỘNG SẢN VIỆT NAM" and the place and
    date right, the number under the star), "BÁO CÁO" and the subject; the signature
    block and "Nơi nhận" at the end (space to sign, a dotted line for the name)."""

    def __init__(self, parts: dict, title: str, subject: str):
        self.parts, self.title, self.subject = parts, title, subject

    def _two(self, sheet: _Sheet, left: tuple[dict, str], right: tuple[dict, str]) -> int:
        split = _split([sheet.ws.column_dimensions[letter].width for letter in sheet.letters[: sheet.width]])
        (lstyle, ltext), (rstyle, rtext) = left, right
        ls, rs = sheet.styles(**lstyle), sheet.styles(**rstyle)
        row = sheet.append(
            [(ls, ltext), *[(ls, "")] * (split - 1), (rs, rtext), *[(rs, "")] * (sheet.width - split - 1)]
        )
        if split > 1:
            sheet.merged.append(f"A{row}:{sheet.letters[split - 1]}{row}")
        if sheet.width - split > 1:
            sheet.merged.append(f"{sheet.letters[split]}{row}:{sheet.letters[sheet.width - 1]}{row}")
        return row

    def header(self, sheet: _Sheet):
        p, day = self.parts, self.parts["date"]
        centre = {"align": "center", "size": 13}
        self._two(
            sheet,
            ({**centre, "wrap": True}, p["superior"]),
            ({**centre, "bold": True, "underline": True}, "ĐẢNG CỘNG SẢN VIỆT NAM"),
        )
        self._two(sheet, ({**centre, "bold": True, "wrap": True}, p["issuer"]), (centre, ""))
        dateline = f"{p['place']}, ngày {day:%d} tháng {day:%m} năm {day:%Y}"
        self._two(sheet, (centre, "*"), ({**centre, "italic": True}, dateline))
        self._two(sheet, (centre, p["number"]), (centre, ""))
        sheet.append()
        sheet.line(self.title, bold=True, size=15, align="center")
        sheet.line(self.subject, bold=True, size=13, align="center")
        sheet.line("-----", align="center")

    def signature(self, sheet: _Sheet):
        p = self.parts
        recipients = [f"- {r}{'.' if i == len(p['recipients']) - 1 else ','}" for i, r in enumerate(p["recipients"])]
        right = [p["on_behalf"], p["signer_title"], "", "", "", "…………………………"]
        label = {"bold": True, "italic": True, "underline": True, "size": 11}
        sheet.append()
        for i in range(max(len(recipients) + 1, len(right))):
            left = (
                (label, "Nơi nhận:")
                if i == 0
                else ({"size": 11, "wrap": False}, recipients[i - 1] if i <= len(recipients) else "")
            )
            self._two(sheet, left, ({"bold": i < 2, "align": "center", "size": 13}, right[i] if i < len(right) else ""))


def _column_styles(styles: _Styles, columns: list[Column], bold=False) -> list[int]:
    result = []
    for column in columns:
        if column.kind == PERCENT:
            result.append(styles(fmt="0.0%", border=True, align="right", bold=bold))
        elif column.kind == INT:
            result.append(styles(fmt="0", border=True, align="right", bold=bold))
        else:
            result.append(styles(border=True, wrap=True, bold=bold))
    return result


def _header(sheet: _Sheet, columns: list[Column], upper=False) -> int:
    style = sheet.styles(bold=True, border=True, fill=True, wrap=True, align="center")
    return sheet.append([(style, c.title.upper() if upper else c.title) for c in columns])


def _labels(columns: list[Column]) -> list[bool]:
    return [c.kind == STATUS for c in columns]


def _rows(sheet: _Sheet, table: Table, rate_formula=False) -> tuple[int, int]:
    """The table's rows (streamed) and its total row; (first, last) row numbers of the rows."""
    columns = table.columns
    styles = _column_styles(sheet.styles, columns)
    status = _labels(columns)
    first = sheet.row + 1
    f_letter, g_letter = get_column_letter(6), get_column_letter(7)
    # The hot loop of a large export (~1.2 million cells nationally): each column's start
    # ('<c r="B') and style (' s="7"') formatted once, statuses rendered once per table.
    starts = [f'<c r="{letter}' for letter in sheet.letters[: len(columns)]]
    mids = [f'" s="{style}"' for style in styles]
    statuses = {}
    for values in table.iter_rows():
        r = str(sheet.row + 1)
        cells = []
        for start, mid, is_status, value in zip(starts, mids, status, values, strict=True):
            if is_status and value:
                tail = statuses.get(value) or statuses.setdefault(value, _tail(status_label(value)))
            else:
                tail = _tail(value)
            cells.append(f"{start}{r}{mid}{tail}")
        if rate_formula:  # TỶ LỆ = achieved (total) ÷ quota (total)
            cells[4] = f"{starts[4]}{r}{mids[4]}" + _tail(
                Formula(f'IF({f_letter}{r}>0,{g_letter}{r}/{f_letter}{r},"")')
            )
        sheet.append_cells(r, cells)
    last = sheet.row
    if table.totals is not None:
        bold = _column_styles(sheet.styles, columns, bold=True)
        r = last + 1
        cells = []
        for i, value in enumerate(table.totals):
            if i in table.sum_columns and last >= first:
                letter = get_column_letter(i + 1)
                value = Formula(f"SUM({letter}{first}:{letter}{last})")
            elif rate_formula and i == 4:
                value = Formula(f'IF({f_letter}{r}>0,{g_letter}{r}/{f_letter}{r},"")')
            elif status[i] and value:
                value = status_label(value)
            cells.append((bold[i], value))
        sheet.append(cells)
    return first, last


def _extra(sheet: _Sheet, extra: Table):
    sheet.append()
    sheet.line(extra.title, merged=False, bold=True)
    _header(sheet, extra.columns)
    _rows(sheet, extra)


def _single_table_sheet(workbook, styles, name: str, table: Table, document: Document, landscape=False):
    """A sheet holding one table under the document's header block, its header row frozen
    and printed on every page; the signature block after it."""
    sheet = _Sheet(workbook, styles, name, [c.width for c in table.columns], landscape)
    lead = getattr(table, "lead", "")
    sheet.freeze_below(HEAD_ROWS + 1 + (1 if table.caption else 0) + (1 if lead else 0) + 2)
    document.header(sheet)
    sheet.line(table.title, bold=True, align="center")
    if table.caption:
        sheet.line(table.caption, italic=True, align="center")
    if lead:
        sheet.line(lead, italic=True, align="center")
    sheet.append()
    _header(sheet, table.columns)
    _rows(sheet, table)
    if table.note:
        sheet.append()
        sheet.line(table.note, merged=False, italic=True)
    document.signature(sheet)
    sheet.close()


def _appendix_sheet(workbook, styles, tables: list[Table], document: Document):
    """Every allocation table in the appendix layout, one after the other."""
    widths = [max(c.width for c in column) for column in zip(*(t.columns for t in tables), strict=True)]
    sheet = _Sheet(workbook, styles, "Phụ lục", widths, landscape=True)
    if len(tables) == 1:
        sheet.freeze_below(HEAD_ROWS + 1 + (1 if tables[0].caption else 0) + (1 if tables[0].lead else 0) + 2)
    document.header(sheet)
    for n, table in enumerate(tables):
        if n:
            sheet.append()
            sheet.append()
        sheet.line(table.title.upper(), bold=True, size=13, align="center")
        if table.caption:
            sheet.line(table.caption, italic=True, align="center")
        if table.lead:
            sheet.line(table.lead, italic=True, align="center")
        sheet.append()
        _header(sheet, table.columns, upper=True)
        _rows(sheet, table, rate_formula=len(table.columns) >= 7)
        if table.note:
            sheet.append()
            sheet.line(table.note, merged=False, italic=True)
    document.signature(sheet)
    sheet.close()


def _kind_sheet(workbook, styles, section, document: Document):
    """The rules of one kind, each a block: its number and sentence, the plan, the
    "N of M meet it" line for rules over many organizations, then its rows."""
    sheet = _Sheet(workbook, styles, section.name, [c.width for c in section.columns], landscape=True)
    document.header(sheet)
    sheet.line(section.title.upper(), bold=True, size=13, align="center")
    for table in section.tables:
        sheet.append()
        sheet.line(table.title, merged=False, bold=True)
        if table.caption:
            sheet.line(table.caption, merged=False, italic=True)
        if table.lead:
            sheet.line(table.lead, merged=False, italic=True)
        if table.count:
            _header(sheet, table.columns)
            _rows(sheet, table)
        if table.note:
            sheet.line(table.note, merged=False, italic=True)
        for extra in table.extra:
            _extra(sheet, extra)
    sheet.close()


def render_xlsx(report: Report) -> bytes:
    with gc_paused():
        return _render_xlsx(report)


def _render_xlsx(report: Report) -> bytes:
    from .pdf import document_parts

    att = report.attainment
    workbook = Workbook(write_only=True)
    styles = _Styles(workbook)
    document = Document(document_parts(att), report.title.upper(), report.subject)
    _single_table_sheet(workbook, styles, "Tổng hợp", report.summary, document, landscape=True)
    if report.allocation_tables:
        _appendix_sheet(workbook, styles, report.allocation_tables, document)
    _single_table_sheet(workbook, styles, "Trực thuộc", report.children, document, landscape=True)
    for section in report.sections:
        _kind_sheet(workbook, styles, section, document)
    if report.period is not None:  # last: the sheets before it keep their places
        _single_table_sheet(workbook, styles, "Cùng kỳ", report.period, document)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
