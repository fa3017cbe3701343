from django.core.management.base import BaseCommand, CommandError
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from admissions.models import Admission, Candidate, Outcome
from admissions.services.admissions import records_after_dissolution
from organizations.models import MemberCount, Organization
from reports.models import HistoricalResult
from reports.services import all_after, all_before


class Command(BaseCommand):
    help = (
        "List the dissolved (not merged) organizations that still hold admissions dated from"
        " their dissolution, or candidates on the road, and the merged or dissolved ones that hold"
        " member counts dated from their end or (dissolved, not merged) historical results of"
        " years after it (possible in a database written before these were checked): reports"
        " count them for an organization that had ended. Also the organizations that hold"
        " admissions or member counts dated before their founding, or historical results of years"
        " all before it. Exits with an error when there is any."
    )

    def handle(self, *args, **options):
        later = Admission.objects.filter(
            organization=OuterRef("pk"), ceremony_date__gte=OuterRef("dissolved_on"), archived_at__isnull=True
        )
        on_the_road = Candidate.objects.filter(
            organization=OuterRef("pk"), outcome=Outcome.IN_PROGRESS, archived_at__isnull=True
        )
        counted_later = MemberCount.objects.filter(organization=OuterRef("pk"), as_of__gte=OuterRef("dissolved_on"))
        ended = Organization.objects.filter(dissolved_on__isnull=False)
        # One query finds them (after a reorganization thousands are dissolved); the messages
        # are read for those alone.
        results = _results_after_dissolution()
        dissolved = Q(merged_into__isnull=True) & (Exists(later) | Exists(on_the_road))
        found = list(ended.filter(dissolved | Exists(counted_later) | Q(pk__in=list(results))).order_by("path"))
        for organization in found:
            problems = []
            if not organization.merged_into_id:
                problems += records_after_dissolution(organization, organization.dissolved_on)
            counts = organization.member_counts.filter(as_of__gte=organization.dissolved_on)
            if n := counts.count():
                problems.append(
                    _("%(org)s has %(n)d member count(s) dated on or after %(date)s.")
                    % {"org": organization.name, "n": n, "date": organization.dissolved_on.strftime("%d/%m/%Y")}
                )
            if years := results.get(organization.pk):
                problems.append(
                    _("%(org)s has historical results of years after its dissolution: %(years)s.")
                    % {"org": organization.name, "years": ", ".join(str(y) for y in sorted(years))}
                )
            self.stdout.write(f"{organization.code}: {' '.join(problems)}")
        early = _before_founding()
        for organization, problems in early:
            self.stdout.write(f"{organization.code}: {' '.join(problems)}")
        errors = []
        if found:
            errors.append(f"{len(found)} dissolved organization(s) hold records after their dissolution")
        if early:
            errors.append(f"{len(early)} organization(s) hold records dated before their founding")
        if errors:
            raise CommandError("; ".join(errors))
        self.stdout.write("No dissolved organization holds records after its dissolution.")
        self.stdout.write("No organization holds records dated before its founding.")


def _before_founding() -> list[tuple[Organization, list[str]]]:
    """The organizations holding records of days before their founding, each with its
    messages: admissions and member counts dated before it, historical results of years all
    before it (the entry forms refuse each: admissions.services, organizations.services
    `_check_standing`, reports.services `_check_years_standing`)."""
    admitted = Admission.objects.filter(
        organization=OuterRef("pk"), ceremony_date__lt=OuterRef("founded_on"), archived_at__isnull=True
    )
    counted = MemberCount.objects.filter(organization=OuterRef("pk"), as_of__lt=OuterRef("founded_on"))
    results = _results_before_founding()
    found = Organization.objects.filter(founded_on__isnull=False).filter(
        Exists(admitted) | Exists(counted) | Q(pk__in=list(results))
    )
    early = []
    for organization in found.order_by("path"):
        founded, problems = organization.founded_on, []
        day = founded.strftime("%d/%m/%Y")
        admissions = Admission.objects.filter(
            organization=organization, ceremony_date__lt=founded, archived_at__isnull=True
        )
        if n := admissions.count():
            first = admissions.order_by("ceremony_date").values_list("ceremony_date", flat=True).first()
            problems.append(
                _("%(org)s has %(n)d admission(s) dated before its founding on %(date)s (the first on %(first)s).")
                % {"org": organization.name, "n": n, "date": day, "first": first.strftime("%d/%m/%Y")}
            )
        if n := organization.member_counts.filter(as_of__lt=founded).count():
            problems.append(
                _("%(org)s has %(n)d member count(s) dated before its founding on %(date)s.")
                % {"org": organization.name, "n": n, "date": day}
            )
        if years := results.get(organization.pk):
            problems.append(
                _("%(org)s has historical results of years before its founding: %(years)s.")
                % {"org": organization.name, "years": ", ".join(str(y) for y in sorted(years))}
            )
        early.append((organization, problems))
    return early


def _results_before_founding() -> dict[int, set[int]]:
    """{organization pk: years} of historical results whose years all come before the
    organization's founding (one query; few rows)."""
    rows = HistoricalResult.objects.filter(organization__founded_on__isnull=False).values_list(
        "organization_id", "organization__founded_on", "year"
    )
    found: dict[int, set[int]] = {}
    for pk, founded_on, year in rows:
        if all_before(founded_on, year):
            found.setdefault(pk, set()).add(year)
    return found


def _results_after_dissolution() -> dict[int, set[int]]:
    """{organization pk: years} of historical results of dissolved (not merged) organizations
    whose years all come after the organization's last day (one query; few rows)."""
    rows = HistoricalResult.objects.filter(
        organization__dissolved_on__isnull=False, organization__merged_into__isnull=True
    ).values_list("organization_id", "organization__dissolved_on", "first_year", "year")
    found: dict[int, set[int]] = {}
    for pk, dissolved_on, first_year, year in rows:
        if all_after(dissolved_on, first_year or year):
            found.setdefault(pk, set()).add(year)
    return found
