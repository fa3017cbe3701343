"""`manage.py attainment --org "<name or code>" [--year YYYY] [--as-of YYYY-MM-DD]
[--period 2025-Q2 | --from YYYY-MM-DD --to YYYY-MM-DD] --format json`."""

import orjson
from django.core.management.base import BaseCommand
from django.utils import timezone, translation

from reports.engine import attainment
from reports.serialize import attainment_json

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
        period, year, day = report_period(organization, options, timezone.localdate())
        with translation.override("vi"):
            # Every failing organization is listed: read with the answer, not again per rule.
            result = attainment(scope=organization, year=year, as_of=day, period=period, list_failing=True)
            data = attainment_json(result)
        # orjson: the same text as json.dumps(ensure_ascii=False, indent=2), in 0.06 s for the
        # 29 MB national report where json took 0.15 s (bench/RESULTS.md, twenty-seventh pass).
        self.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
