"""The row readers: organizations built from `values_list` rows without Model.__init__
(`_light_organizations`), rows straight from the cursor (`_raw_rows`), and the light
`OrganizationRow`s failing rows of structural rules are listed as."""

import datetime as dt
import gc
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, FilteredRelation, OuterRef, Q, Subquery
from django.db.models.base import ModelState
from django.db.models.functions import Left, Length

from organizations.models import Organization
from quotas.models import Allocation

STEP = Organization.steplen
# Above this many organizations at one depth, a grouped query returns every bucket
# instead of listing the wanted ones in an IN clause.
BUCKET_FILTER_LIMIT = 2000


ORG_ANNOTATIONS = ("members", "members_now")


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector (process-wide: other threads' allocations are not
    collected meanwhile either). A national report builds ~1 million objects (organizations,
    counts, measurements, then the report's rows and the JSON's dicts) that hold no
    reference cycles; every collection triggered by those allocations walks all of them
    (a quarter of the engine's time; 0.2 s of report work took 1 s)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _light_organizations(queryset, annotations) -> list[Organization]:
    """The queryset's organizations, built from `values_list` rows without Model.__init__
    (a national report loads ~300,000 of them; __init__ and its per-field setattr were a
    third of the time). The instances are ordinary: every concrete field and the
    annotations are set, `_state` says they come from the database."""
    if isinstance(annotations, dict):  # the values, without the joins they read from
        annotations = [name for name, value in annotations.items() if not isinstance(value, FilteredRelation)]
    names = [f.attname for f in Organization._meta.concrete_fields] + list(annotations)
    db = queryset.db
    new = Organization.__new__
    result = []
    for row in queryset.values_list(*names):
        org = new(Organization)
        state = ModelState()
        state.adding, state.db = False, db
        org.__dict__.update(zip(names, row, strict=True))
        org._state = state
        result.append(org)
    return result


@dataclass(slots=True, eq=False)
class OrganizationRow:
    """An organization as a failing row of a structural rule lists it (e.g. one of 77,000
    cells below ten members in the country): the fields reports show, without a model
    instance (building those was 7 µs a row, most of the time of a national report)."""

    pk: int
    path: str
    name: str
    code: str
    depth: int
    form: str
    sector: str
    figures: tuple  # the annotations asked for, in order
    parent: str = ""  # the parent's name, where asked for: names like "Chi bộ thôn 1" repeat

    @property
    def id(self) -> int:
        return self.pk

    def __str__(self):
        return self.name

    def __eq__(self, other):  # the same organization as a row or as a model instance
        return isinstance(other, OrganizationRow | Organization) and other.pk == self.pk

    def __hash__(self):
        return hash(self.pk)


def _raw_rows(queryset):
    """The rows of a `values_list` queryset straight from the cursor: without Django's
    per-value converters (the integer annotations' were 0.2 s of a national report).
    Only for columns the driver returns as Python values already on every backend:
    integers and text (SQLite returns dates as text)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # e.g. `pk__in` an empty list: Django knows no row matches
        return []
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


ROW_FIELDS = ("pk", "path", "name", "code", "depth", "form", "sector")


def name_rows(rows: "list[OrganizationRow]", names) -> None:
    """Give rows read from today's tree the names of the report's day (`names`: a
    NamesOnDay), their parent's too."""
    for row in rows:
        row.name = names.by_pk.get(row.pk, row.name)
        if row.parent:
            row.parent = names.by_path.get(row.path[:-STEP], row.parent)


def _iter_raw_rows(queryset, size: int = 2000):
    """_raw_rows a batch at a time: for tens of thousands of rows only one batch's values
    are Python objects at once (the driver holds the others as its raw result)."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(size):
            yield from batch


_FORM, _SECTOR = ROW_FIELDS.index("form"), ROW_FIELDS.index("sector")


def _listed_row(values, figures: tuple, parent: str | None, one) -> OrganizationRow:
    """An OrganizationRow of a failing list from ROW_FIELDS' `values`. Such lists hold tens
    of thousands of rows (the national workbook's: 32,000), so the texts that repeat from
    row to row (form, sector, the parent's name) are held once: `one` is a dict's
    setdefault, one dict per list read."""
    values = list(values)
    values[_FORM] = one(values[_FORM], values[_FORM])
    values[_SECTOR] = one(values[_SECTOR], values[_SECTOR])
    return OrganizationRow(*values, figures, one(parent or "", parent or ""))


def _with_parent(queryset):
    parent = Organization.objects.filter(path=Left(OuterRef("path"), Length(OuterRef("path")) - STEP))
    return queryset.annotate(parent_name=Subquery(parent.values("name")[:1]))


def _organization_rows(queryset, annotations, with_parent: bool = False) -> list[OrganizationRow]:
    fields = ROW_FIELDS
    width = len(fields)
    if with_parent:
        one = {}.setdefault
        return [
            _listed_row(row[:width], row[width:-1], row[-1], one)
            for row in _iter_raw_rows(_with_parent(queryset).values_list(*fields, *annotations, "parent_name"))
        ]
    return [
        OrganizationRow(*row[:width], row[width:]) for row in _raw_rows(queryset.values_list(*fields, *annotations))
    ]


def _bucket_filter(queryset, paths: set[str], width: int):
    """The rows of a query grouped by `bucket` (a path cut to `width`) that count at that
    depth: those of the wanted paths when they are few, else every row whose path reaches
    the depth. A row of a shallower organization (a grassroots cell with no cells under
    it, among cells one level down) has its own path as its bucket, and is counted at its
    own depth already."""
    if paths and len(paths) <= BUCKET_FILTER_LIMIT:
        return queryset.filter(bucket__in=sorted(paths))
    return queryset.alias(bucket_width=Length("bucket")).filter(bucket_width=width)


class WantedPrefixes:
    """Rows read per organization, rolled up in Python: `prefixes(key)` gives the wanted
    paths (`wanted`: {depth: paths}) that a row's path counts under, from `start` (a path
    length) down to its own, worked out once per key. `position` maps a key to its path
    (an organization's id to where it stood on a past day; None: the key is the path)."""

    def __init__(self, wanted: dict[int, set[str]], start: int = STEP, position=None):
        self.wanted, self.start, self.position = wanted, start, position
        self._known: dict = {}

    def __call__(self, key) -> list[str]:
        prefixes = self._known.get(key)
        if prefixes is None:
            path = key if self.position is None else self.position(key)
            ends = range(self.start, len(path) + 1, STEP) if path is not None else ()
            wanted = self.wanted
            prefixes = self._known[key] = [path[:end] for end in ends if path[:end] in wanted.get(end // STEP, ())]
        return prefixes


def _members_on(**days: dt.date) -> dict:
    """Annotations: for each name, an organization's latest member count on or before its
    day (None without one). Read as a join on the count that was the latest that day
    (`MemberCount.until`), not a subquery per organization."""
    annotations = {}
    for name, day in days.items():
        latest = Q(member_counts__as_of__lte=day) & (
            Q(member_counts__until__isnull=True) | Q(member_counts__until__gt=day)
        )
        annotations[f"{name}_count"] = FilteredRelation("member_counts", condition=latest)
        annotations[name] = F(f"{name}_count__members")
    return annotations


def _scope_organizations(scope, rules, tree, jan1: dt.date, count_day: dt.date) -> tuple[dict, dict, Organization]:
    """The organizations a computation needs: the scope, its children, every rule's subject
    inside the scope, allocation rows inside it, and every selector's matches, annotated
    with their members at the start of the year (membership shares) and on the count day
    (CELL_SIZE). Returns ({pk: organization}, the same with the organizations only in
    allocation tables, as rows; the scope's own organization)."""
    from .rules import _signature_q, _subject, _within, is_many_structural, selector_signature

    pks = {scope.pk}
    signatures = set()
    for rule in rules:
        if is_many_structural(rule):
            continue  # answered in the database: _structural
        if rule.applies_to_each:
            signatures.add(selector_signature(rule))
        elif _within(_subject(rule).path, scope.path):
            pks.add(_subject(rule).pk)
    wanted_q = Q(pk__in=pks) | Q(depth=scope.depth + 1)
    for signature in signatures:
        wanted_q |= _signature_q(signature) & Q(depth__gt=scope.depth)
    members = _members_on(members=jan1, members_now=count_day)
    if tree is not None:  # every organization of the scope that day, at its path then
        from .. import past

        orgs = past.organizations(tree, _light_organizations, members)
        listed = dict(orgs)
    else:
        orgs_qs = Organization.objects.filter(path__startswith=scope.path).filter(wanted_q).annotate(**members)
        orgs = {org.pk: org for org in _light_organizations(orgs_qs.order_by("path"), ORG_ANNOTATIONS)}
        # Organizations only in allocation tables (inside the scope) are read as rows: name and
        # path are all a table shows (51,000 nationally; model objects were 80 MB of the answer).
        allocated = Q(pk__in=Allocation.objects.filter(rule__in=[rule.pk for rule in rules]).values("organization_id"))
        # A table as it was before an amendment in force after the day (quotas.in_force).
        replaced = {a.organization_id for rule in rules if rule.rows_replaced for a in rule.allocation_rows}
        if replaced:
            allocated |= Q(pk__in=replaced)
        rows_only = Organization.objects.filter(allocated, path__startswith=scope.path).exclude(wanted_q)
        listed = {org.pk: org for org in _organization_rows(rows_only.order_by(), ())}
        listed.update(orgs)
    return orgs, listed, orgs.get(scope.pk, scope)
