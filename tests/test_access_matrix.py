import pytest
from django.urls import reverse

from organizations import access
from organizations.access import ROLE_PERMS, Perm
from organizations.models import Role

from .conftest import CAST
from .matrix import ROUTES, build_extra


def expected_status(user_key, route, tree):
    org_key, role = CAST[user_key]
    holder = getattr(tree, org_key)
    target = getattr(tree, route.target)
    if not target.path.startswith(holder.path):
        return 404
    return 200 if route.perm in ROLE_PERMS[role] else 403


@pytest.fixture
def matrix_extra(tree, users):
    """Objects some routes need besides the tree (each app's routes module builds its own)."""
    return build_extra(tree, users)


@pytest.mark.parametrize("user_key", list(CAST))
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_every_url_for_every_role(client, users, tree, matrix_extra, route, user_key):
    client.force_login(getattr(users, user_key))
    url = reverse(route.name, kwargs=route.kwargs(tree, matrix_extra))
    response = client.get(url)
    assert response.status_code == expected_status(user_key, route, tree), url


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_anonymous_users_are_sent_to_login(client, tree, matrix_extra, route):
    url = reverse(route.name, kwargs=route.kwargs(tree, matrix_extra))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_an_unknown_organization_id_is_404(client_for, tree, matrix_extra, route):
    kwargs = route.kwargs(tree, matrix_extra)
    if "org_pk" not in kwargs:
        pytest.skip("route has no organization id")
    kwargs["org_pk"] = 999_999
    assert client_for("admin").get(reverse(route.name, kwargs=kwargs)).status_code == 404


def test_role_policy():
    """What each role may do, as the issue states it."""
    assert ROLE_PERMS[Role.ADMIN] == set(Perm)
    assert ROLE_PERMS[Role.PLANNER] == {Perm.VIEW, Perm.VIEW_PERSONAL, Perm.EDIT_PLANS}
    assert ROLE_PERMS[Role.CLERK] == {Perm.VIEW, Perm.VIEW_PERSONAL, Perm.EDIT_ADMISSIONS}
    assert ROLE_PERMS[Role.VIEWER] == {Perm.VIEW}


def test_scope_is_the_union_of_subtrees(users, tree):
    from organizations.models import Membership

    Membership.objects.create(user=users.clerk, organization=tree.city_school, role=Role.CLERK)
    users.clerk.refresh_from_db()
    visible = set(access.organizations(users.clerk).values_list("code", flat=True))
    assert visible == {tree.school.code, tree.city_school.code}
    assert set(access.organizations(users.outsider).values_list("code", flat=True)) == {"NT", "NT.PR"}


def test_clerk_cannot_see_the_district_above_their_cell(client_for, tree):
    response = client_for("clerk").get(reverse("organizations:detail", kwargs={"org_pk": tree.district.pk}))
    assert response.status_code == 404
