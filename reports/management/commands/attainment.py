"""`manage.py attainment --org "<name or code>" [--year YYYY] [--as-of YYYY-MM-DD]
[--period 2025-Q2 | --from YYYY-MM-DD --to YYYY-MM-DD] --format json`."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from reports.answers import document

from ._org import add_period_arguments, find_organization, report_period


class Command(BaseCommand):
    help = "Print the attainment of every rule applying inside an organization for a year, and a period's admissions."
    # A report reads; the system checks (URLs, models: 0.5 s) belong to `check` and deploys.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="code or name of the organization")
        add_period_arguments(parser)
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args, org, format, **options):
        organization = find_organization(org)
        today = timezone.localdate()
        period, _year, day = report_period(organization, options, today)
        # Stored for the current data when it is slow to compute (reports/answers.py).
        self.stdout.write(document(organization, period, day, today).decode())
