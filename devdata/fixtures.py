"""The demo's data files in the top-level fixtures/ (JSON, written to be read by a person)."""

import datetime as dt
import json
from functools import cache
from pathlib import Path

from django.conf import settings


def path(name: str) -> Path:
    return Path(settings.BASE_DIR) / "fixtures" / name


@cache
def _load(name: str):
    with path(name).open(encoding="utf-8") as file:
        return json.load(file)


def load(name: str):
    """fixtures/<name>.json, parsed (read once per process: do not change what it returns)."""
    return _load(f"{name}.json")


def date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None
