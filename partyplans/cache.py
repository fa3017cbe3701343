"""The embedded default's cache backend: Django's file cache, culled once per set_many.

A write's version bump (reports/cache.py) sets up to ~10 keys at once; Django's file
cache lists its whole folder before every set to decide whether to cull (5 ms with
1,500 files, issue 18). Here a set_many looks once.
"""

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


def _no_cull():
    pass
