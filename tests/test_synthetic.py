import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from admissions.models import Admission, Candidate, Introducer
from devdata.synthetic import generate
from organizations.models import GRASSROOTS_FORMS, MemberCount, Organization
from organizations.selectors import with_member_counts
from quotas.models import Allocation, Rule


@pytest.fixture(autouse=True)
def _one_cache_bump_per_generation(monkeypatch):
    """As in production: a generation is one transaction, bumped once after its commit (never
    here: the test rolls back), not once per write as tests/conftest.py makes other tests do.
    Nothing here reads a cached answer."""
    from reports import cache

    monkeypatch.setattr(cache, "_after_commit", lambda func: transaction.on_commit(func, robust=True))


def test_tiny_synthetic_dataset_is_a_valid_tree_with_plans_admissions_and_dated_member_counts(db):
    """One generation (through the command, five years up to 2025) checked for its tree,
    plans and people, then for its member counts (issue 18)."""
    call_command("generate_synthetic", "--scale", "tiny", "--seed", "5", "--end-year", "2025", stdout=StringIO())
    # 1 province + 3 communes + 12 grassroots + their cells
    assert Organization.objects.filter(depth__lte=3).count() == 16
    assert all(not problems for problems in Organization.objects.find_problems())
    assert Rule.objects.count() == 6 + 3
    assert Allocation.objects.count() == 12
    assert Admission.objects.count() >= 30 * 4
    assert Candidate.objects.filter(admission__isnull=True).count() == 60
    # Written through the services, as a clerk's pages would: each admitted person took
    # every step of the road with its documents, two introducers and no check failing.
    admitted = Candidate.objects.filter(admission__isnull=False)
    assert all(c.steps.count() >= 8 for c in admitted.prefetch_related("steps")[:20])
    assert Introducer.objects.filter(candidate__in=admitted).count() >= 2 * admitted.count()
    province = Organization.objects.get(depth=1)
    assert Organization.objects.filter(path__startswith=province.path).count() == Organization.objects.count()

    # Member counts (issue 18): they were all dated on one day, so a past year's report saw
    # every cell "without a count". A 2024 report reads the latest count on or before its
    # days (the start of the year for the shares, the year end for the cell sizes): every
    # grassroots organization and cell that holds members has one, and the counts drift.
    counted = Organization.objects.filter(member_counts__isnull=False).distinct()
    leaves = Organization.objects.filter(form__in=[*GRASSROOTS_FORMS, "cell"], numchild=0)
    assert set(leaves) == set(counted) and leaves.exists()
    for day in (dt.date(2024, 1, 1), dt.date(2024, 12, 31), dt.date(2021, 1, 1)):
        assert not with_member_counts(leaves, on=day).filter(members__isnull=True).exists(), day
    assert sorted({c.as_of.year for c in MemberCount.objects.all()}) == [2021, 2022, 2023, 2024, 2025]
    assert MemberCount.objects.count() == 5 * counted.count()
    yearly = [
        list(MemberCount.objects.filter(organization=o).order_by("as_of").values_list("members", flat=True))
        for o in counted
    ]
    assert any(len(set(members)) > 1 for members in yearly)  # members drift from year to year
    assert all(min(members) >= 3 for members in yearly)


def _made():
    return (
        list(Organization.objects.order_by("path").values_list("name", "sector")),
        list(Candidate.objects.order_by("search_name", "date_of_birth").values_list("full_name", "date_of_birth")),
    )


def test_national_shape_has_one_central_root_above_the_provinces(db):
    generate(scale="tiny-national", seed=1, years=1)  # the shape does not depend on the years
    root = Organization.objects.get(depth=1)
    assert root.form == "central"
    assert Organization.objects.filter(depth=2, form="provincial").count() == 2
    assert all(not problems for problems in Organization.objects.find_problems())
    # each commune committee's allocation table lists its own grassroots organizations
    for allocation in Allocation.objects.select_related("rule__target", "organization"):
        assert Organization.objects.get_parent(allocation.organization) == allocation.rule.target


def test_generation_is_deterministic(db):
    """Two generations with one seed make the same organizations and people (two years of
    them: the determinism does not depend on how many)."""
    with transaction.atomic():
        generate(scale="tiny-national", seed=1, years=2)
        first = _made()
        transaction.set_rollback(True)
    assert not Organization.objects.exists()
    generate(scale="tiny-national", seed=1, years=2)
    assert _made() == first and first[1]
