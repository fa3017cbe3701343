"""`manage.py export_report --org … --year … --format xlsx|pdf --output FILE`."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone

from reports.exports import render_export

from ._org import find_organization, report_day


class Command(BaseCommand):
    help = "Write the attainment report of an organization for a year as .xlsx or .pdf."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--as-of", dest="as_of")
        parser.add_argument("--format", choices=["xlsx", "pdf"], required=True)
        parser.add_argument("--output", required=True)

    def handle(self, *args, org, year, as_of, format, output, **options):
        organization = find_organization(org)
        day = report_day(organization, year, as_of, timezone.localdate())
        content, _name, _type = render_export(
            organization=organization, year=year, as_of=day, fmt=format, keep_answer=False
        )
        Path(output).write_bytes(content)
        self.stdout.write(f"{output}: {len(content)} bytes")
