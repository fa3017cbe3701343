"""The all-or-nothing .xlsx imports of every app: one way to open a file, one page, one command.

- `read_or_fail` opens an upload through `read_rows` and turns a file that cannot be read,
  or has no data rows, into `ImportFailed` (the row-0 message every import shows).
- `import_page` is the page of an import (upload form → the app's import → the count, or
  every bad row listed; nothing saved), rendered with the one template common/import.html;
  `run_import` is its core for a page that holds an import beside other forms.
- `register` records an import for `manage.py import_xlsx KIND`: each app registers its
  own in its `imports` module (found by `importers()`), so the command names no app.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

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
        errors = run_import(request, lambda: run(form.cleaned_data), success)
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
