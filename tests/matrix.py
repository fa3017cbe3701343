"""The URL × role permission matrix. Each app adds its routes to ROUTES.

A route names a URL, how to build its arguments from the `tree` fixture (and the
`extra` objects a route's own fixture builds), and the permission it needs on the
organization it concerns. Expected statuses follow from the cast in conftest: 404 for
a user whose subtree does not contain that organization, 403 for one whose role lacks
the permission, 200 otherwise.
"""

from collections.abc import Callable
from dataclasses import dataclass

from organizations.access import Perm


@dataclass(frozen=True)
class Route:
    name: str
    kwargs: Callable  # (tree, extra) -> dict of URL kwargs
    perm: Perm
    target: str = "school"  # the organization (key in `tree`) the URL concerns

    def __str__(self):
        return self.name


def _org(key="school"):
    return lambda t, extra: {"org_pk": getattr(t, key).pk}


ORG_ROUTES: list[Route] = [
    Route("organizations:detail", _org(), Perm.VIEW),
    Route("organizations:children", _org(), Perm.VIEW),
    Route("organizations:add_child", _org(), Perm.MANAGE),
    Route("organizations:edit", _org(), Perm.MANAGE),
    Route("organizations:move", _org(), Perm.MANAGE),
    Route("organizations:merge", _org(), Perm.MANAGE),
    Route("organizations:dissolve", _org(), Perm.MANAGE),
    Route("organizations:add_count", _org(), Perm.EDIT_PLANS),
    Route("organizations:import", _org(), Perm.MANAGE),
    Route("organizations:import_template", _org(), Perm.MANAGE),
    Route("organizations:import_counts", _org(), Perm.EDIT_PLANS),
    # planners of the scope may preview a reorganization; applying it (POST) needs MANAGE
    Route("organizations:reorganize", _org(), Perm.EDIT_PLANS),
    Route("organizations:reorganize_template", _org(), Perm.EDIT_PLANS),
]


def _app_routes():
    from . import routes_admissions, routes_quotas, routes_reports

    return [routes_quotas, routes_admissions, routes_reports]


ROUTES = ORG_ROUTES + [route for module in _app_routes() for route in module.ROUTES]


def build_extra(tree, users) -> dict:
    extra = {}
    for module in _app_routes():
        extra.update(module.extra(tree, users))
    return extra
