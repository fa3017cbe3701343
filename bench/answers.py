"""`manage.py attainment --org <national root> --format json` as a tool runs it: a new
process each time (Django's start included), its output read to the end.

Three cases, each the median of RUNS: the first run after a change (the stored document is
stale: the process computes it), the task worker's refresh after the change (run here in
this process, as `refresh_after_writes` does), and a run once the document is stored.
    DATABASE_URL=postgres://… .venv/bin/python -m bench.answers
"""

import os
import statistics
import subprocess
import sys
import time

from bench.common import row
from organizations.models import Organization, OrgForm
from reports import answers
from reports.cache import data_changed

RUNS = int(os.environ.get("BENCH_RUNS", 3))


def run_command(code: str) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", "attainment", "--org", code, "--format", "json"],
        capture_output=True,
        check=True,
    )
    return time.perf_counter() - start, len(done.stdout)


def median_of(fn) -> tuple[float, object]:
    times, value = [], None
    for _ in range(RUNS):
        seconds, value = fn()
        times.append(seconds)
    return statistics.median(times), value


def main():
    root = Organization.objects.filter(depth=1, form=OrgForm.CENTRAL).first()
    if root is None:
        raise SystemExit("No national root: run `manage.py generate_synthetic --scale national` first.")

    def after_change():
        data_changed()  # every stored document is stale
        return run_command(root.code)

    def refresh():
        data_changed()
        start = time.perf_counter()
        answers.refresh()
        return time.perf_counter() - start, None

    t_cold, size = median_of(after_change)
    t_refresh, _ = median_of(refresh)
    t_stored, stored_size = median_of(lambda: run_command(root.code))
    assert stored_size == size, "the stored document differs from the computed one"
    print(f"attainment --org {root.code} --format json: {size / 1e6:.1f} MB, median of {RUNS} runs")
    row("run after a change (computed in the process)", t_cold)
    row("refresh by the task worker after a change", t_refresh)
    row("run once the worker stored it", t_stored, t_cold, None, "(ratio: against the run after a change)")


if __name__ == "__main__":
    main()
