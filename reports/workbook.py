"""A streaming .xlsx writer for the large report workbooks (reports/xlsx.py, bieu2_exports.py).

The package (workbook, sheets' settings: page setup, column widths, frozen panes, print
titles, merged cells; the style table) is openpyxl's write-only workbook through its public
API. The rows do not go through openpyxl: a row is formatted as `<row>` XML text (styles
resolved once to their index in the style table, text escaped, strings inline as openpyxl
writes them), written to a temporary file per sheet, and spliced into the sheet's empty
`<sheetData>` when the package is saved (`Book.save`). openpyxl spends ~15 µs per cell
building a cell object and an lxml element for it, XlsxWriter's constant-memory mode ~2×
this writer's time (bench/RESULTS.md "Workbook writer"); here ~2 µs, and memory stays flat.

Formulas are only what a caller marks as `Formula`, never text that starts with "=" (an
organization named "=SUM(…)" stays text).
"""

import io
import re
import shutil
import tempfile
import zipfile
from html import escape

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.page import PageMargins

FONT = "Times New Roman"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
A4 = "9"  # openpyxl's paperSize code for A4
CHUNK = 500  # rows written to the file at once
MM = 1 / 25.4  # Excel's margins are in inches
# The usual margins of party documents (top 20, bottom 20, left 30, right 15 mm).
MARGINS = PageMargins(left=30 * MM, right=15 * MM, top=20 * MM, bottom=20 * MM, header=10 * MM, footer=10 * MM)
EMPTY_ROWS = b"<sheetData></sheetData>"  # how openpyxl writes a sheet without rows
SHEET_PART = re.compile(r"xl/worksheets/sheet(\d+)\.xml")
# The sheets' deflate level: 3 compresses the national workbook's 80 MB of XML in 0.7 s to
# 9.0 MB; zlib's default (6) took 1.6 s for 7.8 MB.
LEVEL = 3


class Formula(str):
    """A cell formula (without its "=")."""


# Characters XML cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE) or must escape; a carriage
# return as such would be read back as a line feed.
_SPECIAL = re.compile(r"[\x00-\x08\x0b-\x1f&<>]")


def _text(value) -> str:
    """User text for a cell: always written as text (`cell_end`), as common.workbook's writer does."""
    value = str(value)
    if _SPECIAL.search(value):
        value = escape(ILLEGAL_CHARACTERS_RE.sub("", value), quote=False).replace("\r", "&#13;")
    return value


def cell_end(value) -> str:
    """What follows `<c r=".." s=".."` for a value: its type and content."""
    if type(value) is int:  # most cells of a large export: counts
        return f' t="n"><v>{value}</v></c>'
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


class _StyleHolder:
    """What a WriteOnlyCell needs of its worksheet to register its style: the workbook."""

    def __init__(self, workbook):
        self.parent = workbook


class Styles:
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


class Sheet:
    """A sheet of a `Book`: A4, fitted to the page width, the usual margins, page numbers
    from page 2; its rows appended in order."""

    def __init__(self, book: "Book", title: str, widths: list[int], landscape=False):
        self.ws = book.workbook.create_sheet(title=title[:31])
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
        self.styles = book.styles
        self.rows = tempfile.TemporaryFile()  # the `<row>` elements, UTF-8
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
            + "".join(f'<c r="{letters[i]}{r}" s="{s}"{cell_end(v)}' for i, (s, v) in enumerate(cells))
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
            self.rows.write("".join(self.pending).encode())
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
        self.ws.freeze_panes = f"A{header_row + 1}"
        self.ws.print_title_rows = f"{header_row}:{header_row}"


class Book:
    """A workbook of `Sheet`s: `book.sheet(...)` in the order they appear, then `save()`."""

    def __init__(self):
        self.workbook = Workbook(write_only=True)
        self.styles = Styles(self.workbook)
        self.sheets: list[Sheet] = []

    def sheet(self, title: str, widths: list[int], landscape=False) -> Sheet:
        self.sheets.append(Sheet(self, title, widths, landscape))
        return self.sheets[-1]

    def save(self) -> bytes:
        """The package openpyxl writes, each sheet's rows spliced into its `<sheetData>`."""
        package = io.BytesIO()
        self.workbook.save(package)
        out = io.BytesIO()
        with (
            zipfile.ZipFile(package) as source,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=LEVEL) as target,
        ):
            assert len([n for n in source.namelist() if SHEET_PART.fullmatch(n)]) == len(self.sheets)
            for info in source.infolist():
                part = SHEET_PART.fullmatch(info.filename)
                if part is None:
                    target.writestr(info, source.read(info))
                    continue
                sheet = self.sheets[int(part.group(1)) - 1]
                head, _, end = source.read(info).partition(EMPTY_ROWS)
                assert end, f"no empty <sheetData> in {info.filename}"
                with target.open(info.filename, "w") as part_file:
                    part_file.write(head + b"<sheetData>")
                    sheet.rows.seek(0)
                    shutil.copyfileobj(sheet.rows, part_file, 1 << 20)
                    part_file.write(b"</sheetData>" + end)
                sheet.rows.close()
        return out.getvalue()
