"""The embedded default (SQLite) under concurrent writes, as configured in settings
(SQLITE_OPTIONS: WAL, BEGIN IMMEDIATE, a busy timeout): a few threads saving member
counts the way member_count_record does (read the day's row, then write it) while others
read, on a database file of their own: no save is lost to "database is locked".

(bench/writes.py runs the issue's 12-user load against the demo under gunicorn.)"""

import sqlite3
import threading
import time

import pytest
from django.conf import settings
from django.db import OperationalError
from django.db.backends.sqlite3.base import DatabaseWrapper

WRITERS, READERS, SAVES = 6, 4, 15


def _connection(path, options):
    wrapper = DatabaseWrapper(
        {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": options,
            "TIME_ZONE": None,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "TEST": {},
        },
        alias="concurrency",
    )
    wrapper.ensure_connection()
    return wrapper


def _save(wrapper, org: int, members: int) -> None:
    """One member count saved as the service does it: inside a transaction begun as
    `transaction.atomic` begins it on SQLite (BEGIN, in the configured mode), read then write."""
    wrapper._start_transaction_under_autocommit()
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("SELECT id FROM counts WHERE org = %s AND day = '2025-01-01'", [org])
            row = cursor.fetchone()
            time.sleep(0.002)  # the service's checks and history row between the read and the write
            if row is None:
                cursor.execute("INSERT INTO counts (org, day, members) VALUES (%s, '2025-01-01', %s)", [org, members])
            else:
                cursor.execute("UPDATE counts SET members = %s WHERE id = %s", [members, row[0]])
            cursor.execute("INSERT INTO history (org, members) VALUES (%s, %s)", [org, members])
        wrapper.connection.execute("COMMIT")
    except Exception:
        wrapper.connection.execute("ROLLBACK")
        raise


def _run(path, options) -> tuple[list[str], int]:
    setup = _connection(path, options)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE counts (id INTEGER PRIMARY KEY, org INTEGER, day TEXT, members INTEGER)")
        cursor.execute("CREATE TABLE history (id INTEGER PRIMARY KEY, org INTEGER, members INTEGER)")
    setup.close()
    errors: list[str] = []
    reads = [0]
    done = threading.Event()

    def writer(n):
        wrapper = _connection(path, options)
        try:
            for i in range(SAVES):
                try:
                    _save(wrapper, org=i % 3, members=n * 100 + i)
                except (OperationalError, sqlite3.OperationalError) as exc:
                    errors.append(str(exc))
        finally:
            wrapper.close()

    def reader():
        wrapper = _connection(path, options)
        try:
            while not done.is_set():
                with wrapper.cursor() as cursor:
                    cursor.execute(
                        "SELECT org, sum(counts.members), count(*) FROM counts JOIN history USING (org) GROUP BY org"
                    )
                    cursor.fetchall()
                reads[0] += 1
        except (OperationalError, sqlite3.OperationalError) as exc:
            errors.append(str(exc))
        finally:
            wrapper.close()

    readers = [threading.Thread(target=reader) for _ in range(READERS)]
    writers = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in readers + writers:
        thread.start()
    for thread in writers:
        thread.join(60)
    done.set()
    for thread in readers:
        thread.join(60)
    check = _connection(path, options)
    with check.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM history")
        saved = cursor.fetchone()[0]
    check.close()
    return errors, saved


def test_the_configured_sqlite_loses_no_save_under_concurrent_writes(tmp_path, db):  # db: lets threads connect
    options = settings.SQLITE_OPTIONS
    assert options["transaction_mode"] == "IMMEDIATE" and "journal_mode=WAL" in options["init_command"]
    errors, saved = _run(tmp_path / "db.sqlite3", options)
    assert errors == []
    assert saved == WRITERS * SAVES


@pytest.mark.parametrize("name", ["default"])
def test_the_default_database_is_configured_so_when_it_is_sqlite(name):
    db = settings.DATABASES[name]
    if not db["ENGINE"].endswith("sqlite3"):
        pytest.skip("PostgreSQL: nothing to configure")
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert db["OPTIONS"]["timeout"] >= 5
