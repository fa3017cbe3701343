"""The candidate/admission import of a district's year-end file (issue 18), before and after,
in one run: the same 2,000-row file written row by row through the page services (the
import before the change, kept as tests/reference_import.py) and in bulk.

    .venv/bin/python -m bench.imports [ROWS] [--after-only] [--no-row-by-row] [--counts-only]

Before: row by row (tests/reference_import.py) and the fifth pass's bulk import (its writes
through simple-history's bulk_create_with_history); after: the import now.

Then the member-count import of ROWS counts (organizations.imports.member_count_import),
before (the service member_count_record once per row, as the import wrote until the sixth
pass) and after (set-based), each on its own organizations and days.

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


def main(n: int, before: bool = True, candidates: bool = True, row_by_row: bool = True) -> None:
    import datetime as dt

    from django.core.management import call_command
    from django.utils import translation

    from admissions import services
    from tests.conftest import build_tree, build_users

    call_command("migrate", verbosity=0)
    tree = build_tree()
    users = build_users(tree)
    services.holidays_seed(years=range(2020, 2028))
    today = dt.date(2025, 6, 30)
    translation.activate("vi")
    print(f"{n} rows; database {os.environ['DATABASE_URL']}; load average {os.getloadavg()[0]:.2f}")
    if candidates:
        candidate_import(n, tree, users, today, before, row_by_row)
    member_count_import(n, tree, users, today, before)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def simple_history_writes(**kwargs):
    """The bulk import as the fifth pass wrote it: simple-history's bulk_create_with_history
    per table (Django compiling each INSERT value by value, a history instance per row)."""
    from simple_history.utils import bulk_create_with_history

    from admissions import imports

    def insert(objects, model):
        bulk_create_with_history(objects, model)

    kept = imports.insert_with_history
    imports.insert_with_history = insert
    try:
        return imports.candidates_import(**kwargs)
    finally:
        imports.insert_with_history = kept


def candidate_import(n, tree, users, today, before, row_by_row=True) -> None:
    from django.db import transaction

    from admissions import tally
    from admissions.imports import candidates_import
    from admissions.models import Admission, Candidate
    from common.xlsx import read_rows
    from tests.import_rows import import_rows
    from tests.reference_import import candidates_import_row_by_row
    from tests.xlsx_files import xlsx_upload

    def file(prefix):
        return xlsx_upload(import_rows(n, prefix=prefix))

    from admissions.imports import COLUMNS, REQUIRED

    upload = file("Đọc Tệp")
    start = time.perf_counter()
    read_rows(upload, COLUMNS, required=REQUIRED)
    reading = time.perf_counter() - start
    print(f"{'reading the file alone':<34} {reading:8.2f} s")

    results = {}
    ways = [("row by row (before)", "Từng Dòng", candidates_import_row_by_row)] if before and row_by_row else []
    if before:
        ways.append(("bulk, simple-history (5th pass)", "Lịch Sử", simple_history_writes))
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

    # The limit: the same rows inserted plainly (no checks, no history rows), one tally upsert,
    # by the fastest statement the database has (COPY on PostgreSQL, multi-row INSERTs on
    # SQLite: common.imports.insert_with_history with the history rows turned off).
    from django.test import override_settings

    from admissions.models import StepRecord
    from common.imports import insert_with_history

    def plain(history: bool = False):
        ids = [c.pk for c in box["created"]]
        people = list(Candidate.objects.filter(pk__in=ids).order_by("pk"))
        steps = list(StepRecord.objects.filter(candidate_id__in=ids))
        admitted = list(Admission.objects.filter(candidate_id__in=ids))
        start = time.perf_counter()
        with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=history):
            old = {}
            for c in people:
                old[c.pk], c.pk, c.full_name = c, None, c.full_name + (" (limit, history)" if history else " (limit)")
            insert_with_history(people, Candidate)
            new = {pk: c.pk for pk, c in old.items()}
            for row in (*steps, *admitted):
                row.pk, row.candidate_id = None, new[row.candidate_id]
            insert_with_history(steps, StepRecord)
            insert_with_history(admitted, Admission)
            tally.count_created([*people, *admitted])
        return time.perf_counter() - start

    limit = plain()
    print(f"{'limit: plain inserts + one upsert':<34} {limit:8.2f} s")
    # The same with the history rows the import must also store (the audit trail): the
    # fastest statement writing the same tables the import writes.
    with_history = plain(history=True)
    print(f"{'limit with the history rows':<34} {with_history:8.2f} s")
    for label in ("row by row (before)", "bulk, simple-history (5th pass)"):
        if label in results:
            print(f"{'ratio ' + label.split(' (')[0] + ' / after':<34} {results[label] / after:8.1f}×")
    print(f"{'ratio after / limit':<34} {after / limit:8.1f}×")
    print(f"{'ratio after / limit with history':<34} {after / with_history:8.1f}×")
    # Every import reads its file first; the limits above start from rows in memory.
    both = reading + with_history
    print(f"{'ratio after / (file + history limit)':<34} {after / both:8.1f}×")
    # The tallies kept on write equal a recount from the records.
    kept = tally.current()
    tally.rebuild()
    assert kept == tally.current(), "the tallies differ from a recount"
    counts = f"candidates {Candidate.objects.count()}, admissions {Admission.objects.count()}"
    print(f"{counts} (with the limit's copies); tallies = recount")


def member_count_import(n, tree, users, today, before) -> None:
    """n member counts (5 organizations of the district, one day each) imported row by row
    through the service, then set-based, each on days of its own."""
    import datetime as dt

    from django.db import transaction

    from common.imports import read_or_fail
    from organizations import imports, locks
    from organizations.models import MemberCount
    from organizations.services import member_count_record
    from tests.xlsx_files import xlsx_upload

    orgs = [tree.school, tree.cell, tree.commune, tree.enterprise, tree.district]

    def file(start):
        return xlsx_upload(
            [("Mã", "Tính đến ngày", "Số đảng viên")]
            + [
                (orgs[i % 5].code, (start + dt.timedelta(days=i // 5)).strftime("%d/%m/%Y"), 10 + i % 37)
                for i in range(n)
            ]
        )

    def row_by_row(upload, under, user, today):  # the import before the sixth pass, its writes
        rows = read_or_fail(upload, imports.COUNT_COLUMNS, required=set(imports.COUNT_COLUMNS))
        with locks.read_once(today=today, organizations=orgs), transaction.atomic():
            for row in rows:
                member_count_record(
                    organization=next(o for o in orgs if o.code == row.text("code")),
                    as_of=dt.datetime.strptime(row.text("as_of"), "%d/%m/%Y").date(),
                    members=int(row.text("members")),
                    note=imports.NOTE,
                    user=user,
                    today=today,
                )

    ways = [("counts row by row (before)", dt.date(1990, 1, 1), row_by_row)] if before else []
    results = {}
    for label, start, way in [*ways, ("counts bulk (after)", dt.date(2000, 1, 1), imports.member_count_import)]:
        upload = file(start)

        def run(upload=upload, way=way):
            way(upload=upload, under=tree.district, user=users.admin, today=today)

        began = time.perf_counter()
        queries = counted(run)
        results[label] = time.perf_counter() - began
        print(f"{label:<34} {results[label]:8.2f} s  {queries:6d} queries")
    if before:
        ratio = results["counts row by row (before)"] / results["counts bulk (after)"]
        print(f"{'ratio before / after':<34} {ratio:8.1f}×")
    print(f"member counts {MemberCount.objects.count()}")


if __name__ == "__main__":
    import shutil

    try:
        args = [a for a in sys.argv[1:] if not a.startswith("--")]
        main(
            int(args[0]) if args else 2000,
            before="--after-only" not in sys.argv,
            candidates="--counts-only" not in sys.argv,
            row_by_row="--no-row-by-row" not in sys.argv,
        )
    finally:
        shutil.rmtree(_tmp, ignore_errors=True)
