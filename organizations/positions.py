"""Where organizations stood on a day, and whose figures they count for.

The tree changes by moves (OrganizationPath keeps every old path with its interval),
mergers (from the day of a merger, the merged organization's admissions and candidates
count for its successor) and changes of form or sector (PastKind keeps the old one until
the day of the change: rules select organizations by them). A report "as of" a day reads
the tree as it stood that day: every organization at its path and of its kind of that
day, every merged organization's figures with its successor of that day. Renames
(PastName) change no figure: a report of an earlier day shows the old names (`names_on`).

When nothing changed after the day (`changed_after`), that tree is today's, which is
what admissions.Tally keeps; otherwise `TreeOnDay` places every organization of a
subtree of that day, for the reports that recount from the records.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Length

from .models import Organization, OrganizationPath, PastKind, PastName
from .selectors import path_as_of


@dataclass(frozen=True, slots=True)
class TreeState:
    """What a report of a day needs to know of the tree's changes, read in one query."""

    changed: bool  # an organization moved, was merged, or changed its form or sector after the day
    merged: bool  # some organization was merged (its figures count with its successor)
    ended: bool  # some organization's last day was on or before the day (merged or dissolved by the next)
    renamed: bool = False  # some organization was renamed after the day (names_on)
    # The last day an organization moved to another place or was merged (None: none ever):
    # who stood under whom in a past year is today's tree unless it is after that year.
    reshaped_on: dt.date | None = None


def alive_on(day: dt.date) -> Q:
    """The organizations standing on `day`: founded by then, not yet dissolved or merged."""
    return (Q(founded_on__isnull=True) | Q(founded_on__lte=day)) & (
        Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=day)
    )


def tree_state(day: dt.date) -> TreeState:
    org, paths, kinds = Organization._meta.db_table, OrganizationPath._meta.db_table, PastKind._meta.db_table
    names = PastName._meta.db_table
    with connections[Organization.objects.db].cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {paths} WHERE valid_until > %s)"
            f" OR EXISTS (SELECT 1 FROM {org} WHERE merged_into_id IS NOT NULL AND dissolved_on > %s)"
            f" OR EXISTS (SELECT 1 FROM {kinds} WHERE valid_until > %s),"
            f" EXISTS (SELECT 1 FROM {org} WHERE merged_into_id IS NOT NULL),"
            f" EXISTS (SELECT 1 FROM {org} WHERE dissolved_on <= %s),"
            f" EXISTS (SELECT 1 FROM {names} WHERE valid_until > %s),"
            f" (SELECT MAX(valid_until) FROM {paths}),"
            f" (SELECT MAX(dissolved_on) FROM {org} WHERE merged_into_id IS NOT NULL)",
            [day, day, day, day + dt.timedelta(days=1), day],
        )
        changed, merged, ended, renamed, *reshaped = cursor.fetchone()
    days = [dt.date.fromisoformat(d) if isinstance(d, str) else d for d in reshaped if d is not None]
    return TreeState(bool(changed), bool(merged), bool(ended), bool(renamed), max(days, default=None))


def subtree_end(path: str) -> str:
    """The first string after every path at or below `path`, in sort order: paths under P
    run from P up to, not including, P + "~" (treebeard's steps are 0-9 then A-Z, all
    before "~"). For slicing paths sorted in Python, and ranges an index answers."""
    return path + "~"


def changed_after(day: dt.date) -> bool:
    """Whether any organization moved, was merged, or changed its form or sector after `day`."""
    return tree_state(day).changed


def successors_on(day: dt.date | None = None) -> dict[int, int]:
    """{merged organization: its successor} for mergers effective on or before `day` (all
    of them when None), each followed to the end of its chain of mergers."""
    merged = Organization.objects.filter(merged_into__isnull=False)
    if day is not None:
        merged = merged.filter(dissolved_on__lte=day)
    direct = dict(merged.values_list("pk", "merged_into_id"))
    final = {}
    for pk in direct:
        seen, target = {pk}, direct[pk]
        while target in direct and target not in seen:  # a cycle cannot be saved, but never loop
            seen.add(target)
            target = direct[target]
        final[pk] = target
    return final


@dataclass
class TreeOnDay:
    """The organizations placed under a path on a day.

    `paths`: {pk: path on the day} for every organization that stood under `root` then
    (dissolved and merged ones included: they keep their last place);
    `counts_for`: {pk: pk} for the organizations whose figures count for another (their
    successor on the day); `kinds`: {pk: (form, sector)} for those whose form or sector
    changed after the day (PastKind): what they were then; `root` is the scope's path on
    the day."""

    day: dt.date
    root: str
    paths: dict[int, str] = field(default_factory=dict)
    counts_for: dict[int, int] = field(default_factory=dict)
    kinds: dict[int, tuple[str, str]] = field(default_factory=dict)

    def position(self, organization_id: int) -> str | None:
        """The path under which an organization's admissions count on the day."""
        return self.paths.get(self.counts_for.get(organization_id, organization_id))

    def counted_ids(self) -> frozenset[int]:
        """Every organization whose admissions count somewhere under the root (a set: what
        the `__among` lookup reads fastest)."""
        ids = set(self.paths)
        ids.update(pk for pk, successor in self.counts_for.items() if successor in self.paths)
        return frozenset(ids)


def path_on(organization: Organization, day: dt.date) -> str:
    return Organization.objects.filter(pk=organization.pk).annotate(p=path_as_of(day)).values_list("p", flat=True).get()


def tree_on(scope: Organization, day: dt.date) -> TreeOnDay:
    """The subtree of `scope` as it stood on `day` (two queries and one for the mergers)."""
    root = path_on(scope, day)
    was_under = OrganizationPath.objects.filter(organization=OuterRef("pk"), path__startswith=root, valid_until__gt=day)
    rows = (
        Organization.objects.filter(Q(path__startswith=root) | Exists(was_under))
        .annotate(p=path_as_of(day))
        .filter(p__startswith=root)
        .values_list("pk", "p")
    )
    tree = TreeOnDay(day=day, root=root, paths=dict(rows))
    tree.counts_for = successors_on(day)
    tree.kinds = kinds_on(day)
    return tree


def kinds_on(day: dt.date) -> dict[int, tuple[str, str]]:
    """{pk: (form, sector) on `day`} for the organizations whose form or sector changed
    after it (one query: each one's first PastKind ending after the day)."""
    kinds: dict[int, tuple[str, str]] = {}
    rows = PastKind.objects.filter(valid_until__gt=day).order_by("valid_until")
    for pk, form, sector in rows.values_list("organization_id", "form", "sector"):
        kinds.setdefault(pk, (form, sector))
    return kinds


@dataclass(frozen=True)
class NamesOnDay:
    """The names organizations renamed after a day had on it (PastName): `by_pk`, and
    `by_path` keyed by their path today (for rows that name their parent by path)."""

    by_pk: dict[int, str]
    by_path: dict[str, str]

    def __bool__(self) -> bool:
        return bool(self.by_pk)

    def rename(self, organizations) -> None:
        """Give each organization (a model instance or a row: its `name` is set) its name of the day."""
        for org in organizations:
            name = self.by_pk.get(org.pk)
            if name is not None:
                org.name = name


def _names_after(day):
    """The PastNames ending after `day` (a date or an expression), soonest first: an
    organization's first one is its name on that day (none: it bears its name now)."""
    return PastName.objects.filter(valid_until__gt=day).order_by("valid_until")


def name_on(organization: Organization, day: dt.date) -> str:
    """The name `organization` had on `day` (one query)."""
    past = _names_after(day).filter(organization=organization)
    return past.values_list("name", flat=True).first() or organization.name


def names_on(day: dt.date) -> NamesOnDay:
    """The names of `day` of the organizations renamed after it (one query: each one's
    first PastName ending after the day)."""
    by_pk: dict[int, str] = {}
    by_path: dict[str, str] = {}
    rows = _names_after(day)
    for pk, path, name in rows.values_list("organization_id", "organization__path", "name"):
        if pk not in by_pk:
            by_pk[pk] = by_path[path] = name
    return NamesOnDay(by_pk, by_path)


def name_as_of(day_field: str, to_organization: str = "organization__"):
    """An expression: the name the row's organization had on the row's `day_field` (its
    first PastName ending after that day, else its name now); `to_organization` leads from
    the row's model to the organization."""
    past = _names_after(OuterRef(day_field)).filter(organization=OuterRef(f"{to_organization}id"))
    return Coalesce(Subquery(past.values("name")[:1]), F(f"{to_organization}name"))


def ancestors_on(organization: Organization, day: dt.date) -> list[Organization]:
    """The organizations `organization` stood under on `day`, the root first, each named as
    it was that day (its `name` set as `name_on` gives it, `name_now` today's; `path_then`:
    its path that day).
    Those dissolved or merged since are in: the district a school stood under before a
    reorganization, not the commune committee it moved under since.

    No query for a root; one when neither it nor its parents of today moved after the day
    (today's parents, perhaps renamed since: what a report of today reads, at the cost of
    the plain read of today's parents); one more when one did (the parents of its path
    that day, read as `path_as_of` places them)."""
    if organization.depth == 1:  # a root stood under nothing (a move always gives a parent)
        return []
    named = _names_after(day).filter(organization=OuterRef("pk")).values("name")[:1]

    def placed(rows):
        return rows.annotate(path_then=path_as_of(day), name_then=Coalesce(Subquery(named), F("name")))

    rows = list(placed(Organization.objects.filter(path__in=[*organization.ancestor_paths(), organization.path])))
    own = next((o.path_then for o in rows if o.pk == organization.pk), organization.path)
    if own != organization.path or any(o.path_then != o.path for o in rows):
        paths = [own[:i] for i in range(Organization.steplen, len(own), Organization.steplen)]
        moved = OrganizationPath.objects.filter(path__in=paths, valid_until__gt=day).values("organization_id")
        candidates = Organization.objects.filter(Q(path__in=paths) | Q(pk__in=moved))
        rows = list(placed(candidates).filter(path_then__in=paths))
    ancestors = sorted((o for o in rows if o.pk != organization.pk), key=lambda o: o.path_then)
    for o in ancestors:
        o.name_now, o.name = o.name, o.name_then
    return ancestors


def children_on(parent: Organization, day: dt.date):
    """The organizations directly under `parent` on `day`, annotated `path_then` (their path
    that day) and in that order: those moved away since are in; those moved in since,
    founded after the day, or dissolved or merged on or before it are not. A queryset (one
    query, and one for the parent's path that day)."""
    root = path_on(parent, day)
    moved_away = OrganizationPath.objects.filter(path__startswith=root, valid_until__gt=day).values("organization_id")
    return (
        Organization.objects.filter(
            Q(path__startswith=root, depth=len(root) // Organization.steplen + 1) | Q(pk__in=moved_away)
        )
        .filter(alive_on(day))
        .annotate(path_then=path_as_of(day))
        .annotate(width=Length("path_then"))
        .filter(path_then__startswith=root, width=len(root) + Organization.steplen)
        .order_by("path_then")
    )


def any_merged() -> bool:
    return Organization.objects.filter(merged_into__isnull=False).exists()


# Up to this many organizations, records under a scope are found by their organizations'
# ids rather than by a path prefix (see CountedUnder).
FEW_ORGANIZATIONS = 1000


@dataclass(frozen=True, slots=True)
class CountedUnder:
    """Where the records (admissions, candidates) counted under a scope in today's tree
    are: those of its subtree and, after mergers, of organizations merged into it.

    `ids`: every such organization when there are at most FEW_ORGANIZATIONS (a commune's
    ~100); None for larger scopes. With the ids the database knows how many organizations
    it joins: from a path prefix PostgreSQL estimates a subtree by interpolating its
    histogram between base-36 steps, and for a few communes took ~2,900 organizations for
    91 and read the whole country's admissions of the year (100-420 ms instead of 1 ms;
    bench/RESULTS.md, twelfth pass)."""

    path: str
    merged: bool
    ids: list[int] | None

    def records(self, rows):
        """`rows` (of a model with an `organization`) counted under the scope, annotated
        `p`: the path each counts under today (its organization's or its successor's)."""
        p = counting_path("organization__") if self.merged else F("organization__path")
        if self.ids is not None:
            return rows.filter(organization_id__in=self.ids).annotate(p=p)
        if not self.merged:
            return rows.filter(organization__path__startswith=self.path).annotate(p=p)
        inside = Q(organization__path__startswith=self.path) | Q(organization__merged_into__isnull=False)
        return rows.filter(inside).annotate(p=p).filter(p__startswith=self.path)


def counted_under(scope: Organization, merged: bool | None = None) -> CountedUnder:
    """CountedUnder for `scope` today (one query, and one for `merged` when not given)."""
    merged = any_merged() if merged is None else merged
    if merged:
        inside = Q(path__startswith=scope.path) | Q(merged_into__isnull=False)
        rows = Organization.objects.filter(inside).annotate(p=counting_path()).filter(p__startswith=scope.path)
    else:
        rows = Organization.objects.filter(path__startswith=scope.path)
    ids = list(rows.order_by().values_list("pk", flat=True)[: FEW_ORGANIZATIONS + 1])
    return CountedUnder(scope.path, merged, ids if len(ids) <= FEW_ORGANIZATIONS else None)


def counting_path(to_organization: str = ""):
    """An expression: the path under which an organization's figures count today, its own
    or, after mergers, its successor's (chains of up to three mergers; `to_organization`
    leads from another model, e.g. "organization__")."""
    via = to_organization
    return Coalesce(
        F(f"{via}merged_into__merged_into__merged_into__path"),
        F(f"{via}merged_into__merged_into__path"),
        F(f"{via}merged_into__path"),
        F(f"{via}path"),
    )


def units_stand_now(organization: Organization) -> list[Organization]:
    """The organizations where the units a dissolved organization had on its last day stand
    today, in tree order: a unit moved out stands under its parent of today (the highest
    unit moved, not each of its cells); a unit merged that day or later, with its successor.
    Those dissolved since lead nowhere. Two queries (none for the second when nothing moved
    or merged)."""
    last_day, inside = organization.last_day, organization.path
    stood_inside = OrganizationPath.objects.filter(path__startswith=inside, valid_until__gt=last_day).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=last_day)
    )
    units = list(
        Organization.objects.filter(
            (Q(pk__in=stood_inside.values("organization_id")) & ~Q(path__startswith=inside))
            | Q(path__startswith=inside, merged_into__isnull=False, dissolved_on__gte=organization.dissolved_on)
        ).values_list("path", "merged_into_id", "dissolved_on")
    )
    moved = {path for path, successor, _dissolved in units if successor is None}
    successors, parents = set(), set()
    for path, successor, dissolved_on in units:
        if successor is not None:
            successors.add(successor)
        elif dissolved_on is None and path[: -Organization.steplen] not in moved:
            parents.add(path[: -Organization.steplen])
    if not successors and not parents:
        return []
    found = Organization.objects.filter(Q(pk__in=successors) | Q(path__in=parents)).exclude(path__startswith=inside)
    return list(found.order_by("path"))
