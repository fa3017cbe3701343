import datetime as dt

from django.core.management.base import CommandError
from django.db.models import Q

from common.text import fold
from organizations.models import Organization


def find_organization(ref: str) -> Organization:
    """An organization by code, exact name, or (diacritics ignored) a unique name."""
    matches = list(Organization.objects.filter(Q(code=ref) | Q(name=ref))[:2])
    if not matches:
        matches = list(Organization.objects.filter(search_name=fold(ref))[:2])
    if not matches:
        raise CommandError(f"No organization with code or name “{ref}”.")
    if len(matches) > 1:
        raise CommandError(f"“{ref}” names several organizations: use the code.")
    return matches[0]


def report_day(organization: Organization, year: int, as_of: str | None, today) -> "dt.date":
    """The day a command reports as of: --as-of, else today (this year) or 31/12 (a past
    year); for a merged or dissolved organization never after its last day."""
    if as_of:
        try:
            day = dt.date.fromisoformat(as_of)
        except ValueError:
            raise CommandError(f"--as-of {as_of!r} is not a date (YYYY-MM-DD).") from None
    else:
        day = today if year >= today.year else dt.date(year, 12, 31)
    day = min(day, today)  # no report is counted to a day that has not come, as on the pages
    if organization.last_day is not None:  # a later day reads as that day, as on the pages
        day = min(day, organization.last_day)
    return day


def add_period_arguments(parser) -> None:
    """--year/--as-of as always, and the report period: --period or --from/--to."""
    parser.add_argument("--year", type=int, help="the plan year (default: this year, or the period's)")
    parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today, or 31/12 of a past year)")
    parser.add_argument("--period", help="2025, 2025-Q1 … 2025-Q4, 2025-6M, 2025-9M (default: the year)")
    parser.add_argument("--from", dest="start", help="first day of a period of any length (YYYY-MM-DD), with --to")
    parser.add_argument("--to", dest="end", help="last day of that period (YYYY-MM-DD)")


def report_period(organization: Organization, options: dict, today: dt.date):
    """(period, year, day) of a command: --period or --from/--to, else the --year (default
    this year) as before. The day is --as-of, else the period's last day or today while it
    runs; for a merged or dissolved organization never after its last day."""
    from reports.periods import between, parse

    year, as_of = options.get("year"), options.get("as_of")
    key, start, end = options.get("period"), options.get("start"), options.get("end")
    if key and (start or end):
        raise CommandError("Give --period or --from/--to, not both.")
    try:
        if key:
            period = parse(key)
        elif start or end:
            if not (start and end):
                raise CommandError("--from and --to go together.")
            try:
                first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
            except ValueError:
                raise CommandError(f"--from/--to {start!r}..{end!r}: dates are YYYY-MM-DD.") from None
            period = between(first, last)
        else:
            year = year or today.year
            return parse(str(year)), year, report_day(organization, year, as_of, today)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    if year and year != period.year:
        raise CommandError(f"--year {year} is not the year of the period {period.key} ({period.year}).")
    if as_of:  # never after the period's end
        day = min(report_day(organization, period.year, as_of, today), period.end)
    else:
        day = period.as_of(today)
        if organization.last_day is not None:
            day = min(day, organization.last_day)
    return period, period.year, day
