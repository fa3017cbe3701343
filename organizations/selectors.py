"""Reads over the organization tree. Callers pass a queryset already scoped by access."""

import datetime as dt

from django.db.models import Count, F, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, Length, Substr
from django.utils.translation import gettext as _

from common.text import fold

from .models import (
    GRASSROOTS_FORMS,
    UNDER_COMMITTEE_FORMS,
    UPPER_COMMITTEE_FORMS,
    MemberCount,
    Organization,
    OrganizationPath,
)

STEP = Organization.steplen


def search(queryset: QuerySet[Organization], *, query: str, limit: int = 50) -> list[Organization]:
    """Organizations whose name contains every word of `query`, diacritics ignored."""
    words = fold(query).split()
    if not words:
        return []
    for word in words:
        queryset = queryset.filter(search_name__contains=word)
    return list(queryset.order_by("depth", "search_name")[:limit])


def ancestors_by_path(organizations: list[Organization]) -> dict[str, Organization]:
    """Every ancestor of the given organizations, in one query, keyed by path."""
    paths = {p for org in organizations for p in org.ancestor_paths()}
    if not paths:
        return {}
    return {o.path: o for o in Organization.objects.filter(path__in=paths)}


def organization_labels(organizations: list[Organization]) -> dict[int, str]:
    """pk → the name to show in a choice: the name, and where names repeat, " — " and the parent's name;
    for an organization merged or dissolved, its last day, as the reports write it: "Huyện ủy Đức Trọng
    (until 30/06/2025)" beside the commune committees of 2025 that took over its communes.

    One query, for the parents of the repeated names only (none when every name differs)."""
    seen: dict[str, int] = {}
    for org in organizations:
        seen[org.name] = seen.get(org.name, 0) + 1
    repeated = [org for org in organizations if seen[org.name] > 1 and org.depth > 1]
    parents = (
        dict(Organization.objects.filter(path__in={o.parent_path() for o in repeated}).values_list("path", "name"))
        if repeated
        else {}
    )
    labels = {org.pk: org.name for org in organizations}
    for org in repeated:
        parent = parents.get(org.parent_path())
        if parent:
            labels[org.pk] = f"{org.name} — {parent}"
    for org in organizations:
        labels[org.pk] = with_last_day(labels[org.pk], org.dissolved_on)
    return labels


def with_last_day(name: str, ended_on: dt.date | None) -> str:
    """A name, and for an organization merged or dissolved on `ended_on`, its last day:
    "Huyện ủy Đức Trọng (until 30/06/2025)"."""
    if ended_on is None:
        return name
    return _("%(name)s (until %(day)s)") % {"name": name, "day": (ended_on - dt.timedelta(days=1)).strftime("%d/%m/%Y")}


def parent_chain(organization: Organization, *, ancestors: dict[str, Organization]) -> list[Organization]:
    return [ancestors[p] for p in organization.ancestor_paths() if p in ancestors]


def with_member_counts(queryset: QuerySet[Organization], *, on: dt.date) -> QuerySet[Organization]:
    """Annotate each organization with its latest member count on or before `on` (the
    engine's reading: `MemberCount.objects.latest_on`, at most one count each)."""
    latest = MemberCount.objects.latest_on(on).filter(organization=OuterRef("pk")).order_by()
    return queryset.annotate(
        members=Subquery(latest.values("members")[:1], output_field=IntegerField()),
        members_as_of=Subquery(latest.values("as_of")[:1]),
    )


def holding_own_members(queryset: QuerySet[Organization]) -> QuerySet[Organization]:
    """The organizations of `queryset` whose members are their own part of the committees above
    them (models.holds_own_members): the grassroots organizations, and the cells and partial
    committees standing directly under a committee above the grassroots."""
    parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Organization.steplen)
    parent = Organization.objects.filter(path=parent_path)
    return queryset.annotate(parent_form=Subquery(parent.values("form")[:1])).filter(
        Q(form__in=GRASSROOTS_FORMS) | Q(form__in=UNDER_COMMITTEE_FORMS, parent_form__in=UPPER_COMMITTEE_FORMS)
    )


def grassroots_members(organization: Organization, *, on: dt.date) -> dict:
    """The members of a committee above the grassroots: the sum of the latest counts of the
    organizations in its subtree holding their own members (its grassroots organizations, and
    the cells directly under a commune committee: as the reports sum them), in one query.

    {"members": sum or None when none has a count, "counted": how many have one, "of": how many
    there are, "as_of": the latest of their dates}."""
    rows = with_member_counts(
        holding_own_members(
            Organization.objects.filter(path__startswith=organization.path, dissolved_on__isnull=True).exclude(
                pk=organization.pk
            )
        ),
        on=on,
    ).order_by()
    totals = rows.aggregate(total=Sum("members"), counted=Count("members"), of=Count("pk"), as_of=Max("members_as_of"))
    return {"members": totals["total"], "counted": totals["counted"], "of": totals["of"], "as_of": totals["as_of"]}


def children(organization: Organization, *, on: dt.date, include_dissolved: bool = False):
    queryset = Organization.objects.filter(path__startswith=organization.path, depth=organization.depth + 1)
    if not include_dissolved:
        queryset = queryset.filter(dissolved_on__isnull=True)
    return with_member_counts(queryset, on=on).order_by("search_name")


def path_as_of(day, pk_ref: str = "pk", path_field: str = "path"):
    """An expression giving an organization's path on `day` (its past path if it moved since).

    `day` is a date or an expression (e.g. `OuterRef("ceremony_date")` for each admission's
    own day); on another model, `pk_ref` and `path_field` lead to the organization."""
    past = OrganizationPath.objects.filter(organization=OuterRef(pk_ref), valid_until__gt=day).exclude(
        valid_from__gt=day
    )
    return Coalesce(Subquery(past.order_by("valid_until").values("path")[:1]), F(path_field))


def subtree_counts(rows: QuerySet, scope: Organization, path_field: str = "organization__path"):
    """Count `rows` per child of `scope`, grouped by path prefix in one query.

    `rows` is any queryset whose `path_field` leads to an organization path. The
    result maps each child path (and the scope's own path, for rows attached to the
    scope itself) to a count. This is the roll-up pattern every report uses: group
    by `substr(path, 1, n)` instead of a query or a LIKE join per organization.
    """
    width = (scope.depth + 1) * STEP
    grouped = (
        rows.filter(**{f"{path_field}__startswith": scope.path})
        .order_by()
        .annotate(bucket=Substr(path_field, 1, width))
        .values("bucket")
        .annotate(n=Count("pk"))
        .values_list("bucket", "n")
    )
    return dict(grouped)


def descendant_counts(queryset: QuerySet[Organization], *, scope: Organization) -> dict[str, int]:
    """Number of (active) organizations under each child of `scope`, in one query."""
    width = (scope.depth + 1) * STEP
    return dict(
        queryset.filter(path__startswith=scope.path, depth__gt=scope.depth + 1, dissolved_on__isnull=True)
        .order_by()
        .annotate(bucket=Substr("path", 1, width))
        .values("bucket")
        .annotate(n=Count("pk"))
        .values_list("bucket", "n")
    )


def recent_history(organization: Organization, *, limit: int = 10):
    return organization.history.select_related("history_user").order_by("-history_date")[:limit]
