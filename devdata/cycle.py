"""The 2025 cycle of year reports (fixtures/submissions-2025.json), through
submissions.services, once the demo's today is past the 2025 year report's deadline.
No step is dated after the demo's today (nor more than six days past the deadline).
On the reorganized tree (`seed_demo --reorganized`, seeded after the reorganization) the
reports are the commune committees' that took the dissolved districts' place."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from organizations.models import Organization
from submissions import selectors, services
from submissions.models import ReportSubmission

from . import fixtures
from .tree import demo_user

CYCLE = fixtures.load("submissions-2025")
PERIOD = CYCLE["period"]
DUC_TRONG_PLANNER = CYCLE["planner"]["username"]
REORGANIZED = CYCLE["after_reorganization"]


def _at(text: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(text))


def _user(username):
    return get_user_model().objects.filter(username=username).first()


def _steps(cycle: dict, org, period, users: dict, last_day: dt.date) -> None:
    sub = None
    for event in cycle["events"]:
        at = _at(event["at"])
        user = users[event.get("by", cycle["by"])]
        if event["action"] == "submit":
            narrative = {name: CYCLE["narrative"][name] for name in event["narrative"]}
            # The figures as they stood on the day it was sent (a report sent on 22/12 is counted to 22/12).
            sent = timezone.localtime(at).date()
            sub = services.submit(organization=org, period=period, user=user, today=sent, at=at, **narrative)
        elif event["action"] == "return":
            sub = services.return_submission(submission=sub, user=user, at=at, comment=event["comment"])
        else:  # approved, never after the demo's today
            day = min(at.date(), last_day)
            at = _at(f"{day.isoformat()}T{event['at'].split('T')[1]}")
            services.approve(submission=sub, user=user, at=at, comment=event["comment"])


def seed(stdout, reorganized: bool = False) -> None:
    today = timezone.localdate()
    moved = REORGANIZED["organizations"] if reorganized else {}
    reporting = {
        cycle["organization"]: moved.get(cycle["organization"], cycle["organization"]) for cycle in CYCLE["cycles"]
    }
    codes = list(reporting.values()) + ([] if reorganized else ["LD.DL"])
    orgs = {o.code: o for o in Organization.objects.filter(code__in=codes)}
    if len(orgs) < len(codes):
        stdout.write("submissions demo: the organizations are missing, skipped")
        return
    period = selectors.parse_period(PERIOD)
    due = selectors.deadline(orgs[reporting["LD.DD"]], period=period)
    if due is None or today <= due.due_on:
        stdout.write("submissions demo: the 2025 year report is not due yet, no cycle seeded")
        return
    planner = CYCLE["planner"]
    users = {name: _user(name) for name in ("tinh.kehoach", "donduong.kehoach")}
    users[DUC_TRONG_PLANNER] = demo_user(
        username=DUC_TRONG_PLANNER,
        full_name=planner["full_name"],
        organization=Organization.objects.get(
            code=REORGANIZED["planner_organization"] if reorganized else planner["organization"]
        ),
        role=planner["role"],
    )
    if None in users.values():
        stdout.write("submissions demo: demo users missing, skipped")
        return
    last_day = min(due.due_on + dt.timedelta(days=6), today)
    for cycle in CYCLE["cycles"]:
        org = orgs[reporting[cycle["organization"]]]
        if not ReportSubmission.objects.filter(organization=org, period=PERIOD).exists():
            _steps(cycle, org, period, users, last_day)
    names = " and ".join(orgs[code].name for code in reporting.values())
    late = "the other committees under the province" if reorganized else "Đà Lạt"
    stdout.write(
        f"submissions demo: 2025 year reports of {names} approved (the second returned once), "
        f"2025 locked for them; {late} late; login {DUC_TRONG_PLANNER} plans {orgs[reporting['LD.DT']].name}"
    )
