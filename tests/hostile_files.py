"""Hostile .xlsx uploads, built in code: small on disk and in memory, expensive to open naively.

Each builder takes the header row of the import it is aimed at (so the reading gets past
the header to the hostile part) and returns the bytes of one file; `CORPUS` names them for
parametrized tests and `corpus()` builds each once per test session. The big parts are
streamed into the zip in chunks: building them never holds their expanded text.
"""

import functools
import io
import zipfile
from html import escape

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
CONTENT_TYPES = "[Content_Types].xml"
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"
STRINGS_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
STRINGS_TAIL = b"</sst>"
STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
STRINGS_REL = (
    b'<Relationship Id="rIdStrings" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    b'Target="sharedStrings.xml"/>'
)
CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the OLE compound file signature


def _header_xml(header: tuple[str, ...]) -> bytes:
    cells = "".join(
        f'<c r="{get_column_letter(i)}1" t="inlineStr"><is><t>{escape(title)}</t></is></c>'
        for i, title in enumerate(header, start=1)
    )
    return f'<row r="1">{cells}</row>'.encode()


@functools.cache
def _base_parts(header: tuple[str, ...]) -> dict[str, bytes]:
    """The parts of a small, good workbook written by openpyxl: one sheet holding the header
    row (as shared strings, so the workbook has a shared strings part)."""
    book = Workbook()
    book.active.append(list(header))
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _build(header: tuple[str, ...], replace: dict[str, object]) -> bytes:
    """The base workbook with some parts replaced: by bytes, or by an iterable of byte chunks
    streamed into the archive."""
    parts = {**_base_parts(header), **replace}
    if STRINGS in replace and b"sharedStrings+xml" not in parts[CONTENT_TYPES]:
        # openpyxl writes its text inline: declare the shared strings part.
        parts[CONTENT_TYPES] = parts[CONTENT_TYPES].replace(b"</Types>", STRINGS_TYPE + b"</Types>")
        rels = "xl/_rels/workbook.xml.rels"
        parts[rels] = parts[rels].replace(b"</Relationships>", STRINGS_REL + b"</Relationships>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in parts.items():
            if isinstance(data, bytes):
                archive.writestr(name, data)
                continue
            with archive.open(name, "w", force_zip64=True) as entry:
                for chunk in data:
                    entry.write(chunk)
    return buffer.getvalue()


def _repeat(chunk: bytes, times: int, head: bytes = b"", tail: bytes = b""):
    yield head
    for _ in range(times):
        yield chunk
    yield tail


def bomb(header) -> bytes:
    """One shared string of 200 MB (the letter A) in the row under the header: ~200 KB on disk."""
    sheet = SHEET_HEAD + _header_xml(header) + b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>' + SHEET_TAIL
    strings = _repeat(b"A" * 1_000_000, 200, STRINGS_HEAD + b"<si><t>", b"</t></si>" + STRINGS_TAIL)
    return _build(header, {SHEET: sheet, STRINGS: strings})


def long_inline(header) -> bytes:
    """A 50 MB text written inline in a cell under the header (not a shared string)."""
    sheet = _repeat(
        b"A" * 1_000_000,
        50,
        SHEET_HEAD + _header_xml(header) + b'<row r="2"><c r="A2" t="inlineStr"><is><t>',
        b"</t></is></c></row>" + SHEET_TAIL,
    )
    return _build(header, {SHEET: sheet})


def blank_rows(header) -> bytes:
    """1,048,576 rows (every row a sheet has): the header, then empty rows."""

    def rows():
        yield SHEET_HEAD + _header_xml(header)
        for start in range(2, 1_048_577, 65_536):
            yield "".join(f'<row r="{r}"/>' for r in range(start, min(start + 65_536, 1_048_577))).encode()
        yield SHEET_TAIL

    return _build(header, {SHEET: rows()})


def unused_strings(header) -> bytes:
    """5 million shared strings no cell uses."""
    sheet = SHEET_HEAD + _header_xml(header) + SHEET_TAIL
    strings = _repeat(b"<si><t>a</t></si>" * 50_000, 100, STRINGS_HEAD, STRINGS_TAIL)
    return _build(header, {SHEET: sheet, STRINGS: strings})


def malformed_sheet(header) -> bytes:
    """A valid zip whose sheet XML breaks off in the middle of the row under the header."""
    return _build(header, {SHEET: SHEET_HEAD + _header_xml(header) + b'<row r="2"><c r="A2" t="inlineStr"><is><t>x'})


def malformed_workbook(header) -> bytes:
    """A valid zip whose workbook part is not XML at all."""
    return _build(header, {"xl/workbook.xml": b"<workbook><sheets><sheet name='x' & </workbook"})


def html(header) -> bytes:
    """A web page (a table with the right titles) named .xlsx."""
    cells = "".join(f"<td>{escape(title)}</td>" for title in header)
    return f"<!DOCTYPE html><html><body><table><tr>{cells}</tr></table></body></html>".encode()


def pdf(header) -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def empty(header) -> bytes:
    return b""


def encrypted(header) -> bytes:
    """What Excel writes for a password-protected workbook: an OLE compound file."""
    return CFB + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff" + b"\x00" * 482


def macro(header) -> bytes:
    """A macro-enabled workbook (.xlsm) named .xlsx: vbaProject.bin and its content types."""
    types = (
        _base_parts(header)[CONTENT_TYPES]
        .replace(b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")
        .replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    )
    return _build(header, {CONTENT_TYPES: types, "xl/vbaProject.bin": CFB + b"\x00" * 504})


def macro_undeclared(header) -> bytes:
    """A vbaProject.bin slipped into an otherwise plain workbook."""
    return _build(header, {"xl/vbaProject.bin": CFB + b"\x00" * 504})


def huge(header, size: int = 10 * 1024 * 1024 + 1024) -> bytes:
    """A good workbook padded past the default upload limit (10 MB) with stored bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in _base_parts(header).items():
            archive.writestr(name, data)
        archive.writestr("xl/media/padding.bin", b"\x00" * size)
    return buffer.getvalue()


CORPUS = {
    "bomb": bomb,
    "long_inline": long_inline,
    "blank_rows": blank_rows,
    "unused_strings": unused_strings,
    "malformed_sheet": malformed_sheet,
    "malformed_workbook": malformed_workbook,
    "html": html,
    "pdf": pdf,
    "empty": empty,
    "encrypted": encrypted,
    "macro": macro,
    "macro_undeclared": macro_undeclared,
    "huge": huge,
}


@functools.cache
def corpus(name: str, header: tuple[str, ...] = ("Tên",)) -> bytes:
    """The file `name` whose first row holds `header` (where it has rows)."""
    return CORPUS[name](tuple(header))
