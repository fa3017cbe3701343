"""common.cache: one get-or-compute with a lock for every cached value, and the version
bump after the commit for writes reported by lower apps."""

import datetime as dt
import threading
import time

import pytest
from django.core.cache import cache
from django.db import transaction

from common import cache as computed
from partyplans.cache import FileCache

FILE_CACHE = "partyplans.cache.FileCache"


@pytest.fixture(params=["locmem", "file"])
def any_cache(request, settings, tmp_path):
    """The local-memory cache of the tests, and the embedded default's file cache."""
    if request.param == "file":
        settings.CACHES = {"default": {"BACKEND": FILE_CACHE, "LOCATION": str(tmp_path / "cache")}}
    return request.param


def _in_threads(n, target):
    results, start = [None] * n, threading.Barrier(n)

    def run(i):
        start.wait()
        results[i] = target()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_concurrent_callers_of_one_key_compute_once(any_cache):
    calls = []

    def compute():
        calls.append(1)
        time.sleep(0.3)  # long enough for the others to miss and find the lock
        return {"figures": 42}

    results = _in_threads(4, lambda: computed.get_or_compute(("figures", 1), compute, version="v1"))
    assert calls == [1]
    assert results == [{"figures": 42}] * 4
    assert computed.get_or_compute(("figures", 1), lambda: pytest.fail("computed again"), version="v1") == {
        "figures": 42
    }


class _OtherCallerFinishes:
    """The cache as a waiter sees it when another caller stores its value and releases its
    lock at a given moment of the waiter's reads (the race CI hit once under load)."""

    def __init__(self, when):
        self.when, self.current, self.lock = when, computed.key("figures", "v1"), computed.key("figures", "v1", "lock")

    def finish(self):
        cache.set(self.current, "theirs")
        cache.delete(self.lock)

    def __getattr__(self, name):
        return getattr(cache, name)

    def get_many(self, keys):  # the file cache reads key by key: not one snapshot
        found = {}
        for k in keys:
            value = cache.get(k)
            if value is not None:
                found[k] = value
            if k == self.current and self.when == "between reads":
                self.finish()
        return found

    def add(self, k, value, timeout=None):
        if self.when == "before the lock":
            self.finish()
        return cache.add(k, value, timeout=timeout)


@pytest.mark.parametrize("when", ["between reads", "before the lock"])
def test_a_value_stored_while_a_caller_looks_is_not_computed_again(monkeypatch, when):
    other = _OtherCallerFinishes(when)
    if when == "between reads":
        cache.add(other.lock, 1)  # the other caller is computing
    monkeypatch.setattr(computed, "cache", other)
    assert computed.get_or_compute(("figures",), lambda: pytest.fail("computed twice"), version="v1") == "theirs"


def test_a_new_version_is_computed_again(any_cache):
    assert computed.get_or_compute(("figures", 1), lambda: "old", version="v1") == "old"
    assert computed.get_or_compute(("figures", 1), lambda: "new", version="v2") == "new"
    assert computed.get_or_compute(("figures", 2), lambda: "other", version="v2") == "other"


def test_waiters_compute_themselves_when_the_value_is_not_kept(any_cache):
    """A value not worth keeping (the national answer): the others stop waiting once the
    lock is released, rather than waiting the whole WAIT_SECONDS."""
    calls = []

    def compute():
        calls.append(1)
        time.sleep(0.3)
        return "big"

    started = time.monotonic()
    results = _in_threads(
        2, lambda: computed.get_or_compute(("big",), compute, version="v1", keep=lambda _v: False, wait=20)
    )
    assert results == ["big", "big"] and len(calls) == 2
    assert time.monotonic() - started < 5


def test_a_lock_left_behind_makes_callers_wait_no_longer_than_wait(any_cache):
    cache.add(computed.key("figures", "v1", computed.LOCK), 1)  # a worker died while computing
    started = time.monotonic()
    assert computed.get_or_compute(("figures",), lambda: "computed", version="v1", wait=0.3) == "computed"
    assert time.monotonic() - started < 2
    assert cache.get(computed.key("figures", "v1", computed.LOCK)) == 1  # not released by a caller that did not take it


def test_previous_value_shown_while_one_background_refresh_runs(any_cache):
    queued = []
    args = dict(stale_ok=lambda previous: previous != "never", in_background=lambda: queued.append(1))
    assert computed.get_or_compute(("page",), lambda: "v1 page", version="v1", **args) == "v1 page"
    assert queued == []  # nothing to show before the first value: computed at once
    for _ in range(3):
        assert computed.get_or_compute(("page",), lambda: pytest.fail("not now"), version="v2", **args) == "v1 page"
    assert queued == [1]  # one refresh for the three readers
    assert computed.recompute(("page",), lambda: "v2 page", version="v2", stale_ok=args["stale_ok"]) == "v2 page"
    assert computed.get_or_compute(("page",), lambda: pytest.fail("cached"), version="v2", **args) == "v2 page"
    # The lock the readers took was released by the refresh: the next version queues again.
    computed.get_or_compute(("page",), lambda: "v3 page", version="v3", **args)
    assert queued == [1, 1]


def test_previous_value_refused_is_not_shown(any_cache):
    computed.get_or_compute(("page",), lambda: "v1 page", version="v1", stale_ok=lambda _p: False)
    assert computed.get_or_compute(("page",), lambda: "v2 page", version="v2", stale_ok=lambda _p: False) == "v2 page"


def test_keys_are_built_from_parts_and_stay_short():
    assert computed.key("home-standing", 12, "0001", 2025) == "home-standing:12:0001:2025"
    long = computed.key("dashboard-html", "x" * 300)
    assert len(long) < 250 and long != computed.key("dashboard-html", "x" * 299 + "y")


def test_file_cache_add_has_one_winner(tmp_path):
    file_cache = FileCache(str(tmp_path), {})
    results = _in_threads(8, lambda: file_cache.add("lock", 1, timeout=30))
    assert results.count(True) == 1
    assert file_cache.get("lock") == 1
    assert not file_cache.add("lock", 2)
    file_cache.set("expired", 1, timeout=-1)
    assert file_cache.add("expired", 2) and file_cache.get("expired") == 2
    assert len(list(tmp_path.iterdir())) == 2  # no temporary file left behind


# The bump of the data versions, after the commit.


@pytest.fixture
def real_commits(monkeypatch):
    """The bump on commit as in production (the suite's conftest bumps at once)."""
    from reports import cache as answers

    monkeypatch.setattr(answers, "_after_commit", lambda func: transaction.on_commit(func, robust=True))


def test_organizations_changed_bumps_once_after_the_commit(tree, real_commits, django_capture_on_commit_callbacks):
    from reports.cache import data_version

    district, other = data_version(tree.district), data_version(tree.other_province)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            computed.organizations_changed([tree.school.pk])
            computed.organizations_changed([tree.commune.pk])
            assert data_version(tree.district) == district  # not before the commit
    assert len(callbacks) == 1  # one bump for the transaction
    assert data_version(tree.district) != district
    assert data_version(tree.other_province) == other


def test_a_rolled_back_write_bumps_nothing(tree, real_commits, django_capture_on_commit_callbacks):
    from reports.cache import data_version

    before = data_version(tree.district), data_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            computed.organizations_changed([tree.school.pk])
            computed.everything_changed()
            raise RuntimeError("the import failed")
    assert callbacks == []
    assert (data_version(tree.district), data_version()) == before


def test_everything_changed_makes_every_answer_stale(tree, real_commits, django_capture_on_commit_callbacks):
    from reports.cache import attainment_cached, data_version

    attainment_cached(scope=tree.other_province, year=2025, as_of=dt.date(2025, 12, 31))
    before = data_version(tree.other_province)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            computed.everything_changed()  # e.g. seed_holidays: the calendar moves every deadline
    assert len(callbacks) == 1
    assert data_version(tree.other_province) != before


def test_admissions_no_longer_import_reports():
    from pathlib import Path

    from django.conf import settings

    for name in ("admissions/imports.py", "admissions/management/commands/seed_holidays.py"):
        source = (Path(settings.BASE_DIR) / name).read_text()
        assert "from reports" not in source and "import reports" not in source, name


def test_seed_holidays_makes_every_answer_stale(tree):
    import io

    from django.core.management import call_command

    from admissions.models import Holiday
    from reports.cache import data_version

    Holiday.objects.filter(date__year=2031).delete()
    before = data_version(tree.other_province)
    call_command("seed_holidays", 2031, 2031, stdout=io.StringIO())
    assert Holiday.objects.filter(date__year=2031).exists()
    assert data_version(tree.other_province) != before
