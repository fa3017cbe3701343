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
