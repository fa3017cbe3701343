from django.core.management.base import BaseCommand

from organizations import demo


class Command(BaseCommand):
    help = "Load the demo data from the seed documents (idempotent: run it as often as you like)."

    def handle(self, *args, **options):
        created = demo.seed_organizations()
        self.stdout.write(f"Organizations: {created} created.")
        logins = demo.seed_users()
        self.stdout.write(self.style.SUCCESS(f"\nDemo logins (password for all: {demo.DEMO_PASSWORD}):"))
        for username, description, organization in logins:
            self.stdout.write(f"  {username:<18} {description:<38} {organization}")
