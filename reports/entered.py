"""Keeps the historical results in the tallies (admissions.Tally, kind ENTERED).

An inactivity rule asks, for each of thousands of cells, whether any admission or any
historical result of more than 0 new members was recorded under it in the last years.
Admissions answer from the tallies, one index probe per cell. Historical results, read
themselves, answered by comparing every result of the country with every cell (a
province's report took 16 s once 93,740 were entered, 1.2 s since: bench/RESULTS.md,
eighteenth pass). So they are counted the same way: how many results of more than 0 (a period's by its
last year, as the rules read them on every road: reports.engine.counts.latest_years reads the
records of a past day's tree alike) under the path where their organization counts today,
by year and category, at every node above it, kept on every write, move and merger with
admissions/tally.py's helpers, and recounted by `manage.py retally`.
"""

from django.db.models import Count

from admissions import tally
from admissions.models import Tally
from organizations.positions import counting_path

from .models import HistoricalResult

ENTERED = Tally.Kind.ENTERED
FIELDS = ("organization_id", "year", "category", "count")


def _key(organization_id, year, category, count):
    """What one result counts for: (ENTERED, organization, year, category), or None."""
    return (ENTERED, organization_id, year, category) if count > 0 else None


def before_save(sender, instance, raw=False, using="default", **kwargs):
    if raw:
        return
    stored = None
    if instance.pk:
        stored = HistoricalResult._base_manager.using(using).filter(pk=instance.pk).values_list(*FIELDS).first()
    instance._tally_before = _key(*stored) if stored else None


def after_save(sender, instance, raw=False, using="default", **kwargs):
    if raw:
        return
    before, after = getattr(instance, "_tally_before", None), _key(*(getattr(instance, f) for f in FIELDS))
    instance._tally_before = after
    tally.move(before, after, using)


def after_delete(sender, instance, using="default", **kwargs):
    tally.move(_key(*(getattr(instance, f) for f in FIELDS)), None, using)


def remember(result) -> None:
    """Note what a stored result counts for, before a bulk write corrects it (count_written)."""
    result._tally_before = _key(*(getattr(result, f) for f in FIELDS))


def count_written(results, using="default") -> None:
    """Count results written without signals (an import's bulk insert and update; the
    corrected ones `remember`ed before): what the signals would have moved, in one read
    of paths and one upsert."""
    moves = []
    for result in results:
        after = _key(*(getattr(result, f) for f in FIELDS))
        moves.append((getattr(result, "_tally_before", None), after))
        result._tally_before = after
    tally.move_many(moves, using)


def _results_of(owners):
    """(kind, organization, year, category, n) of the results of the organizations in `owners`."""
    rows = (
        HistoricalResult.objects.filter(organization_id__in=owners, count__gt=0)
        .order_by()
        .values_list("organization_id", "year", "category")
        .annotate(n=Count("pk"))
    )
    for organization_id, year, category, n in rows:
        yield ENTERED, organization_id, year, category, n


def subtree_moved(sender, paths, on_date, **kwargs) -> None:
    owners, old, new = tally.moved_owners(paths)
    tally.shift(_results_of(owners), owners, old, new)


def organization_merged(sender, source, target, on_date, **kwargs) -> None:
    owners, old, new = tally.merged_owners(source, target)
    tally.shift(_results_of(owners), owners, old, new)


def rebuild(sender=None, using="default", **kwargs) -> None:
    """Recount the ENTERED rows from the results (after admissions.tally.rebuild, and by
    the migration that introduced them)."""
    Tally.objects.using(using).filter(kind=ENTERED).delete()
    leaves = (
        HistoricalResult.objects.using(using)
        .filter(count__gt=0)
        .order_by()
        .annotate(p=counting_path("organization__"))
        .values("p", "year", "category")
        .annotate(n=Count("pk"))
    )
    tally.add_leaves(ENTERED, leaves, "year", using)
