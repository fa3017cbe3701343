"""A province's report once boards entered historical results and merged cells.

Boards enter the years before their records as counts (reports.HistoricalResult), and
every report after the 2025 reorganization runs with organizations merged. The synthetic
data has neither, so this adds them in a transaction it rolls back: a result for one
cell in five in each of two years, then a merger of one cell in six of those into a
sibling; and times the report of each state (the engine's answer with the failing lists,
as `attainment --format json` reads it), printing the failing count of each rule kind so
two codes' runs can be compared:

    DATABASE_URL=postgres://… .venv/bin/python -m bench.historical [PROVINCE_CODE]

Without a code: the first province. Year: BENCH_YEAR (default this year), as of today.
Writes in bulk, then recounts the tallies (`manage.py retally`) as a bulk load must,
and updates the planner's statistics.
"""

import datetime as dt
import os
import sys
import time
from collections import Counter

from bench.common import queries_of  # sets Django up: import it first
from organizations.models import Organization, OrgForm
from reports import engine
from reports.models import HistoricalResult

YEAR = int(os.environ.get("BENCH_YEAR", dt.date.today().year))
AS_OF = min(dt.date.today(), dt.date(YEAR, 12, 31))
MERGED_ON = dt.date(2025, 7, 1)


class Rollback(Exception):
    pass


SLOWEST = int(os.environ.get("BENCH_SLOWEST", 0))  # print each state's slowest queries


def report(scope) -> tuple[float, int, Counter]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    start = time.perf_counter()
    with CaptureQueriesContext(connection) as captured:
        answer = engine.attainment(scope=scope, year=YEAR, as_of=AS_OF, list_failing=True)
        failing = Counter()
        for rule in answer.rules:
            failing[rule.rule.kind] += len(list(rule.failing))
    seconds = time.perf_counter() - start
    for query in sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:SLOWEST]:
        print(f"    {float(query['time']):6.2f} s  {query['sql'][:150]}")
    return seconds, queries_of(lambda: engine.attainment(scope=scope, year=YEAR, as_of=AS_OF)), failing


def timed(label: str, fn):
    start = time.perf_counter()
    result = fn()
    print(f"  {label}: {time.perf_counter() - start:.1f} s")
    return result


def enter_results(cells) -> int:
    rows = [
        HistoricalResult(organization_id=pk, year=year, category="", count=1 + i % 3, source="bench")
        for i, pk in enumerate(cells[::5])
        for year in (2023, 2024)
    ]
    HistoricalResult.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def merge_cells(cells) -> int:
    """One cell in six of those with results merged into the next cell in path order (a
    sibling or a cousin), as the services leave it: merged_into and dissolved_on set."""
    merged = 0
    for i in range(0, len(cells) - 1, 30):
        Organization.objects.filter(pk=cells[i]).update(merged_into=cells[i + 1], dissolved_on=MERGED_ON)
        merged += 1
    return merged


def recount():
    """`manage.py retally`, then ANALYZE (in the transaction, it sees its own rows: as
    autovacuum would after a commit; without it PostgreSQL plans the tally probes with the
    statistics of before and takes a minute)."""
    from django.db import connection

    from admissions import tally

    tally.rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE admissions_tally, reports_historicalresult, organizations_organization")


def main(code: str | None):
    from django.db import transaction

    provinces = Organization.objects.filter(depth=2).order_by("path")
    scope = provinces.get(code=code) if code else provinces.first()
    cells = list(
        Organization.objects.filter(path__startswith=scope.path[:4], form=OrgForm.CELL, dissolved_on__isnull=True)
        .order_by("path")
        .values_list("pk", flat=True)
    )
    print(f"{scope.name} ({scope.code}), {YEAR} as of {AS_OF}; {len(cells):,} cells in its root")
    print(f"{'state':32} {'seconds':>8} {'queries':>8}  failing by kind")

    def show(label):
        report(scope)  # warm: the first read of a state fills the database's caches
        seconds, queries, failing = report(scope)
        print(f"{label:32} {seconds:8.2f} {queries:8d}  {dict(sorted(failing.items()))}")

    try:
        with transaction.atomic():
            show("no result entered")
            n = timed("enter results", lambda: enter_results(cells))
            timed("retally, analyze", recount)
            show(f"{n:,} results")
            m = timed("merge cells", lambda: merge_cells(cells))
            timed("retally, analyze", recount)
            show(f"{n:,} results, {m:,} cells merged")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
