"""Reading uploaded .xlsx files for the all-or-nothing imports of every app."""

import datetime as dt
import zipfile
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from .text import fold

MAX_ROWS = 50_000
HEADER_SEARCH_ROWS = 15


class SheetError(Exception):
    """The file as a whole cannot be read (not an xlsx, no header, too big)."""


@dataclass(frozen=True)
class RowError:
    row: int  # the row number as Excel shows it; 0 for the file as a whole
    message: str


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


def read_rows(upload, columns: dict[str, tuple[str, ...]], required: set[str], exact: bool = False) -> list[Row]:
    """The data rows of the first sheet, keyed by column.

    `columns` maps a key to the header titles accepted for it (compared without
    diacritics or case). The header row is looked for among the first rows; with
    `exact`, it is the first non-empty row and must hold every column of `columns`
    once and nothing else.
    """
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError):
        raise SheetError(_("The file is not a readable Excel (.xlsx) workbook.")) from None
    try:
        sheet = workbook.worksheets[0]
        aliases = {fold(title): key for key, titles in columns.items() for title in (key, *titles)}
        rows = sheet.iter_rows(values_only=True)
        header: dict[int, str] | None = None
        number = 0
        for number, cells in enumerate(rows, start=1):
            if exact:
                if all(c is None or not str(c).strip() for c in cells):
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
            raise SheetError(
                _("No header row found. The first sheet needs the columns: %(titles)s.") % {"titles": titles}
            )
        data: list[Row] = []
        for number, cells in enumerate(rows, start=header_row + 1):
            if all(c is None or (isinstance(c, str) and not c.strip()) for c in cells):
                continue
            if len(data) >= MAX_ROWS:
                raise SheetError(_("The file has more than %(max)d rows.") % {"max": MAX_ROWS})
            data.append(Row(number, {key: cells[i] if i < len(cells) else None for i, key in header.items()}))
        return data
    finally:
        workbook.close()


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
