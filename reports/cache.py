"""The engine's answers, kept until the data behind them changes.

Many board members open the same dashboards; the figures change only when someone
records an admission, edits a plan or moves an organization. `attainment_cached` keeps
each answer (per scope, year and "as of" date) under a data version; any save or delete
of a model the engine reads bumps the version (signals connected in ReportsConfig), so
a cached answer is never served after a change. The cache is Django's (file-based by
default so every gunicorn worker shares it; point CACHES at Redis or memcached for
several app servers).
"""

import datetime as dt
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from organizations.models import Organization

from .engine import Attainment, FailingList, attainment

TIMEOUT = 6 * 3600
# Answers listing more rows than this are not kept: the national answer (~155,000
# measurements and allocation rows) took 3.9 s to pickle and 3.1 s to load back, more
# than the engine takes to compute it again (bench/RESULTS.md).
STORE_UP_TO = 20_000
# Bump when the engine's answers change shape or meaning (a new release): answers cached by
# older code are then never read back.
ANSWERS_VERSION = 6


def database_tag() -> str:
    """Which database the answers come from: a file cache may outlive a switch of
    DATABASE_URL (the demo on SQLite, a national copy on PostgreSQL), whose ids collide."""
    db = settings.DATABASES["default"]
    where = f"{db['ENGINE']}|{db.get('HOST')}|{db.get('PORT')}|{db['NAME']}"
    return hashlib.sha1(where.encode()).hexdigest()[:10]


def _version_key() -> str:
    return f"attainment:data-version:{database_tag()}"


def data_version() -> str:
    """A token that changes with every change to the data, the database or the code's answers."""
    key = _version_key()
    version = cache.get(key)
    if version is None:
        cache.add(key, 1, timeout=None)
        version = cache.get(key, 1)
    return f"{ANSWERS_VERSION}.{database_tag()}.{version}"


def bump() -> None:
    """Every cached answer is stale from now on."""
    key = _version_key()
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 2, timeout=None)


def _after_commit(func) -> None:
    transaction.on_commit(func, robust=True)


def data_changed(**_kwargs) -> None:
    """Signal receiver: cached answers are stale once the change commits. One bump per
    transaction, after its commit: a reader never stores figures of the old data under the
    new version (the race of bumping before the commit), and an import or the demo writing
    thousands of rows bumps once, not once per row. Outside a transaction: at once."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        bump()
    elif not any(entry[1] is bump for entry in connection.run_on_commit):
        _after_commit(bump)  # dropped with the transaction (or savepoint) if it rolls back


def attainment_cached(*, scope: Organization, year: int, as_of: dt.date, period=None, store: bool = True) -> Attainment:
    """The cached answer, else the engine's, kept for the next reader unless `store` is False
    or the answer is too big to be worth keeping (STORE_UP_TO). `period`: a
    reports.periods.Period (default: the year)."""
    key = f"attainment:{data_version()}:{scope.pk}:{scope.path}:{year}:{as_of.isoformat()}:{period or year}"
    result = cache.get(key)
    if result is None:
        result = attainment(scope=scope, year=year, as_of=as_of, period=period)
        if store and answer_rows(result) <= STORE_UP_TO:
            cache.set(key, result, timeout=TIMEOUT)
    return result


def answer_rows(att: Attainment) -> int:
    """How many rows an answer holds: its measurements and allocation rows (the failing
    organizations of size and inactivity rules are read when listed: not held)."""
    held = sum(len(r.measurements) for r in att.rules if not isinstance(r.measurements, FailingList))
    return held + sum(len(t.rows) for t in att.allocations)
