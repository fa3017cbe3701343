"""`manage.py bieu2 --org CODE --period 2025 [--from YYYY-MM-DD --to YYYY-MM-DD]
--format json|xlsx|pdf [--output F]`: the statistical form of new members (reports/bieu2.py)."""

import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from reports import periods
from reports.bieu2 import bieu2, form_json
from reports.bieu2_exports import render_pdf, render_xlsx

from ._org import find_organization


def _day(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{option} {text!r} is not a date (YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = "Print or write the statistical form of new members (Biểu 2) of an organization for a period."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="code or name of the organization")
        parser.add_argument(
            "--period", help="2025, 2025-Q1 … 2025-Q4, 2025-6M, 2025-9M (default: this year, or an ended one's last)"
        )
        parser.add_argument("--from", dest="start", help="YYYY-MM-DD (with --to, instead of --period)")
        parser.add_argument("--to", dest="end", help="YYYY-MM-DD")
        parser.add_argument("--format", choices=["json", "xlsx", "pdf"], default="json")
        parser.add_argument("--output", help="file to write (required for xlsx and pdf; json prints by default)")

    def handle(self, *args, org, period, start, end, format, output, **options):
        today = timezone.localdate()
        with translation.override("vi"):
            organization = find_organization(org)
            chosen = self._period(period, start, end, today, organization)
            if chosen.not_begun(today):
                raise CommandError(periods.not_begun_message(chosen))
            # A period it never stood in has no form (as it has no report to send), as on the page.
            not_standing = periods.not_standing_message(organization, chosen)
            if not_standing:
                raise CommandError(not_standing)
            form = bieu2(organization=organization, period=chosen, today=today)
            if format == "json":
                text = json.dumps(form_json(form), ensure_ascii=False, indent=2)
                if output:
                    Path(output).write_text(text + "\n", encoding="utf-8")
                    self.stdout.write(f"{output}: {len(text)} characters")
                else:
                    self.stdout.write(text)
                return
            if not output:
                raise CommandError(f"--format {format} needs --output FILE.")
            content = render_xlsx(form, today=today) if format == "xlsx" else render_pdf(form, today=today)
        Path(output).write_bytes(content)
        self.stdout.write(f"{output}: {len(content)} bytes")

    def _period(self, period, start, end, today, organization) -> periods.Period:
        if start or end:
            if period:
                raise CommandError("Give either --period or --from/--to, not both.")
            if not (start and end):
                raise CommandError("--from and --to go together.")
            try:
                return periods.between(_day(start, "--from"), _day(end, "--to"), checked=True)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        if not period:  # the year of the report pages (a merged or dissolved organization's last)
            return periods.choose(today, last_day=organization.last_day)[0]
        try:
            return periods.parse(period)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
