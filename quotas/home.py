"""This app's section of the home page: milestones due soon, for planners."""

from organizations import access
from organizations.access import Perm

from .selectors import milestones_due

DAYS_AHEAD = 30


def section(request, today):
    if access.scope_paths(request.user, Perm.EDIT_PLANS) == []:  # None: a superuser, everywhere
        return None
    return "quotas/_home.html", {"due": milestones_due(request.user, today, DAYS_AHEAD), "days": DAYS_AHEAD}
