from django.core.management.base import BaseCommand

from admissions.services import deadlines_refresh


class Command(BaseCommand):
    help = (
        "Recompute every open deadline (decision, ceremony, end of probation, recognition) from the "
        "settings in force: run it after changing ADMISSION_*_WORKING_DAYS or ADMISSION_PROBATION_MONTHS."
    )

    def handle(self, *args, **options):
        changed = deadlines_refresh()
        self.stdout.write(f"deadlines: {changed} records changed")
