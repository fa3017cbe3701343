"""Who may see and change what: the one place scoping is decided.

A user's scope for a permission is the union of the subtrees of the organizations
where they hold a role granting it. Every list, dropdown, filter, export and report
starts from `organizations()`, `organizations_under()` or `scope_q()`; a page without an
organization in its URL starts at `landing_organization()` (or `top_organizations()`);
every object a URL names is fetched through `get_organization()`, `get_scoped()`,
`get_visible()` or, for a record of a person, `get_record()`:

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
from .positions import counting_path


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
    return paths_q(paths, path_field)


def paths_q(paths: Iterable[str], path_field: str = "path") -> Q:
    """A filter on `path_field` limiting rows to the subtrees of `paths` (none: no row), for
    scope_q and for a scope read before and kept as paths (a cached page's reader)."""
    paths = list(paths)
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


def _path_field(org_field: str) -> str:
    return f"{org_field}__path" if org_field else "path"


def scoped_subtree(
    queryset: QuerySet, user, organization: Organization, perm: Perm = Perm.VIEW, org_field: str = "organization"
):
    """Rows under `organization` (its subtree) that the user may see with `perm`;
    `org_field=""` for a queryset of organizations themselves.

    The same rows as `scoped(queryset, …).filter(<org_field>__path__startswith=organization.path)`,
    with one prefix condition instead of two when the organization lies inside the user's
    scope (its whole subtree does then): PostgreSQL estimates a single range far better,
    which matters for the plans of large subtrees.
    """
    path_field = _path_field(org_field)
    subtree = queryset.filter(**{f"{path_field}__startswith": organization.path})
    if has_perm(user, organization, perm):
        return subtree
    return subtree.filter(scope_q(user, perm, path_field))


def _merged_under(paths: Iterable[str], org_field: str = "organization") -> Q:
    """Rows of the organizations merged into one under any of `paths` (chains of mergers
    included): their records count at their successor (organizations.positions), one
    subquery."""
    under = Q()
    for path in paths:
        under |= Q(p__startswith=path)
    merged = Organization.objects.filter(merged_into__isnull=False).annotate(p=counting_path()).filter(under)
    return Q(**{f"{org_field}__in": merged.values("pk")})


def records_under(
    queryset: QuerySet, user, organization: Organization, perm: Perm = Perm.VIEW_PERSONAL, *, merged: Q | None = None
):
    """Records of people (candidates, admissions) of `organization`'s subtree and of the
    organizations merged into one of it, that the user may see with `perm`: where the
    record's organization is, or where it counts since its merger. A merged commune's
    members on probation are the new commune's: its staff follow their recognition (the
    figures count them there already). `merged` narrows a merged organization's records
    to those its successor follows (candidates: those it admitted; a file closed before
    the merger stays where it was closed); None: all of them."""
    followed = _merged_under([organization.path]) & (merged or Q())
    rows = queryset.filter(Q(organization__path__startswith=organization.path) | followed)
    if has_perm(user, organization, perm):
        return rows
    return rows.filter(scoped_records_q(user, perm, merged=merged))


def scoped_records_q(user, perm: Perm = Perm.VIEW_PERSONAL, *, merged: Q | None = None) -> Q:
    """A filter limiting records of people (a queryset with an `organization`) to the
    user's scope, those of organizations merged into one in it included (records_under,
    `merged` as there)."""
    paths = scope_paths(user, perm)
    if paths is None:
        return Q()
    if not paths:
        return Q(pk__in=[])
    return scope_q(user, perm, "organization__path") | (_merged_under(paths) & (merged or Q()))


def counted_with(organization: Organization) -> Organization:
    """Where a merged organization's records count and are followed: its successor, through
    chains of up to three mergers as `counting_path` follows them (a query per merger);
    the organization itself when it was not merged."""
    place = organization
    for _hop in range(3):
        if place.merged_into_id is None:
            break
        place = place.merged_into
    return place


def has_record_perm(user, record: Model, perm: Perm, *, merged: Q | None = None) -> bool:
    """Whether the user holds `perm` over a record of a person (with an `organization`):
    where its organization is, or, for a record of a merged organization its successor
    follows (`merged` as in records_under), where it counts since the merger."""
    organization = record.organization
    if has_perm(user, organization, perm):
        return True
    if organization.merged_into_id is None or not has_perm(user, counted_with(organization), perm):
        return False
    return type(record)._default_manager.filter(merged or Q(), pk=record.pk).exists()


def get_record(user, queryset: QuerySet, pk, perm: Perm = Perm.VIEW_PERSONAL, *, merged: Q | None = None) -> Model:
    """A record of a person (candidate, admission) named in a URL or form: the same rows as
    records_under lists, so a record the lists and alerts show opens for the same user, a
    merged organization's at its successor. 404 outside what the user can see, 403 if seen
    but the role is too low."""
    record = get_object_or_404(queryset.select_related("organization"), pk=_pk(pk))
    if has_record_perm(user, record, perm, merged=merged):
        return record
    if perm is not Perm.VIEW and has_record_perm(user, record, Perm.VIEW, merged=merged):
        raise PermissionDenied
    raise Http404


def organizations_under(
    user, organization: Organization, perm: Perm = Perm.VIEW, *, active: bool = False
) -> QuerySet[Organization]:
    """The organizations of `organization`'s subtree (itself included) the user may reach
    with `perm`; only those not dissolved when `active`. Outside the scope: none."""
    queryset = Organization.objects.filter(dissolved_on__isnull=True) if active else Organization.objects.all()
    return scoped_subtree(queryset, user, organization, perm, org_field="")


def top_organizations(user, perm: Perm = Perm.VIEW) -> QuerySet[Organization]:
    """The organizations at the top of the user's scope for `perm` (the tree's roots for a
    superuser), by name: where the tree, the dashboards and "Add a plan" start."""
    paths = scope_paths(user, perm)
    if paths is None:
        return Organization.objects.filter(depth=1).order_by("search_name")
    return Organization.objects.filter(path__in=paths).order_by("search_name")


def landing_organization(user, perm: Perm = Perm.VIEW) -> Organization | None:
    """The organization a user lands on: the top of their memberships granting `perm`, the
    first in tree order (the first root for a superuser); None without any."""
    return top_organizations(user, perm).order_by("path").first()


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


def _pk(pk) -> int:
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise Http404 from None


def _organization_of(obj: Model, org_field: str) -> Organization:
    for part in org_field.split("__"):
        obj = getattr(obj, part)
    return obj


def get_organization(user, pk, perm: Perm = Perm.VIEW) -> Organization:
    """The organization a URL names, if the user may act on it with `perm`."""
    organization = get_object_or_404(Organization, pk=_pk(pk))
    check_perm(user, organization, perm)
    return organization


def get_scoped(user, queryset: QuerySet, pk, perm: Perm = Perm.VIEW, org_field="organization") -> Model:
    """An object with a foreign key to Organization, fetched by id from a URL or form."""
    obj = get_object_or_404(queryset.select_related(org_field), pk=_pk(pk))
    check_perm(user, _organization_of(obj, org_field), perm)
    return obj


def get_visible(user, queryset: QuerySet, pk, perm: Perm = Perm.VIEW, org_field="organization") -> Model:
    """An object fetched by id from a URL or form among `queryset`, a selector's reading of
    what the user may see (plans: also those issued above the scope): 404 outside it, 403
    if seen but the user lacks `perm` on the object's organization."""
    obj = get_object_or_404(queryset, pk=_pk(pk))
    if perm is not Perm.VIEW and not has_perm(user, _organization_of(obj, org_field), perm):
        raise PermissionDenied
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
