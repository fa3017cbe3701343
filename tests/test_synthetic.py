from django.core.management import call_command

from admissions.models import Admission, Candidate
from organizations.models import Organization
from quotas.models import Allocation, Rule


def test_tiny_synthetic_dataset_is_a_valid_tree_with_plans_and_admissions(db, capsys):
    call_command("generate_synthetic", "--scale", "tiny", "--seed", "7")
    # 1 province + 3 communes + 12 grassroots + their cells
    assert Organization.objects.filter(depth__lte=3).count() == 16
    assert all(not problems for problems in Organization.objects.find_problems())
    assert Rule.objects.count() == 6 + 3
    assert Allocation.objects.count() == 12
    assert Admission.objects.count() >= 60 * 4
    assert Candidate.objects.filter(admission__isnull=True).count() == 120
    province = Organization.objects.get(depth=1)
    assert Organization.objects.filter(path__startswith=province.path).count() == Organization.objects.count()


def test_generation_is_deterministic(db):
    from bench.synthetic import generate

    generate(scale="tiny", seed=3)
    first = list(Organization.objects.order_by("path").values_list("name", "sector"))
    names = list(Candidate.objects.order_by("pk").values_list("full_name", flat=True)[:50])
    Admission.objects.all().delete()
    Candidate.objects.all().delete()
    Allocation.objects.all().delete()
    Rule.objects.all().delete()
    from organizations.models import MemberCount
    from quotas.models import Plan, SubQuota

    SubQuota.objects.all().delete()
    Plan.objects.all().delete()
    MemberCount.objects.all().delete()
    Organization.objects.all().delete()
    generate(scale="tiny", seed=3)
    assert list(Organization.objects.order_by("path").values_list("name", "sector")) == first
    assert list(Candidate.objects.order_by("pk").values_list("full_name", flat=True)[:50]) == names


def test_national_shape_has_one_central_root_above_the_provinces(db):
    from bench.synthetic import generate

    generate(scale="tiny-national", seed=1)
    root = Organization.objects.get(depth=1)
    assert root.form == "central"
    assert Organization.objects.filter(depth=2, form="provincial").count() == 2
    assert all(not problems for problems in Organization.objects.find_problems())
    # each commune committee's allocation table lists its own grassroots organizations
    for allocation in Allocation.objects.select_related("rule__target", "organization"):
        assert Organization.objects.get_parent(allocation.organization) == allocation.rule.target
