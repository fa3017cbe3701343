"""Writes of the reports app: historical results and export jobs."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from common import clock
from common.audit import stamp
from common.imports import insert_history, insert_with_history
from organizations import locks
from organizations.models import Organization

from . import cache, entered
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
    result = historical_result_build(
        organization=organization,
        year=year,
        category=category,
        count=count,
        source=source,
        first_year=first_year,
        user=user,
    )
    result.save()
    return result


def historical_result_build(
    *,
    organization: Organization,
    year: int,
    category: str,
    count: int,
    source: str = "",
    first_year: int | None = None,
    user=None,
    stored: dict | None = None,
) -> HistoricalResult:
    """historical_result_record's checks and stamp, without saving: the result to insert
    (no pk) or the stored one corrected. `stored`: the results already entered for a whole
    file, {(organization, year, category): result} (an import: no query per row; its own
    rows are told apart before); without it, one query and Django's full checks."""
    if count < 0:
        raise ValidationError(_("The number of new members cannot be negative."))
    if first_year is not None and first_year >= year:
        raise ValidationError(_("A period's first year comes before its last year."))
    _check_years_standing(organization, first_year or year, year)
    key = (organization.pk, year, category or "")
    if stored is None:
        result = HistoricalResult.objects.filter(organization=organization, year=year, category=key[2]).first()
    else:
        result = stored.get(key)
    years = set(range(first_year or year, year + 1))
    if result is not None and result.pk:  # a correction changes the years it counted for too
        years.update(range(result.first_year or result.year, result.year + 1))
    _check_years_unlocked(organization, years)
    if result is None:
        result = HistoricalResult(organization=organization, year=year, category=key[2])
    result.first_year = first_year
    result.count = count
    result.source = source.strip()
    result.entered_by = user
    if stored is None:
        result.full_clean()
    else:
        # An import knows from `stored` that the key is free or the row's own, and its
        # organization and user are the ones it was given (Django would check each with a
        # query per row: the constraints are the database's too).
        result.full_clean(exclude=["organization", "entered_by"], validate_unique=False, validate_constraints=False)
    stamp(result, user, gettext_noop("historical result recorded"))
    return result


def all_after(dissolved_on: dt.date, first_year: int) -> bool:
    """Whether years from `first_year` on all come after an organization dissolved on
    `dissolved_on` (it stood no day of them): the check below, and `check_dissolved`'s."""
    return dissolved_on <= dt.date(first_year, 1, 1)


def all_before(founded_on: dt.date, last_year: int) -> bool:
    """Whether years up to `last_year` all come before an organization founded on
    `founded_on` (it stood no day of them): the check below, and `check_dissolved`'s."""
    return founded_on > dt.date(last_year, 12, 31)


def _check_years_standing(organization: Organization, first: int, last: int) -> None:
    """A result counts new members of years the organization stood in: refused for years all
    before its founding, or all from its dissolution (a merged one's years after the merger
    count with its successor, as its admissions do: docs/domain.md §4)."""
    founded, dissolved = organization.founded_on, organization.dissolved_on
    if founded and all_before(founded, last):
        raise ValidationError(
            _("%(org)s was founded on %(date)s: it has no new members before that year.")
            % {"org": organization.name, "date": founded.strftime("%d/%m/%Y")},
            code="not_standing",
        )
    if dissolved and not organization.merged_into_id and all_after(dissolved, first):
        raise ValidationError(
            _("%(org)s was dissolved on %(date)s: it has no new members after that day.")
            % {"org": organization.name, "date": dissolved.strftime("%d/%m/%Y")},
            code="not_standing",
        )


def refuse_founding_after_results(sender, organization: Organization, founded_on: dt.date, **kwargs) -> None:
    """Receiver of organizations.signals.organization_refounding: a founding date set later
    than the years of its entered results would leave counts of years the organization
    stood no day of (the check above from the other side). A result of the founding year
    itself is fine (it stood part of it), and so is a period that reaches it."""
    years = sorted(
        set(
            HistoricalResult.objects.filter(organization=organization, year__lt=founded_on.year).values_list(
                "year", flat=True
            )
        )
    )
    if years:
        message = _(
            "%(org)s has historical results of %(years)s, before %(date)s: it was founded by then."
            " Correct or delete those results first."
        ) % {
            "org": organization.name,
            "years": ", ".join(str(y) for y in years),
            "date": founded_on.strftime("%d/%m/%Y"),
        }
        raise ValidationError({"founded_on": message})


def _check_years_unlocked(organization: Organization, years) -> None:
    """An entered count belongs to every report of its year, whatever the day (docs/domain.md
    §7): refused for a year a lock in force covers any part of, for the organization (an
    approved 2025 report of its committee: the figures signed stay as signed), also for the
    part of the year it stood under a committee whose report locked it (a unit moved away
    on 01/10 whose old committee's year is approved)."""
    for y in sorted(years):
        locks.check_span_unlocked(
            organization=organization, first=dt.date(y, 1, 1), last=dt.date(y, 12, 31), today=clock.today()
        )


def historical_results_stored(keys) -> dict[tuple[int, int, str], HistoricalResult]:
    """The results already entered for `keys` ((organization pk, year, category)), in one
    query, each remembering what it counted for in the tallies (reports/entered.py)."""
    keys = set(keys)
    if not keys:
        return {}
    found = HistoricalResult.objects.filter(
        organization_id__in={k[0] for k in keys}, year__in={k[1] for k in keys}, category__in={k[2] for k in keys}
    )
    stored = {(r.organization_id, r.year, r.category): r for r in found}
    stored = {key: result for key, result in stored.items() if key in keys}
    for result in stored.values():
        entered.remember(result)
    return stored


def historical_results_write(*, new: list[HistoricalResult], changed: list[HistoricalResult]) -> None:
    """The one bulk write of an import's results (built by historical_result_build): the
    new ones inserted and the corrected ones updated, with their history rows, in a few
    statements; their tallies counted in one upsert; the answers of their organizations
    stale once the transaction commits."""
    insert_with_history(new, HistoricalResult)
    if changed:
        HistoricalResult.objects.bulk_update(changed, ["first_year", "count", "source", "entered_by"])
        insert_history(changed, HistoricalResult, history_type="~")
    entered.count_written([*new, *changed])
    cache.organizations_changed({r.organization_id for r in (*new, *changed)})
