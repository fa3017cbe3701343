"""The candidate/admission import of a district's year-end file (issue 18), before and after,
in one run: the same 2,000-row file written row by row through the page services (the
import before the change, kept as tests/reference_import.py) and in bulk.

    .venv/bin/python -m bench.imports [ROWS] [--after-only]

Runs on a fresh SQLite database and file cache in a temporary folder (unless DATABASE_URL
is set: then it must be an empty, migrated database), with the test suite's tree and the
Vietnamese holidays 2020–2027. Each import commits (so the cache bump after commit is
counted); the two imports use different people. Prints the seconds, queries, and the
machine's load average; compare the ratio, not seconds across runs.
"""

import os
import sys
import tempfile

_tmp = tempfile.mkdtemp(prefix="bench-imports-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp}/bench.sqlite3")
os.environ.setdefault("DJANGO_CACHE_DIR", f"{_tmp}/cache")
os.environ.setdefault("DJANGO_PRIVATE_FILES_ROOT", f"{_tmp}/private")
os.environ.setdefault("DJANGO_DEBUG", "0")  # as in production: queries not logged

import time  # noqa: E402

from django.db import connection  # noqa: E402

import bench.common  # noqa: E402, F401  (sets Django up)


def counted(fn) -> int:
    """The queries `fn` runs, counted without logging them (the debug cursor's logging and
    quoting of ~200,000 parameters would be timed too)."""
    box = {"n": 0}

    def count(execute, sql, params, many, context):
        box["n"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        fn()
    return box["n"]


def main(n: int, before: bool = True) -> None:
    import datetime as dt

    from django.core.management import call_command
    from django.db import transaction
    from django.utils import translation

    from admissions import services, tally
    from admissions.imports import candidates_import
    from admissions.models import Admission, Candidate
    from common.xlsx import read_rows
    from tests.conftest import build_tree, build_users
    from tests.import_rows import import_rows
    from tests.reference_import import candidates_import_row_by_row
    from tests.xlsx_files import xlsx_upload

    call_command("migrate", verbosity=0)
    tree = build_tree()
    users = build_users(tree)
    services.holidays_seed(years=range(2020, 2028))
    today = dt.date(2025, 6, 30)
    translation.activate("vi")
    print(f"{n} rows; database {os.environ['DATABASE_URL']}; load average {os.getloadavg()[0]:.2f}")

    def file(prefix):
        return xlsx_upload(import_rows(n, prefix=prefix))

    from admissions.imports import COLUMNS, REQUIRED

    upload = file("Đọc Tệp")
    start = time.perf_counter()
    read_rows(upload, COLUMNS, required=REQUIRED)
    reading = time.perf_counter() - start
    print(f"{'reading the file alone':<34} {reading:8.2f} s")

    results = {}
    ways = [("row by row (before)", "Từng Dòng", candidates_import_row_by_row)] if before else []
    for label, prefix, way in [*ways, ("bulk (after)", "Cả Tệp", candidates_import)]:
        upload = file(prefix)
        box = {}

        def run(upload=upload, way=way, box=box):
            box["created"] = way(upload=upload, under=tree.district, user=users.admin, today=today)

        start = time.perf_counter()
        queries = counted(run)
        seconds = time.perf_counter() - start
        results[label] = seconds
        print(f"{label:<34} {seconds:8.2f} s  {queries:6d} queries  {len(box['created'])} candidates")
    after = results["bulk (after)"]

    # The limit: the same rows inserted plainly (no checks, no history rows), one tally upsert.
    from admissions.models import StepRecord

    def plain():
        ids = [c.pk for c in box["created"]]
        people = list(Candidate.objects.filter(pk__in=ids).order_by("pk"))
        steps = list(StepRecord.objects.filter(candidate_id__in=ids))
        admitted = list(Admission.objects.filter(candidate_id__in=ids))
        start = time.perf_counter()
        with transaction.atomic():
            old = {}
            for c in people:
                old[c.pk], c.pk, c.full_name = c, None, c.full_name + " (limit)"
            Candidate.objects.bulk_create(people)
            new = {pk: c.pk for pk, c in old.items()}
            for row in (*steps, *admitted):
                row.pk, row.candidate_id = None, new[row.candidate_id]
            StepRecord.objects.bulk_create(steps)
            Admission.objects.bulk_create(admitted)
            tally.count_created([*people, *admitted])
        return time.perf_counter() - start

    limit = plain()
    print(f"{'limit: plain inserts + one upsert':<34} {limit:8.2f} s")
    if before:
        print(f"{'ratio before / after':<34} {results['row by row (before)'] / after:8.1f}×")
    print(f"{'ratio after / limit':<34} {after / limit:8.1f}×")
    # The tallies kept on write equal a recount from the records.
    kept = tally.current()
    tally.rebuild()
    assert kept == tally.current(), "the tallies differ from a recount"
    counts = f"candidates {Candidate.objects.count()}, admissions {Admission.objects.count()}"
    print(f"{counts} (with the limit's copies); tallies = recount")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    import shutil

    try:
        args = [a for a in sys.argv[1:] if not a.startswith("--")]
        main(int(args[0]) if args else 2000, before="--after-only" not in sys.argv)
    finally:
        shutil.rmtree(_tmp, ignore_errors=True)
