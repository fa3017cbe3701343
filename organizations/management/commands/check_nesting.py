from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from organizations.nesting import misplaced


class Command(BaseCommand):
    help = (
        "List the active organizations standing under a parent whose form may not hold them"
        " (a tree written before the nesting rule may hold some): each can be moved, merged or"
        " given another form on its pages. Exits with an error when there is any."
    )

    def handle(self, *args, **options):
        with translation.override("vi"):
            found = misplaced()
            for org, problem in found:
                self.stdout.write(f"{org.code} {org.name}: {problem}")
        if found:
            raise CommandError(f"{len(found)} organization(s) where the nesting rule does not allow them")
        self.stdout.write("Every organization stands where its parent's form allows.")
