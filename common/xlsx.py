"""Reading uploaded .xlsx files for the all-or-nothing imports of every app.

Every import reads through `read_rows`, which opens nothing it has not checked first
(`check_upload`): the upload's size, that it is a zip holding an .xlsx workbook without
macros (by its content, whatever its name), and that the archive does not expand beyond the
limits of settings.IMPORT_* (a decompression bomb is a small file). While reading, the rows
are counted empty ones included, and the reading gives up after a time budget. Whatever
else goes wrong inside openpyxl (malformed XML, a missing part) is the same clear message:
the file is not a readable workbook. Cell text quoted in messages is cut short (RowError).

Writing workbooks is common/workbook.py; openpyxl's reader as imports use it, common/xlsx_reader.py.
"""

import datetime as dt
import io
import re
import time
import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from .text import fold

HEADER_SEARCH_ROWS = 15
QUOTE_LIMIT = 80  # characters of a cell's text quoted in a message
MESSAGE_LIMIT = 2000  # characters of one row's message
EXCEL_CELL_LIMIT = 32_767  # the most characters Excel itself keeps in a cell
RATIO_FLOOR = 1024 * 1024  # entries expanding to less than this may be compressed any amount
BUDGET_EVERY = 256  # rows (or shared strings) read between two looks at the clock

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted workbooks and old .xls files
ZIP_MAGIC = b"PK\x03\x04"
XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_MARKS = (b"macroenabled", b"vbaproject")


class SheetError(Exception):
    """The file as a whole cannot be read (not an xlsx, no header, too big)."""


def not_found(ref: str) -> str:
    """The one message for an organization a file names that the import may not use: unknown,
    misspelled or outside the user's scope read the same, so a file cannot probe what exists."""
    return _("organization “%(ref)s” not found in your scope") % {"ref": ref}


def name_key(name: str) -> str:
    """How imports compare organization names: `fold`, the same as the stored search_name
    (diacritics, case, the kind of quote or dash, spaces around punctuation do not count)."""
    return fold(name)


def unreadable() -> str:
    return _("The file is not a readable Excel (.xlsx) workbook.")


def _cut(match: re.Match) -> str:
    return f"“{match.group(1)[:QUOTE_LIMIT]}…”"


_LONG_QUOTE = re.compile(f"“([^”]{{{QUOTE_LIMIT + 1},}})”")


def shorten(message: str) -> str:
    """The message with every quoted text longer than QUOTE_LIMIT cut, and a cap on the whole."""
    message = _LONG_QUOTE.sub(_cut, message)
    return message if len(message) <= MESSAGE_LIMIT else message[:MESSAGE_LIMIT] + "…"


@dataclass(frozen=True)
class RowError:
    row: int  # the row number as Excel shows it; 0 for the file as a whole
    message: str

    def __post_init__(self):
        # A cell of the file quoted in full could be megabytes long: every page and the
        # command show these messages.
        object.__setattr__(self, "message", shorten(str(self.message)))


class ImportFailed(Exception):
    """Raised by an import when any row is bad: nothing was saved."""

    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


@dataclass
class Row:
    number: int
    values: dict[str, Any]

    def text(self, key: str) -> str:
        value = self.values.get(key)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()


# ------------------------------------------------------------------ before opening the file


def _size(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        position = upload.tell()
        size = upload.seek(0, io.SEEK_END)
        upload.seek(position)
    return size


def too_big() -> SheetError:
    return SheetError(_("The workbook expands to more data than an import reads: it is not a table to import."))


def check_upload(upload) -> None:
    """Refuse, with a message for the user, an upload that is not a plain .xlsx workbook of a
    reasonable size: checked on its bytes and its archive's directory, before any XML is parsed."""
    size = _size(upload)
    if not size:
        raise SheetError(_("The file is empty."))
    if size > settings.IMPORT_MAX_UPLOAD_BYTES:
        limit = settings.IMPORT_MAX_UPLOAD_BYTES / (1024 * 1024)
        raise SheetError(_("The file is too large: an import takes at most %(limit)s MB.") % {"limit": f"{limit:g}"})
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head == OLE_MAGIC:
        raise SheetError(
            _(
                "The file is protected by a password or is an old Excel (.xls) workbook: "
                "save it as an Excel workbook (.xlsx) without a password."
            )
        )
    if not head.startswith(ZIP_MAGIC):
        raise SheetError(unreadable())
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise SheetError(unreadable()) from None
    with archive:
        entries = archive.infolist()
        if len(entries) > settings.IMPORT_ZIP_MAX_ENTRIES:
            raise too_big()
        total = 0
        for entry in entries:
            total += entry.file_size
            ratio = entry.file_size / max(entry.compress_size, 1)
            if (
                entry.file_size > settings.IMPORT_ZIP_MAX_ENTRY_BYTES
                or total > settings.IMPORT_ZIP_MAX_TOTAL_BYTES
                or (entry.file_size > RATIO_FLOOR and ratio > settings.IMPORT_ZIP_MAX_RATIO)
            ):
                raise too_big()
        names = {entry.filename.lower() for entry in entries}
        if "[content_types].xml" not in names:
            raise SheetError(unreadable())
        try:
            types = archive.read("[Content_Types].xml").lower()
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError, NotImplementedError):
            raise SheetError(unreadable()) from None
    if any(name.endswith("vbaproject.bin") for name in names) or any(mark in types for mark in MACRO_MARKS):
        raise SheetError(
            _("The file contains macros (.xlsm): save it as an Excel workbook (.xlsx) without macros, then import it.")
        )
    if XLSX_MAIN.lower() not in types:
        raise SheetError(unreadable())
    upload.seek(0)


class _Budget:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.ends = time.monotonic() + seconds

    def check(self):
        if time.monotonic() > self.ends:
            raise SheetError(
                _("Reading the file took more than %(seconds)s seconds: split it into smaller files.")
                % {"seconds": f"{self.seconds:g}"}
            )


def _check_lengths(cells) -> None:
    # Text written inline in the sheet (not a shared string) is only as long as the part allows.
    if any(isinstance(c, str) and len(c) > EXCEL_CELL_LIMIT for c in cells):
        raise too_big()


def _blank(cells) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def read_rows(upload, columns: dict[str, tuple[str, ...]], required: set[str], exact: bool = False) -> list[Row]:
    """The data rows of the first sheet, keyed by column.

    `columns` maps a key to the header titles accepted for it (compared without
    diacritics or case). The header row is looked for among the first rows; with
    `exact`, it is the first non-empty row and must hold every column of `columns`
    once and nothing else.
    """
    check_upload(upload)
    budget = _Budget(settings.IMPORT_TIME_BUDGET_SECONDS)
    workbook = None
    try:
        from .xlsx_reader import reader_classes  # openpyxl, imported when a file is read

        reader = reader_classes()[0](upload, budget)
        reader.read()
        workbook = reader.wb
        return _rows(workbook.worksheets[0], columns, required, exact, budget)
    except SheetError:
        raise
    except Exception:  # noqa: BLE001 (a hostile file makes openpyxl raise anything: ParseError, KeyError, …)
        raise SheetError(unreadable()) from None
    finally:
        if workbook is not None:
            workbook.close()


def _rows(sheet, columns, required, exact, budget: _Budget) -> list[Row]:
    max_rows = settings.IMPORT_MAX_ROWS
    aliases = {fold(title): key for key, titles in columns.items() for title in (key, *titles)}
    rows = sheet.iter_rows(values_only=True)
    header: dict[int, str] | None = None
    number = 0
    for number, cells in enumerate(rows, start=1):
        _check_lengths(cells)
        if exact:
            if _blank(cells):
                continue
            header = _exact_header(cells, columns, aliases)
            break
        found = {i: aliases[fold(str(c))] for i, c in enumerate(cells) if c is not None and fold(str(c)) in aliases}
        if required <= set(found.values()):
            header = found
            break
        if number >= HEADER_SEARCH_ROWS:
            break
    header_row = number
    if header is None:
        titles = ", ".join(columns[key][0] if columns[key] else key for key in columns)
        raise SheetError(_("No header row found. The first sheet needs the columns: %(titles)s.") % {"titles": titles})
    data: list[Row] = []
    for number, cells in enumerate(rows, start=header_row + 1):
        # Empty rows count: a million of them take as long to read as a million full ones.
        if number - header_row > max_rows:
            raise SheetError(_("The file has more than %(max)d rows (empty rows count too).") % {"max": max_rows})
        if number % BUDGET_EVERY == 0:
            budget.check()
        _check_lengths(cells)
        if _blank(cells):
            continue
        data.append(Row(number, {key: cells[i] if i < len(cells) else None for i, key in header.items()}))
    return data


def _exact_header(cells, columns: dict[str, tuple[str, ...]], aliases: dict[str, str]) -> dict[int, str]:
    """The header of a file that must have exactly `columns`: raise SheetError naming
    every unknown, repeated or missing column."""
    header: dict[int, str] = {}
    problems = []
    for i, cell in enumerate(cells):
        title = str(cell).strip() if cell is not None else ""
        if not title:
            continue
        key = aliases.get(fold(title))
        if key is None:
            problems.append(_("unknown column “%(title)s”") % {"title": title})
        elif key in header.values():
            problems.append(_("column “%(title)s” repeats") % {"title": title})
        else:
            header[i] = key
    for key, titles in columns.items():
        if key not in header.values():
            problems.append(_("missing column “%(title)s”") % {"title": titles[0] if titles else key})
    if problems:
        raise SheetError(_("Header row: %(problems)s.") % {"problems": "; ".join(problems)})
    return header


def choice_lookup(choices) -> dict[str, str]:
    """Accept a TextChoices value by its key, its Vietnamese or its English label."""
    from django.utils import translation

    lookup: dict[str, str] = {}
    for language in ("en", "vi"):
        with translation.override(language):
            for value, label in choices.choices:
                lookup[fold(str(label))] = value
    for value, _label in choices.choices:
        lookup[fold(value)] = value
        lookup[fold(value.replace("_", " "))] = value
    return lookup


DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")


def parse_date(value) -> dt.date | None:
    """A date from an Excel cell: a real date, or text written dd/mm/yyyy (or ISO)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
