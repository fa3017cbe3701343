from django.core.management.base import BaseCommand

from admissions import tally


class Command(BaseCommand):
    help = "Recount the tallies (admissions.Tally: admissions, the pipeline and historical results) from the records."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, database, **options):
        rows = tally.rebuild(using=database)
        self.stdout.write(f"tally: {rows} rows")
