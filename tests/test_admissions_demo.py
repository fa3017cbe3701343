from io import StringIO

from django.core.management import call_command

from admissions.models import Admission, Candidate, Holiday, Outcome, Step


def test_demo_holds_the_seed_facts_and_content_at_every_step(seeded_demo):
    count = Candidate.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert Candidate.objects.count() == count  # idempotent

    lado = Admission.objects.filter(organization__code="LD.DT.LADO")
    assert [(a.ceremony_date.year, a.ceremony_date.month <= 3, a.category) for a in lado] == [
        (2024, True, "non_state_worker")
    ]
    dossier = Candidate.objects.filter(organization__code="LD.DT.DTR", step_date__year=2024)
    assert [(c.step, c.outcome, c.category) for c in dossier] == [(Step.CELL_RESOLUTION, Outcome.IN_PROGRESS, "pupil")]
    assert not Admission.objects.filter(organization__code="LD.DT.DTR").exists()
    cva = Admission.objects.filter(organization__code="LD.DT.CVA")
    assert sorted((a.ceremony_date.year, a.category) for a in cva) == [(2023, "pupil"), (2023, "pupil")]

    don_duong = Candidate.objects.filter(organization__code__startswith="LD.DD.")
    live_steps = set(don_duong.filter(outcome=Outcome.IN_PROGRESS).values_list("step", flat=True))
    assert live_steps == {s.value for s in Step if s < Step.CEREMONY}
    assert Admission.objects.filter(organization__code__startswith="LD.DD.", ceremony_date__year=2025).count() >= 20
    assert Candidate.objects.exclude(organization__code__startswith="LD.").exists()  # Ninh Thuận too
    assert Holiday.objects.filter(date__year=2025, name__icontains="Tết").exists()
