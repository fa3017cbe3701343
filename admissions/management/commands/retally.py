from django.core.management.base import BaseCommand
from django.db import connections

from admissions import tally
from admissions.models import Tally


class Command(BaseCommand):
    help = (
        "Recount the tallies (admissions.Tally: admissions, the pipeline and historical results) from the "
        "records, then update the database's statistics of them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        rows = tally.rebuild(using=database)
        # The table was emptied and refilled: until the statistics are updated (autovacuum
        # does it after a while), PostgreSQL plans the reports' probes of it as before
        # (a province's inactivity check took 78 s instead of 1 s: bench/RESULTS.md,
        # eighteenth pass).
        with connections[database].cursor() as cursor:
            cursor.execute(f"ANALYZE {Tally._meta.db_table}")
        self.stdout.write(f"tally: {rows} rows")
