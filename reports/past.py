"""The engine's figures in the tree as it stood on an earlier day.

admissions.Tally keeps today's tree: every admission under the path where its
organization (or, after a merger, its successor) stands now. When the tree changed
after a report's day (a past year after the 2025 reorganization, a merged organization
up to its last day), those tallies would put last year's admissions where their
organizations stand today. These readers recount from the records instead, for one
scope: every organization at its path of that day (organizations.positions.TreeOnDay),
every merged organization counted with its successor of that day. They return what
the tally readers of the engine return, so everything after the counting is shared.

Scale: one read of the scope's organizations, of its admissions by organization, year
and category, of its historical results and of its pipeline; rules over many
organizations (sizes, inactivity) are checked in Python over those rows. Only reports
of a day after which the tree changed come here.
"""

import datetime as dt
from bisect import bisect_left
from collections import Counter

from django.db.models import Case, Count, Exists, OuterRef, Q, Sum, Value, When
from django.db.models.functions import ExtractMonth, ExtractYear

from admissions import counting
from admissions.models import Admission
from organizations.models import Organization, OrganizationPath
from organizations.positions import TreeOnDay, subtree_end
from organizations.selectors import path_as_of
from quotas.models import RuleKind

from .engine.counts import Breakdown, Counts, add_historical, blank_total, latest_years
from .engine.failing import stood_since, too_young
from .engine.results import Measurement
from .engine.rows import OrganizationRow, _iter_raw_rows
from .engine.rules import is_many_structural, matches_signature, rule_anchor, rule_threshold, selector_signature
from .models import HistoricalResult
from .status import Status

STEP = Organization.steplen


def positions_of(pks, day: dt.date) -> dict[int, str]:
    """{pk: path on `day`} of the given organizations (one query)."""
    return dict(Organization.objects.filter(pk__in=pks).annotate(p=path_as_of(day)).values_list("pk", "p"))


def above(tree: TreeOnDay) -> list[int]:
    """The organizations above the scope on the day (its ancestors then)."""
    paths = [tree.root[:end] for end in range(STEP, len(tree.root), STEP)]
    if not paths:
        return []
    was_at = OrganizationPath.objects.filter(organization=OuterRef("pk"), path__in=paths, valid_until__gt=tree.day)
    rows = (
        Organization.objects.filter(Q(path__in=paths) | Exists(was_at))
        .annotate(p=path_as_of(tree.day))
        .filter(p__in=paths)
    )
    return list(rows.values_list("pk", flat=True))


def place(rules, day: dt.date) -> None:
    """Put each rule's issuer and target where they stood on `day` (path and depth)."""
    orgs = [org for rule in rules for org in (rule.plan.issuer, rule.target) if org is not None]
    paths = positions_of({org.pk for org in orgs}, day)
    for org in orgs:
        org.path = paths[org.pk]
        org.depth = len(org.path) // STEP
    # The order applicable_rules gives, with the issuers' depths of the day.
    rules.sort(key=lambda r: (r.plan.issuer.depth, r.plan.issued_on or dt.date.min, r.plan_id, r.order, r.pk))


def organizations(tree: TreeOnDay, light, annotations: dict) -> dict[int, Organization]:
    """Every organization under the scope on the day, at its path and of its form and
    sector then, in path order; each with `stood_since` (failing.stood_since: the earliest
    founding of it and of those merged into it by the day, which are read with them)."""
    read = Organization.objects.filter(pk__among=tree.counted_ids()).annotate(**annotations).order_by()
    rows = light(read, annotations)
    mark_stood_since(tree, {org.pk: org for org in rows})
    rows = [org for org in rows if org.pk in tree.paths]  # the others: merged into one of them
    for org in rows:
        org.path = tree.paths[org.pk]
        org.depth = len(org.path) // STEP
        if org.pk in tree.kinds:
            org.form, org.sector = tree.kinds[org.pk]
    return {org.pk: org for org in sorted(rows, key=lambda o: o.path)}


def mark_stood_since(tree: TreeOnDay, found: dict[int, Organization]) -> None:
    """Set `stood_since` on each organization of `found` (failing.stood_since): those
    merged into it by the tree's day (tree.counts_for) among `found` are its predecessors."""
    predecessors: dict[int, list[Organization]] = {}
    for pk, successor in tree.counts_for.items():
        if pk in found and successor in found:
            predecessors.setdefault(successor, []).append(found[pk])
    for org in found.values():
        org.stood_since = stood_since(org, predecessors.get(org.pk, ()))


def _prefixes(path: str, root: str):
    for end in range(len(root), len(path) + 1, STEP):
        yield path[:end]


def _add_above(counts, root: str, placed: Counter) -> None:
    """Add `placed` ({(path, year, category): n} at organizations' paths) to `counts` at
    each path and every one above it up to `root`, a level at a time: each node's figure
    is added once, not once per organization under it (a country's tree of a day holds
    a million such rows)."""
    data, top, level = counts.data, len(root), placed
    while level:
        above = Counter()
        for key, n in level.items():
            if not n:  # as the tallies hold no zero
                continue
            path, year, category = key
            if category:  # Counts.add inlined
                data[key] += n
            data[(path, year, "")] += n
            if len(path) > top:
                above[(path[:-STEP], year, category)] += n
        level = above


def admission_counts(tree: TreeOnDay, counts, first_year: int, year: int, count_day: dt.date) -> None:
    """Admissions from 1 January of `first_year` to the count day, per (path then, year,
    category) at every node of the scope."""
    rows = (
        Admission.objects.filter(
            archived_at__isnull=True,
            ceremony_date__gte=dt.date(first_year, 1, 1),
            ceremony_date__lte=dt.date(year, 12, 31),
            organization_id__among=tree.counted_ids(),
        )
        .order_by()
        .annotate(later=Case(When(ceremony_date__gt=count_day, then=Value(1)), default=Value(0)))
        .values("organization_id", "category", "later")
        .annotate(y=ExtractYear("ceremony_date"), n=Count("pk"))
        .values_list("organization_id", "y", "category", "later", "n")
    )
    placed = Counter()
    for organization_id, y, category, later, n in _iter_raw_rows(rows):  # a country's: a million rows
        path = tree.position(organization_id)
        if path is None:
            continue
        if not later:
            placed[(path, int(y), category)] += n
    _add_above(counts, tree.root, placed)


def historical_counts(tree: TreeOnDay, counts, first_year: int, year: int, periods) -> None:
    """Historical results of those years, as the engine's historical_counts adds them: a
    blank-category row is its organization's total of the year; a total over several years
    (`first_year` set) goes to `periods` ({(path, first year, last year, category): n})."""
    blank = blank_total()
    entered = (
        HistoricalResult.objects.filter(organization_id__among=tree.counted_ids(), year__gte=first_year, year__lte=year)
        .annotate(covered=Exists(blank))
        .order_by()
        .values("organization_id", "year", "category", "covered", "first_year")
        .annotate(n=Sum("count"))
        .values_list("organization_id", "year", "category", "covered", "first_year", "n")
    )
    breakdown = Breakdown()
    for organization_id, y, category, covered, first, n in entered:
        path = tree.position(organization_id)
        if path is None:
            continue
        if first is None and n:
            counts.entered_at.add((path, y))
        breakdown.add(path, y, category, first, n)
        for prefix in _prefixes(path, tree.root):
            add_historical(counts, periods, prefix, y, category, covered, first, n)
    breakdown.mark(counts, lambda path: _prefixes(path, tree.root))


def _place_candidates(tree: TreeOnDay, counts, candidates, year: int) -> None:
    """Count `candidates` per category, each where its organization stood on the day (for
    those moved since to another organization, by hand or with a merger, where they were
    then: CandidateTransfer)."""
    counted = tree.counted_ids()
    rows = Counter()
    for organization_id, category, n in (
        candidates.filter(organization_id__among=counted)
        .order_by()
        .values("organization_id", "category")
        .annotate(n=Count("pk"))
        .values_list("organization_id", "category", "n")
    ):
        rows[(organization_id, category)] += n
    inside = counted
    for _pk, now, then, category in counting.moved_after(candidates, tree.day):
        if now in inside:
            rows[(now, category)] -= 1
        if then in inside:
            rows[(then, category)] += 1
    placed = Counter()
    for (organization_id, category), n in rows.items():
        path = tree.position(organization_id) if n else None
        if path is not None:
            placed[(path, year, category)] += n
    _add_above(counts, tree.root, placed)


def pipeline_counts(tree: TreeOnDay, counts, year: int, road) -> None:
    """The candidates of the pipeline of the day (`road`: counting.pipeline, or
    pipeline_on for a day it changed since), each placed where their organization stood
    on the day."""
    _place_candidates(tree, counts, road, year)


def finishable_counts(tree: TreeOnDay, year: int, finishing) -> Counts:
    """The candidates the deadlines still bring to the ceremony by 31/12 (`finishing`, from
    the engine: engine.counts.finishable_candidates; None once the year is over), placed
    where their organizations stood on the day."""
    counts = Counts()
    if finishing is not None:
        _place_candidates(tree, counts, finishing, year)
    return counts


def monthly(tree: TreeOnDay, year: int, as_of: dt.date) -> dict[int, int]:
    """Admissions of the year up to `as_of` per month, inside the scope of the day."""
    rows = (
        Admission.objects.filter(
            archived_at__isnull=True,
            ceremony_date__gte=dt.date(year, 1, 1),
            ceremony_date__lte=min(as_of, dt.date(year, 12, 31)),
            organization_id__among=tree.counted_ids(),
        )
        .order_by()
        .values("organization_id")
        .annotate(m=ExtractMonth("ceremony_date"), n=Count("*"))  # the index (organization, day) alone answers it
        .values_list("organization_id", "m", "n")
    )
    months: Counter = Counter()
    for organization_id, month, n in rows:
        if tree.position(organization_id) is not None:
            months[month] += n
    return months


def structural(scope, scope_org, rules, orgs, actuals, pipeline, *, year, count_day, first_year, over, periods=None):
    """Size and inactivity rules over many organizations, checked over the scope's rows
    of the day. Returns {rule pk: (matched, failing measurements)} as the engine does; a
    failing row shows what the tally readers show (members; latest year counted, a
    period's total by its last year (`periods`: historical_counts'), and the pipeline).
    An organization younger than an inactivity rule's years is matched and meets it
    (failing.too_young; `orgs` from `organizations`, with their `stood_since`)."""
    stale = Status.NOT_MET if over else Status.BEHIND
    latest = latest_years(actuals, periods, first_year, year)
    parents = {org.path: org.name for org in orgs.values()}
    ordered = sorted(orgs.values(), key=lambda org: org.path)
    paths = [org.path for org in ordered]
    results = {}
    for rule in rules:
        if not is_many_structural(rule):
            continue
        signature, anchor, issuer = selector_signature(rule), rule_anchor(rule, scope), rule.plan.issuer
        with_scope = anchor == scope.path and scope.path != issuer.path and matches_signature(scope_org, signature)
        threshold = rule_threshold(rule)
        matched, failing = 0, []
        for org in ordered[bisect_left(paths, anchor) : bisect_left(paths, subtree_end(anchor))]:  # its anchor's
            if len(org.path) == len(anchor) and not (with_scope and org.pk == scope.pk):
                continue
            if not org.existed_on(count_day) or not matches_signature(org, signature):
                continue
            matched += 1
            row = OrganizationRow(
                org.pk,
                org.path,
                org.name,
                org.code,
                org.depth,
                org.form,
                org.sector,
                (),
                parents.get(org.path[:-STEP], ""),
            )
            if rule.kind == RuleKind.CELL_SIZE:
                if org.members_now is None or org.members_now < threshold:
                    failing.append(
                        Measurement(org=row, status=stale, target_min=rule.min_count, members=org.members_now)
                    )
                continue
            last = latest.get(org.path)
            if last and last >= year - threshold + 1:
                continue
            if too_young(getattr(org, "stood_since", org.founded_on), threshold, year):
                continue  # younger than the rule's years: it meets it
            failing.append(
                Measurement(org=row, forecast=pipeline.get(org.path, year), last_admission_year=last, status=stale)
            )
        results[rule.pk] = (matched, failing)
    return results
