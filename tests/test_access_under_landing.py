"""access.organizations_under (the scoped organizations under X) and access.landing_organization
(where a user lands): decided once in organizations/access.py."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from organizations import access
from organizations.access import Perm
from organizations.models import Membership, Organization, Role


def _user(username, *memberships):
    user = get_user_model().objects.create_user(username=username, password="x")
    for organization, role in memberships:
        Membership.objects.create(user=user, organization=organization, role=role)
    return user


def _codes(queryset):
    return set(queryset.values_list("code", flat=True))


@pytest.fixture
def two_subtrees(tree):
    """A planner of Đơn Dương (province LD) who also views Phan Rang (province NT)."""
    return _user("two", (tree.district, Role.PLANNER), (tree.other_city, Role.VIEWER))


def test_under_an_organization_in_scope_is_its_whole_subtree(tree, users):
    found = access.organizations_under(users.district_planner, tree.district)
    assert found.filter(pk=tree.district.pk).exists()
    assert _codes(found) == _codes(Organization.objects.filter(path__startswith=tree.district.path))


def test_under_an_organization_above_the_scope_is_only_the_part_in_scope(tree, users):
    found = access.organizations_under(users.district_planner, tree.province)
    assert _codes(found) == _codes(Organization.objects.filter(path__startswith=tree.district.path))
    assert tree.province.code not in _codes(found) and tree.city.code not in _codes(found)


def test_under_an_organization_outside_the_scope_is_empty_not_an_error(tree, users):
    assert list(access.organizations_under(users.district_planner, tree.city)) == []
    assert list(access.organizations_under(users.outsider, tree.province)) == []


def test_two_memberships_in_different_subtrees(tree, two_subtrees):
    user = two_subtrees
    assert _codes(access.organizations_under(user, tree.other_province)) == {tree.other_city.code}
    assert tree.district.code in _codes(access.organizations_under(user, tree.province))
    # The role counts per subtree: planning only in Đơn Dương.
    assert list(access.organizations_under(user, tree.other_province, Perm.EDIT_PLANS)) == []
    assert tree.district.code in _codes(access.organizations_under(user, tree.province, Perm.EDIT_PLANS))
    assert access.landing_organization(user) == tree.district  # the first in tree order
    assert access.landing_organization(user, Perm.EDIT_PLANS) == tree.district
    assert set(access.top_organizations(user)) == {tree.district, tree.other_city}


def test_a_user_without_membership_lands_nowhere_and_sees_nothing(tree):
    user = _user("nobody")
    assert access.landing_organization(user) is None
    assert list(access.top_organizations(user)) == []
    assert list(access.organizations_under(user, tree.province)) == []


def test_too_low_a_role_lands_nowhere_for_that_permission(tree, users):
    assert access.landing_organization(users.viewer) == tree.district
    assert access.landing_organization(users.viewer, Perm.EDIT_ADMISSIONS) is None
    assert list(access.organizations_under(users.viewer, tree.district, Perm.EDIT_PLANS)) == []


def test_a_superuser_lands_on_the_first_root_and_sees_every_subtree(tree):
    root = get_user_model().objects.create_superuser(username="root", password="x")
    assert access.landing_organization(root) == tree.province
    assert list(access.top_organizations(root)) == list(Organization.objects.filter(depth=1).order_by("search_name"))
    assert _codes(access.organizations_under(root, tree.other_province)) == {"NT", "NT.PR"}


def test_active_leaves_out_dissolved_organizations(tree, users):
    Organization.objects.filter(pk=tree.enterprise.pk).update(dissolved_on=dt.date(2025, 1, 1))
    assert tree.enterprise.code in _codes(access.organizations_under(users.admin, tree.district))
    assert tree.enterprise.code not in _codes(access.organizations_under(users.admin, tree.district, active=True))


def test_under_is_the_scope_then_the_subtree_for_every_role(tree, users):
    orgs = [tree.province, tree.district, tree.school, tree.city, tree.other_province]
    for user in vars(users).values():
        for perm in Perm:
            for org in orgs:
                expected = _codes(access.organizations(user, perm).filter(path__startswith=org.path))
                assert _codes(access.organizations_under(user, org, perm)) == expected, (user.username, perm, org.code)


def test_landing_costs_the_memberships_and_one_query(tree, users, django_assert_num_queries):
    user = get_user_model().objects.get(pk=users.clerk.pk)
    with django_assert_num_queries(2):
        assert access.landing_organization(user, Perm.EDIT_ADMISSIONS) == tree.school


def test_get_visible_reads_the_selector_then_checks_the_role(tree, users):
    """A plan issued above the district is seen there (its planner may not change it: 403);
    a draft above is not seen (404), nor an id that is not a number."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from quotas import selectors, services
    from quotas.models import RuleKind

    issued = services.plan_create(issuer=tree.province, title="KH tỉnh", symbol="KH/TU", first_year=2025)
    services.rule_create(plan=issued, today=dt.date(2025, 6, 30), kind=RuleKind.ALLOCATION, min_count=75)
    services.plan_issue(plan=issued, number="97", issued_on=dt.date(2025, 6, 30), today=dt.date(2025, 6, 30))
    draft = services.plan_create(issuer=tree.province, title="Dự thảo", symbol="KH/TU", first_year=2026)
    user = users.district_planner
    plans = selectors.visible_plans(user)
    assert access.get_visible(user, plans, str(issued.pk), org_field="issuer") == issued
    with pytest.raises(PermissionDenied):
        access.get_visible(user, plans, issued.pk, Perm.EDIT_PLANS, org_field="issuer")
    for pk in (draft.pk, "x", None):
        with pytest.raises(Http404):
            access.get_visible(user, plans, pk, org_field="issuer")
