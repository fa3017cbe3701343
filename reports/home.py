"""This app's section of the home page: (template name, context) or None."""

from organizations import access, selectors

from .cache import attainment_cached
from .engine import Status
from .report import STATUS_CLASS, STATUS_LABELS

MAX_ROOTS = 3


def section(request, today):
    """This year's standing of the organizations at the top of the user's scope."""
    roots = list(selectors.tree_roots(access.scope_paths(request.user))[:MAX_ROOTS])
    if not roots:
        return None
    rows = []
    for org in roots:  # at most MAX_ROOTS: a constant number of queries
        att = attainment_cached(scope=org, year=today.year, as_of=today)
        worst = Status.worst(r.status for r in att.rules) if att.rules else None
        rows.append(
            {
                "org": org,
                "actual": att.actual,
                "target": att.target,
                "forecast": att.forecast,
                "rules": len(att.rules),
                "lagging": sum(1 for r in att.rules if r.status in (Status.BEHIND, Status.NOT_MET)),
                "css": STATUS_CLASS.get(worst, ""),
                "label": STATUS_LABELS.get(worst, ""),
            }
        )
    return "reports/_home.html", {"rows": rows, "year": today.year}
