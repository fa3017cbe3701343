"""Exports on the national dataset: time, peak memory and queries of each stage.

* the Excel workbook of the national root (every commune committee's allocation table:
  ~51,000 grassroots rows) and of one province;
* the PDF of one commune committee.
Times come from a run without tracemalloc (it slows allocation-heavy code about threefold);
the peak Python heap (tracemalloc) from a second run, each stage's own peak above what
the stages before it hold; then the process's peak RSS (over every run of this script,
tracemalloc's included: the export's own process is measured with
`/usr/bin/time -v manage.py export_report …`, see RESULTS.md).
"""

import datetime as dt
import os
import resource
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
            ("engine", lambda _: attainment(scope=scope, year=YEAR, as_of=AS_OF)),
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


if __name__ == "__main__":
    main()
