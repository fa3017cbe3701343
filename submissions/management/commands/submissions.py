"""`manage.py submissions --org CODE --period 2025 [--format table|json]`: the status board of
the organization's children for the period.

JSON: a list of {org, code, period, status, late, submitted_at, approved_at, locked}; status
one of not_started, draft, submitted, returned, approved; submitted_at/approved_at ISO 8601
or null; locked: the year of the period locked for that child today, up to the day its
approved report was counted to (submissions.selectors.board)."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.management.commands._org import find_organization
from submissions import selectors

KEYS = ("org", "code", "period", "status", "late", "submitted_at", "approved_at", "locked")


def _iso(value):
    return value.isoformat() if value else None


def board_rows(organization, period, today) -> list[dict]:
    rows, _due = selectors.board(organization, period=period, today=today)
    return [
        {
            "org": row.organization.name,
            "code": row.organization.code,
            "period": period.key,
            "status": str(row.status),
            "late": row.late,
            "submitted_at": _iso(row.submission and row.submission.submitted_at),
            "approved_at": _iso(row.submission and row.submission.approved_at),
            "locked": row.locked,
        }
        for row in rows
    ]


class Command(BaseCommand):
    help = "Print where the reports of the organizations directly under one stand for a period."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="code or name of the organization")
        parser.add_argument("--period", required=True, help="2025, 2025-Q1 … 2025-Q4, 2025-6M, 2025-9M")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, org, period, format, **options):
        organization = find_organization(org)
        try:
            chosen = selectors.parse_period(period)
        except ValueError:
            raise CommandError(
                f"“{period}” is not a report period: write 2025, 2025-Q1 … 2025-Q4, 2025-6M or 2025-9M."
            ) from None
        rows = board_rows(organization, chosen, timezone.localdate())
        if format == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        width = max([len(r["org"]) for r in rows] + [12])
        self.stdout.write(
            f"{'org':<{width}}  {'code':<14} {'status':<12} {'late':<5} {'submitted':<10} {'approved':<10} locked"
        )
        for r in rows:
            self.stdout.write(
                f"{r['org']:<{width}}  {r['code']:<14} {r['status']:<12} {'yes' if r['late'] else 'no':<5} "
                f"{(r['submitted_at'] or '')[:10]:<10} {(r['approved_at'] or '')[:10]:<10} "
                f"{'yes' if r['locked'] else 'no'}"
            )
