"""Who may see and change what: the one place scoping is decided.

A user's scope for a permission is the union of the subtrees of the organizations
where they hold a role granting it. Every list, dropdown, filter, export and report
starts from `organizations()` or `scope_q()`; every object a URL names is fetched
through `get_organization()` or `get_scoped()`:

* outside every subtree the user can see → 404 (we do not reveal what exists),
* inside, but the role there is too low → 403.
"""

from collections.abc import Iterable
from enum import StrEnum
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from .models import Membership, Organization, Role


class Perm(StrEnum):
    VIEW = "view"  # the tree, plans, aggregated reports
    VIEW_PERSONAL = "view_personal"  # candidates' names and records
    EDIT_ADMISSIONS = "edit_admissions"  # log candidates, steps, admissions
    EDIT_PLANS = "edit_plans"  # plans, quota rules, allocations, member counts
    MANAGE = "manage"  # create/move/merge/dissolve organizations, imports of the tree


ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.ADMIN: frozenset(Perm),
    Role.PLANNER: frozenset({Perm.VIEW, Perm.VIEW_PERSONAL, Perm.EDIT_PLANS}),
    Role.CLERK: frozenset({Perm.VIEW, Perm.VIEW_PERSONAL, Perm.EDIT_ADMISSIONS}),
    Role.VIEWER: frozenset({Perm.VIEW}),
}

_CACHE_ATTR = "_partyplans_scope_cache"


def _minimal(paths: Iterable[str]) -> list[str]:
    """Drop paths that lie inside another path of the list."""
    result: list[str] = []
    for path in sorted(set(paths)):
        if not result or not path.startswith(result[-1]):
            result.append(path)
    return result


def _memberships(user) -> list[tuple[str, str]]:
    cache = getattr(user, _CACHE_ATTR, None)
    if cache is None:
        cache = list(Membership.objects.filter(user=user).values_list("organization__path", "role"))
        setattr(user, _CACHE_ATTR, cache)
    return cache


def scope_paths(user, perm: Perm = Perm.VIEW) -> list[str] | None:
    """Root paths of the subtrees where `user` holds `perm`; None means everywhere."""
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    return _minimal(path for path, role in _memberships(user) if perm in ROLE_PERMS[role])


def scope_q(user, perm: Perm = Perm.VIEW, path_field: str = "path") -> Q:
    """A filter on `path_field` (e.g. "organization__path") limiting rows to the scope."""
    paths = scope_paths(user, perm)
    if paths is None:
        return Q()
    if not paths:
        return Q(pk__in=[])
    query = Q()
    for path in paths:
        query |= Q(**{f"{path_field}__startswith": path})
    return query


def organizations(user, perm: Perm = Perm.VIEW) -> QuerySet[Organization]:
    """Every organization the user may reach with `perm`."""
    return Organization.objects.filter(scope_q(user, perm))


def scoped(queryset: QuerySet, user, perm: Perm = Perm.VIEW, org_field: str = "organization"):
    """Limit any queryset with a foreign key to Organization to the user's scope."""
    return queryset.filter(scope_q(user, perm, f"{org_field}__path"))


def scoped_subtree(
    queryset: QuerySet, user, organization: Organization, perm: Perm = Perm.VIEW, org_field: str = "organization"
):
    """Rows under `organization` (its subtree) that the user may see with `perm`.

    The same rows as `scoped(queryset, …).filter(<org_field>__path__startswith=organization.path)`,
    with one prefix condition instead of two when the organization lies inside the user's
    scope (its whole subtree does then): PostgreSQL estimates a single range far better,
    which matters for the plans of large subtrees.
    """
    subtree = queryset.filter(**{f"{org_field}__path__startswith": organization.path})
    if has_perm(user, organization, perm):
        return subtree
    return subtree.filter(scope_q(user, perm, f"{org_field}__path"))


def has_perm(user, organization: Organization, perm: Perm) -> bool:
    paths = scope_paths(user, perm)
    return paths is None or any(organization.path.startswith(p) for p in paths)


def check_perm(user, organization: Organization, perm: Perm) -> None:
    """404 if the organization is outside what the user can see, 403 if the role is too low."""
    if has_perm(user, organization, perm):
        return
    if perm is not Perm.VIEW and has_perm(user, organization, Perm.VIEW):
        raise PermissionDenied
    raise Http404


def get_organization(user, pk, perm: Perm = Perm.VIEW) -> Organization:
    """The organization a URL names, if the user may act on it with `perm`."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    organization = get_object_or_404(Organization, pk=pk)
    check_perm(user, organization, perm)
    return organization


def get_scoped(user, queryset: QuerySet, pk, perm: Perm = Perm.VIEW, org_field="organization") -> Model:
    """An object with a foreign key to Organization, fetched by id from a URL or form."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    obj = get_object_or_404(queryset.select_related(org_field), pk=pk)
    organization = obj
    for part in org_field.split("__"):
        organization = getattr(organization, part)
    check_perm(user, organization, perm)
    return obj


def org_view(perm: Perm, url_kwarg: str = "org_pk"):
    """View decorator: resolve the organization in the URL once, checking `perm`.

    The view receives it as `request.organization` and its keyword argument.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            organization = get_organization(request.user, kwargs.pop(url_kwarg), perm)
            request.organization = organization
            return view(request, organization, *args, **kwargs)

        wrapper.required_perm = perm
        return wrapper

    return decorator


def roles_by_org(user) -> list[tuple[Organization, str]]:
    """The user's memberships, for the home page."""
    return [
        (m.organization, Role(m.role).label)
        for m in Membership.objects.filter(user=user).select_related("organization").order_by("organization__path")
    ]
