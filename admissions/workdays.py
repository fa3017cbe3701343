"""Working days: weekends and the public holidays of the Holiday table are not counted;
the make-up working days of that table (weekend days worked for a swapped day off) are."""

import datetime as dt
from dataclasses import dataclass, field

from .models import Holiday

# Enough to cover 60 working days plus Tết and the other holidays on the way.
_SPAN_FACTOR = 2
_SPAN_EXTRA = 30


@dataclass(frozen=True)
class Calendar:
    """The days off and the make-up working days of a stretch of time."""

    days_off: frozenset[dt.date] = field(default_factory=frozenset)
    make_up: frozenset[dt.date] = field(default_factory=frozenset)
    # add_working_days' answers on this calendar, by (start, days): an import's rows share a
    # few hundred dates, so 8,000 deadlines walk a few hundred times instead of 8,000.
    _answers: dict = field(default_factory=dict, init=False, compare=False, repr=False)

    def is_working_day(self, day: dt.date) -> bool:
        return (day.weekday() < 5 or day in self.make_up) and day not in self.days_off


def calendar_between(start: dt.date, end: dt.date) -> Calendar:
    """One query for the calendar of [start, end]."""
    rows = Holiday.objects.filter(date__gte=start, date__lte=end).values_list("date", "working")
    days_off, make_up = set(), set()
    for day, working in rows:
        (make_up if working else days_off).add(day)
    return Calendar(frozenset(days_off), frozenset(make_up))


def _as_calendar(holidays) -> Calendar | None:
    if holidays is None or isinstance(holidays, Calendar):
        return holidays
    return Calendar(days_off=frozenset(holidays))  # a plain set of days off


def is_working_day(day: dt.date, holidays) -> bool:
    return _as_calendar(holidays).is_working_day(day)


def add_working_days(start: dt.date, days: int, holidays: "Calendar | set[dt.date] | None" = None) -> dt.date:
    """The date `days` working days after `start` (start itself not counted).

    Negative `days` count backwards. One query for the calendar on the way.
    """
    step = 1 if days >= 0 else -1
    span = dt.timedelta(days=abs(days) * _SPAN_FACTOR + _SPAN_EXTRA)
    calendar = _as_calendar(holidays)
    if calendar is None:
        low, high = (start, start + span) if step > 0 else (start - span, start)
        calendar = calendar_between(low, high)
    known = calendar._answers.get((start, days))
    if known is not None:
        return known
    day, left = start, abs(days)
    while left:
        day += dt.timedelta(days=step)
        if calendar.is_working_day(day):
            left -= 1
    calendar._answers[start, days] = day
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end`."""
    calendar = calendar_between(start, end)
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += calendar.is_working_day(day)
    return count
