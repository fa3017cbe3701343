"""openpyxl's reader as the imports use it (common/xlsx.py `read_rows`): read-only and values
only, the shared strings read under the time budget, the declared dimensions ignored, and
plain text and numbers taken the short way (issue 18: building openpyxl's Text object for
every string cell was 40% of reading a 10,000-row file)."""

import functools

from django.conf import settings

from .xlsx import BUDGET_EVERY, EXCEL_CELL_LIMIT, too_big


@functools.cache
def reader_classes():
    """openpyxl is imported when a file is read or written, not when the app starts
    (every page, command and worker imports this module for ImportFailed: openpyxl
    took ~0.3 s of each start-up)."""
    from openpyxl.cell.text import Text
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.utils.cell import coordinate_to_tuple
    from openpyxl.utils.datetime import from_excel
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet
    from openpyxl.worksheet._reader import WorkSheetParser, _cast_number
    from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    plain, inline, value_tag = (f"{{{SHEET_MAIN_NS}}}{tag}" for tag in ("t", "is", "v"))

    def plain_text(node):
        """The text of a string item (a shared string, an inline string) holding one plain
        run, as openpyxl's Text.content gives it (without building it: 40% of the reading);
        None for rich text or phonetic guides, left to openpyxl."""
        if len(node) == 1 and node[0].tag == plain:
            return node[0].text or ""
        return None

    class _Reader(ExcelReader):
        """openpyxl's reader (read-only, values) whose shared strings are read under the budget:
        openpyxl reads all of them before the first row, used or not."""

        def __init__(self, upload, budget):
            super().__init__(upload, read_only=True, data_only=True)
            self.budget = budget

        def read_strings(self):
            part = self.package.find(SHARED_STRINGS)
            if part is None:
                return
            tag = f"{{{SHEET_MAIN_NS}}}si"
            limit = settings.IMPORT_MAX_ROWS * 100  # more than a sheet of that many rows can use
            strings: list[str] = []
            with self.archive.open(part.PartName[1:]) as source:
                for _event, node in iterparse(source):
                    if node.tag != tag:
                        continue
                    text = plain_text(node)
                    text = (Text.from_tree(node).content if text is None else text).replace("x005F_", "")
                    node.clear()
                    if len(text) > EXCEL_CELL_LIMIT or len(strings) >= limit:
                        raise too_big()
                    strings.append(text)
                    if len(strings) % BUDGET_EVERY == 0:
                        self.budget.check()
            self.shared_strings = strings

        def read_worksheets(self):
            # The first worksheet only (the one imports read), as a _Sheet.
            for sheet, rel in self.parser.find_sheets():
                if rel.target in self.valid_files and "chartsheet" not in rel.Type:
                    self.wb._sheets.append(_Sheet(self.wb, sheet.name, rel.target, self.shared_strings))
                    return

    class _Parser(WorkSheetParser):
        def parse_cell(self, element):
            """openpyxl's parse_cell (values only) for numbers, text and flags, the rest
            (formulas kept as such, ISO dates, errors, rich text) left to it."""
            kind, coordinate = element.get("t", "n"), element.get("r")
            if not self.data_only or not coordinate or kind not in ("n", "s", "str", "b", "inlineStr"):
                return super().parse_cell(element)
            style = element.get("s", 0)
            style = int(style) if style else style
            if kind == "inlineStr":
                child = element.find(inline)
                if child is not None:  # (without one: an empty cell, None)
                    value = plain_text(child)
                    if value is None:
                        return super().parse_cell(element)
                    kind = "s"
                else:
                    value = None
            else:
                value = element.findtext(value_tag, None) or None
                if value is None:
                    pass
                elif kind == "n" and style in self.date_formats:  # a date, as openpyxl reads it
                    try:
                        value = from_excel(_cast_number(value), self.epoch, timedelta=style in self.timedelta_formats)
                    except (OverflowError, ValueError):  # out of range: openpyxl's warning and error value
                        return super().parse_cell(element)
                    kind = "d"
                elif kind == "n":
                    value = _cast_number(value)
                elif kind == "s":
                    value = self.shared_strings[int(value)]
                elif kind == "b":
                    value = bool(int(value))
                else:
                    kind = "s"
            row, column = coordinate_to_tuple(coordinate)
            self.col_counter = column
            return {"row": row, "column": column, "value": value, "data_type": kind, "style_id": style}

    class _Sheet(ReadOnlyWorksheet):
        def _get_size(self):
            # The dimensions a file declares are ignored: without them openpyxl parses the whole
            # sheet to find them (outside any budget), and with them ("A1:XFD1048576") it pads
            # every row to 16,384 cells and the sheet to a million rows. Rows are read as written.
            pass

        def _cells_by_row(self, min_col, min_row, max_col, max_row, values_only=False):
            # openpyxl's, without dimensions (a missing row is empty), through _Parser.
            counter = min_row
            with self._get_source() as source:
                parser = _Parser(
                    source,
                    self._shared_strings,
                    data_only=self.parent.data_only,
                    epoch=self.parent.epoch,
                    date_formats=self.parent._date_formats,
                    timedelta_formats=self.parent._timedelta_formats,
                )
                for number, row in parser.parse():
                    while counter < number:
                        counter += 1
                        yield []
                    if counter == number:
                        counter += 1
                        yield self._get_row(row, min_col, max_col, values_only)

    return _Reader, _Sheet
