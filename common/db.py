"""Send report reads to a read replica when one is configured.

Report pages and exports wrap their reads in `report_reads()`; everything else (and
every write) stays on the primary, so a user always reads what they just wrote.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

_reading_reports: ContextVar[bool] = ContextVar("reading_reports", default=False)


@contextmanager
def report_reads():
    token = _reading_reports.set(True)
    try:
        yield
    finally:
        _reading_reports.reset(token)


class ReplicaRouter:
    def __init__(self, has_replica: bool | None = None):
        self.has_replica = "replica" in settings.DATABASES if has_replica is None else has_replica

    def db_for_read(self, model, **hints):
        return "replica" if self.has_replica and _reading_reports.get() else "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
