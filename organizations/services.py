"""Writes to the organization tree. Views, imports, commands and tests call these."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Max, Min, OuterRef, Q, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import stamp as _stamp

from .models import MemberCount, Organization, OrganizationPath
from .nesting import check_nesting
from .selectors import path_as_of
from .signals import organization_dissolving, organization_merged, organization_refounding, subtree_moved


def _because(action: str, reason: str) -> str:
    """The history reason of a change: what the service did, after why (a decision) when given.

    The why comes first so that simple-history's 100 characters keep it."""
    return f"{reason}: {action}" if reason else action


def _save(organization: Organization, user, action: str, reason: str) -> Organization:
    """Save a change with its history note (`_because`)."""
    _stamp(organization, user, _because(action, reason))
    organization.save()
    return organization


def _day(on_date: dt.date) -> str:
    return on_date.strftime("%d/%m/%Y")


def _check_tree_day(*organizations: Organization, day: dt.date, today: dt.date) -> None:
    """A change of the tree dated `day` (a founding, move, merger or dissolution) changes the
    figures of every report counted on a day after it, in the tree of that day: refused when
    `day` lies in a period locked for one of `organizations` as it stood then (the same
    check, and message, as every dated record: organizations.locks)."""
    from . import locks

    for organization in organizations:
        locks.check_unlocked(organization=organization, day=day, today=today)


def _check_founded(*organizations: Organization, day: dt.date) -> None:
    """A move or merger dated `day` involves only organizations founded by then: the tree
    of that day would otherwise hold one that did not exist yet."""
    for organization in organizations:
        if organization.founded_on and day < organization.founded_on:
            raise ValidationError(
                _("%(name)s was founded on %(founded)s: a change dated %(day)s cannot involve it.")
                % {"name": organization.name, "founded": _day(organization.founded_on), "day": _day(day)}
            )


def _check_no_child_left(organization: Organization, day: dt.date) -> None:
    """A merger or dissolution dated `day` ends `organization` then: refused while one of its
    children stood under it after that day (ended later, its end entered first: a merger only
    moves the children still standing), which the tree of those days would leave under an
    organization that had ended, its figures under no row of the reports."""
    children = Organization.objects.get_children(organization)
    child = children.filter(dissolved_on__gt=day).order_by("-dissolved_on", "path").first()  # the last to end
    if child is not None:
        raise ValidationError(
            _(
                "%(child)s stood under %(name)s until it ended on %(end)s: a change dated %(day)s would leave it "
                "under an organization that had ended. Date the change from %(end)s."
            )
            % {"child": child.name, "name": organization.name, "end": _day(child.dissolved_on), "day": _day(day)}
        )


def check_founded_under(parent: Organization | None, founded_on: dt.date | None, message: str | None = None) -> None:
    """Without a founding date an organization stands in every report of every day: under a
    parent founded on a day, it would stand there before its parent did. The one rule of a
    founding (organization_build), a new founding date (organization_update) and the tree
    import, whose rows have none; `message` (with %(parent)s and %(day)s) says what to do
    where the default's advice does not fit."""
    if parent is not None and parent.founded_on is not None and (founded_on is None or founded_on < parent.founded_on):
        if message is None:
            message = _(
                "%(parent)s was founded on %(day)s: an organization under it was founded on that day or later."
                " Enter its founding date."
            )
        raise ValidationError({"founded_on": message % {"parent": parent.name, "day": _day(parent.founded_on)}})


def _parent_on(organization: Organization, day: dt.date | None) -> Organization | None:
    """The organization `organization` stood under on `day` (None: on the first day of the
    records, where one without a founding date stood). Never moved, it is today's parent;
    otherwise the holder of its path of that day minus the last step, which no other
    organization ever held (a path is never given twice: last_steps)."""
    if not organization.past_paths.exists():
        return Organization.objects.get_parent(organization, update=True)
    day = day or dt.date.min
    path = Organization.objects.filter(pk=organization.pk).annotate(p=path_as_of(day)).values_list("p", flat=True)[0]
    parent_path = path[: -Organization.steplen]
    if not parent_path:
        return None
    held = OrganizationPath.objects.filter(organization=OuterRef("pk"), path=parent_path)
    holders = Organization.objects.filter(Q(path=parent_path) | Exists(held)).annotate(p=path_as_of(day))
    return holders.filter(p=parent_path).first()


def _children_since(organization: Organization) -> list[tuple[Organization, dt.date | None]]:
    """Every organization that stood directly under `organization` on some day, with the
    first such day (None: since before the records began). Read from the paths: those it
    holds or held (never another's) and where each child sat from when."""
    steplen = Organization.steplen
    held = {organization.path, *organization.past_paths.values_list("path", flat=True)}
    starts: dict[int, list[dt.date | None]] = {}
    past = (
        OrganizationPath.objects.annotate(parent_path=Substr("path", 1, Length("path") - steplen))
        .filter(parent_path__in=held)
        .values_list("organization_id", "valid_from")
    )
    for pk, valid_from in past:
        starts.setdefault(pk, []).append(valid_from)
    children = {child.pk: child for child in Organization.objects.get_children(organization)}
    last_moves = dict(
        OrganizationPath.objects.filter(organization_id__in=list(children))
        .values("organization_id")
        .annotate(last=Max("valid_until"))
        .values_list("organization_id", "last")
    )
    for pk in children:  # where they sit now, since their last move
        starts.setdefault(pk, []).append(last_moves.get(pk))
    others = Organization.objects.in_bulk([pk for pk in starts if pk not in children])
    result = []
    for pk, days in starts.items():
        child = children.get(pk) or others[pk]
        since = None if None in days else min(days)
        if child.founded_on is not None and (since is None or since < child.founded_on):
            since = child.founded_on
        result.append((child, since))
    return result


def _founded_too_late(organization: Organization, founded_on: dt.date) -> str | None:
    """Why a later founding date is refused, or None: the organization took part in the tree
    of an earlier day. An organization stood under it (a child is not older than its
    parent), one was merged into it, it was moved (a merger or move never involves an
    organization before its founding), or it has a member count (taken only on a day it
    stood)."""
    name = organization.name
    for child, since in sorted(_children_since(organization), key=lambda pair: (pair[1] or dt.date.min, pair[0].path)):
        if since is None:
            return _(
                "%(child)s has stood under %(name)s since before the records began (it has no founding date):"
                " %(name)s cannot be given a founding date. Enter the founding date of %(child)s first."
            ) % {"child": child.name, "name": name}
        if since < founded_on:
            return _("%(child)s stood under %(name)s from %(day)s: %(name)s cannot be founded later than that day.") % {
                "child": child.name,
                "name": name,
                "day": _day(since),
            }
    merged = Organization.objects.filter(merged_into=organization, dissolved_on__lt=founded_on)
    source = merged.order_by("dissolved_on").first()
    if source is not None:
        return _("%(source)s was merged into %(name)s on %(day)s: %(name)s cannot be founded later than that day.") % {
            "source": source.name,
            "name": name,
            "day": _day(source.dissolved_on),
        }
    moved = organization.past_paths.filter(valid_until__lt=founded_on).order_by("valid_until").first()
    if moved is not None:
        above = _moved_with(moved)
        if above is not None:
            return _(
                "%(name)s was moved with %(above)s, the organization above it, on %(day)s:"
                " it cannot be founded later than that day."
            ) % {"name": name, "above": above.name, "day": _day(moved.valid_until)}
        return _("%(name)s was moved on %(day)s: it cannot be founded later than that day.") % {
            "name": name,
            "day": _day(moved.valid_until),
        }
    counts = MemberCount.objects.filter(organization=organization, as_of__lt=founded_on)
    counted = counts.aggregate(first=Min("as_of"))["first"]
    if counted is not None:
        return _("%(name)s has a member count on %(day)s: it cannot be founded later than that day.") % {
            "name": name,
            "day": _day(counted),
        }
    return None


def _moved_with(row: OrganizationPath) -> Organization | None:
    """The organization above the one of `row` whose move carried it along (a past path of
    that day of one of its ancestors then, the topmost), or None: it was moved itself."""
    steplen = Organization.steplen
    above = [row.path[:end] for end in range(steplen, len(row.path), steplen)]
    carrier = (
        OrganizationPath.objects.filter(valid_until=row.valid_until, path__in=above)
        .select_related("organization")
        .order_by("path")
        .first()
    )
    return carrier.organization if carrier is not None else None


def organization_build(
    *,
    parent: Organization | None,
    name: str,
    code: str,
    form: str,
    sector: str,
    founded_on: dt.date | None = None,
    note: str = "",
    is_invented: bool = False,
    user=None,
    reason: str = "",
    check_code: bool = True,
    today: dt.date | None = None,
) -> Organization:
    """The checks of a new organization, and the organization built (not saved, not placed
    in the tree): what `organization_create` saves and the tree import writes in bulk.
    `check_code=False` when the caller has checked the code's uniqueness for many at once."""
    if parent is not None and not parent.is_active:
        raise ValidationError(_("Cannot add an organization under a dissolved organization."))
    check_founded_under(parent, founded_on)
    if parent is not None and founded_on is not None:
        _check_tree_day(parent, day=founded_on, today=today or timezone.localdate())
    organization = Organization(
        name=name.strip(),
        code=code.strip(),
        form=form,
        sector=sector,
        founded_on=founded_on,
        note=note,
        is_invented=is_invented,
    )
    organization.full_clean(
        exclude=["path", "depth", "numchild", "search_name"],
        validate_unique=check_code,
        validate_constraints=check_code,
    )
    # (the tree import builds its rows with parent=None and checks their parents itself)
    check_nesting(organization.form, parent.form if parent is not None else None)
    _stamp(organization, user, _because(_("created"), reason))
    return organization


def last_steps(parent_paths) -> dict[str, int]:
    """{parent path: the highest step a child of it holds now or held before a move}: the
    next child takes the step after it. (Treebeard takes the step after the last child's
    now, giving again the path of a child that moved away: two organizations would then
    stand at one path on the days before that move, and the reports of those days would
    mix their figures.)"""
    parent_paths = set(parent_paths)
    steplen = Organization.steplen
    last: dict[str, int] = {}
    depths = {len(path) // steplen + 1 for path in parent_paths}
    children = (Organization.objects.filter(depth__in=depths), OrganizationPath.objects.all())
    for queryset in children:
        rows = (
            queryset.annotate(parent_path=Substr("path", 1, Length("path") - steplen))
            .filter(parent_path__in=parent_paths)
            .values("parent_path")
            .annotate(last=Max("path"))
            .values_list("parent_path", "last")
        )
        for parent_path, path in rows:
            last[parent_path] = max(last.get(parent_path, 0), Organization._str2int(path[-steplen:]))
    return last


def _never_a_past_path(organization: Organization) -> None:
    """Give `organization` (just added or moved by treebeard, with its subtree) the step after
    every one its parent's children ever held, when its path is one another organization
    held before a move (see last_steps)."""
    path = organization.path
    held = OrganizationPath.objects.filter(path=path).exclude(organization=organization)
    if organization.depth == 1 or not held.exists():
        return
    parent_path = path[: -Organization.steplen]
    step = last_steps([parent_path])[parent_path] + 1
    fresh = Organization._get_path(parent_path, organization.depth, step)
    rest = Substr("path", len(path) + 1)
    Organization.objects.filter(path__startswith=path).update(path=Concat(Value(fresh), rest))
    organization.refresh_from_db()


@transaction.atomic
def organization_create(*, parent: Organization | None, **fields) -> Organization:
    organization = organization_build(parent=parent, **fields)
    if parent is None:
        return Organization.objects.add_root(instance=organization)
    organization = Organization.objects.add_child(parent, instance=organization)
    _never_a_past_path(organization)
    return organization


@transaction.atomic
def organization_update(
    *,
    organization: Organization,
    user=None,
    reason: str = "",
    changes_from: dt.date | None = None,
    today: dt.date | None = None,
    name_correction: bool = False,
    **fields,
) -> Organization:
    """Edit an organization. A new name, form or sector takes effect on `changes_from`
    (default today): reports of the days before it keep the old ones (_date_change). With
    `name_correction` the new name corrects a misspelt one: no report keeps the old one
    (the edit's history does)."""
    allowed = {"name", "code", "form", "sector", "founded_on", "note"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"Cannot update {sorted(unknown)} here")
    before = Organization.objects.filter(pk=organization.pk).values("name", "form", "sector", "founded_on").first()
    for name, value in fields.items():
        setattr(organization, name, value)
    organization.full_clean(exclude=["path", "depth", "numchild", "search_name"])
    today = today or timezone.localdate()
    founded_on, was_founded_on = organization.founded_on, before["founded_on"]
    if founded_on != was_founded_on:
        # Checked against the parent it stood under on its new founding day (a cell a merger
        # handed to a commune founded on 01/07/2025 was founded under another one).
        message = None
        if founded_on is not None:  # (cleared, the default's advice fits: enter one)
            message = _(
                "%(parent)s was founded on %(day)s: an organization under it cannot be founded before that day."
            )
        check_founded_under(_parent_on(organization, founded_on), founded_on, message)
        if founded_on is not None and (was_founded_on is None or founded_on > was_founded_on):
            organization_refounding.send(sender=Organization, organization=organization, founded_on=founded_on)
            if too_late := _founded_too_late(organization, founded_on):
                raise ValidationError({"founded_on": too_late})
        _check_founding_unlocked(organization, was_founded_on, founded_on, today)
    if organization.form != before["form"]:
        _check_form_fits(organization)
    day = changes_from or today
    if (organization.form, organization.sector) != (before["form"], before["sector"]):
        _date_change(organization, organization.past_kinds, day, today, form=before["form"], sector=before["sector"])
    if organization.name != before["name"] and not name_correction:
        _date_change(organization, organization.past_names, day, today, name=before["name"])
    return _save(organization, user, _("edited"), reason)


def _check_founding_unlocked(organization: Organization, old: dt.date | None, new: dt.date | None, today) -> None:
    """A new founding date changes the figures of the reports counted on the days between the
    old and the new one (the organization stands in them, or no longer; from the first day of
    the records when one is None): refused when a lock covers the organization on the earlier
    date (the other when one is None, as a move is checked on its day) or on the first day of
    a locked period that begins between them."""
    from . import locks

    dates = sorted(day for day in (old, new) if day is not None)
    lower, upper = (dates[0], dates[1]) if len(dates) == 2 else (None, dates[0])
    _check_tree_day(organization, day=dates[0], today=today)
    starts = {
        lock.start
        for lock in locks.locks_in_force(today=today)
        if (lower is None or lower < lock.start) and lock.start < upper
    }
    locks.check_days_unlocked(organization=organization, days=starts, today=today)


def _date_change(organization: Organization, past, day: dt.date, today: dt.date, **old) -> None:
    """A new name, or a new form or sector, takes effect on `day`: the old one is kept
    until then (`past`: the organization's PastName or PastKind rows, `old` their fields),
    so the reports of earlier days keep it (rules select by form and sector; a signed
    report names organizations as they were called). Refused in the future or before the
    organization's last such change; a new form or sector also inside a period locked for
    it (its figures from that day on change: the same check as a move). Dated on or before
    the founding, nothing is kept: a correction, it never had the old one."""
    naming = "name" in old
    if day > today:
        raise ValidationError(
            _("A new name cannot take effect in the future.")
            if naming
            else _("A new form or sector cannot take effect in the future.")
        )
    last = past.aggregate(last=Max("valid_until"))["last"]
    if last is not None and day < last:
        message = (
            _("The name was already changed on %(date)s; a new name cannot be dated before that day.")
            if naming
            else _("The form or sector was already changed on %(date)s; a new change cannot be dated before that day.")
        )
        raise ValidationError(message % {"date": _day(last)})
    if organization.founded_on and day <= organization.founded_on:
        return
    if not naming:
        _check_tree_day(organization, day=day, today=today)
    if last != day:  # a second change the same day: what it was before that day is kept already
        past.create(valid_until=day, **old)


def _check_form_fits(organization: Organization) -> None:
    """A new form the organization's parent and active children allow (organizations.nesting);
    checked only when the form changes, so a tree stored before the rule stays editable."""
    parent = Organization.objects.get_parent(organization, update=True)
    check_nesting(organization.form, parent.form if parent is not None else None)
    for child in Organization.objects.get_children(organization).filter(dissolved_on__isnull=True):
        check_nesting(child.form, organization.form, name=child.name)


def _last_moves(root: Organization) -> tuple[list[tuple[int, str]], dict[int, dt.date]]:
    """`root`'s subtree as [(pk, path)], and {pk: the day of its last move} for those moved."""
    subtree = list(Organization.objects.get_tree(root).values_list("pk", "path"))
    last_until = dict(
        OrganizationPath.objects.filter(organization_id__in=[pk for pk, _path in subtree])
        .values("organization_id")
        .annotate(last=Max("valid_until"))
        .values_list("organization_id", "last")
    )
    return subtree, last_until


def _check_move_day(organization: Organization, on_date: dt.date, last_until: dict[int, dt.date]) -> None:
    """A move is not dated before the organization's last move, nor before the last move of
    an organization under it: that one's path history after `on_date` would be wrong (it
    sat elsewhere until its own move). The same day is fine, in any order: a reorganization
    merges a commune into another, moves the other under the province and a cell of it
    elsewhere, all on one date, and the tree of that day is the one the rows leave."""
    last = last_until.get(organization.pk)
    if last is not None and on_date < last:
        raise ValidationError(
            _("The organization was already moved on %(date)s; a new move cannot be dated before that day.")
            % {"date": _day(last)}
        )
    later = [(day, pk) for pk, day in last_until.items() if day > on_date]
    if later:
        day, pk = max(later)
        raise ValidationError(
            _(
                "%(name)s, under this organization, was moved on %(date)s; a move of the organization"
                " cannot be dated before that day."
            )
            % {"name": Organization.objects.get(pk=pk).name, "date": _day(day)}
        )


def _record_past_paths(on_date: dt.date, subtree, last_until) -> dict[int, str]:
    """Remember where the subtree's organizations sat until `on_date`; returns {pk: path}.
    One moved already on that same day sat there for no day: nothing to remember; nor for
    an organization under the moved one founded on or after `on_date` (the move dated back):
    founded at the new place, it never stood at the old one (a row would say it moved
    before its founding, and refuse a later founding date: _founded_too_late). Without a
    row, its path of every day is today's (path_as_of), right from its founding on."""
    below = [pk for pk, _path in subtree[1:]]  # (get_tree lists the moved organization first)
    later = set(Organization.objects.filter(pk__among=set(below), founded_on__gte=on_date).values_list("pk", flat=True))
    OrganizationPath.objects.bulk_create(
        OrganizationPath(organization_id=pk, path=path, valid_from=last_until.get(pk), valid_until=on_date)
        for pk, path in subtree
        if last_until.get(pk) != on_date and pk not in later
    )
    return dict(subtree)


@transaction.atomic
def organization_move(
    *,
    organization: Organization,
    new_parent: Organization,
    on_date: dt.date,
    today: dt.date,
    user=None,
    reason: str = "",
) -> Organization:
    """Put an organization (with its subtree) under another parent from `on_date`."""
    organization.refresh_from_db()
    new_parent.refresh_from_db()
    if new_parent.path.startswith(organization.path):
        raise ValidationError(_("An organization cannot be moved under itself or its own subtree."))
    if organization.parent_path() == new_parent.path:
        raise ValidationError(_("The organization is already under this parent."))
    if not organization.is_active or not new_parent.is_active:
        raise ValidationError(_("Dissolved organizations cannot be moved or receive children."))
    if on_date > today:
        raise ValidationError(_("The date of a move cannot be in the future."))
    check_nesting(organization.form, new_parent.form)
    _check_tree_day(organization, new_parent, day=on_date, today=today)
    _check_founded(organization, new_parent, day=on_date)
    subtree, last_until = _last_moves(organization)
    _check_move_day(organization, on_date, last_until)
    old_paths = _record_past_paths(on_date, subtree, last_until)
    Organization.objects.move(organization, new_parent, "last-child")
    organization.refresh_from_db()
    _never_a_past_path(organization)
    new_paths = dict(Organization.objects.get_tree(organization).values_list("pk", "path"))
    subtree_moved.send(
        sender=Organization, paths={pk: (old, new_paths[pk]) for pk, old in old_paths.items()}, on_date=on_date
    )
    moved = _("moved under %(parent)s from %(date)s") % {"parent": new_parent.name, "date": _day(on_date)}
    return _save(organization, user, moved, reason)


@transaction.atomic
def organization_merge(
    *,
    source: Organization,
    target: Organization,
    on_date: dt.date,
    today: dt.date,
    user=None,
    reason: str = "",
) -> Organization:
    """Merge `source` into `target`: its children move to `target`, it is dissolved.

    Admissions made by `source` stay attributed to it; reports roll them up where it
    stood at the time.
    """
    source.refresh_from_db()
    target.refresh_from_db()
    if source.pk == target.pk:
        raise ValidationError(_("An organization cannot be merged into itself."))
    if target.path.startswith(source.path):
        raise ValidationError(_("An organization cannot be merged into its own subtree."))
    if not source.is_active or not target.is_active:
        raise ValidationError(_("Both organizations must be active to merge."))
    if on_date > today:
        raise ValidationError(_("The date of a merger cannot be in the future."))
    _check_tree_day(source, target, day=on_date, today=today)
    _check_founded(source, target, day=on_date)
    _check_no_child_left(source, on_date)
    children = list(Organization.objects.get_children(source).filter(dissolved_on__isnull=True))
    for child in children:  # every child checked before any moves
        check_nesting(child.form, target.form, name=child.name)
    for child in children:
        organization_move(organization=child, new_parent=target, on_date=on_date, today=today, user=user, reason=reason)
    source.refresh_from_db()
    source.dissolved_on = on_date
    source.merged_into = target
    merged = _("merged into %(target)s on %(date)s") % {"target": target.name, "date": _day(on_date)}
    _save(source, user, merged, reason)
    organization_merged.send(sender=Organization, source=source, target=target, on_date=on_date, user=user)
    return source


@transaction.atomic
def organization_dissolve(*, organization: Organization, on_date: dt.date, today: dt.date, user=None, reason: str = ""):
    organization.refresh_from_db()
    if not organization.is_active:
        raise ValidationError(_("The organization is already dissolved."))
    if on_date > today:
        raise ValidationError(_("The date of dissolution cannot be in the future."))
    if organization.founded_on and on_date < organization.founded_on:
        raise ValidationError(_("An organization cannot be dissolved before it was founded."))
    _check_tree_day(organization, day=on_date, today=today)
    _check_no_child_left(organization, on_date)
    if Organization.objects.get_children(organization).filter(dissolved_on__isnull=True).exists():
        raise ValidationError(
            _("The organization still has active child organizations: move, merge or dissolve them first.")
        )
    # Records of other apps dated from that day would count for an organization that had ended.
    organization_dissolving.send(sender=Organization, organization=organization, on_date=on_date)
    organization.dissolved_on = on_date
    dissolved = _("dissolved on %(date)s") % {"date": _day(on_date)}
    return _save(organization, user, dissolved, reason)


def member_count_build(
    *,
    organization: Organization,
    as_of: dt.date,
    members: int,
    note: str = "",
    user=None,
    today: dt.date,
    stored: dict | None = None,
) -> MemberCount:
    """The checks of a member count (refused when `as_of` lies in a period locked for the
    organization, organizations.locks; its fields clean), and the count built, not saved:
    the one of that day corrected when there is one. `stored` ({(organization id, day):
    count}) is what a bulk writer read once for many rows (the member-count import)."""
    from . import locks

    _check_standing(organization, as_of)
    locks.check_unlocked(organization=organization, day=as_of, today=today)
    if stored is None:
        count = MemberCount.objects.filter(organization=organization, as_of=as_of).first()
    else:
        count = stored.get((organization.pk, as_of))
    count = count or MemberCount(organization=organization, as_of=as_of)
    count.members = members
    count.note = note
    # One count per organization and day: looked up above (a bulk writer refuses repeats in its file).
    count.full_clean(exclude=["organization"], validate_unique=False, validate_constraints=False)
    _stamp(count, user, _("member count recorded"))
    return count


def _check_standing(organization: Organization, day: dt.date) -> None:
    """A member count is the organization's members on that day: refused on a day it did not
    stand (before its founding, or from its merger or dissolution: its members are then
    its successor's, or no one's), where it would be read as a count nobody could take."""
    if organization.founded_on and day < organization.founded_on:
        raise ValidationError(
            _("%(org)s was founded on %(date)s: it has no member count before that day.")
            % {"org": organization.name, "date": _day(organization.founded_on)},
            code="not_standing",
        )
    if organization.dissolved_on and day >= organization.dissolved_on:
        raise ValidationError(
            _("%(org)s ended on %(date)s (merged or dissolved): it has no member count from that day.")
            % {"org": organization.name, "date": _day(organization.dissolved_on)},
            code="not_standing",
        )


@transaction.atomic
def member_count_record(
    *,
    organization: Organization,
    as_of: dt.date,
    members: int,
    note: str = "",
    user=None,
    today: dt.date | None = None,
) -> MemberCount:
    """Enter (or correct) the number of members of an organization on a date."""
    count = member_count_build(
        organization=organization,
        as_of=as_of,
        members=members,
        note=note,
        user=user,
        today=today or timezone.localdate(),
    )
    count.save()
    return count
