"""Every URL × every role × organizations inside, beside and above the holder's subtree,
by GET and (write routes) by POST.

The tree, the cast and the routes' objects are built once for the module, inside a
transaction rolled back at its end; each case runs in a savepoint of it (pytest-django's
`db`), so a POST that got through would not leak into the next case either.
"""

import hashlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from organizations import access
from organizations.access import ROLE_PERMS, Perm
from organizations.models import Organization, Role

from .conftest import CAST, build_tree, build_users
from .matrix import PUBLIC_PAGES, ROUTES, UNSCOPED_PAGES, build_extra


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings

    old_root = settings.PRIVATE_FILES_ROOT
    settings.PRIVATE_FILES_ROOT = tmp_path_factory.mktemp("private")
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            tree = build_tree()
            users = build_users(tree)
            yield SimpleNamespace(tree=tree, users=users, extra=build_extra(tree, users))
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            settings.PRIVATE_FILES_ROOT = old_root


@pytest.fixture
def tree(world, db):
    return world.tree


@pytest.fixture
def users(world, db):
    """Fresh user objects each case: access caches the scope on the user object."""
    User = get_user_model()
    return SimpleNamespace(**{key: User.objects.get(pk=user.pk) for key, user in vars(world.users).items()})


@pytest.fixture
def matrix_extra(world):
    return world.extra


def expected_status(user_key, route, target, tree):
    org_key, role = CAST[user_key]
    holder = getattr(tree, org_key)
    if not getattr(tree, target).path.startswith(holder.path):
        return 404
    return 200 if route.perm in ROLE_PERMS[role] else 403


def _names_outside(user_key, tree) -> list[str]:
    """Names of organizations the user may not see and that are not above them either."""
    holder = getattr(tree, CAST[user_key][0])
    return [
        org.name
        for org in vars(tree).values()
        if not org.path.startswith(holder.path) and not holder.path.startswith(org.path)
    ]


CASES = [(route, target) for route in ROUTES for target in route.all_targets()]
GET_CASES = [(route, target) for route, target in CASES if route.get]
POST_CASES = [(route, target) for route, target in CASES if route.post]


def _case_id(case):
    route, target = case
    return f"{route}@{target}"


def _url(route, target, tree, extra):
    return reverse(route.name, kwargs=route.kwargs(tree, extra, target))


# Tables whose rows a refused request may touch: sessions and the login bookkeeping.
UNWATCHED = {"sessions", "axes", "admin", "contenttypes"}


def fingerprint() -> str:
    """Every row of every table the app writes, hashed: equal before and after means
    nothing changed (a user's last_login aside)."""
    digest = hashlib.sha256()
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label):
        if model._meta.app_label in UNWATCHED or model._meta.label == "auth.Permission":
            continue
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "last_login"]
        for row in model._default_manager.order_by("pk").values_list(*fields):
            digest.update(repr((model._meta.label, row)).encode())
    return digest.hexdigest()


@pytest.mark.parametrize("user_key", list(CAST))
@pytest.mark.parametrize("case", GET_CASES, ids=_case_id)
def test_every_url_for_every_role(client, users, tree, matrix_extra, case, user_key):
    route, target = case
    client.force_login(getattr(users, user_key))
    url = _url(route, target, tree, matrix_extra)
    response = client.get(url)
    if getattr(response, "file_to_stream", None) is not None:
        response.file_to_stream.close()  # a stored file streamed to nobody (not response.close(): its
        # request_finished signal would close the test's database connection on PostgreSQL)
    assert response.status_code == expected_status(user_key, route, target, tree), url
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        page = response.content.decode()
        assert not [name for name in _names_outside(user_key, tree) if name in page], url


@pytest.mark.parametrize("case", POST_CASES, ids=_case_id)
def test_a_post_without_the_permission_changes_nothing(client, users, tree, matrix_extra, case):
    """Every user lacking the permission posts a valid form: 403 or 404, nothing written."""
    route, target = case
    url = _url(route, target, tree, matrix_extra)
    data = route.post(tree, matrix_extra, target)
    refused = [key for key in CAST if expected_status(key, route, target, tree) != 200]
    assert refused or target == route.target
    for user_key in refused:
        client.force_login(getattr(users, user_key))
        before = fingerprint()
        response = client.post(url, data)
        assert response.status_code == expected_status(user_key, route, target, tree), (user_key, url)
        assert fingerprint() == before, (user_key, url)


@pytest.mark.parametrize("route", [r for r in ROUTES if r.post], ids=str)
def test_the_same_post_by_the_administrator_goes_through(client, users, tree, matrix_extra, route):
    """The refusals above are the scope's, not the form's: the administrator's identical
    POST writes something (routes posting an empty form only check the refusal)."""
    data = route.post(tree, matrix_extra, route.target)
    if not data:
        pytest.skip("an empty form: the refusal alone is checked")
    client.force_login(users.admin)
    before = fingerprint()
    response = client.post(_url(route, route.target, tree, matrix_extra), data)
    assert response.status_code in (200, 302)
    assert fingerprint() != before, response.content.decode()[-3000:]


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_anonymous_users_are_sent_to_login(client, tree, matrix_extra, route):
    url = _url(route, route.target, tree, matrix_extra)
    response = client.get(url) if route.get else client.post(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def _id_cases():
    return [(route, name) for route in ROUTES for name in _pattern_kwargs(route.name)]


def _pattern_kwargs(name: str) -> list[str]:
    namespace, _, url_name = name.partition(":")
    resolver = get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == namespace:
            for inner in pattern.url_patterns:
                if isinstance(inner, URLPattern) and inner.name == url_name:
                    return list(inner.pattern.converters)
    return []


@pytest.mark.parametrize("case", _id_cases(), ids=lambda case: f"{case[0]}|{case[1]}")
def test_an_unknown_id_is_404(client_for, tree, matrix_extra, case):
    """Every id in every URL (organization, plan, rule, candidate, export): unknown → 404."""
    route, name = case
    kwargs = route.kwargs(tree, matrix_extra, route.target)
    kwargs[name] = 999_999
    client = client_for("admin")
    url = reverse(route.name, kwargs=kwargs)
    response = client.get(url) if route.get else client.post(url, route.post(tree, matrix_extra, route.target))
    assert response.status_code == 404, url


@pytest.mark.parametrize("user_key", list(CAST))
@pytest.mark.parametrize("name", UNSCOPED_PAGES)
def test_pages_without_an_id_show_only_the_scope(client, users, tree, matrix_extra, name, user_key):
    """The pages without any id answer every role (or lead it to its own organization's
    page), listing nothing outside its scope; a role without the permission anywhere: 403."""
    client.force_login(getattr(users, user_key))
    response = client.get(reverse(name), follow=True)
    allowed = UNSCOPED_PAGES[name] in ROLE_PERMS[CAST[user_key][1]]
    assert response.status_code == (200 if allowed else 403)
    page = response.content.decode()
    assert not [n for n in _names_outside(user_key, tree) if n in page]
    assert client.post(reverse(name)).status_code == 405


@pytest.mark.parametrize("name", UNSCOPED_PAGES)
def test_pages_without_an_id_need_a_login(name):
    response = Client().get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_every_url_is_in_the_matrix():
    """A new route must join the matrix (or the short list of pages anyone may open)."""
    swept = {route.name for route in ROUTES} | set(UNSCOPED_PAGES) | set(PUBLIC_PAGES) | {"logout"}

    def names(resolver, namespace=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    yield from names(pattern, pattern.namespace or namespace)
            elif pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    assert set(names(get_resolver())) - swept == set()


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


def test_the_module_data_is_shared(tree):
    assert Organization.objects.filter(code="LD").count() == 1
