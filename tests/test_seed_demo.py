from io import StringIO

from django.core.management import call_command

from organizations.models import Membership, Organization


def test_seed_demo_is_idempotent_and_prints_the_logins(seeded_demo):
    count = Organization.objects.count()
    out = StringIO()
    call_command("seed_demo", stdout=out)  # a second run over the demo
    assert Organization.objects.count() == count
    text = out.getvalue()
    for login in ["quantri", "tinh.kehoach", "donduong.kehoach", "chibo.ductrong", "xem.ductrong", "ninhthuan"]:
        assert login in text
    # and Đức Trọng's planner, who sends its 2025 report in the submissions demo
    assert Membership.objects.count() == 7


def test_don_duong_has_exactly_the_fifteen_organizations_of_the_2025_table(seeded_demo):
    district = Organization.objects.get(code="LD.DD")
    children = Organization.objects.get_children(district)
    assert children.count() == 15
    assert "Chi bộ Trường THPT Pró" in set(children.values_list("name", flat=True))
    assert not children.filter(is_invented=True).exists()


def test_duc_trong_has_six_high_schools_and_three_enterprises(seeded_demo):
    kids = Organization.objects.get_children(Organization.objects.get(code="LD.DT"))
    assert kids.filter(sector="high_school").count() == 6
    assert kids.filter(sector="non_state_enterprise").count() == 3
    assert kids.get(name__contains="Lado Taxi").is_invented is False
