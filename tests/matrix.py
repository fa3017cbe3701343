"""The URL × role permission matrix. Each app adds its routes to ROUTES.

A route names a URL, how to build its arguments for an organization of the `tree`
fixture (`kwargs(tree, extra, target)`; `extra` holds the objects each app's routes
module builds: a plan, a rule, a candidate… of every target organization), and the
permission it needs on the organization it concerns. Each route is swept at its own
target and at the others it lists: a sibling subtree (Đà Lạt's school, outside Đơn
Dương) and organizations above the holders (the district above the clerk's school, the
province above the district's users). Expected statuses follow from the cast in
conftest: 404 for a user whose subtree does not contain that organization, 403 for one
whose role lacks the permission, 200 otherwise.

A write route also says what a valid POST holds (`post(tree, extra, target)`): every
user without the permission posts it and gets 403/404 with nothing changed, and the
administrator's same POST does change something (so the refusal is the scope's, not the
form's).
"""

from collections.abc import Callable
from dataclasses import dataclass

from organizations.access import Perm

SIBLING = "city_school"  # outside Đơn Dương: a sibling subtree for the district's users and the clerk
ABOVE_CLERK = "district"
ABOVE_DISTRICT = "province"
EVERYWHERE = (SIBLING, ABOVE_CLERK, ABOVE_DISTRICT)


@dataclass(frozen=True)
class Route:
    name: str
    kwargs: Callable  # (tree, extra, target) -> dict of URL kwargs
    perm: Perm
    target: str = "school"  # the organization (key in `tree`) the URL concerns
    targets: tuple[str, ...] = (SIBLING,)  # where else the same route is swept
    post: Callable | None = None  # write route: (tree, extra, target) -> data of a valid POST
    get: bool = True  # False for POST-only routes
    label: str = ""

    def __str__(self):
        return self.label or self.name

    def all_targets(self) -> tuple[str, ...]:
        return (self.target, *(t for t in self.targets if t != self.target))


def _org(key=None):
    """The organization route's argument: the target (or always `key`)."""
    return lambda t, extra, target: {"org_pk": getattr(t, key or target).pk}


def _data(**fields):
    return lambda t, extra, target: dict(fields)


def _org_edit(t, extra, target):
    org = getattr(t, target)
    return {"name": org.name + " (sửa)", "code": org.code, "form": org.form, "sector": org.sector}


ORG_ROUTES: list[Route] = [
    Route("organizations:detail", _org(), Perm.VIEW, targets=EVERYWHERE),
    Route("organizations:children", _org(), Perm.VIEW, targets=EVERYWHERE),
    Route(
        "organizations:add_child",
        _org(),
        Perm.MANAGE,
        target="commune",  # a grassroots committee: a cell may stand under it (the school, a cell, holds none)
        targets=EVERYWHERE,
        post=_data(name="Chi bộ Ma Trận", code="MT-01", form="cell", sector="village"),
    ),
    Route("organizations:edit", _org(), Perm.MANAGE, targets=EVERYWHERE, post=_org_edit),
    Route(
        "organizations:move",
        _org(),
        Perm.MANAGE,
        post=lambda t, extra, target: {"new_parent": t.city.pk, "on_date": "2025-01-01"},  # (organizations.nesting)
    ),
    Route(
        "organizations:merge",
        _org(),
        Perm.MANAGE,
        post=lambda t, extra, target: {"target": t.enterprise.pk, "on_date": "2025-01-01"},
    ),
    # The enterprise: the school has candidates on the road, which refuse a dissolution.
    Route("organizations:dissolve", _org(), Perm.MANAGE, post=_data(on_date="2025-01-01"), target="enterprise"),
    Route(
        "organizations:add_count",
        _org(),
        Perm.EDIT_PLANS,
        targets=EVERYWHERE,
        post=_data(as_of="2025-06-01", members="11"),
    ),
    Route("organizations:import", _org(), Perm.MANAGE, post=_data()),
    Route("organizations:import_template", _org(), Perm.MANAGE),
    Route("organizations:import_counts", _org(), Perm.EDIT_PLANS, post=_data()),
    # planners of the scope may preview a reorganization; applying it (POST) needs MANAGE
    Route("organizations:reorganize", _org(), Perm.EDIT_PLANS, post=_data()),
    Route("organizations:reorganize_template", _org(), Perm.EDIT_PLANS),
    Route("organizations:reorganize_apply", _org(), Perm.MANAGE, get=False, post=_data()),
]


def _app_routes():
    from . import routes_admissions, routes_locks, routes_quotas, routes_reports, routes_submissions

    return [routes_quotas, routes_admissions, routes_reports, routes_locks, routes_submissions]


ROUTES = ORG_ROUTES + [route for module in _app_routes() for route in module.ROUTES]

# Pages without any id in the URL (each lists or leads to what the user's scope holds), and
# the permission they need somewhere: the candidates' page refuses a mere viewer.
UNSCOPED_PAGES = {
    "home": Perm.VIEW,
    "organizations:tree": Perm.VIEW,
    "quotas:list": Perm.VIEW,
    "admissions:mine": Perm.VIEW_PERSONAL,
    "reports:index": Perm.VIEW,
    "submissions:notifications": Perm.VIEW,
}
# Reachable by anyone, signed in or not.
PUBLIC_PAGES = ["login", "healthz", "set_language"]


def build_extra(tree, users) -> dict:
    extra = {}
    for module in _app_routes():
        extra.update(module.extra(tree, users))
    return extra
