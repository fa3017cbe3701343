"""Closed periods: what an approved year report locks, and the one check every write makes.

A `PeriodLock` covers an organization's subtree as it stood on each record's date, and
as the locked report counted it: a record dated `day` in [start, end] of organization X is
locked when X stood under the lock's organization on `day`, or stands under it on the
lock's last day (the report's count day: a unit that moved in, or a commune merged into
one under it, counts its whole period there), unless a `LockReopening` of that lock is in
force (today <= until). A reopening ends by itself; nothing has to lock the period again.

Writers call `check_unlocked` (raises ValidationError naming the lock) before creating,
changing or deleting a dated record, with each date the change touches (the old and the
new one when a date moves). Bulk writers (imports) run their rows inside `read_once`:
the locks are read once, with the past positions of the organizations named, and every
`check_unlocked` of the services they call answers from that without a query.

The date of a change is the date of the event it records: an admission's ceremony, a
step's date, a withdrawal's date, a recognition's or a striking off's date (a 2025
admission recognized in 2026 is a 2026 event), a member count's `as_of`.
"""

import datetime as dt
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from common.audit import stamp

from .models import LockReopening, Organization, OrganizationPath, PeriodLock
from .positions import path_on, successors_on

STEP = Organization.steplen


def lock_period(
    *,
    organization: Organization,
    start: dt.date,
    end: dt.date,
    user,
    reason: str,
    source: str = "",
    at: dt.datetime | None = None,
) -> PeriodLock:
    """Lock [start, end] for `organization`'s subtree (the same span twice is one lock),
    as of `at` (now by default; the approval's time when an approval locks it)."""
    if end < start:
        raise ValidationError(_("The end of the period is before its start."))
    lock = PeriodLock.objects.filter(organization=organization, start=start, end=end).first()
    if lock:
        return lock
    lock = PeriodLock(
        organization=organization,
        start=start,
        end=end,
        reason=reason,
        source=source,
        locked_at=at or timezone.now(),
        locked_by=user,
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


class LockSet:
    """The locks in force on `today`, read once, for a writer of many rows.

    It answers `covering` from memory: the past positions (OrganizationPath) of the
    organizations asked about are read once each (`prefetch` reads many in one query)."""

    def __init__(self, *, today: dt.date, first: dt.date | None = None, last: dt.date | None = None):
        """`first`, `last`: only the locks over some day of that span (a board of a year)."""
        self.today = today
        locks = locks_in_force(today=today)
        if first is not None:
            locks = locks.filter(end__gte=first)
        if last is not None:
            locks = locks.filter(start__lte=last)
        self.locks = list(locks)
        self._past: dict[int, list[tuple[dt.date | None, dt.date, str]]] = {}
        self._successors: dict[dt.date, dict[int, int]] = {}
        self._organizations: dict[int, Organization] = {}
        self._chains: dict[int, Organization] = {}  # prefetch_successors: along chains of mergers
        if self.locks:
            self.prefetch([lock.organization for lock in self.locks])

    def __iter__(self):
        return iter(self.locks)

    def __bool__(self) -> bool:
        return bool(self.locks)

    def prefetch(self, organizations) -> None:
        pks = {org.pk for org in organizations} - set(self._past)
        if not pks or not self.locks:
            return
        for pk in pks:
            self._past[pk] = []
        rows = OrganizationPath.objects.filter(organization_id__in=pks).order_by("valid_until")
        for pk, valid_from, valid_until, path in rows.values_list(
            "organization_id", "valid_from", "valid_until", "path"
        ):
            self._past[pk].append((valid_from, valid_until, path))

    def past(self, pk: int) -> list[tuple[dt.date | None, dt.date, str]]:
        """The past paths of a prefetched organization: (valid from, valid until, path)."""
        return self._past.get(pk, [])

    def path_on(self, organization: Organization, day: dt.date) -> str:
        """As positions.path_on, from memory: the first past path whose interval holds `day`."""
        self.prefetch([organization])
        for valid_from, valid_until, path in self._past.get(organization.pk, ()):
            if valid_until > day and (valid_from is None or valid_from <= day):
                return path
        return organization.path

    def prefetch_successors(self, organizations) -> None:
        """The organizations the merged ones of `organizations` were merged into, along their
        chains (one query a link, usually one), with their past paths: `successor` then
        answers for any day from memory, not with one read of the mergers per day asked about
        and one per successor (a board of many merged children). Nothing without locks."""
        if not self.locks:
            return
        found = {org.pk: org for org in organizations}
        wanted = {org.merged_into_id for org in found.values() if org.merged_into_id is not None} - set(found)
        while wanted:  # each link of the chains (a merger's successor merged in turn)
            into = Organization.objects.in_bulk(wanted)
            found.update(into)
            wanted = {org.merged_into_id for org in into.values() if org.merged_into_id is not None} - set(found)
        self._chains.update(found)
        self.prefetch(found.values())

    def _along_chain(self, organization: Organization, day: dt.date) -> Organization | None:
        """Its successor on `day` along the chains prefetch_successors read; None when the
        chain was not read to its end that day."""
        if organization.pk not in self._chains:
            return None
        current, seen = self._chains[organization.pk], {organization.pk}
        while current.merged_into_id is not None and current.dissolved_on is not None and current.dissolved_on <= day:
            if current.merged_into_id not in self._chains or current.merged_into_id in seen:
                return None  # not read with the chains (or a cycle, which cannot be saved)
            seen.add(current.merged_into_id)
            current = self._chains[current.merged_into_id]
        return current

    def successor(self, organization: Organization, day: dt.date) -> Organization:
        """As `successor`, from memory: along the chains prefetch_successors read, else the
        mergers read once per day asked about."""
        found = self._along_chain(organization, day)
        if found is not None:
            return found
        if day not in self._successors:
            self._successors[day] = successors_on(day)
        pk = self._successors[day].get(organization.pk)
        if pk is None:
            return organization
        if pk not in self._organizations:
            self._organizations[pk] = Organization.objects.get(pk=pk)
        return self._organizations[pk]


_active: ContextVar[LockSet | None] = ContextVar("partyplans_locks", default=None)


@contextmanager
def read_once(*, today: dt.date, organizations=()):
    """Inside the block, every `check_unlocked` for `today` answers from locks read once
    (an import: one read for the whole file, not one per row)."""
    locks = LockSet(today=today)
    locks.prefetch(organizations)
    token = _active.set(locks)
    try:
        yield locks
    finally:
        _active.reset(token)


def successor(organization: Organization, day: dt.date) -> Organization:
    """The organization whose figures count `organization`'s on `day`: itself, or the end
    of its chain of mergers effective by then."""
    if organization.merged_into_id is None or organization.dissolved_on is None or organization.dissolved_on > day:
        return organization
    pk = successors_on(day).get(organization.pk)
    return organization if pk is None else Organization.objects.get(pk=pk)


def covering(locks, *, organization: Organization, day: dt.date) -> PeriodLock | None:
    """The first of `locks` (a list, or a LockSet) that covers a record of `organization`
    dated `day`: where it stood that day, or where the locked report counts it (its place,
    or its successor's, on the lock's last day)."""
    candidates = [lock for lock in locks if lock.start <= day <= lock.end]
    if not candidates:
        return None
    memory = isinstance(locks, LockSet)
    where = locks.path_on if memory else path_on
    own = where(organization, day)
    for lock in candidates:
        if own.startswith(where(lock.organization, day)):
            return lock
    for lock in candidates:
        merged = organization.merged_into_id is not None and (organization.dissolved_on or day) <= lock.end
        counted = (
            (locks.successor(organization, lock.end) if memory else successor(organization, lock.end))
            if merged
            else organization
        )
        if where(counted, lock.end).startswith(where(lock.organization, lock.end)):
            return lock
    return None


def covers_between(
    locks: LockSet, lock: PeriodLock, *, organization: Organization, first: dt.date, last: dt.date
) -> bool:
    """Whether `lock` covers a record of `organization` dated some day from `first` to `last`,
    by `covering`'s rule, from memory: where it stood on a day of the lock (checked on the
    days its place, or the lock's organization's, changed), or where the locked report
    counts it (its place, or its successor's, on the lock's last day). A board of reports
    flags a child locked as its records are refused."""
    first, last = max(first, lock.start), min(last, lock.end)
    if first > last:
        return False
    merged = organization.merged_into_id is not None and organization.dissolved_on is not None
    counted = (
        locks.successor(organization, lock.end) if merged and organization.dissolved_on <= lock.end else organization
    )
    if locks.path_on(counted, lock.end).startswith(locks.path_on(lock.organization, lock.end)):
        return True
    days = {first}
    for pk in (organization.pk, lock.organization.pk):
        for valid_from, valid_until, _path in locks.past(pk):
            days.update(d for d in (valid_from, valid_until) if d is not None and first <= d <= last)
    return any(
        locks.path_on(organization, day).startswith(locks.path_on(lock.organization, day)) for day in sorted(days)
    )


def lock_on(*, organization: Organization, day: dt.date, today: dt.date) -> PeriodLock | None:
    active = _active.get()
    if active is not None and active.today == today:
        return covering(active, organization=organization, day=day)
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


def check_days_unlocked(*, organization: Organization, days, today: dt.date) -> None:
    """`check_unlocked` for every date of `days` (a change touching several dates: a date
    moved, or a record whose every step goes), reading the locks once."""
    days = sorted({day for day in days if day is not None})
    if not days:
        return
    if _active.get() is not None and _active.get().today == today:
        for day in days:
            check_unlocked(organization=organization, day=day, today=today)
        return
    with read_once(today=today, organizations=[organization]):
        for day in days:
            check_unlocked(organization=organization, day=day, today=today)


def check_span_unlocked(*, organization: Organization, first: dt.date, last: dt.date, today: dt.date) -> None:
    """Raise ValidationError, naming the lock, when a lock in force covers a record of
    `organization` dated any day from `first` to `last` (`covers_between`: a count entered
    for a whole year, whose part of the year a lock covers only while the organization
    stood under its committee)."""
    active = _active.get()
    found = active if active is not None and active.today == today else LockSet(today=today, first=first, last=last)
    for lock in found:
        if covers_between(found, lock, organization=organization, first=first, last=last):
            raise ValidationError(locked_message(lock), code="locked")


def span_label(lock: PeriodLock) -> str:
    """“Năm 2025” for a calendar year, else “Kỳ 01/03/2025–31/05/2025”."""
    if lock.start == dt.date(lock.start.year, 1, 1) and lock.end == dt.date(lock.start.year, 12, 31):
        return _("Year %(year)d") % {"year": lock.start.year}
    return _("Period %(start)s–%(end)s") % {
        "start": date_format(lock.start, "d/m/Y"),
        "end": date_format(lock.end, "d/m/Y"),
    }


def banner_locks(*, organization: Organization, today: dt.date, limit: int = 5) -> list[PeriodLock]:
    """The locks in force today over `organization`, above it or below it, in one query: what
    a form entering records there tells its user before they type."""
    above = [organization.path[:i] for i in range(STEP, len(organization.path) + 1, STEP)]
    near = Q(organization__path__in=above) | Q(organization__path__startswith=organization.path)
    found = list(locks_in_force(today=today).filter(near).order_by("-end", "organization__path")[:limit])
    for lock in found:
        lock.label = span_label(lock)
    return found


def reopen_parent_path(lock: PeriodLock) -> str | None:
    """The path of the organization whose administrators may reopen `lock` (None: a root's lock)."""
    parent = lock.organization.path[:-STEP]
    return parent or None


def in_force(lock: PeriodLock, *, today: dt.date) -> bool:
    """Whether `lock` holds today (no reopening of it lasts through today); reads
    `lock.reopenings.all()`, so prefetch them for a list."""
    return not any(r.until >= today for r in lock.reopenings.all())


# ---------------------------------------------------------------- reads for the lock page


def may_reopen(user, lock: PeriodLock) -> bool:
    """Only an administrator of the organization above the lock's may reopen it."""
    from .access import Perm, scope_paths

    parent = reopen_parent_path(lock)
    if parent is None:
        return False
    paths = scope_paths(user, Perm.MANAGE)
    return paths is None or any(parent.startswith(p) for p in paths)


def page_locks(*, organization: Organization) -> list[PeriodLock]:
    """The locks over `organization`'s subtree: those of it and above it (covering all of it)
    and those of organizations below it, newest period first, with their reopenings (two queries)."""
    from django.db.models import Prefetch

    above = [organization.path[:i] for i in range(STEP, len(organization.path) + 1, STEP)]
    reopenings = LockReopening.objects.select_related("opened_by").order_by("-opened_at", "-pk")
    return list(
        PeriodLock.objects.filter(Q(organization__path__in=above) | Q(organization__path__startswith=organization.path))
        .select_related("organization", "locked_by")
        .prefetch_related(Prefetch("reopenings", queryset=reopenings))
        .order_by("-end", "organization__path")
    )


# What the page lists of the changes made while a reopening was in force: per model, the
# way to its organization's path and its date.
CHANGED = (
    ("admissions.Admission", "organization__path", "ceremony_date", "organization"),
    ("admissions.StepRecord", "candidate__organization__path", "date", "candidate__organization"),
    ("organizations.MemberCount", "organization__path", "as_of", "organization"),
)


def _window(reopening: LockReopening):
    """From the reopening to the end of its last day, in the site's time zone."""
    end = dt.datetime.combine(reopening.until + dt.timedelta(days=1), dt.time.min)
    return reopening.opened_at, timezone.make_aware(end)


def changes_while_reopened(locks: list[PeriodLock], *, within: Organization, limit: int = 200) -> dict[int, list]:
    """For each reopening (by pk): the history rows of admissions, steps and member counts
    dated inside its lock, under both the lock's organization and `within`, changed between
    its opening and the end of its last day, newest first (one query per model)."""
    from django.apps import apps

    windows = []
    for lock in locks:
        lock_path = lock.organization.path
        path = within.path if within.path.startswith(lock_path) else lock_path
        for reopening in lock.reopenings.all():
            windows.append((reopening, lock, path, *_window(reopening)))
    found: dict[int, list] = {reopening.pk: [] for reopening, *_rest in windows}
    if not windows:
        return found
    for label, path_field, date_field, org_field in CHANGED:
        history = apps.get_model(label).history.model
        query = Q()
        for _reopening, lock, path, start, end in windows:
            query |= Q(
                history_date__gte=start,
                history_date__lt=end,
                **{f"{path_field}__startswith": path, f"{date_field}__gte": lock.start, f"{date_field}__lte": lock.end},
            )
        rows = history.objects.filter(query).select_related("history_user", org_field).order_by("-history_date")
        if label == "admissions.StepRecord":
            rows = rows.select_related("candidate")
        for row in rows[:limit]:
            day = getattr(row, date_field)
            organization = row.candidate.organization if label == "admissions.StepRecord" else row.organization
            for reopening, lock, path, start, end in windows:
                if (
                    start <= row.history_date < end
                    and organization.path.startswith(path)
                    and lock.start <= day <= lock.end
                ):
                    found[reopening.pk].append(
                        {"model": label, "record": row, "day": day, "organization": organization}
                    )
    for rows in found.values():
        rows.sort(key=lambda change: change["record"].history_date, reverse=True)
    return found
