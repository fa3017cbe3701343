"""Exports on the national dataset: time, peak memory and queries of each stage.

* the Excel workbook of the national root (every commune committee's allocation table:
  ~51,000 grassroots rows) and of one province;
* the PDF of one commune committee.
Times come from a run without tracemalloc (it slows allocation-heavy code about threefold);
the peak Python heap (tracemalloc) from a second run, each stage's own peak above what
the stages before it hold; then the process's peak RSS (over every run of this script,
tracemalloc's included: the export's own process is measured with
`/usr/bin/time -v manage.py export_report …`, see RESULTS.md).

`python -m bench.exports writers [ROWS]` instead compares the workbook writers on the
national appendix's shape (ROWS rows of STT | TCCSĐ | CHỈ TIÊU | THỰC HIỆN | TỶ LỆ,
default 235,000): reports/workbook.py against XlsxWriter's constant_memory mode (needs
`pip install xlsxwriter`), each in a fresh process for its own peak RSS, alternated.
"""

import datetime as dt
import os
import resource
import subprocess
import sys
import time
import tracemalloc

from django.utils import translation

from bench.common import queries_of, row
from organizations.models import Organization, OrgForm
from reports.engine import attainment
from reports.pdf import render_pdf
from reports.report import build_report
from reports.xlsx import render_xlsx

YEAR = int(os.environ.get("BENCH_YEAR", dt.date.today().year - 1))
AS_OF = dt.date(YEAR, 12, 31)


def export(scope, render, trace=False):
    """Seconds of each stage and, with `trace`, the peak heap of each stage in MB (above
    what was allocated when it started)."""
    stages, heap, value = {}, {"total": 0.0}, None
    with translation.override("vi"):
        if trace:
            tracemalloc.start()
        for stage, run in (
            # as render_export asks it: the failing lists read with the answer
            ("engine", lambda _: attainment(scope=scope, year=YEAR, as_of=AS_OF, list_failing=True)),
            ("report", build_report),
            ("render", render),
        ):
            if trace:
                tracemalloc.reset_peak()
                before = tracemalloc.get_traced_memory()[0]
            start = time.perf_counter()
            value = run(value)
            stages[stage] = time.perf_counter() - start
            if trace:
                peak = tracemalloc.get_traced_memory()[1]
                heap[stage] = (peak - before) / 1e6
                heap["total"] = max(heap["total"], peak / 1e6)
        if trace:
            tracemalloc.stop()
    return stages, heap, len(value)


def measure(label, scope, render):
    export(scope, render)  # warm the caches
    stages, _heap, size = export(scope, render)
    _stages, heap, _size = export(scope, render, trace=True)
    queries = queries_of(lambda: export(scope, render))
    total = sum(stages.values())
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    row(
        label,
        total,
        None,
        queries,
        f"(engine {stages['engine']:.2f} s, report {stages['report']:.2f} s, render {stages['render']:.2f} s; "
        f"heap peak {heap['total']:.0f} MB: engine {heap['engine']:.0f}, report +{heap['report']:.0f}, "
        f"render +{heap['render']:.0f}; process peak RSS {rss:.0f} MB, {size / 1e6:.1f} MB file)",
    )


def main():
    root = Organization.objects.filter(depth=1, form=OrgForm.CENTRAL).first()
    province = Organization.objects.filter(depth=2, path__startswith=root.path).order_by("path").first()
    commune = Organization.objects.filter(depth=3, path__startswith=province.path).order_by("path").first()
    print(f"Exports for {YEAR}")
    measure(f"PDF of one commune committee ({commune.code})", commune, render_pdf)
    measure(f"Excel of one province ({province.code})", province, render_xlsx)
    measure("Excel of the national root (every grassroots organization)", root, render_xlsx)


def write_rows(writer: str, count: int) -> str:
    """One writer's CPU seconds, µs per cell, peak RSS (MB) and file size for `count` rows."""
    rows = ((str(i), f"Chi bộ Thôn số {i} & <{i % 7}>", i % 37, i % 41, i % 5) for i in range(count))
    start = time.process_time()
    if writer == "xlsxwriter":
        import io

        import xlsxwriter

        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"constant_memory": True})
        sheet = book.add_worksheet("Phụ lục")
        base = {"font_name": "Times New Roman", "border": 1, "valign": "vcenter"}
        text = book.add_format({**base, "text_wrap": True})
        number = book.add_format({**base, "num_format": "0", "align": "right"})
        formats = [text, text, number, number, number]
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                if isinstance(value, str):
                    sheet.write_string(r, c, value, formats[c])
                else:
                    sheet.write_number(r, c, value, formats[c])
        book.close()
        size = len(buffer.getvalue())
    else:
        from reports.workbook import Book

        book = Book()
        sheet = book.sheet("Phụ lục", [6, 40, 10, 10, 10])
        text, number = book.styles(border=True, wrap=True), book.styles(fmt="0", border=True, align="right")
        formats = [text, text, number, number, number]
        for values in rows:
            sheet.append(list(zip(formats, values, strict=True)))
        sheet.close()
        size = len(book.save())
    cpu = time.process_time() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return f"{writer}: {cpu:.1f} s CPU, {cpu / count / 5 * 1e6:.1f} µs/cell, peak RSS {rss:.0f} MB, {size / 1e6:.1f} MB"


def compare_writers(count: int):
    for writer in ("workbook", "xlsxwriter", "workbook", "xlsxwriter"):
        code = f"from bench.exports import write_rows; print(write_rows({writer!r}, {count}))"
        subprocess.run([sys.executable, "-c", code], check=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["writers"]:
        compare_writers(int(sys.argv[2]) if len(sys.argv) > 2 else 235_000)
    else:
        main()
