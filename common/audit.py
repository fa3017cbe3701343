"""Who changed what, for django-simple-history: every app's services stamp through here."""

REASON_MAX = 100  # simple-history's history_change_reason column


def stamp(obj, user, reason: str) -> None:
    """Record on `obj` who makes the coming save and why."""
    obj._history_user = user
    obj._change_reason = str(reason)[:REASON_MAX]
