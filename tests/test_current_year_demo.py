"""The demo shows a living current year, whatever the day it is loaded (no frozen clock)."""

from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from admissions.categories import Category
from admissions.models import Admission, Candidate, StepRecord
from admissions.selectors import alert_counts
from organizations.models import Membership, Organization
from quotas.models import Plan, PlanStatus, RuleKind
from reports.engine import Status, attainment


def test_don_duong_current_year_is_alive_after_seed_demo(seeded_demo):
    today = timezone.localdate()
    district = Organization.objects.get(code="LD.DD")

    plans = Plan.objects.filter(issuer=district)
    assert plans.filter(first_year=2025, last_year=2025).exists()  # the seed's plan is still there
    if today.year != 2025:
        current = plans.get(first_year=today.year)
        assert current.status == PlanStatus.ISSUED and "minh họa" in current.note
        assert current.issued_on <= today
        table = current.rules.get(kind=RuleKind.ALLOCATION)
        assert table.allocations.count() == 15

    result = attainment(scope=district, year=today.year, as_of=today)
    assert result.actual > 0
    rows = next(t for t in result.allocations if t.plan.first_year == today.year).rows
    assert len(rows) == 15 and sum(r.total for r in rows) == 91
    assert sum(1 for r in rows if r.actual > 0) >= 10
    pupils = next(r for r in result.rules if r.kind == RuleKind.COUNT and r.rule.category == Category.PUPIL and r.many)
    schools = {m.org.code: m for m in pupils.measurements}
    assert any(m.status == Status.MET for m in schools.values())
    assert any(m.actual == 0 and m.status != Status.MET for m in schools.values())

    planner = Membership.objects.get(organization=district).user
    counts = alert_counts(planner, organization=district, today=today)
    assert sum(1 for n in counts.values() if n > 0) >= 4, counts

    # nothing the demo wrote lies in the future
    assert not Admission.objects.filter(ceremony_date__gt=today).exists()
    assert not StepRecord.objects.filter(date__gt=today).exists()


def test_current_year_is_not_duplicated_by_a_second_run(seeded_demo):
    counts = (Candidate.objects.count(), Admission.objects.count(), StepRecord.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (Candidate.objects.count(), Admission.objects.count(), StepRecord.objects.count()) == counts
    year = timezone.localdate().year
    assert Plan.objects.filter(issuer__code="LD.DD", first_year=year).count() == 1
