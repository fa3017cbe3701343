"""`manage.py export_report --org … --year … --format xlsx|pdf --output FILE`."""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.exports import render_export

from ._org import find_organization


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
        today = timezone.localdate()
        try:
            day = dt.date.fromisoformat(as_of) if as_of else (today if year >= today.year else dt.date(year, 12, 31))
        except ValueError:
            raise CommandError(f"--as-of {as_of!r} is not a date (YYYY-MM-DD).") from None
        content, _name, _type = render_export(
            organization=organization, year=year, as_of=day, fmt=format, keep_answer=False
        )
        Path(output).write_bytes(content)
        self.stdout.write(f"{output}: {len(content)} bytes")
