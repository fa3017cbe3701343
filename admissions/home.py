"""This app's section of the home page: (template name, context) or None.

Shown to those who log candidates (clerks, administrators): the deadlines of their first
subtree this month, each with the days left or late and a link to record what is due, then
the alerts as counts that link to the alerts page.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from organizations import access
from organizations.access import Perm

from . import selectors
from .models import Step
from .views import act_url


def section(request, today):
    org = access.landing_organization(request.user, Perm.EDIT_ADMISSIONS)
    if org is None:
        return None
    counts, in_progress = selectors.alert_summary(request.user, organization=org, today=today)
    labels = {
        "certificates": _("Certificates expiring"),
        "decisions": _("Admission decisions overdue"),
        "ceremonies": _("Admission ceremonies overdue"),
        "probation": _("Probation ending soon"),
        "recognition": _("Recognition overdue"),
        "stuck": _("Stuck at a step"),
    }
    items = [(labels[key], counts[key]) for key in labels]
    deadlines, more = selectors.deadlines(request.user, organization=org, today=today)
    for row in deadlines:
        row["what"], row["act_url"], row["act"] = _due(row, today)
    start, end = selectors.deadline_window(today)
    return "admissions/_home.html", {
        "org": org,
        "items": items,
        "total": sum(counts.values()),
        "in_progress": in_progress,
        "deadlines": deadlines,
        "more_deadlines": more,
        "window_end": end,
    }


def _due(row, today) -> tuple[str, str, str]:
    """What falls due for a row of the deadlines, where it is recorded ("" when not yet possible), the link's text."""
    admission, candidate = row["admission"], row["candidate"]
    if admission is not None:
        ready = admission.probation_due <= today
        url = reverse("admissions:recognize", args=[candidate.pk]) if ready else ""
        return _("Recognition as a full member"), url, _("Recognize as full member")
    if candidate.step == Step.DECISION:
        return Step.CEREMONY.label, act_url(candidate), _("Log the admission")
    return Step.DECISION.label, act_url(candidate), _("Next step")
