"""`manage.py notify_due [--today YYYY-MM-DD]`, meant to run daily: tells each organization's
planners of a report due within 5 working days, and each committee's planners of a child
late with its report. Running it twice the same day (or every day) notifies once."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from admissions.workdays import add_working_days
from organizations.models import Organization
from reports.calendar import reports_due_to_their_boards
from submissions import notify, selectors
from submissions.models import ReportSubmission, Status

SOON = 5  # working days


class Command(BaseCommand):
    help = "Notify planners of reports due within 5 working days and of children late with theirs."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="YYYY-MM-DD (default: today)")

    def handle(self, *args, today=None, **options):
        try:
            today = dt.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError(f"--today {today!r} is not a date (YYYY-MM-DD).") from None
        horizon = add_working_days(today, SOON)
        made = 0
        # Organizations with a planner: those who owe reports and those who receive them;
        # one ended within the last year still owes the periods it stood through (a district
        # dissolved on 01/07/2025, its half year due on 08/07) and receives its children's.
        recent = today - dt.timedelta(days=366)
        orgs = (
            Organization.objects.filter(Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=recent))
            .filter(memberships__role__in=notify.PLANNER_ROLES)
            .distinct()
            .order_by("path")
        )
        for org in orgs:
            for due in reports_due_to_their_boards(org, today):
                if due.due_on > horizon:
                    continue
                done = ReportSubmission.objects.filter(
                    organization=org, period=due.period.key, status__in=[Status.SUBMITTED, Status.APPROVED]
                ).exists()
                if not done:
                    made += len(notify.due_soon(org, due.period, due.due_on, today))
            # Children late with the report of the latest period already due; not by a
            # committee ended since, whose planners no longer review its children's reports.
            if org.dissolved_on is not None and org.dissolved_on <= today:
                continue
            for year in (today.year - 1, today.year):
                for period in [selectors.parse_period(str(year))]:
                    rows, deadline = selectors.board(org, period=period, today=today)
                    if deadline is None or deadline.due_on >= today:
                        continue
                    late = [
                        row.organization
                        for row in rows
                        if row.late and row.status in (Status.NOT_STARTED, Status.DRAFT, Status.RETURNED)
                    ]
                    if late:
                        made += len(notify.late(org, late, period, deadline.due_on))
        self.stdout.write(f"{made} notifications.")
