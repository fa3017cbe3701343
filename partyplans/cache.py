"""The embedded default's cache backend: Django's file cache, looking at its folder's size
once every CULL_CHECK_EVERY writes, with an `add` that is atomic across processes.

Django's file cache lists its whole folder before every write to decide whether to cull:
4.4 ms with 1,900 files (issue 18), and a cold dashboard writes six times (the engine's
answer, the body, their locks), ~25 ms of a ~120 ms request once the cache has filled.
Here a cache object looks at the first of every CULL_CHECK_EVERY writes (a set_many, up
to ~10 keys of a version bump, is one write): between two looks each worker may add that
many entries beyond MAX_ENTRIES, then the usual cull removes a share of them all.

common.cache's lock is a `cache.add`: Django's file cache checks for the file, then writes
it, so two workers could both take the lock. Here the value is written to a temporary
file first and linked to the key's name, which fails if the name exists: one winner.
"""

import os
import tempfile

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache

CULL_CHECK_EVERY = 20


class FileCache(FileBasedCache):
    _writes = 0

    def _cull(self):
        self._writes += 1
        if (self._writes - 1) % CULL_CHECK_EVERY == 0:
            super()._cull()

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        self._createdir()
        self._cull()
        self._cull = _no_cull  # this instance only: Django keeps one cache object per thread
        try:
            return super().set_many(data, timeout=timeout, version=version)
        finally:
            del self._cull

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._createdir()
        fname = self._key_to_file(key, version)
        if self.has_key(key, version):  # (removes the file if it expired)
            return False
        self._cull()
        fd, tmp_path = tempfile.mkstemp(dir=self._dir)
        try:
            with open(fd, "wb") as f:
                self._write_content(f, timeout, value)
            os.link(tmp_path, fname)  # fails if another process added the key meanwhile
            return True
        except FileExistsError:
            return False
        finally:
            os.remove(tmp_path)


def _no_cull():
    pass
