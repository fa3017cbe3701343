"""Shared set-up for the benchmark scripts: Django, timing and query counting.

Run a script from the project root against a database that holds a synthetic dataset:
    DATABASE_URL=postgres://… .venv/bin/python -m bench.rollup
Figures are printed; nothing is asserted (the machines are shared and noisy, so compare
the ratios of one run, not seconds across runs).
"""

import os
import sys
import time
import tracemalloc
from contextlib import contextmanager

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partyplans.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def best_of(fn, repeat: int = 3) -> tuple[float, object]:
    """The fastest of `repeat` runs (seconds) and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def queries_of(fn) -> int:
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


@contextmanager
def peak_memory():
    """Peak Python heap allocated inside the block, in MB (tracemalloc)."""
    box = {}
    tracemalloc.start()
    try:
        yield box
    finally:
        box["mb"] = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()


def raw(sql: str, params=()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def row(label: str, seconds: float, limit: float | None = None, queries: int | None = None, extra: str = ""):
    ratio = f"{seconds / limit:6.2f}×" if limit else "      "
    q = f"{queries:4d} queries" if queries is not None else ""
    print(f"{label:<58} {seconds * 1000:10.1f} ms  {ratio}  {q} {extra}")
