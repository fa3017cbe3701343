"""Keeps `Tally` (admissions and the pipeline counted per node of the tree) in step.

The tallies hold today's tree: every admission (by year and category) and every
candidate of the pipeline is counted under the path where its organization stands now,
or, once that organization was merged, where its successor stands. Reports of a day
after which the tree changed recount from the records (reports/past.py). The reports app
keeps its historical results in the same way (reports/entered.py), with the public
helpers below: `move`, `move_many`, `moved_owners`, `merged_owners`, `shift`, `add_leaves` and the
signal `tallies_rebuilt`.

Every save or delete of an Admission or a Candidate moves its count from the key it
had to the key it has now (signals, so the services, the admin, imports and tests are
all covered); a subtree's move (organizations.services.organization_move) moves the
counts of its organizations, and a merger those of the merged organization, to their
new paths. `rebuild()` (`manage.py retally`) recounts everything from the records: bulk
loads (COPY, bulk_create, queryset.update) bypass the signals and must call it, or count
what they created with `count_created` (the candidate imports do).
"""

from collections import Counter

from django.db import connections, router, transaction
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.dispatch import Signal

from organizations.models import Organization
from organizations.positions import counting_path

from . import counting
from .counting import ADMITTED, PIPELINE, admission_key, candidate_key
from .models import Admission, Candidate, Tally

STEP = Organization.steplen

# Sent by `rebuild` once it recounted the admissions and the pipeline (inside its
# transaction, `using` the database): the other kinds' keepers recount theirs.
tallies_rebuilt = Signal()

# --- what one record counts for ------------------------------------------------------


def path_of(organization_id: int, using: str = "default") -> str:
    """Where an organization's figures count now: its path, or its successor's."""
    organization = Organization.objects.using(using).filter(pk=organization_id)
    return organization.annotate(p=counting_path()).values_list("p", flat=True).get()


ADMISSION_FIELDS = ("organization_id", "ceremony_date", "category", "archived_at")
CANDIDATE_FIELDS = ("organization_id", "category", "step", "outcome", "archived_at")


def _counted(key):
    """A record's key as the tallies count it, (kind, organization, year, category), from
    counting's (kind, organization, day, category): admissions by their ceremony's year,
    the pipeline in year 0."""
    if key is None:
        return None
    kind, organization_id, day, category = key
    return kind, organization_id, day.year if kind == ADMITTED else 0, category


def _key_of(instance):
    if isinstance(instance, Admission):
        return _counted(admission_key(*(getattr(instance, f) for f in ADMISSION_FIELDS)))
    return _counted(candidate_key(*(getattr(instance, f) for f in CANDIDATE_FIELDS)))


def _stored_key(instance, using: str):
    model = type(instance)
    fields = ADMISSION_FIELDS if model is Admission else CANDIDATE_FIELDS
    row = model._base_manager.using(using).filter(pk=instance.pk).values_list(*fields).first()
    if row is None:
        return None
    return _counted(admission_key(*row) if model is Admission else candidate_key(*row))


def _leaf(key, using: str) -> tuple[str, str, int, str]:
    """Where the key counts: where its organization (or successor) stands now."""
    kind, organization_id, year, category = key
    return kind, path_of(organization_id, using), year, category


# --- writing -------------------------------------------------------------------------


def apply(changes: Counter, using: str = "default") -> None:
    """Add each change {(kind, path, year, category): delta} to the path and to every
    ancestor of it, in one statement per 500 keys (an upsert: SQLite and PostgreSQL)."""
    expanded: Counter = Counter()
    for (kind, path, year, category), delta in changes.items():
        if not delta:
            continue
        for end in range(STEP, len(path) + 1, STEP):
            expanded[(kind, path[:end], year, category)] += delta
    rows = [
        (kind, path, len(path) // STEP, year, category, n) for (kind, path, year, category), n in expanded.items() if n
    ]
    table = Tally._meta.db_table
    with connections[using].cursor() as cursor:
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} (kind, path, depth, year, category, n) VALUES {values} "
                f"ON CONFLICT (kind, path, year, category) DO UPDATE SET n = {table}.n + excluded.n",
                [value for row in chunk for value in row],
            )


def count_created(instances, using: str = "default") -> None:
    """Count new Admissions and Candidates written without signals (bulk_create), in one
    read of their organizations' paths and one upsert: what `after_save` would have added."""
    move_many([(None, key) for key in map(_key_of, instances)], using)


def move_many(moves, using: str = "default") -> None:
    """`move` for many records written without signals (bulk writes): each (before, after)
    pair of keys, in one read of their organizations' paths and one upsert."""
    moves = [(before, after) for before, after in moves if before != after]
    ids = {key[1] for pair in moves for key in pair if key is not None}
    if not ids:
        return
    paths = dict(
        Organization.objects.using(using).filter(pk__in=ids).annotate(p=counting_path()).values_list("pk", "p")
    )
    changes: Counter = Counter()
    for before, after in moves:
        for key, delta in ((before, -1), (after, 1)):
            if key is not None:
                kind, organization_id, year, category = key
                changes[(kind, paths[organization_id], year, category)] += delta
    apply(changes, using)


def before_save(sender, instance, raw=False, using="default", **kwargs):
    if raw:
        return
    # Saves and deletes happen on the primary: read the stored row there, not on a replica.
    instance._tally_before = _stored_key(instance, using) if instance.pk else None


def after_save(sender, instance, raw=False, using="default", **kwargs):
    if raw:
        return
    before, after = getattr(instance, "_tally_before", None), _key_of(instance)
    instance._tally_before = after
    move(before, after, using)


def after_delete(sender, instance, using="default", **kwargs):
    move(_key_of(instance), None, using)


def move(before, after, using: str = "default") -> None:
    """One record's count moved from the key `before` to the key `after`, each
    (kind, organization, year, category) or None (it counted nowhere)."""
    if before == after:
        return
    changes: Counter = Counter()
    if before is not None:
        changes[_leaf(before, using)] -= 1
    if after is not None:
        changes[_leaf(after, using)] += 1
    apply(changes, using)


def subtree_moved(sender, paths: dict[int, tuple[str, str]], on_date, **kwargs) -> None:
    """Organizations moved ({pk: (old path, new path)}): their admissions of every year,
    their pipeline, and those of the organizations merged into them, now count under the
    new paths (reports of a day before the move recount from the records)."""
    owners, old, new = moved_owners(paths)
    shift(_records_of(owners), owners, old, new)


def organization_merged(sender, source, target, on_date, **kwargs) -> None:
    """`source` was merged into `target`: its admissions and pipeline, and those of the
    organizations merged into it before, now count under `target`'s path."""
    owners, old, new = merged_owners(source, target)
    shift(_records_of(owners), owners, old, new)


def moved_owners(paths: dict[int, tuple[str, str]]) -> tuple[dict[int, int], dict[int, str], dict[int, str]]:
    """For `subtree_moved`'s `paths`: the organizations whose counts move, each with the
    moved organization whose paths apply (itself, or its successor's for the organizations
    merged into it), and those paths before and after ({pk: path} each)."""
    owners = _with_merged({pk: pk for pk in paths})
    return owners, {pk: old for pk, (old, _new) in paths.items()}, {pk: new for pk, (_old, new) in paths.items()}


def merged_owners(source, target) -> tuple[dict[int, int], dict[int, str], dict[int, str]]:
    """For `organization_merged`: as moved_owners, from `source`'s path to where `target` counts."""
    owners = _with_merged({source.pk: source.pk})
    return owners, {source.pk: source.path}, {source.pk: path_of(target.pk)}


def _with_merged(owners: dict[int, int]) -> dict[int, int]:
    """`owners` ({pk: owner}) with every organization merged into one of them, directly or
    through a chain of mergers, under the same owner (one query per link of the chains)."""
    owners = dict(owners)
    frontier = set(owners)
    while frontier:
        links = Organization.objects.filter(merged_into__in=frontier).values_list("pk", "merged_into_id")
        links = {pk: successor for pk, successor in links if pk not in owners}
        for pk, successor in links.items():
            owners[pk] = owners[successor]
        frontier = set(links)
    return owners


def _records_of(owners):
    """(kind, organization, year, category, n): the admissions and the pipeline of the
    organizations `owners` names."""
    admitted = (
        Admission.objects.filter(organization_id__in=owners, archived_at__isnull=True)
        .order_by()
        .values_list("organization_id", ExtractYear("ceremony_date"), "category")
        .annotate(n=Count("pk"))
    )
    for organization_id, year, category, n in admitted:
        yield ADMITTED, organization_id, int(year), category, n
    for organization_id, category, n in (
        counting.pipeline(Candidate.objects.filter(organization_id__in=owners))
        .values_list("organization_id", "category")
        .annotate(n=Count("pk"))
    ):
        yield PIPELINE, organization_id, 0, category, n


def shift(rows, owners: dict[int, int], old: dict[int, str], new: dict[int, str]) -> None:
    """Move counted `rows` ((kind, organization, year, category, n), of the organizations
    in `owners`: {pk: the pk whose paths apply}) from `old[owner]` to `new[owner]`."""
    changes: Counter = Counter()
    for kind, organization_id, year, category, n in rows:
        owner = owners[organization_id]
        changes[(kind, old[owner], year, category)] -= n
        changes[(kind, new[owner], year, category)] += n
    apply(changes, router.db_for_write(Tally))


# --- rebuilding ----------------------------------------------------------------------


@transaction.atomic
def rebuild(using: str = "default") -> int:
    """Recount every row from the records; returns the number of rows."""
    Tally.objects.using(using).all().delete()
    admitted = (
        Admission.objects.using(using)
        .filter(archived_at__isnull=True)
        .order_by()
        .annotate(p=counting_path("organization__"), y=ExtractYear("ceremony_date"))
        .values("p", "y", "category")
        .annotate(n=Count("pk"))
    )
    pipeline = (
        counting.pipeline(Candidate.objects.using(using))
        .annotate(p=counting_path("organization__"))
        .values("p", "category")
        .annotate(n=Count("pk"))
    )
    add_leaves(ADMITTED, admitted, "y", using)
    add_leaves(PIPELINE, pipeline, None, using)
    tallies_rebuilt.send(sender=Tally, using=using)
    return Tally.objects.using(using).count()


def add_leaves(kind: str, leaves, year: str | None, using: str = "default") -> None:
    """Insert the rows of `kind` counted by `leaves` (a queryset of values p, the path
    where they count, `year` (None: year 0), category and n) at every node above them, in
    one statement. The rows of `kind` must not be there yet."""
    max_depth = Organization.objects.using(using).order_by("-depth").values_list("depth", flat=True).first() or 0
    if not max_depth:
        return
    sql, params = leaves.query.sql_with_params()
    selects = [
        f"SELECT '{kind}', substr(p, 1, {d * STEP}), {d}, {year or 0}, category, SUM(n) FROM leaf"
        f" WHERE length(p) >= {d * STEP} GROUP BY substr(p, 1, {d * STEP}), category" + (f", {year}" if year else "")
        for d in range(1, max_depth + 1)
    ]
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"WITH leaf AS ({sql}) INSERT INTO {Tally._meta.db_table} (kind, path, depth, year, category, n) "
            + " UNION ALL ".join(selects),
            params,
        )


def current(using: str = "default") -> dict[tuple, int]:
    """The rows held now, {(kind, path, year, category): n}, without zeros (for checks)."""
    rows = Tally.objects.using(using).filter(n__gt=0)
    return {(k, p, y, c): n for k, p, y, c, n in rows.values_list("kind", "path", "year", "category", "n")}
