from importlib import import_module

from django.core.management.base import BaseCommand

from organizations import demo

# Each app's demo module has seed(stdout) and is run in this order after the tree.
APP_SEEDS = ["quotas.demo", "admissions.demo", "reports.demo", "submissions.demo"]


class Command(BaseCommand):
    help = "Load the demo data from the seed documents (idempotent: run it as often as you like)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reorganized",
            action="store_true",
            help="then apply the 2025 reorganization (fixtures/reorganization-2025.xlsx) to the demo tree",
        )

    def handle(self, *args, **options):
        created = demo.seed_organizations()
        self.stdout.write(f"Organizations: {created} created.")
        logins = demo.seed_users()
        for name in APP_SEEDS:
            import_module(name).seed(self.stdout)
        if options["reorganized"]:
            from django.utils import timezone

            demo.seed_reorganized(self.stdout, today=timezone.localdate())
        # The demo loads some rows in bulk (no signals): recount the tallies reports read.
        from admissions import tally

        tally.rebuild()
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {demo.DEMO_PASSWORD}):"))
        for username, description, organization in logins:
            self.stdout.write(f"  {username:<18} {description:<38} {organization}")
