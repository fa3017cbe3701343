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
    held = defaultdict(list)  # path -> [(start, end, organization id)]
    past = OrganizationPath.objects.values_list("path", "valid_from", "valid_until", "organization_id")
    for path, start, end, pk in past:
        held[path].append((start, end, pk))
    last_move = dict(
        OrganizationPath.objects.values("organization_id")
        .annotate(last=Max("valid_until"))
        .values_list("organization_id", "last")
    )
    holders = Organization.objects.filter(path__in=OrganizationPath.objects.values("path"))
    for pk, path, founded_on in holders.values_list("pk", "path", "founded_on"):
        since = [day for day in (last_move.get(pk), founded_on) if day is not None]
        held[path].append((max(since) if since else None, None, pk))
    pairs = []
    for path, intervals in sorted(held.items()):
        for i, (start, end, pk) in enumerate(intervals):
            for other_start, other_end, other in intervals[i + 1 :]:
                begin = max((d for d in (start, other_start) if d is not None), default=None)
                finish = min((d for d in (end, other_end) if d is not None), default=None)
                if other != pk and (begin is None or finish is None or begin < finish):
                    pairs.append((path, pk, other, begin, finish))
    orgs = Organization.objects.in_bulk({pk for _path, *pks, _b, _f in pairs for pk in pks})
    return [SharedPath(path, orgs[a], orgs[b], begin, finish) for path, a, b, begin, finish in pairs]
