"""A calendar keeps add_working_days' answers (issue 18: an import's 8,000 deadlines walked
day by day): the answers are the walk's, whatever order they are asked in."""

import datetime as dt

import pytest

from admissions.services import holidays_seed
from admissions.workdays import Calendar, add_working_days, calendar_between


@pytest.mark.django_db
def test_kept_answers_equal_a_fresh_walk():
    holidays_seed(years=[2024, 2025])
    start, end = dt.date(2024, 1, 1), dt.date(2025, 12, 31)
    kept = calendar_between(start, end)
    days = [start + dt.timedelta(days=i) for i in range(0, 500, 3)]
    for spans in ((30, 10, -5, 0), (10, 30, 0, -5)):  # asked twice, in two orders
        for day in days:
            for span in spans:
                fresh = calendar_between(start, end)  # a new calendar: nothing kept
                assert add_working_days(day, span, kept) == add_working_days(day, span, fresh)
    # Tết 2025: the working day after Friday 24/01/2025 is Monday 03/02/2025.
    assert add_working_days(dt.date(2025, 1, 24), 1, kept) == dt.date(2025, 2, 3)


def test_two_calendars_keep_their_own_answers():
    holiday = dt.date(2025, 6, 2)  # a Monday
    plain, off = Calendar(), Calendar(days_off=frozenset({holiday}))
    friday = dt.date(2025, 5, 30)
    assert add_working_days(friday, 1, plain) == holiday
    assert add_working_days(friday, 1, off) == dt.date(2025, 6, 3)
    assert add_working_days(friday, 1, plain) == holiday
    assert plain == Calendar() and hash(plain) == hash(Calendar())  # the answers kept are no part of it
