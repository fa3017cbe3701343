"""Reading an .xlsx (common/xlsx.py) takes plain text and numbers the short way (issue 18: the
10,000-row import): every cell reads as openpyxl itself reads it, with inline strings (what
openpyxl writes) and shared strings (what Excel writes), rich text and phonetic guides,
numbers, flags, dates, times, formulas' cached values, errors, gaps and empty rows."""

import datetime as dt
import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from common.xlsx import read_rows

WIDTH = 8
COLUMNS = {f"c{i}": (f"Cột {i}",) for i in range(WIDTH)}
HEADER = [f"Cột {i}" for i in range(WIDTH)]
ROWS = [
    ["Nguyễn Văn A", 12, 3.5, True, dt.date(2024, 1, 31), dt.datetime(2024, 2, 1, 8, 30), "LD.DD.01", "  có  "],
    ["Trần Thị “B”", -4, 1e-7, False, None, dt.time(7, 45), "=1+1", ""],
    [None, None, None, None, None, None, None, None],  # an empty row (written as nothing)
    ["x", 0, 2.0, None, dt.date(1999, 12, 31), None, "#N/A", "dòng\nhai"],
    [12345678901234, "0123", "1/2", "Học sinh THPT", "31/12/2024", 1.5e20, None, "Đ"],
]


def _workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    sheet["H8"] = CellRichText(["đậm ", TextBlock(InlineFont(b=True), "chữ")])  # inline rich text
    sheet["C10"] = "after a gap of a row"
    sheet["D9"], sheet["E9"] = 1e10, 45000.5  # dated by their format: out of range, and a date with a time
    sheet["D9"].number_format = sheet["E9"].number_format = "dd/mm/yyyy"
    sheet["A7"].value = "#DIV/0!"
    sheet["A7"].data_type = "e"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _shared_strings(data: bytes) -> bytes:
    """The same workbook as Excel writes it: the text in a shared strings part (one item as
    rich text runs, one with a phonetic guide), the cells pointing at them."""
    source = zipfile.ZipFile(io.BytesIO(data))
    sheet = source.read("xl/worksheets/sheet1.xml").decode()
    items: list[str] = []

    def shared(match):
        items.append(match.group(2))
        return f'<c r="{match.group(1)}" t="s"><v>{len(items) - 1}</v></c>'

    sheet = re.sub(r'<c r="([A-Z]+\d+)"[^>]*t="inlineStr"[^>]*><is>(<t[^>]*>[^<]*</t>)</is></c>', shared, sheet)
    items.append("<r><t>chữ </t></r><r><rPr><b/></rPr><t>đậm</t></r>")
    items.append('<t>Hà Nội</t><rPh sb="0" eb="1"><t>ハ</t></rPh>')
    sheet = sheet.replace("</sheetData>", f'<row r="12"><c r="A12" t="s"><v>{len(items) - 2}</v></c>'
                          f'<c r="B12" t="s"><v>{len(items) - 1}</v></c></row></sheetData>')  # fmt: skip
    sheet = re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:H12"', sheet)  # for openpyxl's own reading
    strings = "".join(f"<si>{item}</si>" for item in items)
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    part = f'<sst xmlns="{main}" count="{len(items)}" uniqueCount="{len(items)}">{strings}</sst>'
    types = (
        source.read("[Content_Types].xml")
        .decode()
        .replace(
            "</Types>",
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
    )
    rels = (
        source.read("xl/_rels/workbook.xml.rels")
        .decode()
        .replace(
            "</Relationships>",
            '<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
        )
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            replaced = {
                "xl/worksheets/sheet1.xml": sheet,
                "[Content_Types].xml": types,
                "xl/_rels/workbook.xml.rels": rels,
            }
            target.writestr(info.filename, replaced.get(info.filename) or source.read(info.filename))
        target.writestr("xl/sharedStrings.xml", part)
    assert len(items) > 20
    return out.getvalue()


def _as_openpyxl_reads(data: bytes) -> list[tuple[int, list]]:
    sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    rows = []
    for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
        values = [*cells, *([None] * WIDTH)][:WIDTH]
        if number > 1 and any(v is not None and not (isinstance(v, str) and not v.strip()) for v in values):
            rows.append((number, values))
    return rows


def _as_imports_read(data: bytes) -> list[tuple[int, list]]:
    rows = read_rows(SimpleUploadedFile("f.xlsx", data), COLUMNS, required=set(COLUMNS))
    return [(row.number, [row.values[key] for key in COLUMNS]) for row in rows]


# openpyxl warns of the out-of-range date (the suite makes warnings errors).
pytestmark = pytest.mark.filterwarnings("ignore:Cell D9 is marked as a date:UserWarning")


def test_inline_strings_read_as_openpyxl_reads_them():
    data = _workbook()
    read = _as_imports_read(data)
    assert read == _as_openpyxl_reads(data)
    by_row = dict(read)
    assert by_row[2][:4] == ["Nguyễn Văn A", 12, 3.5, True] and by_row[2][4] == dt.datetime(2024, 1, 31)
    assert by_row[8][7] == "đậm chữ" and by_row[10][2] == "after a gap of a row"
    assert by_row[3][6] is None  # a formula without a cached value: nothing (values only)
    assert by_row[9][3:5] == ["#VALUE!", dt.datetime(2023, 3, 15, 12, 0)]


def test_shared_strings_read_as_openpyxl_reads_them():
    data = _shared_strings(_workbook())
    read = _as_imports_read(data)
    assert read == _as_openpyxl_reads(data)
    by_row = dict(read)
    assert by_row[2][0] == "Nguyễn Văn A" and by_row[6][3] == "Học sinh THPT"
    assert by_row[12][:2] == ["chữ đậm", "Hà Nội"]  # rich runs joined; the phonetic guide left out
