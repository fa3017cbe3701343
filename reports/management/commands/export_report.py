"""`manage.py export_report --org … [--year …] [--period 2025-Q2 | --from … --to …] --format xlsx|pdf --output FILE`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from reports.exports import render_export
from reports.periods import not_begun_message

from ._org import add_period_arguments, find_organization, report_period


class Command(BaseCommand):
    help = "Write the attainment report of an organization for a year as .xlsx or .pdf."
    # A report reads; the system checks (URLs, models: 0.5 s) belong to `check` and deploys.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True)
        add_period_arguments(parser)
        parser.add_argument("--format", choices=["xlsx", "pdf"], required=True)
        parser.add_argument("--output", required=True)

    def handle(self, *args, org, format, output, **options):
        organization = find_organization(org)
        period, year, day = report_period(organization, options, timezone.localdate())
        if period.not_begun(day):
            with translation.override("vi"):
                raise CommandError(not_begun_message(period))
        content, _name, _type = render_export(
            organization=organization, year=year, as_of=day, period=period, fmt=format, keep_answer=False
        )
        Path(output).write_bytes(content)
        self.stdout.write(f"{output}: {len(content)} bytes")
