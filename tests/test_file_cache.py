"""partyplans.cache.FileCache, the embedded default's cache: one look at the folder per
set_many (a version bump sets up to ~10 keys), culling still done."""

from partyplans.cache import FileCache


def _cache(tmp_path, max_entries=1000):
    return FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": max_entries, "CULL_FREQUENCY": 2}})


def test_set_many_lists_the_folder_once_and_sets_every_key(tmp_path, monkeypatch):
    cache = _cache(tmp_path)
    listed = []
    real = cache._list_cache_files
    monkeypatch.setattr(cache, "_list_cache_files", lambda: listed.append(1) or real())
    cache.set_many({f"k{i}": i for i in range(8)}, timeout=None)
    assert len(listed) == 1
    assert cache.get_many([f"k{i}" for i in range(8)]) == {f"k{i}": i for i in range(8)}
    cache.set("one", 1)  # a plain set still culls as Django's does
    assert len(listed) == 2 and cache.get("one") == 1


def test_a_full_cache_is_still_culled(tmp_path):
    cache = _cache(tmp_path, max_entries=10)
    for i in range(10):
        cache.set(f"old{i}", i)
    cache.set_many({"a": 1, "b": 2})
    assert cache.get_many(["a", "b"]) == {"a": 1, "b": 2}
    assert len(cache._list_cache_files()) < 12
