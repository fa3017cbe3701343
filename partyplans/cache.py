"""The embedded default's cache backend: Django's file cache, culled once per set_many,
with an `add` that is atomic across processes.

A write's version bump (reports/cache.py) sets up to ~10 keys at once; Django's file
cache lists its whole folder before every set to decide whether to cull (5 ms with
1,500 files, issue 18). Here a set_many looks once.

common.cache's lock is a `cache.add`: Django's file cache checks for the file, then writes
it, so two workers could both take the lock. Here the value is written to a temporary
file first and linked to the key's name, which fails if the name exists: one winner.
"""

import os
import tempfile

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache


class FileCache(FileBasedCache):
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
