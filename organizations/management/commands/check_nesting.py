from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from organizations.nesting import misplaced, outlived


class Command(BaseCommand):
    help = (
        "List the active organizations standing under a parent whose form may not hold them"
        " (a tree written before the nesting rule may hold some): each can be moved, merged or"
        " given another form on its pages; and the organizations that stood under their parent"
        " after it ended (a merger or dissolution dated before a child's own end, entered"
        " before the services refused it). Exits with an error when there is any."
    )

    def handle(self, *args, **options):
        with translation.override("vi"):
            found = misplaced() + outlived()
            for org, problem in found:
                self.stdout.write(f"{org.code} {org.name}: {problem}")
        if found:
            raise CommandError(
                f"{len(found)} organization(s) where the nesting rule or their parent's end does not allow them"
            )
        self.stdout.write("Every organization stands where its parent's form allows, and within its parent's days.")
