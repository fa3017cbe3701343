"""Who changed what, for django-simple-history: every app's services stamp through here."""

from django.db.models import OuterRef, Subquery

REASON_MAX = 100  # simple-history's history_change_reason column


def stamp(obj, user, reason: str) -> None:
    """Record on `obj` who makes the coming save and why."""
    obj._history_user = user
    obj._change_reason = str(reason)[:REASON_MAX]


def with_last_change(queryset):
    """`queryset` (of a model with simple-history's `history`) annotated with its rows' last
    change: `changed_at` and `changed_by` (the user's login), one subquery each, for lists
    that say who entered what and when."""
    latest = queryset.model.history.filter(id=OuterRef("pk")).order_by("-history_date", "-history_id")
    return queryset.annotate(
        changed_at=Subquery(latest.values("history_date")[:1]),
        changed_by=Subquery(latest.values("history_user__username")[:1]),
    )
