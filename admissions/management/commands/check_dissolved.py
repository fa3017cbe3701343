from django.core.management.base import BaseCommand, CommandError

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
        found = 0
        dissolved = Organization.objects.filter(dissolved_on__isnull=False, merged_into__isnull=True)
        for organization in dissolved.order_by("path"):
            problems = records_after_dissolution(organization, organization.dissolved_on)
            if problems:
                found += 1
                self.stdout.write(f"{organization.code}: {' '.join(problems)}")
        if found:
            raise CommandError(f"{found} dissolved organization(s) hold records after their dissolution")
        self.stdout.write("No dissolved organization holds records after its dissolution.")
