"""This app's section of the home page, for planners: this year's allocation one click away,
and the milestones due soon."""

from organizations import access
from organizations.access import Perm

from .selectors import allocations_this_year, milestones_due

DAYS_AHEAD = 30


def section(request, today):
    if access.scope_paths(request.user, Perm.EDIT_PLANS) == []:  # None: a superuser, everywhere
        return None
    return "quotas/_home.html", {
        "allocations": allocations_this_year(request.user, today.year),
        "year": today.year,
        "due": milestones_due(request.user, today, DAYS_AHEAD),
        "days": DAYS_AHEAD,
    }
