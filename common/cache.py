"""One way to cache a computed value: `get_or_compute`, with a lock, over Django's cache.

    value = get_or_compute(("home-standing", org.pk, year), lambda: standing(org), version=v)

* Keys are built from parts by `key()` only (never by string concatenation at call
  sites); a value is kept under its parts and the data `version` it was computed for, so
  a new version is a miss and old values simply age out.
* One caller computes, the others wait: the first to miss takes a lock (`cache.add`,
  atomic on Redis, memcached, the local-memory cache and partyplans.cache.FileCache) and
  computes; the others poll for its value up to `wait` seconds, and compute themselves if
  it does not come (the lock released without a value, or a slow or dead computer).
* Stale while revalidate (`stale_ok`): the last value computed (under any version) is
  also kept; when the current one is missing and `stale_ok(previous)` says it may be
  shown, the caller gets it at once and `in_background()` is called once per version
  (e.g. to enqueue a task that calls `recompute`).

The data versions themselves (what makes a value stale) belong to the app that knows its
data (reports/cache.py). Writers in lower apps say what they changed with
`organizations_changed` / `everything_changed` (a signal the reports app listens to), so
they need not import it.
"""

import hashlib
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.dispatch import Signal

TIMEOUT = 6 * 3600
LOCK_SECONDS = 30  # a lock outlives a computer that died by this long at most
WAIT_SECONDS = 10.0  # how long a caller waits for another one computing the same value
POLL_SECONDS = 0.1
MAX_KEY = 200  # memcached takes 250 characters; longer keys keep a prefix and a hash
PREVIOUS = "previous"  # the key part of the last value computed, under any version
LOCK = "lock"


def key(*parts) -> str:
    """The cache key of these parts (the one place keys are built)."""
    text = ":".join(str(part) for part in parts)
    if len(text) > MAX_KEY:
        text = f"{text[:80]}:sha1:{hashlib.sha1(text.encode()).hexdigest()}"
    return text


def get_or_compute(
    key_parts: Iterable,
    compute: Callable[[], Any],
    *,
    version: str,
    stale_ok: Callable[[Any], bool] | None = None,
    in_background: Callable[[], None] | None = None,
    lock_timeout: int | None = LOCK_SECONDS,
    wait: float = WAIT_SECONDS,
    timeout: int = TIMEOUT,
    keep: Callable[[Any], bool] | None = None,
) -> Any:
    """The value of `key_parts` for `version`: the cached one, else `compute()`'s, kept for
    the next caller unless `keep(value)` says it is not worth keeping.

    `stale_ok(previous)`: may the last value computed (for an older version) be returned
    while `in_background()` gets the current one computed? `lock_timeout=None`: no lock
    (a caller that does not keep what it computes should not make others wait for it).
    Values are never None (None is a miss)."""
    parts = tuple(key_parts)
    current = key(*parts, version)
    value = cache.get(current)
    if value is not None:
        return value
    lock = key(*parts, version, LOCK)
    if stale_ok is not None:
        previous = cache.get(key(*parts, PREVIOUS))
        if previous is not None and stale_ok(previous):
            if in_background is not None and cache.add(lock, 1, timeout=lock_timeout or LOCK_SECONDS):
                in_background()  # the lock stays until `recompute` stores the value, or times out
            return previous
    if lock_timeout is None:
        return _compute_and_store(parts, compute, version=version, stale_ok=stale_ok, timeout=timeout, keep=keep)
    if not cache.add(lock, 1, timeout=lock_timeout):
        value = _wait_for(current, lock, wait)
        if value is None:  # computed here as well; the lock stays the other caller's
            value = _compute_and_store(parts, compute, version=version, stale_ok=stale_ok, timeout=timeout, keep=keep)
        return value
    try:
        # A caller that finished between our miss and our lock has stored the value.
        value = cache.get(current)
        if value is None:
            value = _compute_and_store(parts, compute, version=version, stale_ok=stale_ok, timeout=timeout, keep=keep)
        return value
    finally:
        cache.delete(lock)


def recompute(
    key_parts: Iterable,
    compute: Callable[[], Any],
    *,
    version: str,
    stale_ok: Callable[[Any], bool] | None = None,
    timeout: int = TIMEOUT,
    keep: Callable[[Any], bool] | None = None,
) -> Any:
    """For a background worker: the value for `version`, computed and stored now unless it
    is cached already; releases the lock a reader took when it asked for it."""
    parts = tuple(key_parts)
    value = cache.get(key(*parts, version))
    if value is None:
        try:
            value = _compute_and_store(parts, compute, version=version, stale_ok=stale_ok, timeout=timeout, keep=keep)
        finally:
            cache.delete(key(*parts, version, LOCK))
    return value


def _compute_and_store(parts, compute, *, version, stale_ok, timeout, keep):
    value = compute()
    if keep is None or keep(value):
        entries = {key(*parts, version): value}
        if stale_ok is not None:
            entries[key(*parts, PREVIOUS)] = value
        cache.set_many(entries, timeout=timeout)
    return value


def _wait_for(current: str, lock: str, wait: float):
    """The value another caller is computing, once stored; None when it gave up (the lock
    is gone without a value) or after `wait` seconds."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        found = cache.get_many([current, lock])
        if current in found:
            return found[current]
        if lock not in found:
            # The value may have been stored between reading its key and the lock's
            # (a cache without an atomic get_many, like the file cache): read it again.
            return cache.get(current)
    return None


# What lower apps send after writes that save no model instance (bulk inserts, a seeded
# calendar): cached values showing these organizations' rows (all values, for
# organization_ids=None) are stale once the transaction commits. reports/cache.py listens.
changed = Signal()


def organizations_changed(organization_ids: Iterable[int]) -> None:
    changed.send(sender=None, organization_ids=set(organization_ids))


def everything_changed() -> None:
    changed.send(sender=None, organization_ids=None)
