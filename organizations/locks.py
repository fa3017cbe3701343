"""Closed periods: what an approved year report locks, and the one check every write makes.

A `PeriodLock` covers an organization's subtree as it stood on each record's date: a
record dated `day` of organization X is locked when X stood under the lock's organization
on `day` and `day` lies in [start, end], unless a `LockReopening` of that lock is in force
(today <= until). A reopening ends by itself; nothing has to lock the period again.

Writers call `check_unlocked` (raises ValidationError naming the lock) before creating,
changing or deleting a dated record; bulk writers read `locks_in_force` once and ask
`covering` per row.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .audit import stamp
from .models import LockReopening, Organization, PeriodLock
from .positions import path_on


def lock_period(*, organization: Organization, start: dt.date, end: dt.date, user, reason: str, source: str = "") -> PeriodLock:
    """Lock [start, end] for `organization`'s subtree (the same span twice is one lock)."""
    if end < start:
        raise ValidationError(_("The end of the period is before its start."))
    lock = PeriodLock.objects.filter(organization=organization, start=start, end=end).first()
    if lock:
        return lock
    lock = PeriodLock(
        organization=organization, start=start, end=end, reason=reason, source=source,
        locked_at=timezone.now(), locked_by=user,
    )
    stamp(lock, user, reason)
    lock.save()
    return lock


@transaction.atomic
def reopen(*, lock: PeriodLock, until: dt.date, reason: str, user, today: dt.date) -> LockReopening:
    """Lift `lock` through `until` (inclusive), for a stated reason."""
    errors = {}
    if not reason.strip():
        errors["reason"] = _("Give the reason for reopening the period.")
    if until < today:
        errors["until"] = _("The reopening must last at least until today.")
    if errors:
        raise ValidationError(errors)
    reopening = LockReopening(lock=lock, until=until, reason=reason.strip(), opened_at=timezone.now(), opened_by=user)
    stamp(reopening, user, reason)
    reopening.save()
    return reopening


def locks_in_force(*, today: dt.date, day: dt.date | None = None):
    """The locks not lifted today (covering `day` when given), with their organization."""
    open_now = LockReopening.objects.filter(lock=OuterRef("pk"), until__gte=today)
    locks = PeriodLock.objects.select_related("organization").exclude(Exists(open_now))
    if day is not None:
        locks = locks.filter(start__lte=day, end__gte=day)
    return locks


def covering(locks, *, organization: Organization, day: dt.date) -> PeriodLock | None:
    """The first of `locks` that covers a record of `organization` dated `day`."""
    candidates = [lock for lock in locks if lock.start <= day <= lock.end]
    if not candidates:
        return None
    own = path_on(organization, day)
    for lock in candidates:
        if own.startswith(path_on(lock.organization, day)):
            return lock
    return None


def lock_on(*, organization: Organization, day: dt.date, today: dt.date) -> PeriodLock | None:
    return covering(list(locks_in_force(today=today, day=day)), organization=organization, day=day)


def locked_message(lock: PeriodLock) -> str:
    return _(
        "The period %(start)s–%(end)s of %(organization)s is locked (%(reason)s). "
        "An administrator of the level above must reopen it first."
    ) % {
        "start": date_format(lock.start, "d/m/Y"),
        "end": date_format(lock.end, "d/m/Y"),
        "organization": lock.organization.name,
        "reason": lock.reason,
    }


def check_unlocked(*, organization: Organization, day: dt.date | None, today: dt.date) -> None:
    """Raise ValidationError, naming the lock, when a record of `organization` dated `day` is locked."""
    if day is None:
        return
    lock = lock_on(organization=organization, day=day, today=today)
    if lock:
        raise ValidationError(locked_message(lock), code="locked")
