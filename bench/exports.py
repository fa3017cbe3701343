"""Exports on the national dataset: time, peak memory and queries of each stage.

* the Excel workbook of the national root (every commune committee's allocation table:
  ~51,000 grassroots rows) and of one province;
* the PDF of one commune committee.
Peak memory is the Python heap (tracemalloc) during the export and the process's peak RSS.
"""

import datetime as dt
import os
import resource
import time

from django.utils import translation

from bench.common import peak_memory, queries_of, row
from organizations.models import Organization, OrgForm
from reports.engine import attainment
from reports.pdf import render_pdf
from reports.report import build_report
from reports.xlsx import render_xlsx

YEAR = int(os.environ.get("BENCH_YEAR", dt.date.today().year - 1))
AS_OF = dt.date(YEAR, 12, 31)


def export(scope, render):
    stages = {}
    with translation.override("vi"), peak_memory() as memory:
        start = time.perf_counter()
        att = attainment(scope=scope, year=YEAR, as_of=AS_OF)
        stages["engine"] = time.perf_counter() - start
        start = time.perf_counter()
        report = build_report(att)
        stages["report"] = time.perf_counter() - start
        start = time.perf_counter()
        content = render(report)
        stages["render"] = time.perf_counter() - start
    return stages, memory["mb"], len(content)


def measure(label, scope, render):
    export(scope, render)  # warm the caches
    stages, heap_mb, size = export(scope, render)
    queries = queries_of(lambda: export(scope, render))
    total = sum(stages.values())
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    row(
        label,
        total,
        None,
        queries,
        f"(engine {stages['engine']:.2f} s, report {stages['report']:.2f} s, render {stages['render']:.2f} s; "
        f"heap peak {heap_mb:.0f} MB, process peak RSS {rss:.0f} MB, {size / 1e6:.1f} MB file)",
    )


def main():
    root = Organization.objects.filter(depth=1, form=OrgForm.CENTRAL).first()
    province = Organization.objects.filter(depth=2, path__startswith=root.path).order_by("path").first()
    commune = Organization.objects.filter(depth=3, path__startswith=province.path).order_by("path").first()
    print(f"Exports for {YEAR}")
    measure(f"PDF of one commune committee ({commune.code})", commune, render_pdf)
    measure(f"Excel of one province ({province.code})", province, render_xlsx)
    measure("Excel of the national root (every grassroots organization)", root, render_xlsx)


if __name__ == "__main__":
    main()
