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

from django.core.cache import cache

from organizations.models import Organization

from .engine import Attainment, attainment

VERSION_KEY = "attainment:data-version"
TIMEOUT = 6 * 3600


def data_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def data_changed(**_kwargs) -> None:
    """Signal receiver: every cached answer is stale from now on."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)


def attainment_cached(*, scope: Organization, year: int, as_of: dt.date) -> Attainment:
    key = f"attainment:{data_version()}:{scope.pk}:{scope.path}:{year}:{as_of.isoformat()}"
    result = cache.get(key)
    if result is None:
        result = attainment(scope=scope, year=year, as_of=as_of)
        cache.set(key, result, timeout=TIMEOUT)
    return result
