"""The demo, seeded once and copied into each test that needs it.

`manage.py seed_demo` walks ~420 candidates through the services (about a minute). Tests
that only need the demo as it stands (not the command's own behaviour) take the
`seeded_demo` / `demo_on(day)` fixtures instead: the first one to ask for a day runs the
real command inside a transaction, reads every table it filled (and the stored files its
rows name), and rolls back; each test then gets those rows back by bulk insert inside its
own transaction (a few seconds), rolled back after it like any other test's data.

A snapshot is kept in memory for the process and on disk for the next processes (the
other pytest-xdist worker, the PostgreSQL run after the SQLite one, a developer's next
run), in `<system temp dir>/partyplans-demo-snapshots-<uid>/` (private to the user: a
pickle runs code when loaded), written atomically (a temporary file renamed), under a file
lock so two workers never seed the same snapshot twice: the second waits for the first and
reads its file.

The file's name is a hash of everything the seeded rows depend on; a snapshot is used only
when all of it is the same:
- the content (and path) of every file of the checkout that git tracks or would track
  (not ignored): the code, the fixtures, the settings, tests/conftest.py and this file;
  but the test modules (`tests/test_*.py`), which the command never imports, so editing
  a test reuses the snapshot;
- the installed packages and their versions, and the Python version;
- the environment variables that settings read and that can change a seeded value
  (`ADMISSION_*`, `IMPORT_*`, `DJANGO_*` but the file and cache folders);
- the day the demo is seeded on (`timezone.localdate()` during the command);
- the rows the database holds before the command (content types, permissions, and any
  other: their ids are what the seeded rows point to), so a database whose pre-filled rows
  differ (another backend numbering them otherwise) takes its own snapshot.
The checkout is hashed once, as the test run starts (tests/conftest.py). Without git (no
checkout) nothing is kept on disk. Remove the folder to start afresh.

Tests of the command itself (idempotency, what it prints, `--reorganized`) still run it.
"""

import datetime as dt
import fcntl
import hashlib
import importlib.metadata
import os
import pickle
import subprocess
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from reports import cache as answers

# Per user, private: a pickle is code when loaded, so no other account may write here.
FOLDER = Path(tempfile.gettempdir()) / f"partyplans-demo-snapshots-{os.getuid()}"
ROOT = Path(__file__).resolve().parent.parent
KEEP_DAYS = 7  # files of other keys older than this are removed
FORMAT = 1  # bump when the file's layout changes

_SNAPSHOTS: dict[tuple[dt.date, tuple[str, ...]], list] = {}
_SOURCE_KEY: list[str | None] = []
_PREPARED: dict[int, tuple] = {}


def _tables():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]


def _file_fields(model) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields if isinstance(field, models.FileField)]


def _take(today: dt.date, options: tuple[str, ...], models_before: dict) -> dict:
    taken = []
    files = {}
    with (
        mock.patch.object(timezone, "localdate", lambda *a, **k: today),
        # as in production: one cache bump for the command's transaction, after its commit
        # (never, as it rolls back), not the tests' bump per write (tests/conftest.py)
        mock.patch.object(answers, "_after_commit", lambda func: transaction.on_commit(func, robust=True)),
    ):
        with transaction.atomic():
            call_command("seed_demo", *options, stdout=StringIO())
            for model in models_before:
                if model._base_manager.count() == models_before[model]:
                    continue
                if models_before[model]:
                    raise RuntimeError(f"seed_demo changed {model._meta.label}, which held rows before")
                names = [field.attname for field in model._meta.concrete_fields]
                rows = list(model._base_manager.order_by().values_list(*names))
                taken.append((model._meta.label, names, rows))
                for attname in _file_fields(model):
                    storage = model._meta.get_field(attname).storage
                    index = names.index(attname)
                    for row in rows:
                        if row[index] and storage.exists(row[index]):
                            with storage.open(row[index], "rb") as stored:
                                files[(model._meta.label, attname, row[index])] = stored.read()
            transaction.set_rollback(True)
    return {"rows": taken, "files": files}


def source_key() -> str | None:
    """The hash of the checkout, the packages, Python and the environment (None: not a git checkout)."""
    if _SOURCE_KEY:
        return _SOURCE_KEY[0]
    digest = hashlib.sha256(f"format {FORMAT}\n{sys.version}\n".encode())
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        _SOURCE_KEY.append(None)
        return None
    for name in sorted(set(filter(None, listed.split(b"\0")))):
        if name.startswith(b"tests/test_") and name.endswith(b".py"):
            continue
        path = ROOT / os.fsdecode(name)
        digest.update(name + b"\0")
        if path.is_file():  # a tracked file deleted in the working tree is left out
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    for dist in sorted(f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions()):
        digest.update(dist.encode() + b"\n")
    unkeyed = {"DJANGO_PRIVATE_FILES_ROOT", "DJANGO_CACHE_DIR", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    for name in sorted(os.environ):
        if name.startswith(("ADMISSION_", "IMPORT_", "DJANGO_")) and name not in unkeyed:
            digest.update(f"{name}={os.environ[name]}\n".encode())
    _SOURCE_KEY.append(digest.hexdigest())
    return _SOURCE_KEY[0]


def _rows_before(models_before: dict) -> str:
    """The hash of the rows the database holds before the command."""
    digest = hashlib.sha256()
    for model, count in models_before.items():
        if count:
            names = [field.attname for field in model._meta.concrete_fields]
            rows = list(model._base_manager.order_by("pk").values_list(*names))
            digest.update(repr((model._meta.label, rows)).encode())
    return digest.hexdigest()


def _cleanup(keep: Path) -> None:
    cutoff = time.time() - KEEP_DAYS * 86400
    for path in FOLDER.glob("demo-*"):
        try:
            if path != keep and path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass


def _read_or_take(today: dt.date, options: tuple[str, ...]) -> dict:
    models_before = {model: model._base_manager.count() for model in _tables()}
    source = source_key()
    if source is None:
        return _take(today, options, models_before)
    key = f"{source}\n{today.isoformat()}\n{options}\n{_rows_before(models_before)}"
    key = hashlib.sha256(key.encode()).hexdigest()[:32]
    FOLDER.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = FOLDER.lstat()
    if folder.st_uid != os.getuid() or folder.st_mode & 0o077 or not FOLDER.is_dir() or FOLDER.is_symlink():
        return _take(today, options, models_before)  # not ours alone: seed, never load what another could have written
    path = FOLDER / f"demo-{today.isoformat()}-{key}.pickle"
    with open(FOLDER / f"demo-{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another worker seeding this one: wait, then read its file
        if path.exists():
            with path.open("rb") as stored:
                return pickle.load(stored)
        taken = _take(today, options, models_before)
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with partial.open("wb") as out:
            pickle.dump(taken, out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)
    _cleanup(keep=path)
    return taken


def snapshot(today: dt.date, options: tuple[str, ...] = ()) -> list:
    """The rows `seed_demo *options` leaves when run on `today`: [(model, field names, rows)]; the
    stored files they name are written back into this run's storage when missing."""
    if (today, options) not in _SNAPSHOTS:
        taken = _read_or_take(today, options)
        for (label, attname, name), content in taken["files"].items():
            storage = apps.get_model(label)._meta.get_field(attname).storage
            if not storage.exists(name):
                target = Path(storage.path(name))
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
        _SNAPSHOTS[today, options] = [(apps.get_model(label), names, rows) for label, names, rows in taken["rows"]]
    return _SNAPSHOTS[today, options]


def _statements(taken: list) -> list:
    """[(INSERT statement, fields, the stamped columns' indexes, rows as the database takes
    them)], prepared once per process and snapshot."""
    key = id(taken)
    if key not in _PREPARED:
        quote = connection.ops.quote_name
        statements = []
        for model, names, rows in taken:
            by_attname = {field.attname: field for field in model._meta.concrete_fields}
            fields = [by_attname[name] for name in names]
            stamped = [
                i
                for i, field in enumerate(fields)
                if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
            ]
            prepare = [field.get_db_prep_save for field in fields]
            prepared = [[to_db(value, connection) for to_db, value in zip(prepare, row, strict=True)] for row in rows]
            columns = ", ".join(quote(field.column) for field in fields)
            placeholders = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"
            statements.append((sql, fields, stamped, prepared))
        _PREPARED[key] = (taken, statements)  # (holding `taken`: its id stays its own)
    return _PREPARED[key][1]


def restore(taken: list) -> None:
    """Insert the snapshot's rows as they were (same ids; no save(), no signals), as
    `bulk_create` would (each value prepared by its field; `auto_now(_add)` stamped now)
    but by `executemany` without making a model instance per row: 12,000 rows in a tenth
    of the time, for each test that loads the demo."""
    now = timezone.now()
    with connection.cursor() as cursor:
        for sql, fields, stamped, prepared in _statements(taken):
            rows = prepared
            if stamped:
                stamps = {i: fields[i].get_db_prep_save(now, connection) for i in stamped}
                rows = [[stamps.get(i, value) for i, value in enumerate(row)] for row in prepared]
            cursor.executemany(sql, rows)
        # PostgreSQL's sequences do not move on explicit ids: move them past the copied rows.
        for sql in connection.ops.sequence_reset_sql(no_style(), [model for model, _, _ in taken]):
            cursor.execute(sql)


# --- any builder's rows (the tests' small tree and cast, tests/conftest.py) ----------------

_BUILT: dict[str, tuple] = {}


def built(name: str, build):
    """What `build()` returns (a namespace of model instances), its rows written once per
    process (in a transaction rolled back) and put back by insert in each later call; the
    objects are read again by id. The rows are those `build()` added to the tables."""
    if name not in _BUILT:
        with transaction.atomic():
            before = {model: set(model._base_manager.values_list("pk", flat=True)) for model in _tables()}
            made = build()
            taken = []
            for model, pks in before.items():
                names = [field.attname for field in model._meta.concrete_fields]
                at = names.index(model._meta.pk.attname)
                rows = [row for row in model._base_manager.order_by("pk").values_list(*names) if row[at] not in pks]
                if rows:
                    taken.append((model, names, rows))
            ids = {key: (type(obj), obj.pk) for key, obj in vars(made).items()}
            transaction.set_rollback(True)
        _BUILT[name] = (taken, ids)
    taken, ids = _BUILT[name]
    restore(taken)
    by_model: dict = {}
    for model, pk in ids.values():
        by_model.setdefault(model, set()).add(pk)
    loaded = {model: model._base_manager.in_bulk(pks) for model, pks in by_model.items()}
    return SimpleNamespace(**{key: loaded[model][pk] for key, (model, pk) in ids.items()})
