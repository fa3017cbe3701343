from django.core.management.base import BaseCommand
from django.utils import timezone

from devdata.synthetic import SCALES, generate


class Command(BaseCommand):
    help = "Generate a deterministic synthetic dataset (organizations, plans, candidates, admissions)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(SCALES), default="district")
        parser.add_argument("--seed", type=int, default=2025)
        parser.add_argument("--end-year", type=int, default=timezone.localdate().year, help="the last (current) year")
        parser.add_argument("--years", type=int, default=5)

    def handle(self, *args, scale, seed, end_year, years, **options):
        counts = generate(scale=scale, seed=seed, end_year=end_year, years=years, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(", ".join(f"{k}: {v}" for k, v in counts.items())))
