"""This app's section of the home page: (template name, context) or None.

The section shows a handful of figures per organization at the top of the user's scope.
They come from the engine's answer, which for a province is megabytes of pickled
measurements: loading it from the cache on every home page cost more than the rest of
the page. So the few figures the section shows are cached on their own, under the same
data version as the engine's answers (reports/cache.py), and only one request computes
them when they are missing (common.cache's lock: the others wait for it briefly instead
of all running the engine at once, as happens when every board member logs in at 8 o'clock).
"""

import datetime as dt
from urllib.parse import urlencode

from common.cache import get_or_compute
from organizations import access
from organizations.access import Perm

from . import calendar
from .cache import attainment_cached, data_version
from .engine import Status
from .engine.results import _pct
from .report import STATUS_CLASS, STATUS_LABELS, group_same_targets

MAX_ROOTS = 3
MAX_BEHIND = 10
# How long a request waits for another one computing the same figures.
WAIT_SECONDS = 10.0


def figures_day(org, today) -> dt.date:
    """The day an organization's figures are read to: today, or for one merged or dissolved
    by today its last day, where its dashboard ends (after it, it has no figures, no target
    of its own and no status: a district dissolved in 2025 is not "behind" in 2026)."""
    return min(today, org.last_day or today)


def standing(org, today) -> dict:
    """This year's figures of one organization for the home page (no model instances: small
    to cache); for one that has ended, those of its last year to its last day."""
    day = figures_day(org, today)
    att = attainment_cached(scope=org, year=day.year, as_of=day)
    worst = Status.worst(r.status for r in att.rules) if att.rules else None
    # The targets as the report counts them: one set by two plans is one (group_same_targets).
    targets = [r for r, _plans in group_same_targets(att.rules)]
    return {
        "actual": att.actual,
        "target": att.target,
        # One that has ended admits no one any more: its candidates then went on elsewhere.
        "forecast": att.forecast if day == today else None,
        "rules": len(targets),
        "lagging": sum(1 for r in targets if r.status in Status.LAGGING),
        "worst": worst,  # a Status string, or None without rules
        "percent": _pct(att.actual, att.target),  # to one decimal, as the report
        # The committees directly below that are behind (names and ids only: small to cache);
        # none for one that has ended: they were behind on its last day, not now.
        "behind": [
            {"pk": c.org.pk, "name": c.org.name, "status": c.status}
            for c in att.children
            if c.status in Status.LAGGING and day == today
        ][:MAX_BEHIND],
    }


def standing_parts(org, today) -> tuple:
    """What the figures of `standing` are cached under (besides the data version)."""
    return ("home-standing", org.pk, org.path, today.year, today.isoformat())


def standing_cached(org, today) -> dict:
    return get_or_compute(
        standing_parts(org, today),
        lambda: standing(org, today),
        version=data_version(org),
        lock_timeout=int(WAIT_SECONDS) + 5,
        wait=WAIT_SECONDS,
    )


def section(request, today):
    """This year's standing of the organizations at the top of the user's scope."""
    roots = list(access.top_organizations(request.user)[:MAX_ROOTS])
    if not roots:
        return None
    rows = []
    for org in roots:  # at most MAX_ROOTS: a constant number of queries
        figures = standing_cached(org, today)
        worst = figures["worst"]
        day = figures_day(org, today)
        ended = day != today
        rows.append(
            {
                "org": org,
                "ended_on": org.dissolved_on if ended else None,
                "last_day": day,
                "period_query": urlencode({"year": day.year, "as_of": day.isoformat()}),
                **{name: figures[name] for name in ("actual", "target", "forecast", "rules", "lagging")},
                "percent": figures.get("percent"),
                "behind": [
                    {**c, "css": STATUS_CLASS.get(c["status"], ""), "label": STATUS_LABELS.get(c["status"], "")}
                    for c in figures.get("behind", [])
                ],
                "css": STATUS_CLASS.get(worst, ""),
                "label": STATUS_LABELS.get(worst, ""),
            }
        )
    return "reports/_home.html", {
        "rows": rows,
        "any_behind": any(row["behind"] for row in rows),
        "year": today.year,
        "calendar": reports_calendar(request.user, today),
    }


def reports_calendar(user, today) -> list[dict]:
    """For planners: per organization at the top of their planning scope, the reports it
    must send next (for which period, to whom) and those due to it from the organizations
    directly under it (reports/calendar.py). A constant number of queries per organization."""
    result = []
    for org in access.top_organizations(user, Perm.EDIT_PLANS)[:MAX_ROOTS]:
        # Owed to the board above at each period's end (one moved since: its old board's milestones).
        owed = calendar.reports_due_to_their_boards(org, today)[: calendar.SHOWN]
        expected = calendar.reports_expected(org, today)
        if owed or expected:
            result.append({"org": org, "owed": owed, "expected": expected})
    return result
