"""Writes of the reports app: historical results and export jobs."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from common.audit import stamp
from organizations.models import Organization

from .models import HistoricalResult


@transaction.atomic
def historical_result_record(
    *,
    organization: Organization,
    year: int,
    category: str,
    count: int,
    source: str = "",
    first_year: int | None = None,
    user=None,
) -> HistoricalResult:
    """Enter (or correct) the new members of an organization's subtree in a past year, or
    in a period of several years ending with `year` (from `first_year`): a total of the
    period, never counted as any one of its years."""
    if count < 0:
        raise ValidationError(_("The number of new members cannot be negative."))
    if first_year is not None and first_year >= year:
        raise ValidationError(_("A period's first year comes before its last year."))
    result = HistoricalResult.objects.filter(organization=organization, year=year, category=category or "").first()
    if result is None:
        result = HistoricalResult(organization=organization, year=year, category=category or "")
    result.first_year = first_year
    result.count = count
    result.source = source.strip()
    result.entered_by = user
    result.full_clean()
    stamp(result, user, gettext_noop("historical result recorded"))
    result.save()
    return result
