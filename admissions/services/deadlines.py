"""The holiday calendar and the working-day deadlines it moves."""

import datetime as dt

from django.db import transaction
from django.db.models import OuterRef, Subquery

from ..models import Admission, Candidate, Holiday, Outcome, Step, StepRecord
from ..workdays import add_working_days, calendar_between
from .checks import rule


@transaction.atomic
def holidays_seed(*, years: range | list[int]) -> int:
    """Add the Vietnamese public holidays of `years` and the make-up working days (from the
    `holidays` package), and move the deadlines they change.

    Existing dates are left alone, so an administrator's edits survive a re-seed.
    """
    # Imported here, not at start-up: the package's calendars cost ~50 ms of every process's start.
    import holidays as holiday_calendars

    calendar = holiday_calendars.country_holidays("VN", years=list(years), language="vi")
    existing = set(Holiday.objects.filter(date__in=list(calendar)).values_list("date", flat=True))
    new = [Holiday(date=day, name=name[:120]) for day, name in sorted(calendar.items()) if day not in existing]
    swaps = {day: name for day, name in make_up_working_days(years).items() if day not in calendar}
    known = set(Holiday.objects.filter(date__in=list(swaps)).values_list("date", flat=True))
    new += [Holiday(date=day, name=name[:120], working=True) for day, name in sorted(swaps.items()) if day not in known]
    Holiday.objects.bulk_create(new)
    for holiday in new:  # a day added to the calendar moves the deadlines around it
        deadlines_refresh(around=holiday.date)
    return len(new)


def make_up_working_days(years) -> dict[dt.date, str]:
    """The weekend days worked for a swapped day off, as the `holidays` package lists them.

    The package keeps each swap as (day off, day worked[, year worked]); only the day
    off is in its calendar, so the day worked is read from its table of swaps.
    """
    from holidays.countries.vietnam import VietnamStaticHolidays

    days: dict[dt.date, str] = {}
    for year in years:
        swaps = VietnamStaticHolidays.special_public_holidays.get(year, ())
        if swaps and isinstance(swaps[0], int):
            swaps = (swaps,)
        for swap in swaps:
            month_off, day_off, month_worked, day_worked, *worked_year = swap
            worked = dt.date(worked_year[0] if worked_year else year, month_worked, day_worked)
            days[worked] = f"Ngày làm việc bù (cho ngày nghỉ {dt.date(year, month_off, day_off):%d/%m/%Y})"
    return days


@transaction.atomic
def deadlines_refresh(*, around: dt.date) -> int:
    """Recompute the working-day deadlines that a holiday on `around` may move.

    Called when an administrator edits the holiday calendar. Returns the rows changed.
    """
    span = dt.timedelta(days=200)  # longer than any deadline in working days
    holidays = calendar_between(around - 2 * span, around + 2 * span)
    resolution = StepRecord.objects.filter(candidate=OuterRef("pk"), step=Step.CELL_RESOLUTION).values("date")[:1]
    changed: list = []
    candidates = Candidate.objects.filter(
        outcome=Outcome.IN_PROGRESS,
        archived_at__isnull=True,
        step__in=[Step.CELL_RESOLUTION, Step.COMMITTEE_RESOLUTION, Step.DECISION],
        step_date__gte=around - span,
        step_date__lte=around,
    ).annotate(resolution_on=Subquery(resolution))
    for candidate in candidates:
        if candidate.step == Step.DECISION:
            due = add_working_days(candidate.step_date, rule("CEREMONY_WORKING_DAYS"), holidays)
        else:
            due = add_working_days(candidate.resolution_on, rule("DECISION_WORKING_DAYS"), holidays)
        if due != candidate.due_on:
            candidate.due_on = due
            changed.append(candidate)
    Candidate.objects.bulk_update(changed, ["due_on"])
    admissions = Admission.objects.filter(
        archived_at__isnull=True,
        recognized_on__isnull=True,
        struck_off_on__isnull=True,
        probation_due__gte=around - span,
        probation_due__lte=around,
    )
    moved = []
    for admission in admissions:
        due = add_working_days(admission.probation_due, rule("RECOGNITION_WORKING_DAYS"), holidays)
        if due != admission.recognition_due:
            admission.recognition_due = due
            moved.append(admission)
    Admission.objects.bulk_update(moved, ["recognition_due"])
    return len(changed) + len(moved)
