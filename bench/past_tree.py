"""A report of a day after which the tree changed: the records reader against the tallies.

After a reorganization, a past year's report cannot read the tallies (they hold today's
tree) and recounts its scope from the records (reports/past.py). This times, in one run,
the same reports both ways on whatever database DATABASE_URL points at (the demo, or a
synthetic dataset), forcing the records reader on a tree that did not change, checks the
two answers agree, and prints the ratio:

    .venv/bin/python -m bench.past_tree [ORG_CODE ...]

Without codes: the roots and their children. Year: BENCH_YEAR (default last year).
"""

import datetime as dt
import os
import sys
from dataclasses import replace
from unittest import mock

from bench.common import best_of, queries_of
from organizations.models import Organization
from reports import engine
from reports.serialize import attainment_json

YEAR = int(os.environ.get("BENCH_YEAR", dt.date.today().year - 1))
AS_OF = dt.date(YEAR, 12, 31)


def run(scope):
    return attainment_json(engine.attainment(scope=scope, year=YEAR, as_of=AS_OF, list_failing=True))  # as the command


def main(codes):
    if codes:
        scopes = list(Organization.objects.filter(code__in=codes).order_by("path"))
    else:
        scopes = list(Organization.objects.filter(depth__lte=2).order_by("path")[:12])
    print(f"Attainment {YEAR} as of {AS_OF}; {Organization.objects.count()} organizations")
    print(f"{'scope':40} {'tallies':>10} {'records':>10} {'ratio':>7} {'queries':>9}")
    for scope in scopes:
        fast_s, fast = best_of(lambda scope=scope: run(scope))
        fast_q = queries_of(lambda scope=scope: run(scope))
        real = engine.tree_state
        with mock.patch.object(engine, "tree_state", lambda day, real=real: replace(real(day), changed=True)):
            slow_s, slow = best_of(lambda scope=scope: run(scope))
            slow_q = queries_of(lambda scope=scope: run(scope))
        agree = "" if slow == fast else "  DIFFERENT ANSWERS"
        print(
            f"{scope.name[:40]:40} {fast_s * 1000:8.0f}ms {slow_s * 1000:8.0f}ms {slow_s / fast_s:6.1f}× "
            f"{fast_q:>4}/{slow_q:<4}{agree}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
