"""partyplans.cache.FileCache, the embedded default's cache: it looks at its folder's size
once every CULL_CHECK_EVERY writes (Django lists the folder before each one), culling still
done."""

from partyplans.cache import CULL_CHECK_EVERY, FileCache


def _cache(tmp_path, max_entries=1000):
    return FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": max_entries, "CULL_FREQUENCY": 2}})


def _counting_listings(cache, monkeypatch) -> list:
    listed = []
    real = cache._list_cache_files
    monkeypatch.setattr(cache, "_list_cache_files", lambda: listed.append(1) or real())
    return listed


def test_set_many_lists_the_folder_once_and_sets_every_key(tmp_path, monkeypatch):
    cache = _cache(tmp_path)
    listed = _counting_listings(cache, monkeypatch)
    cache.set_many({f"k{i}": i for i in range(8)}, timeout=None)
    assert len(listed) == 1
    assert cache.get_many([f"k{i}" for i in range(8)]) == {f"k{i}": i for i in range(8)}


def test_the_folder_is_listed_once_every_cull_check_every_writes(tmp_path, monkeypatch):
    cache = _cache(tmp_path)
    listed = _counting_listings(cache, monkeypatch)
    for i in range(2 * CULL_CHECK_EVERY):
        if i % 3 == 0:
            cache.set(f"s{i}", i)
        elif i % 3 == 1:
            assert cache.add(f"a{i}", i)
        else:
            cache.set_many({f"m{i}": i, f"n{i}": i})
    assert len(listed) == 2  # the 1st and the (CULL_CHECK_EVERY + 1)th write
    assert cache.get("s0") == 0 and cache.get("a1") == 1 and cache.get_many(["m2", "n2"]) == {"m2": 2, "n2": 2}


def test_a_full_cache_is_still_culled(tmp_path):
    cache = _cache(tmp_path, max_entries=10)
    for i in range(3 * CULL_CHECK_EVERY):
        cache.set(f"old{i}", i)
    cache.set_many({"a": 1, "b": 2})
    assert cache.get_many(["a", "b"]) == {"a": 1, "b": 2}
    # Between two looks the folder grows by at most CULL_CHECK_EVERY entries.
    assert len(cache._list_cache_files()) <= 10 + CULL_CHECK_EVERY
