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


def _date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{option} {text!r} is not a date (YYYY-MM-DD).") from None


def add_period_arguments(parser) -> None:
    """--year/--as-of as always, and the report period: --period or --from/--to."""
    parser.add_argument(
        "--year", type=int, help="the plan year (default: the period's, else the --as-of day's, else this year)"
    )
    parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today, or 31/12 of a past year)")
    parser.add_argument("--period", help="2025, 2025-Q1 … 2025-Q4, 2025-6M, 2025-9M (default: the year)")
    parser.add_argument("--from", dest="start", help="first day of a period of any length (YYYY-MM-DD), with --to")
    parser.add_argument("--to", dest="end", help="last day of that period (YYYY-MM-DD)")


def report_period(organization: Organization, options: dict, today: dt.date):
    """(period, year, day) of a command: --period or --from/--to, else --year, else the year
    of --as-of, else this year; the day by the pages' rule (reports.periods.choose): --as-of
    (one after the period reads as its end; one before a period that has begun is refused),
    else the period's last day or today while it runs; for a merged or dissolved
    organization never after its last day."""
    from django.utils import translation

    from reports.periods import before_founding_message, between, choose, parse

    year, as_of = options.get("year"), options.get("as_of")
    key, start, end = options.get("period"), options.get("start"), options.get("end")
    if key and (start or end):
        raise CommandError("Give --period or --from/--to, not both.")
    day = _date(as_of, "--as-of") if as_of else None
    # The rule's messages are the pages' own, in Vietnamese as the commands' reports are.
    with translation.override("vi"):
        try:
            period = None
            if key:
                period = parse(key)
            elif start or end:
                if not (start and end):
                    raise CommandError("--from and --to go together.")
                period = between(_date(start, "--from"), _date(end, "--to"), checked=True)
            if period is not None and year and year != period.year:
                raise CommandError(f"--year {year} is not the year of the period {period.key} ({period.year}).")
            period, day = choose(
                today,
                period=period,
                year=year,
                as_of=day,
                last_day=organization.last_day,
                founded_on=organization.founded_on,
            )
            if refused := before_founding_message(organization, period.year, day):
                raise CommandError(refused)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
    return period, period.year, day
