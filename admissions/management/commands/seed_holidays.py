from django.core.management.base import BaseCommand

from admissions.services import holidays_seed
from common import cache


class Command(BaseCommand):
    help = (
        "Add Vietnamese public holidays and make-up working days (from the holidays package) to the "
        "working-day calendar, and move the deadlines they change."
    )

    def add_arguments(self, parser):
        parser.add_argument("first_year", type=int)
        parser.add_argument("last_year", type=int)

    def handle(self, *args, first_year, last_year, **options):
        added = holidays_seed(years=range(first_year, last_year + 1))
        if added:
            cache.everything_changed()  # the calendar moves deadlines, hence statuses (bulk writes send no signals)
        self.stdout.write(f"{added} days added to the calendar.")
