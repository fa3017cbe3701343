"""Notifications in the app (and by e-mail when settings.MAILERS has a "default" mailer): a report
returned, a report due in 5 working days, a child late. A notification with a key is made
once per (user, key): the daily command can run as often as it likes."""

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from organizations.models import Role

from .models import Notification, ReportSubmission

PLANNER_ROLES = (Role.PLANNER, Role.ADMIN)


def planners(organization):
    """The users holding the planner (or administrator) role at the organization itself."""
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(
            is_active=True,
            org_memberships__organization=organization,
            org_memberships__role__in=PLANNER_ROLES,
        )
        .distinct()
    )


def send(users, text: str, url: str = "", key: str = "") -> list[Notification]:
    """Notify each user once (per key when given); e-mail those with an address when mail is
    configured."""
    made = []
    for user in {u.pk: u for u in users if u is not None}.values():
        if key and Notification.objects.filter(user=user, key=key).exists():
            continue
        try:
            with transaction.atomic():
                made.append(Notification.objects.create(user=user, text=text[:500], link=url, key=key))
        except IntegrityError:  # made meanwhile by another run
            continue
        if "default" in settings.MAILERS and user.email:
            link = settings.SITE_URL.rstrip("/") + url if getattr(settings, "SITE_URL", "") else url
            try:
                send_mail(text[:120], f"{text}\n\n{link}", None, [user.email], using="default")
            except OSError:  # the mail server is down: the notification in the app stays
                pass
    return made


def _detail_url(submission: ReportSubmission) -> str:
    return reverse("submissions:detail", kwargs={"org_pk": submission.organization_id, "period": submission.period})


def returned(submission: ReportSubmission, reviewer, comment: str) -> None:
    from reports.periods import parse

    with translation.override("vi"):
        text = _("%(reviewer)s returned the report %(period)s of %(org)s: %(comment)s") % {
            "reviewer": reviewer.get_full_name() or reviewer.username,
            "period": parse(submission.period).label,
            "org": submission.organization.name,
            "comment": comment,
        }
    send([submission.submitted_by, *planners(submission.organization)], text, _detail_url(submission))


def late(parent, children, period, due_on: dt.date) -> list[Notification]:
    """One notice to the committee's planners per period, naming the children late with it."""
    names = ", ".join(child.name for child in children)
    with translation.override("vi"):
        text = _(
            "%(n)d organizations under %(parent)s have not submitted the report %(period)s due on %(day)s: %(names)s"
        ) % {
            "n": len(children),
            "parent": parent.name,
            "period": period.label,
            "day": due_on.strftime("%d/%m/%Y"),
            "names": names,
        }
    url = reverse("submissions:board", kwargs={"org_pk": parent.pk, "period": period.key})
    return send(planners(parent), text, url, key=f"late:{parent.pk}:{period.key}")


def due_soon(organization, period, due_on: dt.date, today: dt.date) -> list[Notification]:
    with translation.override("vi"):
        text = _("The report %(period)s of %(org)s is due on %(day)s.") % {
            "org": organization.name,
            "period": period.label,
            "day": due_on.strftime("%d/%m/%Y"),
        }
    url = reverse("submissions:detail", kwargs={"org_pk": organization.pk, "period": period.key})
    return send(planners(organization), text, url, key=f"due:{organization.pk}:{period.key}:{due_on.isoformat()}")
