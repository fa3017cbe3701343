from django.core.management.base import BaseCommand, CommandError

from organizations.shared_paths import shared_paths


def _day(day) -> str:
    return day.strftime("%d/%m/%Y") if day else "…"


class Command(BaseCommand):
    help = (
        "List the organizations that stood at one path on the same days (possible in a database"
        " written before a path was never given again): each shows the other's figures in the"
        " reports of those days. Exits with an error when there is any."
    )

    def handle(self, *args, **options):
        found = shared_paths()
        for shared in found:
            self.stdout.write(
                f"{shared.path}: {shared.first.code} and {shared.second.code}, {_day(shared.start)}–{_day(shared.end)}"
            )
        if found:
            raise CommandError(f"{len(found)} shared path(s)")
        self.stdout.write("No two organizations at one path on the same day.")
