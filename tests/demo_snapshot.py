"""The demo, seeded once per test session and copied into each test that needs it.

`manage.py seed_demo` walks ~420 candidates through the services (about a minute). Tests
that only need the demo as it stands (not the command's own behaviour) take the `demo`
fixture instead: the first one in a session (per pytest-xdist worker, and per "today") runs
the real command inside a transaction, reads every table it filled, and rolls back; each
test then gets those rows back by bulk insert inside its own transaction (a few seconds),
rolled back after it like any other test's data.

Tests of the command itself (idempotency, what it prints, `--reorganized`) still run it.
"""

import datetime as dt
from io import StringIO
from unittest import mock

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

_SNAPSHOTS: dict[dt.date, list] = {}


def _tables():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]


def _take(today: dt.date) -> list:
    models = _tables()
    before = {model: model._base_manager.count() for model in models}
    with mock.patch.object(timezone, "localdate", lambda *a, **k: today):
        with transaction.atomic():
            call_command("seed_demo", stdout=StringIO())
            taken = []
            for model in models:
                if model._base_manager.count() == before[model]:
                    continue
                if before[model]:
                    raise RuntimeError(f"seed_demo changed {model._meta.label}, which held rows before")
                names = [field.attname for field in model._meta.concrete_fields]
                rows = list(model._base_manager.order_by().values_list(*names))
                taken.append((model, names, rows))
            transaction.set_rollback(True)
    return taken


def snapshot(today: dt.date) -> list:
    if today not in _SNAPSHOTS:
        _SNAPSHOTS[today] = _take(today)
    return _SNAPSHOTS[today]


def restore(taken: list) -> None:
    """Insert the snapshot's rows as they were (same ids; no save(), no signals)."""
    for model, names, rows in taken:
        model._base_manager.bulk_create((model(**dict(zip(names, row, strict=True))) for row in rows), batch_size=500)
    # PostgreSQL's sequences do not move on explicit ids: move them past the copied rows.
    statements = connection.ops.sequence_reset_sql(no_style(), [model for model, _, _ in taken])
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
