from django.core.management.base import BaseCommand, CommandError
from django.db.models import Exists, OuterRef

from admissions.models import Admission, Candidate, Outcome
from admissions.services.admissions import records_after_dissolution
from organizations.models import Organization


class Command(BaseCommand):
    help = (
        "List the dissolved (not merged) organizations that still hold admissions dated from"
        " their dissolution, or candidates on the road (possible in a database written before"
        " a dissolution checked them): reports count them for an organization that had ended."
        " Exits with an error when there is any."
    )

    def handle(self, *args, **options):
        later = Admission.objects.filter(
            organization=OuterRef("pk"), ceremony_date__gte=OuterRef("dissolved_on"), archived_at__isnull=True
        )
        on_the_road = Candidate.objects.filter(
            organization=OuterRef("pk"), outcome=Outcome.IN_PROGRESS, archived_at__isnull=True
        )
        # One query finds them (after a reorganization thousands are dissolved); the messages
        # are read for those alone.
        found = (
            Organization.objects.filter(dissolved_on__isnull=False, merged_into__isnull=True)
            .filter(Exists(later) | Exists(on_the_road))
            .order_by("path")
        )
        count = 0
        for organization in found:
            count += 1
            problems = records_after_dissolution(organization, organization.dissolved_on)
            self.stdout.write(f"{organization.code}: {' '.join(problems)}")
        if count:
            raise CommandError(f"{count} dissolved organization(s) hold records after their dissolution")
        self.stdout.write("No dissolved organization holds records after its dissolution.")
