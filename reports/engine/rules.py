"""The rules that apply to a scope: the plans in force, their allocation rows, and where
a rule over many organizations looks (its selector signature, its anchor, and whether the
scope itself is among the organizations it measures)."""

import copy
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F, Q

from organizations.models import Organization, OrganizationPath
from quotas import in_force
from quotas.models import Allocation, Rule, RuleKind, SubQuota, in_force_on
from quotas.sentences import rule_sentence

from .results import RuleNotApplying

STEP = Organization.steplen
STRUCTURAL = (RuleKind.CELL_SIZE, RuleKind.INACTIVITY)


def _subject(rule: Rule) -> Organization:
    return rule.target or rule.plan.issuer


def _within(path: str, scope_path: str) -> bool:
    return path.startswith(scope_path)


@dataclass(slots=True)
class _Alloc:
    """One allocation row as the engine reads it."""

    organization_id: int
    total: int
    sub_quotas: dict[str, int]


def _covering(year: int, on: dt.date) -> Q:
    """Rules of the plans in force on `on` whose years cover `year`."""
    return (
        in_force_on(on, "plan__")
        & Q(plan__first_year__lte=year)
        & (Q(plan__last_year__isnull=True) | Q(plan__last_year__gte=year))
    )


def applicable_rules(
    scope: Organization, year: int, on: dt.date, issuers: set[int] | None = None, ended_issuers: set[int] = frozenset()
) -> list[Rule]:
    """Rules of the plans in force on `on` covering `year` (issued, or closed or replaced
    after that day), issued inside the scope or above it (or by `issuers`, the
    organizations inside or above it on an earlier day).

    An organization that stood no day of `year` sets no target for it: the plans of an
    issuer dissolved or merged by 1 January (a district's plan for 2026 after the 2025
    reorganization) do not apply to that year; in the year it ended they still do (its
    allocation table shows each row up to its organization's last day).

    Each rule gets `allocation_rows`: its allocation rows as light `_Alloc` tuples (read
    with `.values()`: a national report holds ~51,000 of them, too many for model objects).

    Rules and tables are those in force on `on`: an amendment that takes effect after it
    is read back (quotas.in_force; one query more, and only when a plan was amended so).
    The rules carry the amendments left out (`amended_after`), the report says so.

    `ended_issuers`: committees that ended in the year and held part of the scope on their
    last day (`ended_above`); their rules and allocation tables apply too, their rows and
    the matches of their rules over many organizations inside the scope counted to that
    day (ended._Ended).
    """
    if issuers is None:
        by_issuer = Q(plan__issuer__path__startswith=scope.path) | Q(plan__issuer__path__in=scope.ancestor_paths())
    else:
        by_issuer = Q(plan__issuer__among=issuers)  # a past day's whole tree: ids as one parameter
    if ended_issuers:
        by_issuer |= Q(plan__issuer__among=ended_issuers)
    rules = list(
        Rule.objects.filter(by_issuer, _covering(year, on))
        .filter(Q(plan__issuer__dissolved_on__isnull=True) | Q(plan__issuer__dissolved_on__gt=dt.date(year, 1, 1)))
        .select_related("plan__issuer", "target")
        .annotate(amended_later=in_force.amended_after(on))
        # Plans without an issue date first on every database (as reports/past.py sorts them).
        .order_by("plan__issuer__depth", F("plan__issued_on").asc(nulls_first=True), "plan_id", "order", "pk")
    )
    by_rule: dict[int, list[_Alloc]] = {rule.pk: [] for rule in rules}
    by_allocation: dict[int, _Alloc] = {}
    for pk, rule_id, organization_id, total in (
        Allocation.objects.filter(rule__in=[rule.pk for rule in rules])
        .order_by("rule_id", "order", "pk")
        .values_list("pk", "rule_id", "organization_id", "total")
    ):
        allocation = _Alloc(organization_id, total, {})
        by_rule[rule_id].append(allocation)
        by_allocation[pk] = allocation
    if by_allocation:
        for allocation_id, category, count in (
            SubQuota.objects.filter(allocation__rule__in=[rule.pk for rule in rules])
            .order_by("pk")
            .values_list("allocation_id", "category", "count")
        ):
            by_allocation[allocation_id].sub_quotas[category] = count
    replaced = in_force.Replaced()
    if any(rule.amended_later for rule in rules):
        replaced = in_force.replaced_after({rule.plan_id for rule in rules if rule.amended_later}, on)
        rules = in_force.restore(rules, replaced)
    for rule in rules:
        rows = replaced.tables.get(rule.pk)
        # The table as it was (rows_replaced): its organizations may not be among today's rows.
        rule.rows_replaced = rows is not None
        if rows is None:
            rule.allocation_rows = by_rule[rule.pk]
        else:
            rule.allocation_rows = [_Alloc(organization, total, subs) for organization, total, subs in rows]
        rule.amended_after = [a for a in replaced.amendments if a.plan_id == rule.plan_id]
    return rules


def ended_above(
    scope: Organization, year: int, on: dt.date, known: set[int] | None = None, inside: set[int] | None = None
) -> set[int]:
    """The committees that ended in `year` by `on` (merged or dissolved), issued a plan for
    the year, stood outside the scope and above none of it, and held an organization of the
    scope on their last day: a district dissolved on 01/07/2025 whose high school's cell
    moved under a new commune. Its allocation row applied to the cell until then, as the
    province's report shows it (ended._Ended), and so does the cell's own report, and the
    commune's. `known`: the issuers read already (a past day's tree: its organizations and
    those above it; else the scope's subtree and ancestors, by path). One query, three when
    such a committee is found. An organization merged into one of the scope's by `on` (a
    commune merged into the new commune committee) holds it too: its figures are its
    successor's, and so is its row (`inside`: the scope's organizations on a past day)."""
    jan1, end_by = dt.date(year, 1, 1), on + dt.timedelta(days=1)
    found = (
        Rule.objects.filter(_covering(year, on))
        .filter(plan__issuer__dissolved_on__gt=jan1, plan__issuer__dissolved_on__lte=end_by)
        .values_list("plan__issuer_id", "plan__issuer__path", "plan__issuer__dissolved_on")
        .distinct()
    )
    above = set(scope.ancestor_paths())
    candidates = [
        (pk, path, ended_on)
        for pk, path, ended_on in found
        if (pk not in known if known is not None else not (_within(path, scope.path) or path in above))
    ]
    if not candidates:
        return set()
    # Where the scope's organizations stood before they moved in the year: on a
    # committee's last day, under it.
    if inside is None:
        moved = Q(organization__path__startswith=scope.path)
        merged = Q(merged_into__path__startswith=scope.path)
    else:
        moved, merged = Q(organization__among=inside), Q(merged_into__among=inside)
    past = list(
        OrganizationPath.objects.filter(moved, valid_until__gt=jan1).values_list("path", "valid_from", "valid_until")
    )
    past += Organization.objects.filter(merged, dissolved_on__gt=jan1, dissolved_on__lte=end_by).values_list(
        "path", "founded_on", "dissolved_on"
    )
    held = set()
    for pk, path, ended_on in candidates:
        last_day = ended_on - dt.timedelta(days=1)
        for was_at, since, until in past:
            if _within(was_at, path) and (since is None or since <= last_day) and until > last_day:
                held.add(pk)
                break
    return held


def selector_signature(rule: Rule) -> tuple:
    depth = rule.plan.issuer.depth + rule.depth if rule.depth else None
    return (tuple(sorted(rule.forms or [])), tuple(sorted(rule.sectors or [])), depth)


def _signature_q(signature: tuple) -> Q:
    forms, sectors, depth = signature
    q = Q()
    if forms:
        q &= Q(form__in=forms)
    if sectors:
        q &= Q(sector__in=sectors)
    if depth:
        q &= Q(depth=depth)
    return q


def matches_signature(org: Organization, signature: tuple) -> bool:
    forms, sectors, depth = signature
    return (
        (not forms or org.form in forms)
        and (not sectors or org.sector in sectors)
        and (not depth or org.depth == depth)
    )


def _kind_matches(form: str, sector: str, depth: int, signature: tuple) -> bool:
    """`matches_signature` for an organization's (form, sector, depth)."""
    forms, sectors, wanted = signature
    return (not forms or form in forms) and (not sectors or sector in sectors) and (not wanted or depth == wanted)


def is_many_structural(rule: Rule) -> bool:
    return rule.applies_to_each and rule.kind in STRUCTURAL


def rule_anchor(rule: Rule, scope: Organization) -> str:
    """Where a rule over many organizations looks from: the scope for rules from above it
    (they apply to the part of the tree inside it), else the issuer."""
    issuer = rule.plan.issuer
    return scope.path if _within(scope.path, issuer.path) else issuer.path


def _placed(rule: Rule, scope, scope_org) -> tuple:
    """A structural rule's selector signature, its anchor path in the scope, and whether
    the scope itself is among the organizations it measures."""
    signature, anchor = selector_signature(rule), rule_anchor(rule, scope)
    with_scope = (
        anchor == scope.path and scope.path != rule.plan.issuer.path and matches_signature(scope_org, signature)
    )
    return signature, anchor, with_scope


def rule_threshold(rule: Rule) -> int:
    """Members below which a size rule fails; years without admissions an inactivity rule allows."""
    return (rule.min_count or 0) if rule.kind == RuleKind.CELL_SIZE else (rule.years_without or 1)


def _rules_of_day(scope, year: int, count_day: dt.date, tree, any_ended=True) -> tuple[Organization, list[Rule]]:
    """The scope and its applicable rules in the tree of the count day: today's, or (`tree`)
    the tree as it stood that day, the scope at its path then and every rule's issuer and
    target where they stood (reports/past.py). With those of the committees that ended by
    then and held part of the scope (`ended_above`; `any_ended`: whether any organization
    had ended by then)."""
    if tree is None:
        former = ended_above(scope, year, count_day) if any_ended else set()
        return scope, applicable_rules(scope, year, count_day, ended_issuers=former)
    from .. import past

    scope = copy.copy(scope)
    scope.path, scope.depth = tree.root, len(tree.root) // STEP
    issuers = {*tree.paths, *past.above(tree)}
    former = ended_above(scope, year, count_day, known=issuers, inside=set(tree.paths)) if any_ended else set()
    rules = applicable_rules(scope, year, count_day, issuers=issuers, ended_issuers=former)
    past.place(rules, count_day)
    return scope, rules


def _subjects(rules, scope, scope_org, orgs: dict, count_day: dt.date, ended) -> dict[int, list[Organization]]:
    """{rule pk: the organizations it measures}: its subject (when inside the scope), or
    for a rule over many organizations the matches of its selector under the path it looks
    from (none for the size and inactivity rules answered in the database: _structural),
    standing on the count day or dissolved in the year by then; for one whose issuer ended
    by then, its matches on the issuer's last day (`ended`: ended._Ended)."""
    # Index selector matches by signature and by the ancestor paths rules look from.
    anchors: dict[tuple, set[str]] = defaultdict(set)
    for rule in rules:
        if rule.applies_to_each and not is_many_structural(rule):
            anchors[selector_signature(rule)].add(rule_anchor(rule, scope))
    alive = [o for o in orgs.values() if o.depth > scope.depth and (o.existed_on(count_day) or ended.dissolved(o))]
    matched: dict[tuple, dict[str, list[Organization]]] = {}
    kinds = {(o.form, o.sector, o.depth) for o in alive}
    for signature in anchors:
        index: dict[str, list[Organization]] = defaultdict(list)
        wanted_anchors = anchors[signature]
        matching = {kind for kind in kinds if _kind_matches(*kind, signature)}
        for org in alive:
            if (org.form, org.sector, org.depth) in matching:
                path = org.path
                for i in range(STEP, len(path), STEP):
                    if path[:i] in wanted_anchors:
                        index[path[:i]].append(org)
        matched[signature] = index

    def matches_of(rule: Rule) -> list[Organization]:
        issuer = rule.plan.issuer
        anchor = rule_anchor(rule, scope)
        found = matched[selector_signature(rule)].get(anchor, [])
        if (
            anchor == scope.path
            and matches_signature(scope_org, selector_signature(rule))
            and scope.path != issuer.path
        ):
            found = [scope_org, *found]
        return [o for o in found if o.depth > issuer.depth]

    subjects: dict[int, list[Organization]] = {}
    for rule in rules:
        if is_many_structural(rule):
            subjects[rule.pk] = []  # see _structural
        elif ended.issuer_ended(rule):
            matched = ended.matches(rule, selector_signature(rule), scope_org)
            # An issuer outside the scope (ended_above): the matches the scope holds now.
            outside = not _within(rule.plan.issuer.path, scope.path)
            subjects[rule.pk] = ended.held_by(matched, scope_org) if outside else matched
        elif rule.applies_to_each:
            subjects[rule.pk] = matches_of(rule)
        else:
            subject = _subject(rule)
            subjects[rule.pk] = [orgs[subject.pk]] if subject.pk in orgs else []
    return subjects


def rules_not_applying(rules: list[Rule], count_day: dt.date, any_ended: bool = True) -> list[RuleNotApplying]:
    """What the report says of the rules over many organizations that measure none (they
    have no row): the organizations each applied to that ended by the count day, if any.
    Two queries however many such rules (rare: a reorganization ended what they applied
    to), none when no organization had ended by then (`any_ended`, the tree's state): their
    issuers' paths in today's tree (a report of a past day places them as they stood), and
    the organizations ended under them."""
    if not rules:
        return []
    if not any_ended:
        return [RuleNotApplying(rule=rule, plan=rule.plan, sentence=rule_sentence(rule)) for rule in rules]
    paths = dict(Organization.objects.filter(pk__in={r.plan.issuer_id for r in rules}).values_list("pk", "path"))
    under = Q()
    for path in set(paths.values()):
        under |= Q(path__startswith=path)
    ended = list(
        Organization.objects.filter(under, dissolved_on__lte=count_day)
        .order_by("dissolved_on", "name")
        .values_list("path", "depth", "form", "sector", "name", "dissolved_on", "merged_into_id")
    )
    found = []
    for rule in rules:
        issuer = rule.plan.issuer
        path, signature = paths.get(issuer.pk, issuer.path), selector_signature(rule)
        by_day: dict[tuple[dt.date, bool], list[str]] = defaultdict(list)
        for org_path, depth, form, sector, name, day, merged_into in ended:
            if org_path.startswith(path) and depth > issuer.depth and _kind_matches(form, sector, depth, signature):
                by_day[(day, merged_into is not None)].append(name)
        note = RuleNotApplying(rule=rule, plan=rule.plan, sentence=rule_sentence(rule))
        note.ended = [(day, merged, names) for (day, merged), names in by_day.items()]
        found.append(note)
    return found
