"""The JSON of `manage.py attainment`, stored for the data it was read from.

Other tools read the figures through the command. For the national root the engine's
work takes ~3.5 s (51,000 allocation rows, 300,000 tallies: bench/RESULTS.md); the
document depends only on the data, the scope, the period, the count day and today (a
count day before today reads "so far"), so a slow one is kept, compressed, under the
scope's data version (reports/cache.py). Any write inside the scope, or to a plan of an
organization above it, changes that version: the next run computes the document again.
A stored document is printed only for the version it was computed for. Unlike the
dashboard, the command never shows the previous figures while new ones are computed.

So that the next run rarely computes, the slow documents asked for lately (ASKED_KEPT,
within ASKED_WITHIN) are computed again by the task worker after a burst of writes, with
the slow dashboards (reports/dashboard.py `refresh_after_writes`).
"""

import datetime as dt
import time
import zlib
from dataclasses import astuple, dataclass

import orjson
from django.core.cache import cache
from django.utils import timezone, translation

from common.cache import LOCK, LOCK_SECONDS, TIMEOUT, get_or_compute, key, recompute
from organizations.models import Organization

from . import periods
from .cache import data_version, database_tag
from .engine import attainment
from .serialize import attainment_json

SLOW_SECONDS = 1.0  # documents computed faster are not kept: the next run computes them
ASKED_KEPT = 20
ASKED_WITHIN = dt.timedelta(hours=6)


@dataclass(frozen=True)
class Asked:
    """One document: what it depends on besides the data."""

    org_pk: int
    period: str  # a reports.periods key
    day: str  # the count day, ISO
    today: str  # ISO

    def parts(self) -> tuple:
        return ("attainment-json", database_tag(), *astuple(self))


def document(organization: Organization, period: periods.Period, day: dt.date, today: dt.date) -> bytes:
    """The command's JSON for the organization, period and count day: the stored one when
    it was computed for the current data, else computed now (and stored when slow)."""
    asked = Asked(organization.pk, period.key, day.isoformat(), today.isoformat())
    version = data_version(organization)  # read before computing: a write meanwhile makes it stale
    stored = get_or_compute(asked.parts(), _computing(asked, organization), version=version, keep=_slow)
    if _slow(stored):
        _remember(asked)
    return zlib.decompress(stored["json"])


def _slow(stored: dict) -> bool:
    return stored["seconds"] > SLOW_SECONDS


def _computing(asked: Asked, organization: Organization):
    """The function computing the document now, for common.cache (kept under the data
    version read before it ran: a write meanwhile makes it stale at once)."""

    def compute() -> dict:
        started = time.perf_counter()
        period = periods.parse(asked.period, checked=False)
        with translation.override("vi"):
            # Every failing organization is listed: read with the answer, not again per rule.
            result = attainment(
                scope=organization,
                year=period.year,
                as_of=dt.date.fromisoformat(asked.day),
                period=period,
                list_failing=True,
            )
            data = attainment_json(result)
        # orjson: the same text as json.dumps(ensure_ascii=False, indent=2), in 0.06 s for the
        # 29 MB national document where json took 0.15 s (bench/RESULTS.md, twenty-seventh pass).
        text = orjson.dumps(data, option=orjson.OPT_INDENT_2)
        # Compressed (29 MB → 2.3 MB in 0.09 s): a cache like Redis keeps values as given.
        return {"json": zlib.compress(text, 1), "seconds": time.perf_counter() - started}

    return compute


def _asked_key() -> str:
    return key("attainment-json-asked", database_tag())


def _remember(asked: Asked) -> None:
    documents = cache.get(_asked_key()) or {}
    documents[astuple(asked)] = timezone.now()
    kept = sorted(documents.items(), key=lambda item: item[1], reverse=True)[:ASKED_KEPT]
    cache.set(_asked_key(), dict(kept), timeout=TIMEOUT)


def _to_refresh() -> list[Asked]:
    """The slow documents asked for within ASKED_WITHIN, of today (today moves on: a run of
    tomorrow asks for another document)."""
    since, today = timezone.now() - ASKED_WITHIN, timezone.localdate().isoformat()
    documents = (cache.get(_asked_key()) or {}).items()
    return [Asked(*fields) for fields, asked_at in documents if asked_at >= since and fields[-1] == today]


def asked_lately() -> bool:
    """Is any slow document worth computing again after writes?"""
    return bool(_to_refresh())


def refresh() -> None:
    """For the task worker after writes: compute again, for the current data, the slow
    documents asked for lately, unless a run is computing one already (its lock)."""
    for asked in _to_refresh():
        organization = Organization.objects.filter(pk=asked.org_pk).first()
        if organization is None:
            continue
        version = data_version(organization)
        if not cache.add(key(*asked.parts(), version, LOCK), 1, timeout=LOCK_SECONDS):
            continue  # a run computes it now and stores it
        recompute(asked.parts(), _computing(asked, organization), version=version, keep=_slow)  # (frees the lock)
