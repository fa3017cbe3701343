"""The report as an .xlsx workbook (rows streamed to the file: reports/workbook.py).

Sheets:
* "Tổng hợp": the rule table (one row per rule), frozen header, landscape;
* "Phụ lục": the allocation tables in the appendix layout (caption, "Kèm theo Kế hoạch
  số …", STT | TCCSĐ | CHỈ TIÊU | THỰC HIỆN | TỶ LỆ, the counts numbers shown zero-padded
  ("03"), a total row of SUM formulas, rates as formulas, the note), one after the other;
  with a single table its header is frozen and repeated on every printed page;
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

The rows stream through reports/workbook.py (~2 µs per cell; 1.2 million cells nationally).
"""

from openpyxl.utils import get_column_letter

from .report import INT, PERCENT, STATUS, Column, Report, Table, gc_paused, status_label
from .workbook import Book, Formula, Sheet, Styles, cell_end

HEAD_ROWS = 8  # the document's header block: 4 rows, a blank, the kind, the subject, "-----"


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

    def _two(self, sheet: Sheet, left: tuple[dict, str], right: tuple[dict, str]) -> int:
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

    def header(self, sheet: Sheet):
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

    def signature(self, sheet: Sheet):
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


def _column_styles(styles: Styles, columns: list[Column], bold=False, padded=()) -> list[int]:
    """`padded`: the columns whose counts show zero-padded ("03", as a plan writes them)."""
    result = []
    for i, column in enumerate(columns):
        if column.kind == PERCENT:
            result.append(styles(fmt="0.0%", border=True, align="right", bold=bold))
        elif column.kind == INT:
            result.append(styles(fmt="00" if i in padded else "0", border=True, align="right", bold=bold))
        else:
            result.append(styles(border=True, wrap=True, bold=bold))
    return result


def _header(sheet: Sheet, columns: list[Column], upper=False) -> int:
    style = sheet.styles(bold=True, border=True, fill=True, wrap=True, align="center")
    return sheet.append([(style, c.title.upper() if upper else c.title) for c in columns])


def _labels(columns: list[Column]) -> list[bool]:
    return [c.kind == STATUS for c in columns]


def _rows(sheet: Sheet, table: Table, appendix=False) -> tuple[int, int]:
    """The table's rows (streamed) and its total row; (first, last) row numbers of the rows.
    An `appendix` (an allocation table) has its rate a formula; counts show zero-padded
    where the table says so (`Table.padded`)."""
    columns = table.columns
    padded = table.padded
    styles = _column_styles(sheet.styles, columns, padded=padded)
    status = _labels(columns)
    first = sheet.row + 1
    quota, achieved = get_column_letter(3), get_column_letter(4)  # CHỈ TIÊU, THỰC HIỆN
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
                tail = statuses.get(value) or statuses.setdefault(value, cell_end(status_label(value)))
            else:
                tail = cell_end(value)
            cells.append(f"{start}{r}{mid}{tail}")
        if appendix:  # TỶ LỆ = THỰC HIỆN ÷ CHỈ TIÊU
            cells[4] = f"{starts[4]}{r}{mids[4]}" + cell_end(Formula(f'IF({quota}{r}>0,{achieved}{r}/{quota}{r},"")'))
        sheet.append_cells(r, cells)
    last = sheet.row
    if table.totals is not None:
        bold = _column_styles(sheet.styles, columns, bold=True, padded=padded)
        r = last + 1
        cells = []
        for i, value in enumerate(table.totals):
            if i in table.sum_columns and last >= first:
                letter = get_column_letter(i + 1)
                value = Formula(f"SUM({letter}{first}:{letter}{last})")
            elif appendix and i == 4:
                value = Formula(f'IF({quota}{r}>0,{achieved}{r}/{quota}{r},"")')
            elif status[i] and value:
                value = status_label(value)
            cells.append((bold[i], value))
        sheet.append(cells)
    return first, last


def _extra(sheet: Sheet, extra: Table):
    sheet.append()
    sheet.line(extra.title, merged=False, bold=True)
    _header(sheet, extra.columns)
    _rows(sheet, extra)


def _single_table_sheet(book: Book, name: str, table: Table, document: Document, landscape=False):
    """A sheet holding one table under the document's header block, its header row frozen
    and printed on every page; the signature block after it."""
    sheet = book.sheet(name, [c.width for c in table.columns], landscape)
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


def _appendix_sheet(book: Book, tables: list[Table], document: Document):
    """Every allocation table in the appendix layout, one after the other."""
    # A table with sub-quotas has two columns more per category than one without.
    n = max(len(t.columns) for t in tables)
    widths = [max(t.columns[i].width for t in tables if i < len(t.columns)) for i in range(n)]
    sheet = book.sheet("Phụ lục", widths, landscape=True)
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
        _rows(sheet, table, appendix=True)
        if table.note:
            sheet.append()
            sheet.line(table.note, merged=False, italic=True)
    document.signature(sheet)
    sheet.close()


def _kind_sheet(book: Book, section, document: Document):
    """The rules of one kind, each a block: its number and sentence, the plan, the
    "N of M meet it" line for rules over many organizations, then its rows."""
    sheet = book.sheet(section.name, [c.width for c in section.columns], landscape=True)
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
    book = Book()
    document = Document(document_parts(att, report.dated), report.title.upper(), report.subject)
    _single_table_sheet(book, "Tổng hợp", report.summary, document, landscape=True)
    if report.allocation_tables:
        _appendix_sheet(book, report.allocation_tables, document)
    _single_table_sheet(book, "Trực thuộc", report.children, document, landscape=True)
    for section in report.sections:
        _kind_sheet(book, section, document)
    if report.period is not None:  # last: the sheets before it keep their places
        _single_table_sheet(book, "Cùng kỳ", report.period, document)
    return book.save()
