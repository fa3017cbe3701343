"""What the tallies (admissions.Tally) cost to keep: on the national dataset, in a
transaction rolled back at the end (the database is left as it was).

* recounting everything (`manage.py retally`), once;
* one admission edited (its category changed and changed back): time and queries,
  against the same edit with the tally signals disconnected;
* one commune committee moved (backdated) under another district-level committee:
  its admissions from the move on and its pipeline follow it;
and checks the kept tallies equal a recount.
"""

import datetime as dt
import time

from bench.common import best_of, queries_of, row  # sets Django up: import it first


class Rollback(Exception):
    pass


def edit(admission):
    from admissions.categories import Category

    for category in (Category.STUDENT, Category.PUPIL):
        admission.category = category
        admission.save()


def main():
    from django.db import transaction
    from django.db.models.signals import post_save, pre_save

    from admissions import tally
    from admissions.models import Admission, Tally
    from organizations.models import Organization, OrgForm
    from organizations.services import organization_move

    start = time.perf_counter()
    rows = tally.rebuild()
    row(f"recount every tally ({rows:,} rows)", time.perf_counter() - start)
    try:
        with transaction.atomic():
            admission = Admission.objects.filter(archived_at__isnull=True).order_by("-pk").first()
            kept, kept_queries = best_of(lambda: edit(admission), 5), queries_of(lambda: edit(admission))
            pre_save.disconnect(dispatch_uid="tally-Admission-pre", sender=Admission)
            post_save.disconnect(dispatch_uid="tally-Admission-save", sender=Admission)
            bare, bare_queries = best_of(lambda: edit(admission), 5), queries_of(lambda: edit(admission))
            pre_save.connect(tally.before_save, sender=Admission, dispatch_uid="tally-Admission-pre")
            post_save.connect(tally.after_save, sender=Admission, dispatch_uid="tally-Admission-save")
            row("one admission edited twice, tallies kept", kept[0], bare[0], kept_queries)
            row("the same without the tally signals", bare[0], None, bare_queries)

            commune = Organization.objects.filter(form=OrgForm.COMMUNE, depth=3).order_by("path").first()
            parent = Organization.objects.get_parent(commune)
            target = Organization.objects.filter(depth=2).exclude(pk=parent.pk).order_by("path").first()
            today = dt.date.today()
            start = time.perf_counter()
            queries = queries_of(
                lambda: organization_move(
                    organization=commune, new_parent=target, on_date=dt.date(today.year, 1, 1), today=today
                )
            )
            subtree = Organization.objects.filter(path__startswith=Organization.objects.get(pk=commune.pk).path)
            moved = time.perf_counter() - start
            row(f"a commune committee moved ({subtree.count()} organizations)", moved, None, queries)
            before = tally.current()
            start = time.perf_counter()
            tally.rebuild()
            assert tally.current() == before, "the kept tallies differ from a recount"
            print(f"kept tallies equal a recount ({Tally.objects.count():,} rows)")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
