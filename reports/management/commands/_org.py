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
