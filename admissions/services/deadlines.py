"""The holiday calendar and the working-day deadlines it moves."""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Case, F, Max, Min, OuterRef, Subquery, When
from django.db.models.functions import Coalesce

from ..models import ON_PROBATION, Admission, Candidate, Holiday, Outcome, Step, StepRecord
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


def probation_end(ceremony_date: dt.date) -> dt.date:
    """The day the probation ends: PROBATION_MONTHS after the ceremony."""
    return ceremony_date + relativedelta(months=rule("PROBATION_MONTHS"))


@transaction.atomic
def deadlines_refresh(*, around: dt.date | None = None) -> int:
    """Recompute the stored deadlines: the working-day ones a holiday on `around` may move
    (called when an administrator edits the holiday calendar), or, with `around` None,
    every open deadline from the settings in force (`manage.py refresh_deadlines`, after a
    change of ADMISSION_DECISION_WORKING_DAYS, _CEREMONY_, _RECOGNITION_ or _PROBATION_MONTHS).
    Returns the rows changed."""
    span = dt.timedelta(days=200)  # longer than any deadline in working days
    resolution = StepRecord.objects.filter(candidate=OuterRef("pk"), step=Step.CELL_RESOLUTION).values("date")[:1]
    candidates = Candidate.objects.filter(
        outcome=Outcome.IN_PROGRESS,
        archived_at__isnull=True,
        step__in=[Step.CELL_RESOLUTION, Step.COMMITTEE_RESOLUTION, Step.DECISION],
    ).annotate(resolution_on=Subquery(resolution))
    admissions = Admission.objects.filter(ON_PROBATION)
    if around is not None:
        # Those whose deadline runs from a day within `span` before the holiday: the decision's
        # from the cell's resolution (at the committee's resolution too), the ceremony's from
        # the decision.
        runs_from = Coalesce(Case(When(step=Step.DECISION, then=F("step_date"))), "resolution_on")
        candidates = candidates.annotate(runs_from=runs_from).filter(
            runs_from__gte=around - span, runs_from__lte=around
        )
        admissions = admissions.filter(probation_due__gte=around - span, probation_due__lte=around)
        first, last = around - 2 * span, around + 2 * span
    else:
        bounds = [*candidates.aggregate(a=Min("step_date"), b=Max("step_date")).values()]
        bounds += [*admissions.aggregate(a=Min("ceremony_date"), b=Max("probation_due")).values()]
        bounds = [day for day in bounds if day is not None]
        if not bounds:
            return 0
        first, last = min(bounds) - span, max(bounds) + 2 * span
    holidays = calendar_between(first, last)
    changed: list = []
    for candidate in candidates.iterator(chunk_size=2000):
        if candidate.step == Step.DECISION:
            due = add_working_days(candidate.step_date, rule("CEREMONY_WORKING_DAYS"), holidays)
        elif candidate.resolution_on is not None:
            due = add_working_days(candidate.resolution_on, rule("DECISION_WORKING_DAYS"), holidays)
        else:  # imported past the cell's resolution without its date: nothing to count from
            continue
        if due != candidate.due_on:
            candidate.due_on = due
            changed.append(candidate)
    Candidate.objects.bulk_update(changed, ["due_on"], batch_size=1000)
    moved = []
    for admission in admissions.iterator(chunk_size=2000):
        probation_due = admission.probation_due
        if around is None:  # the settings may have changed: the probation's end too
            probation_due = probation_end(admission.ceremony_date)
        due = add_working_days(probation_due, rule("RECOGNITION_WORKING_DAYS"), holidays)
        if (probation_due, due) != (admission.probation_due, admission.recognition_due):
            admission.probation_due, admission.recognition_due = probation_due, due
            moved.append(admission)
    Admission.objects.bulk_update(moved, ["probation_due", "recognition_due"], batch_size=1000)
    return len(changed) + len(moved)
