import datetime as dt

from django.core.management.base import CommandError
from django.db.models import Q

from organizations.models import Organization
from organizations.text import fold


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
            return dt.date.fromisoformat(as_of)
        except ValueError:
            raise CommandError(f"--as-of {as_of!r} is not a date (YYYY-MM-DD).") from None
    day = today if year >= today.year else dt.date(year, 12, 31)
    if organization.dissolved_on is not None:
        day = min(day, organization.dissolved_on - dt.timedelta(days=1))
    return day
