from functools import partial

from django.core.management.base import BaseCommand
from django.utils import timezone

from admissions import tally
from devdata import candidates, cycle, history, plans, reorganization, tree

# Run in this order after the tree and the logins.
SEEDS = [plans.seed, candidates.seed, history.seed, cycle.seed]
# `--reorganized`: what a board did before 1 July 2025, then the reorganization, then what it
# did after on the new tree (the current year's plans, the 2025 year reports), as boards lived it.
BEFORE_REORGANIZATION = [partial(plans.seed, current_year=False), candidates.seed, history.seed]
AFTER_REORGANIZATION = [
    partial(plans.seed_after_reorganization, reorganized_in=reorganization.REORGANIZED_ON.year),
    partial(cycle.seed, reorganized=True),
]


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
            for seed in BEFORE_REORGANIZATION:
                seed(self.stdout)
            reorganization.seed_reorganized(self.stdout, today=timezone.localdate())
            logins = reorganization.seed_logins(logins)
            for seed in AFTER_REORGANIZATION:
                seed(self.stdout)
        # The demo loads some rows in bulk (no signals): recount the tallies reports read.
        tally.rebuild()
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {tree.DEMO_PASSWORD}):"))
        for username, description, organization in logins:
            self.stdout.write(f"  {username:<18} {description:<38} {organization}")
