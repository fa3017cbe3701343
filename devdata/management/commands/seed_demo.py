from django.core.management.base import BaseCommand
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
        for seed in SEEDS:
            seed(self.stdout)
        if options["reorganized"]:
            reorganization.seed_reorganized(self.stdout, today=timezone.localdate())
            logins = reorganization.seed_logins(logins)
        # The demo loads some rows in bulk (no signals): recount the tallies reports read.
        tally.rebuild()
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {tree.DEMO_PASSWORD}):"))
        for username, description, organization in logins:
            self.stdout.write(f"  {username:<18} {description:<38} {organization}")
