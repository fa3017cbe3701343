from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """The signed-in user's unread notifications (one query)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    from submissions.models import Notification

    return Notification.objects.filter(user=user, read_at__isnull=True).count()


@register.filter
def who(user) -> str:
    """A user's full name, else the login; empty for nobody."""
    if user is None:
        return ""
    return user.get_full_name() or user.username


@register.simple_tag
def approved_report(organization, period):
    """The approved submission of `organization` for `period` whose approval locked the
    period up to the day its figures were counted to (organizations.locks.lock_on on that
    day: the period's last day, or the day a report sent earlier was counted to), or None:
    the report page then says its figures to that day are those of that report. One query
    when nothing was approved."""
    key = getattr(period, "key", "")
    if not key or ".." in key:
        return None
    from django.utils import timezone

    from organizations.locks import lock_on
    from submissions import selectors
    from submissions.models import ReportSubmission, Status
    from submissions.services import lock_source

    submission = ReportSubmission.objects.filter(organization=organization, period=key, status=Status.APPROVED).first()
    if submission is None:
        return None
    day = min(period.end, selectors.counted_to(submission) or period.end)
    lock = lock_on(organization=organization, day=day, today=timezone.localdate())
    return submission if lock is not None and lock.source == lock_source(submission) else None


@register.filter
def frozen_figures(submission) -> dict:
    from submissions.selectors import summary

    return summary(submission.snapshot if submission else None)
