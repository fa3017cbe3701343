"""Two organizations at one path on the same days: what a database written before paths
were never given again (services.last_steps) may hold. Each shows the other's figures in
the reports of those days. `manage.py check_paths` lists them."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Max

from .models import Organization, OrganizationPath


@dataclass(frozen=True)
class SharedPath:
    path: str
    first: Organization
    second: Organization
    start: dt.date | None  # None: from the beginning
    end: dt.date | None  # exclusive; None: to this day


def shared_paths() -> list[SharedPath]:
    """Every pair of organizations that stood at one path on overlapping days: each past path
    (OrganizationPath) against the other past paths and the current path of the same text
    (held from the organization's last move, or its founding, on)."""
    held = defaultdict(list)  # path -> [(start, end, pk)]
    past = OrganizationPath.objects.values_list("path", "valid_from", "valid_until", "organization_id")
    for path, start, end, pk in past:
        held[path].append((start, end, pk))
    last_move = dict(
        OrganizationPath.objects.values("organization_id")
        .annotate(last=Max("valid_until"))
        .values_list("organization_id", "last")
    )
    orgs = {o.pk: o for o in Organization.objects.filter(path__in=list(held))}
    for org in orgs.values():
        since = [day for day in (last_move.get(org.pk), org.founded_on) if day is not None]
        held[org.path].append((max(since) if since else None, None, org.pk))
    others = set()
    for intervals in held.values():
        others.update(pk for _s, _e, pk in intervals)
    orgs.update(Organization.objects.in_bulk(list(others - set(orgs))))
    found = []
    for path, intervals in sorted(held.items()):
        for i, (start, end, pk) in enumerate(intervals):
            for other_start, other_end, other in intervals[i + 1 :]:
                if other == pk:
                    continue
                begin = max((d for d in (start, other_start) if d is not None), default=None)
                finish = min((d for d in (end, other_end) if d is not None), default=None)
                if begin is None or finish is None or begin < finish:
                    found.append(SharedPath(path, orgs[pk], orgs[other], begin, finish))
    return found
