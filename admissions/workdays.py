"""Working days: weekends and the public holidays of the Holiday table are not counted."""

import datetime as dt

from .models import Holiday

# Enough to cover 60 working days plus Tết and the other holidays on the way.
_SPAN_FACTOR = 2
_SPAN_EXTRA = 30


def _holidays_between(start: dt.date, end: dt.date) -> set[dt.date]:
    return set(Holiday.objects.filter(date__gte=start, date__lte=end).values_list("date", flat=True))


def is_working_day(day: dt.date, holidays: set[dt.date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(start: dt.date, days: int, holidays: set[dt.date] | None = None) -> dt.date:
    """The date `days` working days after `start` (start itself not counted).

    Negative `days` count backwards. One query for the holidays on the way.
    """
    step = 1 if days >= 0 else -1
    span = dt.timedelta(days=abs(days) * _SPAN_FACTOR + _SPAN_EXTRA)
    if holidays is None:
        low, high = (start, start + span) if step > 0 else (start - span, start)
        holidays = _holidays_between(low, high)
    day, left = start, abs(days)
    while left:
        day += dt.timedelta(days=step)
        if is_working_day(day, holidays):
            left -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end`."""
    holidays = _holidays_between(start, end)
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_working_day(day, holidays)
    return count
