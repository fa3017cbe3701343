"""Scoped reads of plans, rules and allocations."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import F, Prefetch, Q, QuerySet

from admissions.categories import ABBREVIATION_OF, Category
from organizations import access
from organizations.access import Perm
from organizations.models import Organization, OrgForm
from organizations.positions import NamesOnDay

from .models import Allocation, Milestone, Plan, PlanStatus, Recurrence, Rule, RuleKind
from .sentences import allocation_notation, rule_sentence
from .services import allocation_candidates, rules_applying_to
from .services.derived import kind_matches

# Committees whose implementing plans the cascade view follows.
COMMITTEE_FORMS = (OrgForm.DISTRICT, OrgForm.BLOC, OrgForm.COMMUNE, OrgForm.GRASSROOTS_COMMITTEE)
# Category columns always offered in an allocation grid (others appear once used).
GRID_CATEGORIES = (Category.PUPIL, Category.STUDENT, Category.NON_STATE_WORKER)


def _ancestor_paths(paths: list[str]) -> set[str]:
    return {path[:i] for path in paths for i in range(Organization.steplen, len(path), Organization.steplen)}


def visible_plans(user) -> QuerySet[Plan]:
    """Plans issued inside the user's scope, and the issued plans of the committees above
    it (they apply to the user's organizations)."""
    paths = access.scope_paths(user, Perm.VIEW)
    if paths is None:
        return Plan.objects.all()
    above = _ancestor_paths(paths)
    condition = access.scope_q(user, Perm.VIEW, "issuer__path")
    if above:
        condition |= Q(issuer__path__in=above) & ~Q(status=PlanStatus.DRAFT)
    return Plan.objects.filter(condition)


def rules_of(plan: Plan) -> QuerySet[Rule]:
    """The rules of a plan, for fetching the one a URL names."""
    return Rule.objects.filter(plan=plan).select_related("target", "plan__issuer")


def plan_list(user) -> QuerySet[Plan]:
    return visible_plans(user).select_related("issuer").prefetch_related("implements")


def implementing_plans(user, *, plan: Plan) -> QuerySet[Plan]:
    """The plans implementing `plan` that the user may see: not a sibling's, not a draft of
    another scope (the same rule as every plan list)."""
    return visible_plans(user).filter(implements=plan).select_related("issuer").order_by("issuer__path", "pk")


def implemented_plans(user, *, plan: Plan) -> QuerySet[Plan]:
    """The plans `plan` implements, as far as the user may see them."""
    return visible_plans(user).filter(implemented_by=plan).select_related("issuer").order_by("issuer__path", "pk")


def editable_roots_below(user, *, organization: Organization) -> QuerySet[Organization]:
    """Organizations strictly below `organization` where the user may write plans (for
    "implement this plan" links): committees only."""
    return (
        access.organizations_under(user, organization, Perm.EDIT_PLANS, active=True)
        .filter(form__in=COMMITTEE_FORMS)
        .exclude(pk=organization.pk)
        .order_by("path")
    )


@dataclass
class RuleRow:
    rule: Rule
    sentence: str
    table: list = field(default_factory=list)  # allocation rows, for ALLOCATION rules
    allocated: int = 0  # every row's, the hidden ones too
    hidden_rows: int = 0  # the rows of organizations outside the reader's scope, not in `table`
    hidden_allocated: int = 0
    # A rule over every matching organization that no organization standing today matches
    # (each district committee, after the 2025 reorganization): reports leave it out.
    applies_to_none: bool = False


def _committee_totals(rows: list[RuleRow]) -> tuple[RuleRow, RuleRow] | None:
    """(the count rule, the allocation table) when a plan states its committee's total in
    both ("kết nạp ít nhất 88" and "kết nạp 88, phân bổ …"): the first of each."""
    own = [r for r in rows if r.rule.target_id is None and not r.rule.applies_to_each and not r.rule.category]
    counts = [r for r in own if r.rule.kind == RuleKind.COUNT and r.rule.min_count is not None]
    tables = [r for r in own if r.rule.kind == RuleKind.ALLOCATION and r.rule.min_count is not None]
    return (counts[0], tables[0]) if counts and tables else None


def totals_disagreeing(rows: list[RuleRow]) -> tuple[int, int] | None:
    """(the count rule's total, the allocation table's) when a plan states its committee's
    total twice and they differ: one amended without the other (the reports read the count
    rule's total, the table's rows its own)."""
    both = _committee_totals(rows)
    if both and both[0].rule.min_count != both[1].rule.min_count:
        return both[0].rule.min_count, both[1].rule.min_count
    return None


def table_of_the_total(rows: list[RuleRow]) -> tuple[RuleRow, RuleRow] | None:
    """(the count rule, the allocation table) when they state the same total with no upper
    bound: the plan says it once, "kết nạp từ 88 đảng viên trở lên (có phân bổ chi tiết kèm
    theo)" (seed 003), and its print writes one item for both."""
    both = _committee_totals(rows)
    if both and both[0].rule.min_count == both[1].rule.min_count and both[0].rule.max_count is None:
        return both
    return None


def plan_rules(plan: Plan, *, user=None, names: NamesOnDay | None = None) -> list[RuleRow]:
    """A plan's rules with their sentences and allocation tables, in three queries.

    Given a `user`, an allocation table lists only the rows of organizations the user may
    see (a district reading the province's plan sees its own row, not its siblings'); the
    table's total stays the plan's. Given `names` (organizations.positions.names_on), the
    organizations are named as on that day (the printed plan: its day of issue)."""
    rules = (
        plan.rules.select_related("target", "plan__issuer")
        .prefetch_related(
            Prefetch(
                "allocations",
                queryset=Allocation.objects.select_related("organization").prefetch_related("sub_quotas"),
            )
        )
        .order_by("order", "pk")
    )
    rows = []
    for rule in rules:
        if names:
            names.rename([o for o in (rule.target, rule.plan.issuer) if o is not None])
            names.rename(allocation.organization for allocation in rule.allocations.all())
        row = RuleRow(rule, rule_sentence(rule))
        if rule.kind == RuleKind.ALLOCATION:
            for allocation in rule.allocations.all():
                row.allocated += allocation.total
                if user is not None and not access.has_perm(user, allocation.organization, Perm.VIEW):
                    row.hidden_rows += 1  # said under the table, as the grid does (allocation_grid)
                    row.hidden_allocated += allocation.total
                    continue
                subs = {s.category: s.count for s in allocation.sub_quotas.all()}
                row.table.append((allocation, allocation_notation(allocation.total, subs)))
        rows.append(row)
    _mark_applying_to_none(plan, [row for row in rows if row.rule.applies_to_each])
    return rows


def _mark_applying_to_none(plan: Plan, rows: list[RuleRow]) -> None:
    """Mark the rules over many organizations that none standing today matches: one query
    (the kinds of organization under the issuer), none for a plan without such rules or
    whose issuer ended (its whole plan is of the past)."""
    issuer = plan.issuer
    if not rows or issuer.dissolved_on is not None:
        return
    kinds = set(
        Organization.objects.filter(path__startswith=issuer.path, depth__gt=issuer.depth, dissolved_on__isnull=True)
        .values_list("form", "sector", "depth")
        .distinct()
    )
    for row in rows:
        row.applies_to_none = not any(kind_matches(row.rule, issuer, *kind) for kind in kinds)


@dataclass
class GridRow:
    organization: Organization
    total: int | None
    sub_quotas: dict[str, int]
    version: int
    saved_total: int | None = None  # when a save was refused: what is stored now
    saved_subs: dict[str, int] = field(default_factory=dict)
    saved_text: str = ""
    categories: list[str] = field(default_factory=list)

    @property
    def cells(self) -> list[tuple[str, str, int | None]]:
        """(category, its label, sub-quota) for each category column of the grid."""
        return [(c, Category(c).label, self.sub_quotas.get(c)) for c in self.categories]


@dataclass
class Grid:
    rule: Rule
    owner: Organization
    rows: list[GridRow]
    categories: list[tuple[str, str, str]]  # (value, label, abbreviation)
    target: int | None
    hidden_allocated: int = 0  # the rows of organizations outside the reader's scope
    hidden_rows: int = 0
    hidden_sub_quotas: dict[str, int] = field(default_factory=dict)  # their category minimums, summed

    @property
    def allocated(self) -> int:
        return sum(r.total or 0 for r in self.rows) + self.hidden_allocated

    def hidden_sums(self) -> list[int]:
        """Each category's sum over the hidden rows, in the order of the grid's columns."""
        return [self.hidden_sub_quotas.get(c, 0) for c, _label, _abbr in self.categories]

    def category_sums(self) -> list[int]:
        """Each category's sum over every row, the hidden ones too (as `allocated` counts them)."""
        return [
            sum(r.sub_quotas.get(c, 0) or 0 for r in self.rows) + hidden
            for (c, _label, _abbr), hidden in zip(self.categories, self.hidden_sums(), strict=True)
        ]

    def sums_with_hidden(self) -> list[tuple[int, int]]:
        """(sum over every row, the hidden rows' part) for each category column: the page's
        live sum adds the typed cells to the hidden part (static/js/quotas.js)."""
        return list(zip(self.category_sums(), self.hidden_sums(), strict=True))

    @property
    def difference(self) -> int | None:
        return None if self.target is None else self.allocated - self.target


def allocation_grid(rule: Rule, *, user=None) -> Grid:
    """One row per active child of the table's committee, plus any organization already
    allocated (e.g. further down); in three queries.

    Given a `user`, only the rows of organizations the user may see (the total still
    counts the others)."""
    owner = rule.target or rule.plan.issuer
    allocations = {
        a.organization_id: a for a in rule.allocations.select_related("organization").prefetch_related("sub_quotas")
    }
    children = list(allocation_candidates(rule).filter(depth=owner.depth + 1).order_by("path"))
    orgs = children + [a.organization for a in allocations.values() if a.organization not in children]
    orgs.sort(key=lambda o: (allocations[o.pk].order if o.pk in allocations else 10_000, o.path))
    used = {s.category for a in allocations.values() for s in a.sub_quotas.all()}
    categories = [c for c in Category.values if c in GRID_CATEGORIES or c in used]
    rows = []
    for org in orgs:
        a = allocations.get(org.pk)
        subs = {s.category: s.count for s in a.sub_quotas.all() if s.count} if a else {}
        rows.append(GridRow(org, a.total if a else None, subs, a.version if a else 0, categories=categories))
    hidden_allocated = hidden_rows = 0
    hidden_sub_quotas: dict[str, int] = {}
    if user is not None:
        hidden = [r for r in rows if not access.has_perm(user, r.organization, Perm.VIEW)]
        hidden_allocated = sum(r.total or 0 for r in hidden)
        hidden_rows = sum(1 for r in hidden if r.total is not None)  # the allocated ones the total counts
        for r in hidden:
            for category, count in r.sub_quotas.items():
                hidden_sub_quotas[category] = hidden_sub_quotas.get(category, 0) + count
        rows = [r for r in rows if r not in hidden]
    return Grid(
        rule=rule,
        owner=owner,
        rows=rows,
        hidden_allocated=hidden_allocated,
        hidden_rows=hidden_rows,
        hidden_sub_quotas=hidden_sub_quotas,
        categories=[(c, Category(c).label, ABBREVIATION_OF.get(c, c)) for c in categories],
        target=rule.min_count,
    )


def creatable_issuers(user, *, limit: int = 3) -> QuerySet[Organization]:
    """The organizations at the top of the user's planning scope that still stand (a
    dissolved one issues no plan: services.plan_create): where "Add a plan" leads, and
    whose plans of this year the home page offers to allocate."""
    return access.top_organizations(user, Perm.EDIT_PLANS).filter(dissolved_on__isnull=True)[:limit]


def allocations_this_year(user, *, year: int, limit: int = 3) -> list[Rule]:
    """The allocation tables of this year's plans issued by the organizations the user plans for,
    at the top of their scope: the home page's one click into the grid (one query).

    An issued plan comes before a draft of the same issuer, a newer plan before an older one."""
    roots = creatable_issuers(user, limit=limit)
    rules = (
        Rule.objects.filter(
            kind=RuleKind.ALLOCATION,
            plan__issuer__in=list(roots),
            plan__status__in=[PlanStatus.DRAFT, PlanStatus.ISSUED],
            plan__first_year__lte=year,
        )
        .filter(Q(plan__last_year__isnull=True) | Q(plan__last_year__gte=year))
        .select_related("plan__issuer")
        .order_by("plan__issuer__path", F("plan__issued_on").desc(nulls_last=True), "-plan__first_year", "order", "pk")
    )
    chosen: dict[int, Rule] = {}
    for rule in rules:
        chosen.setdefault(rule.plan.issuer_id, rule)
    return list(chosen.values())


@dataclass
class DueMilestone:
    milestone: Milestone
    due_on: dt.date
    days: int


def next_occurrence(milestone: Milestone, *, plan: Plan, today: dt.date) -> dt.date | None:
    """The first due date on or after `today` (recurring milestones repeat while the plan runs)."""
    due = milestone.due_on
    if milestone.recurrence == Recurrence.ONCE:
        return due if due >= today else None
    months = 3 if milestone.recurrence == Recurrence.QUARTERLY else 12
    step = 0
    while due < today:
        step += months
        month = milestone.due_on.month - 1 + step
        year = milestone.due_on.year + month // 12
        day = min(milestone.due_on.day, 28 if month % 12 == 1 else 30 if month % 12 in (3, 5, 8, 10) else 31)
        due = dt.date(year, month % 12 + 1, day)
    if plan.last_year is not None and due.year > plan.last_year:
        return None
    return due


def milestones_due(user, *, today: dt.date, days: int = 30) -> list[DueMilestone]:
    """Milestones of issued plans the user sees, due within `days` (one query)."""
    plans = visible_plans(user).filter(status=PlanStatus.ISSUED)
    milestones = Milestone.objects.filter(plan__in=plans).select_related("plan__issuer")
    horizon = today + dt.timedelta(days=days)
    due = []
    for milestone in milestones:
        when = next_occurrence(milestone, plan=milestone.plan, today=today)
        if when is not None and when <= horizon:
            due.append(DueMilestone(milestone, when, (when - today).days))
    due.sort(key=lambda d: (d.due_on, d.milestone.title))
    return due


# --- cascade -----------------------------------------------------------------------


@dataclass
class CascadeRow:
    organization: Organization
    plans: list[Plan]
    problems: list[tuple[str, str]]  # ("missing" | "weaker", the parent rule's sentence)


def _weaker(expected: dict, rules: list[Rule]) -> str | None:
    """Why the child's rules fall short of one parent rule (None if they do not)."""
    same = [
        r
        for r in rules
        if r.kind == expected["kind"]
        and (r.category or "") == (expected["category"] or "")
        and r.applies_to_each == expected["applies_to_each"]
        and (not expected["applies_to_each"] or set(r.sectors or []) == set(expected["sectors"] or []))
    ]
    if not same:
        return "missing"
    for name in ("min_count", "min_percent"):
        wanted = expected[name]
        if wanted is None:
            continue
        best = max((getattr(r, name) for r in same if getattr(r, name) is not None), default=None)
        if best is None or best < wanted:
            return "weaker"
    return None


def cascade(organization: Organization, *, year: int) -> tuple[list[Plan], list[CascadeRow]]:
    """For the issued plans of `organization` covering `year`: which committees directly
    below have issued a plan implementing them, and where a child's rule is weaker than
    (or missing from) what the parent's plan asks of it."""
    parent_plans = [
        p
        for p in Plan.objects.filter(issuer=organization, status=PlanStatus.ISSUED)
        .select_related("issuer")
        .prefetch_related("rules__target", "rules__allocations__sub_quotas")
        if p.covers(year)
    ]
    children = list(
        Organization.objects.filter(
            path__startswith=organization.path,
            depth=organization.depth + 1,
            form__in=COMMITTEE_FORMS,
            dissolved_on__isnull=True,
        ).order_by("path")
    )
    implementing = (
        Plan.objects.filter(issuer__in=children, implements__in=parent_plans)
        .exclude(status=PlanStatus.DRAFT)
        .select_related("issuer")
        .prefetch_related("rules")
        .distinct()
    )
    by_child: dict[int, list[Plan]] = {}
    for plan in implementing:
        if plan.covers(year):
            by_child.setdefault(plan.issuer_id, []).append(plan)
    below = list(
        Organization.objects.filter(
            path__startswith=organization.path, depth__gt=organization.depth + 1, dissolved_on__isnull=True
        ).only("path", "form", "sector", "depth")
    )
    rows = []
    for child in children:
        plans = by_child.get(child.pk, [])
        problems = []
        if plans:
            child_rules = [r for p in plans for r in p.rules.all()]
            for parent in parent_plans:
                for derived in rules_applying_to(parent, child, below):
                    verdict = _weaker(derived.values, child_rules)
                    if verdict:
                        problems.append((verdict, rule_sentence(derived.source)))
        rows.append(CascadeRow(child, plans, problems))
    return parent_plans, rows
