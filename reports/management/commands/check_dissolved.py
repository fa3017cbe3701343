from django.core.management.base import BaseCommand, CommandError
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from admissions.models import Admission, Candidate, Outcome
from admissions.services.admissions import records_after_dissolution
from organizations.models import MemberCount, Organization
from reports.models import HistoricalResult
from reports.services import all_after


class Command(BaseCommand):
    help = (
        "List the dissolved (not merged) organizations that still hold admissions dated from"
        " their dissolution, or candidates on the road, and the merged or dissolved ones that hold"
        " member counts dated from their end or (dissolved, not merged) historical results of"
        " years after it (possible in a database written before these were checked): reports"
        " count them for an organization that had ended. Exits with an error when there is any."
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
        if found:
            raise CommandError(f"{len(found)} dissolved organization(s) hold records after their dissolution")
        self.stdout.write("No dissolved organization holds records after its dissolution.")


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
