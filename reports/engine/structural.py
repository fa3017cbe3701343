"""Size and inactivity rules over many organizations (e.g. every cell in the country),
answered in the database: how many organizations each measures and which fail it."""

from collections import Counter, defaultdict

from django.db.models import BooleanField, Case, Count, Exists, ExpressionWrapper, OuterRef, Q, Value, When
from django.db.models.functions import Substr

from admissions.models import Tally
from organizations.models import Organization
from organizations.positions import alive_on
from quotas.models import Rule, RuleKind

from ..status import Status
from .failing import (
    FailingList,
    _entered_under,
    _failing,
    _failing_measurements,
    _FailingSpec,
    _idle_figures,
    _tally_sum,
    old_enough,
)
from .results import Measurement
from .rows import ROW_FIELDS, OrganizationRow, _iter_raw_rows, _listed_row, _organization_rows, _with_parent
from .rules import (
    _placed,
    _signature_q,
    is_many_structural,
    matches_signature,
    rule_anchor,
    rule_threshold,
    selector_signature,
)

STEP = Organization.steplen


def _structural(
    scope, scope_org, rules, year, count_day, first_year, over, after_by_category, list_rows=False
) -> dict[int, tuple]:
    """CELL_SIZE and INACTIVITY rules over many organizations (e.g. every cell in the
    country), answered in the database: how many organizations each rule measures (one
    grouped count) and how many fail it (one grouped count: the rows are read when a
    table lists them, FailingList). When some of this year's admissions are after the
    count day, the failing rows are read and checked here instead (one query per kind:
    each with its members or its latest admission year, this year's admissions and the
    pipeline from the tallies). Returns {rule pk: (matched, failing measurements)}.
    An organization younger than an inactivity rule's years is matched and meets it
    (failing.too_young)."""
    rules = [r for r in rules if is_many_structural(r)]
    if not rules:
        return {}
    inside = Organization.objects.filter(path__startswith=scope.path).filter(alive_on(count_day)).order_by()

    # How many alive organizations each (signature, anchor depth) counts under each anchor.
    # repr: a selector's depth may be None (any depth) beside another rule's number
    groups = sorted({(selector_signature(r), len(rule_anchor(r, scope)) // STEP) for r in rules}, key=repr)
    counted = [
        inside.filter(_signature_q(sig), depth__gt=depth)
        .annotate(bucket=Substr("path", 1, depth * STEP), g=Value(i))
        .values("g", "bucket")
        .annotate(n=Count("pk"))
        .values_list("g", "bucket", "n")
        for i, (sig, depth) in enumerate(groups)
    ]
    under: dict[tuple, int] = {}
    for g, bucket, n in counted[0].union(*counted[1:], all=True):
        under[(groups[g][0], bucket)] = n
    if not after_by_category:
        return _structural_counted(scope, scope_org, rules, year, count_day, first_year, over, under, list_rows)
    # Some of this year's admissions are after the count day (a report as of an earlier
    # day): sizes do not depend on them, inactivity does; its rows are read and checked here.
    sizes = [r for r in rules if r.kind == RuleKind.CELL_SIZE]
    idle = [r for r in rules if r.kind == RuleKind.INACTIVITY]
    results = (
        _structural_counted(scope, scope_org, sizes, year, count_day, first_year, over, under, list_rows)
        if sizes
        else {}
    )
    if idle:
        results.update(
            _inactivity_listed(
                scope, scope_org, idle, year, count_day, first_year, over, under, inside, after_by_category
            )
        )
    return results


def _structural_counted(
    scope, scope_org, rules, year, count_day, first_year, over, under, list_rows=False
) -> dict[int, tuple]:
    """The failing organizations of each rule counted in the database (one grouped query for
    every rule; the rows are read when listed: FailingList). With `list_rows` (a caller that
    lists every failing organization: the JSON and the exports), the rows are read instead
    of counted, one query per kind for every rule, and each FailingList holds its own."""
    stale = Status.NOT_MET if over else Status.BEHIND
    groups = sorted(
        {(r.kind, selector_signature(r), rule_threshold(r), len(rule_anchor(r, scope)) // STEP) for r in rules},
        key=repr,
    )
    if list_rows:
        return _structural_listed(scope, scope_org, rules, year, count_day, first_year, stale, under, groups)
    counted = []
    for i, (kind, signature, threshold, depth) in enumerate(groups):
        rows = _failing(kind, signature, threshold, scope.path, year, count_day).filter(depth__gte=depth)
        counted.append(
            rows.annotate(
                g=Value(i),
                bucket=Substr("path", 1, depth * STEP),
                own=Case(When(depth=depth, then=Value(1)), default=Value(0)),
            )
            .values("g", "bucket", "own")
            .annotate(n=Count("pk"))
            .values_list("g", "bucket", "own", "n")
        )
    failing: dict[tuple, int] = {}
    for g, bucket, own, n in counted[0].union(*counted[1:], all=True):
        failing[(groups[g][:3], bucket, own)] = n
    results = {}
    for rule in rules:
        signature, anchor, with_scope = _placed(rule, scope, scope_org)
        key = (rule.kind, signature, rule_threshold(rule))
        count = failing.get((key, anchor, 0), 0) + (failing.get((key, anchor, 1), 0) if with_scope else 0)
        own_pk = scope.pk if with_scope else None
        spec = _failing_spec(rule, signature, anchor, own_pk, year, count_day, first_year, stale)
        matched = under.get((signature, anchor), 0) + (1 if with_scope else 0)
        results[rule.pk] = (matched, FailingList(spec, count))
    return results


def _failing_spec(rule: Rule, signature, anchor, own_pk, year, count_day, first_year, stale) -> _FailingSpec:
    cell_size = rule.kind == RuleKind.CELL_SIZE
    return _FailingSpec(
        kind=rule.kind,
        signature=signature,
        threshold=rule_threshold(rule),
        anchor=anchor,
        own_pk=own_pk,
        year=year,
        count_day=count_day,
        first_year=first_year,
        status=stale,  # a small cell, as an idle one: behind while the year runs, not met once over
        target_min=rule.min_count if cell_size else None,
    )


def _structural_listed(scope, scope_org, rules, year, count_day, first_year, stale, under, groups) -> dict[int, tuple]:
    """_structural_counted with the failing rows read (one query per kind, every group of
    rules in it), counted here, and held by each rule's FailingList in path order."""
    by_group: dict[tuple[int, str], list[tuple[OrganizationRow, int]]] = defaultdict(list)  # (group, bucket)
    for kind in sorted({g[0] for g in groups}):
        annotations = ("members_now",) if kind == RuleKind.CELL_SIZE else ("recorded", "entered", "forecast")
        parts = []
        for i, (group_kind, signature, threshold, depth) in enumerate(groups):
            if group_kind != kind:
                continue
            rows = _failing(kind, signature, threshold, scope.path, year, count_day).filter(depth__gte=depth)
            if kind != RuleKind.CELL_SIZE:
                rows = rows.annotate(**_idle_figures(first_year, year, year))
            parts.append(
                rows.annotate(
                    g=Value(i),
                    bucket=Substr("path", 1, depth * STEP),
                    own=Case(When(depth=depth, then=Value(1)), default=Value(0)),
                )
            )
        extra = (*annotations, "g", "bucket", "own")
        union = [_with_parent(part).values_list(*ROW_FIELDS, *extra, "parent_name") for part in parts]
        width, one = len(ROW_FIELDS), {}.setdefault
        for row in _iter_raw_rows(union[0].union(*union[1:], all=True)):
            figures = row[width : width + len(annotations)]
            g, bucket, own = row[width + len(annotations) : -1]
            by_group[(g, one(bucket, bucket))].append((_listed_row(row[:width], figures, row[-1], one), own))
    index = {group: i for i, group in enumerate(groups)}
    results = {}
    for rule in rules:
        signature, anchor, with_scope = _placed(rule, scope, scope_org)
        g = index[(rule.kind, signature, rule_threshold(rule), len(anchor) // STEP)]
        found = sorted(
            (org for org, own in by_group.get((g, anchor), ()) if not own or with_scope), key=lambda org: org.path
        )
        own_pk = scope.pk if with_scope else None
        spec = _failing_spec(rule, signature, anchor, own_pk, year, count_day, first_year, stale)
        matched = under.get((signature, anchor), 0) + (1 if with_scope else 0)
        results[rule.pk] = (matched, FailingList(spec, len(found), rows=_failing_measurements(spec, found)))
    return results


def _inactivity_listed(
    scope, scope_org, rules, year, count_day, first_year, over, under, inside, after_by_category
) -> dict:
    """INACTIVITY rules over many organizations when some of this year's admissions are
    after the count day (the tallies hold whole years): the organizations idle up to last
    year are read (one query), and this year's admissions less those after the count day
    decide; one younger than a rule's years meets it (failing.too_young: read with the rows,
    for each number of years)."""
    after: Counter = Counter()
    for (path, _category), n in after_by_category.items():
        after[path] += n
    signatures = {selector_signature(r) for r in rules}
    window = year - min(r.years_without or 1 for r in rules) + 1
    matching = Q(pk__in=[])
    for signature in signatures:
        matching |= _signature_q(signature)
    recorded = Tally.objects.filter(kind=Tally.Kind.ADMITTED, path=OuterRef("path"), n__gt=0)
    # NOT EXISTS each, not NOT (… OR …): PostgreSQL then runs each as an anti-join.
    rows = inside.filter(matching).exclude(Exists(recorded.filter(year__gte=window, year__lte=year - 1)))
    rows = rows.exclude(Exists(_entered_under(window, year)))
    # Whether each could fail a rule of so many years (not younger than them), per number of years.
    years = sorted({r.years_without or 1 for r in rules})
    old = {f"old_{k}": ExpressionWrapper(old_enough(k, year, count_day), output_field=BooleanField()) for k in years}
    rows = rows.annotate(
        **_idle_figures(first_year, year - 1, year), actual=_tally_sum(Tally.Kind.ADMITTED, year), **old
    ).order_by("path")
    found = _organization_rows(rows, ("recorded", "entered", "forecast", "actual", *old), with_parent=True)
    # The rows strictly under each anchor a rule looks from (the scope's own row apart).
    anchors = {rule_anchor(r, scope) for r in rules}
    under_anchor: dict[str, list[OrganizationRow]] = defaultdict(list)
    for org in found:
        for end in range(STEP, len(org.path), STEP):
            if org.path[:end] in anchors:
                under_anchor[org.path[:end]].append(org)
    stale = Status.NOT_MET if over else Status.BEHIND
    results = {}
    for rule in rules:
        signature, anchor, with_scope = _placed(rule, scope, scope_org)
        candidates = under_anchor.get(anchor, [])
        if with_scope:
            candidates = [o for o in found if o.pk == scope.pk] + candidates
        failing = []
        for org in candidates:
            if not matches_signature(org, signature):
                continue
            recorded_year, entered_year, forecast, actual, *old_enough_for = org.figures
            if not old_enough_for[years.index(rule.years_without or 1)]:
                continue  # younger than the rule's years: it meets it
            actual = (actual or 0) - after.get(org.path, 0)
            last = max(year if actual > 0 else 0, recorded_year or 0, entered_year or 0) or None
            if last and last >= year - (rule.years_without or 1) + 1:
                continue
            failing.append(
                Measurement(org=org, actual=actual, forecast=forecast or 0, last_admission_year=last, status=stale)
            )
        results[rule.pk] = (under.get((signature, anchor), 0) + (1 if with_scope else 0), failing)
    return results
