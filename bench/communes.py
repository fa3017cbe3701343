"""The engine on every organization one level under a province: the time its SQL takes
per call (median, total, the slowest with their slowest query), with the records of a
small scope read by its organizations' ids (organizations.positions.CountedUnder) and,
in the same run, by a path prefix, alternated:

    DATABASE_URL=postgres://… .venv/bin/python -m bench.communes [PROVINCE_CODE]

Without a code: the first province (by path) of the synthetic dataset. Year: BENCH_YEAR
(default this year), as of today. PostgreSQL estimates a subtree from the path histogram:
for a few communes its estimate is 30 times the truth, and the prefix reads take 100-400 ms.
"""

import datetime as dt
import os
import statistics
import sys
import time

from django.db import connection

import bench.common  # noqa: F401  (sets Django up)
from organizations import positions
from organizations.models import Organization, OrgForm
from reports.engine import attainment

YEAR = int(os.environ.get("BENCH_YEAR", dt.date.today().year))
AS_OF = min(dt.date.today(), dt.date(YEAR, 12, 31))
MODES = {"ids": positions.FEW_ORGANIZATIONS, "path prefix": 0}


def province() -> Organization:
    if len(sys.argv) > 1:
        return Organization.objects.get(code=sys.argv[1])
    return Organization.objects.filter(form=OrgForm.PROVINCIAL).order_by("path").first()


def measure(scopes) -> list[tuple[float, int, str, float, str]]:
    """Per scope: (SQL seconds, queries, code, the slowest query's seconds, its start)."""
    timings: list[tuple[float, str]] = []

    def timed(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append((time.perf_counter() - start, sql))

    rows = []
    with connection.execute_wrapper(timed):
        for scope in scopes:
            timings.clear()
            attainment(scope=scope, year=YEAR, as_of=AS_OF)
            worst = max(timings)
            rows.append((sum(t for t, _sql in timings), len(timings), scope.code, worst[0], worst[1][:80]))
    return rows


def main():
    root = province()
    scopes = list(Organization.objects.filter(path__startswith=root.path, depth=root.depth + 1).order_by("path"))
    print(f"{root.code}: {len(scopes)} organizations under it; {YEAR} as of {AS_OF}; load {os.getloadavg()[0]:.1f}")
    measure(scopes)  # warm the database's caches
    for round_ in (1, 2):
        for mode, few in MODES.items():
            positions.FEW_ORGANIZATIONS = few
            rows = measure(scopes)
            sql = [r[0] for r in rows]
            print(
                f"round {round_}, {mode:<11}: SQL per call median {statistics.median(sql) * 1000:6.1f} ms, "
                f"p95 {sorted(sql)[int(len(sql) * 0.95)] * 1000:6.1f} ms, "
                f"max {max(sql) * 1000:6.1f} ms, total {sum(sql):5.2f} s"
            )
            for seconds, queries, code, worst, start in sorted(rows, reverse=True)[:3]:
                slowest = f"slowest {worst * 1000:.0f} ms: {start}"
                print(f"    {code}: {seconds * 1000:6.1f} ms in {queries} queries; {slowest}")


if __name__ == "__main__":
    main()
