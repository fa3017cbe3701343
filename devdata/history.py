"""Past years' results from the seeds, entered as counts (fixtures/historical-results.json),
through reports.services. Seed 002 gives totals of the period 2020–2023 for Đức Trọng and
no single year: they are entered as such (`first_year` 2020, `year` 2023), so the reports
show a row "2020–2023: 03" and read 2020–2022 as "no data"."""

from organizations.models import Organization
from reports.models import HistoricalResult
from reports.services import historical_result_record

from . import fixtures

RESULTS = fixtures.load("historical-results")["results"]


def seed(stdout) -> None:
    orgs = {o.code: o for o in Organization.objects.filter(code__in=[r["organization"] for r in RESULTS])}
    # Earlier demos entered seed 002's totals under 2022 as if they were that year's: gone.
    HistoricalResult.objects.filter(organization__code="LD.DT", year=2022, first_year__isnull=True).delete()
    for result in RESULTS:
        code = result["organization"]
        if code not in orgs:
            stdout.write(f"reports demo: organization {code} missing, skipped")
            continue
        historical_result_record(
            organization=orgs[code],
            first_year=result["first_year"],
            year=result["year"],
            category=result["category"],
            count=result["count"],
            source=result["source"],
        )
    stdout.write(f"reports demo: {len(RESULTS)} historical results (seeds 001, 002; 002 as totals of 2020–2023)")
