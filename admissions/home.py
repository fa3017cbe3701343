"""This app's section of the home page: (template name, context) or None.

Shown to those who log candidates (clerks, administrators): the alerts of their
first subtree, as counts that link to the alerts page.
"""

from django.utils.translation import gettext as _

from organizations import access
from organizations.access import Perm
from organizations.models import Organization

from . import selectors


def section(request, today):
    paths = access.scope_paths(request.user, Perm.EDIT_ADMISSIONS)
    if paths == []:
        return None
    org = Organization.get_first_root_node() if paths is None else Organization.objects.filter(path=paths[0]).first()
    if org is None:
        return None
    counts, in_progress = selectors.alert_summary(request.user, org, today)
    labels = {
        "certificates": _("Certificates expiring"),
        "decisions": _("Admission decisions overdue"),
        "ceremonies": _("Admission ceremonies overdue"),
        "probation": _("Probation ending soon"),
        "recognition": _("Recognition overdue"),
        "stuck": _("Stuck at a step"),
    }
    items = [(labels[key], counts[key]) for key in labels]
    return "admissions/_home.html", {
        "org": org,
        "items": items,
        "total": sum(counts.values()),
        "in_progress": in_progress,
    }
