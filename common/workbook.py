"""The workbooks the app hands out (import templates, exports): every one goes through
`workbook_bytes` (or, for the large report, reports/xlsx.py's streaming writer), where text
is always stored as text, never as a formula, whatever it starts with ("=HYPERLINK(…)" in a
name stays a name); `xlsx_response` sends one as a download."""

import io
from collections.abc import Iterable

from django.http import HttpResponse

from .files import attachment
from .xlsx import EXCEL_CELL_LIMIT

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(sheet, value):
    """A value as a cell: text always as text (openpyxl would make "=…" a formula), without
    the control characters XML cannot hold, at most as long as Excel keeps."""
    if not isinstance(value, str):
        return value
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cell = WriteOnlyCell(sheet)
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)[:EXCEL_CELL_LIMIT]
    cell.data_type = "s"
    return cell


def workbook_bytes(rows: Iterable[Iterable], *, title: str, widths: dict[str, float] | None = None) -> bytes:
    """One sheet of `rows` as an .xlsx file. Every workbook the app writes goes through here
    (the report's large workbook through reports/xlsx.py, which writes text the same way)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for letter, width in (widths or {}).items():
        sheet.column_dimensions[letter].width = width
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    return attachment(content, content_type=XLSX_CONTENT_TYPE, filename=filename)


def xlsx_download(rows: Iterable[Iterable], *, title: str, filename: str, widths: dict[str, float] | None = None):
    """One sheet of `rows` handed out as the download `filename` (templates, exports)."""
    return xlsx_response(workbook_bytes(rows, title=title, widths=widths), filename)
