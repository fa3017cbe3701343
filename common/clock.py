"""The day the pages act on: one function for every app's views, so a test sets "today"
for all of them in one place (`monkeypatch.setattr("common.clock.today", ...)`)."""

from django.utils import timezone


def today():
    return timezone.localdate()
