"""`manage.py attainment --org "<name or code>" --year YYYY [--as-of YYYY-MM-DD] --format json`."""

import json

from django.core.management.base import BaseCommand
from django.utils import timezone, translation

from reports.engine import attainment
from reports.serialize import attainment_json

from ._org import find_organization, report_day


class Command(BaseCommand):
    help = "Print the attainment of every rule applying inside an organization for a year."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="code or name of the organization")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--as-of", dest="as_of", help="YYYY-MM-DD (default: today, or 31/12 of a past year)")
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args, org, year, as_of, format, **options):
        organization = find_organization(org)
        day = report_day(organization, year, as_of, timezone.localdate())
        with translation.override("vi"):
            result = attainment(scope=organization, year=year, as_of=day)
            data = attainment_json(result)
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
