from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from admissions import tally
from devdata import candidates, cycle, history, plans, reorganization, tree

# Run in this order after the tree and the logins.
SEEDS = [plans.seed, candidates.seed, history.seed, cycle.seed]


class Command(BaseCommand):
    help = "Load the demo data from the seed documents (idempotent: run it as often as you like)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reorganized",
            action="store_true",
            help=(
                "then apply the 2025 reorganization (fixtures/reorganization-2025.xlsx) to the demo tree: "
                "the tree of 2026 (./run.sh demo loads this one)"
            ),
        )

    def handle(self, *args, **options):
        created = tree.seed_organizations()
        self.stdout.write(f"Organizations: {created} created.")
        logins = tree.seed_users()
        if not options["reorganized"]:
            for seed in SEEDS:
                seed(self.stdout)
        else:
            logins = self._reorganized(logins)
        # The demo loads some rows in bulk (no signals): recount the tallies reports read.
        tally.rebuild()
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {tree.DEMO_PASSWORD}):"))
        for username, description, organization in logins:
            self.stdout.write(f"  {username:<18} {description:<38} {organization}")

    @transaction.atomic  # the roads stopped before the merger go on after it, in the same run
    def _reorganized(self, logins):
        """What boards did before 1 July 2025, then the reorganization, then what they did after
        on the new tree, as they lived it: the roads at the communes merged that day stop the
        day before, the merger hands their candidates over to the new commune, and they go on
        there; then the current year's plans and the 2025 year reports."""
        day = reorganization.REORGANIZED_ON
        plans.seed(self.stdout, current_year=False)
        roads = candidates.seed_up_to_merger(self.stdout, day=day, merged=reorganization.merged_codes())
        history.seed(self.stdout)
        reorganization.seed_reorganized(self.stdout, today=timezone.localdate())
        logins = reorganization.seed_logins(logins)
        candidates.seed_on_from_merger(self.stdout, roads)
        plans.seed_after_reorganization(self.stdout, reorganized_in=day.year)
        cycle.seed(self.stdout, reorganized=True)
        return logins
