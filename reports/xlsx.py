"""The report as an .xlsx workbook (openpyxl, write-only so large scopes stream).

Sheets: a summary, the allocation tables in the appendix layout (STT | TCCSĐ | CHỈ TIÊU |
THỰC HIỆN | TỈ LỆ), the organizations directly under the scope, then one sheet per rule.
Frozen header rows, number and percent formats, totals and rates as formulas, A4 with
the header rows repeated on every printed page.
"""

import io
from copy import copy

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .report import INT, PERCENT, STATUS, Report, Table, status_label

FONT = "Times New Roman"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
A4 = "9"  # openpyxl's paperSize code for A4


class _Sheet:
    def __init__(self, workbook, title: str, landscape: bool = False):
        self.ws = workbook.create_sheet(title=title[:31])
        self.ws.page_setup.paperSize = A4
        self.ws.page_setup.orientation = "landscape" if landscape else "portrait"
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        self.ws.print_options.horizontalCentered = True
        self.row = 0
        self.styles = {}

    def cell(
        self, value, *, bold=False, italic=False, size=12, fmt=None, border=False, fill=False, wrap=False, align=None
    ):
        c = WriteOnlyCell(self.ws, value=value)
        # Setting font/border/alignment objects makes openpyxl hash them into the
        # workbook's style tables on every cell (most of the time of a large export);
        # style each combination once and copy its small style array instead.
        key = (bold, italic, size, fmt, border, fill, wrap, align)
        style = self.styles.get(key)
        if style is None:
            template = WriteOnlyCell(self.ws)
            template.font = Font(name=FONT, bold=bold, italic=italic, size=size)
            if fmt:
                template.number_format = fmt
            if border:
                template.border = BORDER
            if fill:
                template.fill = HEADER_FILL
            template.alignment = Alignment(wrap_text=wrap, vertical="center", horizontal=align)
            style = self.styles[key] = template._style
        c._style = copy(style)
        return c

    def append(self, cells):
        self.ws.append(cells)
        self.row += 1
        return self.row

    def title_line(self, text, width, **style):
        row = self.append([self.cell(text, align="center", **style)])
        if width > 1:
            self.ws.merged_cells.add(f"A{row}:{get_column_letter(width)}{row}")


def _value_cell(sheet: _Sheet, column, value):
    if column.kind == PERCENT:
        return sheet.cell(value, fmt="0.0%", border=True, align="right")
    if column.kind == INT:
        return sheet.cell(value, fmt="0", border=True, align="right")
    if column.kind == STATUS:
        return sheet.cell(status_label(value), border=True)
    return sheet.cell(value, border=True, wrap=True)


def _write_table(workbook, name: str, table: Table, heading: list[str], landscape=False, appendix=False):
    sheet = _Sheet(workbook, name, landscape)
    width = len(table.columns)
    for i, column in enumerate(table.columns, start=1):
        sheet.ws.column_dimensions[get_column_letter(i)].width = column.width
    # Write-only sheets write their views with the first row: freeze before appending.
    header_at = len(heading) + 1 + (1 if table.caption else 0) + 2
    sheet.ws.freeze_panes = f"A{header_at + 1}"
    sheet.ws.print_title_rows = f"{header_at}:{header_at}"
    for line in heading:
        sheet.title_line(line, width, bold=True, size=13)
    sheet.title_line(table.title.upper() if appendix else table.title, width, bold=True, size=13 if appendix else 12)
    if table.caption:
        sheet.title_line(table.caption, width, italic=True)
    sheet.append([])
    header_row = sheet.append(
        [
            sheet.cell(
                c.title.upper() if appendix else c.title, bold=True, border=True, fill=True, wrap=True, align="center"
            )
            for c in table.columns
        ]
    )
    assert header_row == header_at
    first = header_row + 1
    rate_formula = appendix and len(table.columns) >= 7  # TỈ LỆ = achieved (total) ÷ quota (total)
    for values in table.rows:
        row_number = sheet.row + 1
        cells = []
        for i, (column, value) in enumerate(zip(table.columns, values, strict=True)):
            if rate_formula and i == 4:
                quota, achieved = get_column_letter(6), get_column_letter(7)
                value = f'=IF({quota}{row_number}>0,{achieved}{row_number}/{quota}{row_number},"")'
            cells.append(_value_cell(sheet, column, value))
        sheet.append(cells)
    last = sheet.row
    if table.totals is not None:
        row_number = last + 1
        cells = []
        for i, (column, value) in enumerate(zip(table.columns, table.totals, strict=True)):
            if i in table.sum_columns and last >= first:
                letter = get_column_letter(i + 1)
                value = f"=SUM({letter}{first}:{letter}{last})"
            elif rate_formula and i == 4:
                quota, achieved = get_column_letter(6), get_column_letter(7)
                value = f'=IF({quota}{row_number}>0,{achieved}{row_number}/{quota}{row_number},"")'
            c = _value_cell(sheet, column, value)
            c.font = Font(name=FONT, bold=True, size=12)
            cells.append(c)
        sheet.append(cells)
    if table.note:
        sheet.append([])
        sheet.append([sheet.cell(table.note, italic=True)])
    for extra in table.extra:
        sheet.append([])
        sheet.append([sheet.cell(extra.title, bold=True)])
        sheet.append([sheet.cell(c.title, bold=True, border=True, fill=True, align="center") for c in extra.columns])
        for values in extra.rows:
            sheet.append([_value_cell(sheet, c, v) for c, v in zip(extra.columns, values, strict=True)])
    return sheet


def render_xlsx(report: Report) -> bytes:
    att = report.attainment
    workbook = Workbook(write_only=True)
    heading = [att.scope.name.upper()]
    _write_table(workbook, "Tổng hợp", report.summary, heading, landscape=True)
    for i, table in enumerate(report.allocation_tables, start=1):
        _write_table(workbook, f"Phụ lục {i}", table, heading, appendix=True)
    _write_table(workbook, "Trực thuộc", report.children, heading)
    for i, table in enumerate(report.rule_tables, start=1):
        _write_table(workbook, f"Chỉ tiêu {i}", table, heading, landscape=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
