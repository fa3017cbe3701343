"""Candidates still on the road at an organization merged before transfers existed go on at
its successor, as a merger now does (services.candidates.transfer_with_merger): one
CandidateTransfer per merger they pass through (a chain of mergers gives one per link).
Counted for the successor before as after: no tally changes. No history rows are written
here (the history shows the merger on the organization)."""

from django.db import migrations


def transfer(apps, schema_editor):
    Candidate = apps.get_model("admissions", "Candidate")
    CandidateTransfer = apps.get_model("admissions", "CandidateTransfer")
    Organization = apps.get_model("organizations", "Organization")
    merged = dict(
        (pk, (successor, day))
        for pk, successor, day in Organization.objects.filter(merged_into__isnull=False).values_list(
            "pk", "merged_into_id", "dissolved_on"
        )
    )
    if not merged:
        return
    moving = list(
        Candidate.objects.filter(organization_id__in=merged, outcome="in_progress", archived_at__isnull=True)
    )
    transfers = []
    for candidate in moving:
        at, seen = candidate.organization_id, set()
        while at in merged and at not in seen:
            seen.add(at)
            successor, day = merged[at]
            transfers.append(CandidateTransfer(candidate_id=candidate.pk, organization_id=at, valid_until=day))
            at = successor
        candidate.organization_id = at
    CandidateTransfer.objects.bulk_create(transfers, ignore_conflicts=True)
    Candidate.objects.bulk_update(moving, ["organization"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("admissions", "0011_candidate_transfer")]

    operations = [migrations.RunPython(transfer, migrations.RunPython.noop)]
