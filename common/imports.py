"""The all-or-nothing .xlsx imports of every app: one way to open a file, one page, one command.

- `read_or_fail` opens an upload through `read_rows` and turns a file that cannot be read,
  or has no data rows, into `ImportFailed` (the row-0 message every import shows).
- `import_page` is the page of an import (upload form → the app's import → the count, or
  every bad row listed; nothing saved), rendered with the one template common/import.html;
  `run_import` is its core for a page that holds an import beside other forms.
- `register` records an import for `manage.py import_xlsx KIND`: each app registers its
  own in its `imports` module (found by `importers()`), so the command names no app.
- `insert_with_history` writes a file's new records at once with their history rows
  (what simple-history's `bulk_create_with_history` leaves, several times faster).
"""

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from .views import add_errors
from .xlsx import ImportFailed, Row, RowError, SheetError, read_rows


def read_or_fail(upload, columns: dict[str, tuple[str, ...]], required: set[str], exact: bool = False) -> list[Row]:
    """The data rows of `upload` (see `read_rows`); ImportFailed when the file cannot be read
    or has no data rows."""
    try:
        rows = read_rows(upload, columns, required=required, exact=exact)
    except SheetError as exc:
        raise ImportFailed([RowError(0, str(exc))]) from None
    if not rows:
        raise ImportFailed([RowError(0, _("The file has no data rows."))])
    return rows


# ------------------------------------------------------------------ the writes


def insert_with_history(objects: list[models.Model], model: type[models.Model]) -> None:
    """Insert `objects` (new, unsaved instances of `model`, each stamped with its user and
    reason by common.audit.stamp) and one history row each ("+": created), a few statements
    per table: what simple-history's `bulk_create_with_history` leaves (the ids set on the
    objects, foreign keys taken from related objects saved before), without Django compiling
    every value of every row twice. The history rows share the import's time. Sends no
    signals (the caller says what changed, common.cache)."""
    if not objects:
        return
    if not connection.features.can_return_rows_from_bulk_insert:  # not SQLite ≥ 3.35 nor PostgreSQL
        from simple_history.utils import bulk_create_with_history

        bulk_create_with_history(objects, model)
        return
    opts = model._meta
    fields = [f for f in opts.concrete_fields if not f.primary_key]
    related = [f for f in fields if f.is_relation]
    stamped = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    convert = [_converter(f) for f in fields]
    rows = []
    for obj in objects:
        for f in related:  # the id of a related object saved since this one was built
            if getattr(obj, f.attname) is None and f.is_cached(obj):
                target = f.get_cached_value(obj)
                if target is not None:
                    if target.pk is None:
                        raise ValueError(f"{model.__name__}.{f.name}: the related object is not saved")
                    obj.__dict__[f.attname] = target.pk  # its id (it stays cached, as Django's save keeps it)
        for f in stamped:
            f.pre_save(obj, add=True)
        rows.append([conv(getattr(obj, f.attname)) for f, conv in zip(fields, convert, strict=True)])
    returned = _insert(opts.db_table, [f.column for f in fields], rows, returning=opts.pk.column)
    for obj, pk in zip(objects, returned, strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, connection.alias
    insert_history(objects, model, rows={id(o): (o.pk, row) for o, row in zip(objects, rows, strict=True)})


def insert_history(objects: list[models.Model], model: type[models.Model], *, history_type: str = "+", rows=None):
    """The history rows of `objects` (saved instances of `model`, stamped) in a few
    statements: `history_type` "+" created, "~" changed. `rows`: the objects' values as
    `insert_with_history` prepared them (else read from the objects)."""
    if not objects or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = model.history.model
    own = [f for f in model._meta.concrete_fields if not f.primary_key]
    fields = [f for f in history._meta.concrete_fields if not f.primary_key]
    # Each history column's place in [the object's values..., pk, date, reason, type, user].
    extras = ["pk", "history_date", "history_change_reason", "history_type", "history_user_id"]
    place = {f.attname: i for i, f in enumerate(own)}
    place.update({name: len(own) + i for i, name in enumerate(extras)})
    place[model._meta.pk.attname] = place["pk"]
    pick = itemgetter(*(place[f.attname] for f in fields))
    if rows is None:
        convert = [_converter(f) for f in own]
        rows = {id(o): (o.pk, [c(getattr(o, f.attname)) for f, c in zip(own, convert, strict=True)]) for o in objects}
    now = history._meta.get_field("history_date").get_db_prep_save(timezone.now(), connection)  # one for the file
    out = []
    for obj in objects:
        pk, values = rows[id(obj)]
        user = getattr(obj, "_history_user", None)
        reason = getattr(obj, "_change_reason", None) or ""
        out.append(pick([*values, pk, now, reason, history_type, getattr(user, "pk", None)]))
    _insert(history._meta.db_table, [f.column for f in fields], out)


def _converter(field: models.Field):
    """The database value of `field` for a Python value, as Django's INSERT prepares it
    (get_db_prep_save), with the common plain values taken the short way: text, numbers and
    flags as they are, ids of related rows as they are, dates adapted by the database."""
    db = connections[DEFAULT_DB_ALIAS]  # not the proxy: looked up once, not per value
    prep = field.get_db_prep_save
    kind = type(field)
    if kind in (models.CharField, models.TextField):
        plain = (str,)
    elif kind is models.BooleanField:
        plain = (bool,)
    elif kind in (models.IntegerField, models.PositiveIntegerField, models.PositiveSmallIntegerField):
        plain = (int,)
    elif kind in (models.ForeignKey, models.OneToOneField) and isinstance(
        field.target_field, (models.AutoField, models.BigAutoField, models.IntegerField)
    ):
        plain = (int,)
    elif kind is models.DateField:
        adapt = db.ops.adapt_datefield_value

        def convert_date(value):
            return adapt(value) if type(value) is dt.date else prep(value, db)

        return convert_date
    else:
        plain = ()

    def convert(value):
        if value is None and plain:
            return None
        if type(value) in plain:
            return value
        return prep(value, db)

    return convert


def _insert(table: str, columns: list[str], rows: list[list], returning: str | None = None) -> list:
    """INSERT `rows` into `table` (as many rows per statement as the database takes); the
    `returning` column of each row, in order, when asked."""
    if not rows:
        return []
    if connection.vendor == "postgresql":
        from django.db.backends.postgresql.psycopg_any import is_psycopg3

        if is_psycopg3:  # psycopg 2 has no copy().write_row
            return _copy(table, columns, rows, returning)
    qn = connection.ops.quote_name
    head = f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) VALUES "
    tail = f" RETURNING {qn(returning)}" if returning else ""
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    # As Django's bulk_create batches: SQLite's limit on parameters; none on PostgreSQL, whose
    # driver binds them client-side (65,535, the protocol's limit, with server-side binding).
    limit = connection.features.max_query_params
    if limit is None and connection.settings_dict.get("OPTIONS", {}).get("server_side_binding"):
        limit = 65535
    per = len(rows) if limit is None else max(1, min(len(rows), limit // len(columns)))
    found = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per):
            batch = rows[start : start + per]
            cursor.execute(head + ", ".join([one] * len(batch)) + tail, [v for row in batch for v in row])
            if returning:
                found += [r[0] for r in cursor.fetchall()]
    return found


def _copy(table: str, columns: list[str], rows: list[list], returning: str | None) -> list:
    """`_insert` on PostgreSQL: COPY, 20× faster than an INSERT of 10,000 rows (whose ~300,000
    parameters psycopg quotes one by one, and the server parses). COPY returns nothing, so the
    ids are taken from the column's sequence first (one query, in order), as the database's
    default would take them."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        ids = []
        if returning:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) AS id FROM generate_series(1, %s) ORDER BY id",
                [qn(table), returning, len(rows)],
            )
            ids = [r[0] for r in cursor.fetchall()]
            columns, rows = [returning, *columns], [[pk, *row] for pk, row in zip(ids, rows, strict=True)]
        sql = f"COPY {qn(table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"

        def copy(sql, params, many, context):
            with connection.wrap_database_errors, context["cursor"].cursor.copy(sql) as stream:
                for row in rows:
                    stream.write_row(row)

        # Through Django's cursor like any statement: counted by execute wrappers, logged in DEBUG.
        log = getattr(cursor, "debug_sql", None)
        with log(sql) if log else contextlib.nullcontext():
            cursor._execute_with_wrappers(sql, None, False, executor=copy)
    return ids


# ------------------------------------------------------------------ the page


def run_import(request, run: Callable[[], int], success: str) -> list[RowError] | None:
    """Run an import: None once it saved (and the message `success % {"n": count}` is shown),
    else the errors of every bad row (nothing was saved)."""
    try:
        count = run()
    except ImportFailed as exc:
        return exc.errors
    messages.success(request, success % {"n": count})
    return None


def note(text: str, link: str = "", label: str = "", muted: bool = False) -> dict:
    """A paragraph of an import page, with a link (a template to download, another page)."""
    return {"text": text, "link": link, "label": label, "muted": muted}


def import_page(request, form, *, run: Callable[[dict], int], success: str, done: str, **context):
    """The page of an import. `form` holds the upload; `run(cleaned_data)` imports and returns
    the count; `success` is the message (with %(n)d); `done` is where a saved import goes.
    The rest is for common/import.html: title, heading, back_url, back_label, notes (see
    `note`), rule (the all-or-nothing sentence, when not the usual one), narrow, lock_banner."""
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            errors = run_import(request, lambda: run(form.cleaned_data), success)
        except ValidationError as exc:  # about a field of the form, not a row (the amendment's day)
            add_errors(form, exc)
            errors = []
        else:
            if errors is None:
                return redirect(done)
    return render(request, "common/import.html", {"form": form, "errors": errors, **context})


# ------------------------------------------------------------------ the command's registry


@dataclass(frozen=True)
class Importer:
    kind: str
    # run(upload=, organization=, user=, today=, **options) -> the count of rows imported
    run: Callable[..., int]
    perm: Any  # the role the page requires on the organization of its URL
    requires: tuple[str, ...] = ()  # the command's options this kind cannot go without


_importers: dict[str, Importer] = {}
_organization_resolver: list[Callable] = []


def register(kind: str, run: Callable[..., int], *, perm, requires: tuple[str, ...] = ()) -> None:
    _importers[kind] = Importer(kind, run, perm, requires)


def register_resolver(resolve: Callable) -> None:
    """How the command finds the organization of the page: resolve(user, code, perm), raising
    CommandError when the user may not open that page (registered by organizations)."""
    _organization_resolver[:] = [resolve]


def importers() -> dict[str, Importer]:
    """Every registered import, by kind (each app's `imports` module registers its own)."""
    autodiscover_modules("imports")
    return _importers


def resolve_organization(user, code: str, perm):
    importers()
    return _organization_resolver[0](user, code, perm)
