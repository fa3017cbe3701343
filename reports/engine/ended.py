"""The organizations ended (merged or dissolved) by a report's count day, and what is
measured of them up to their last day: allocation rows, a rule's one subject, the matches of
a rule over many organizations whose issuer ended, or a match dissolved in the year."""

import datetime as dt
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count

from organizations.models import MemberCount, Organization
from organizations.positions import TreeOnDay, subtree_end, successors_on, tree_on
from quotas.models import RuleKind

from .. import past
from ..status import Status
from .counts import Counts, latest_years
from .failing import too_young
from .results import Measurement
from .rows import OrganizationRow, WantedPrefixes, _light_organizations
from .rules import _kind_matches, _subject, selector_signature
from .spans import admissions_in

STEP = Organization.steplen


@dataclass
class _HeldOn:
    """What the issuers of rules over many organizations that ended on one day held on their
    last day (`day`): {issuer pk: its path that day, and the organizations standing under it
    then, each at its path of the day with its (form, sector, depth) of the day}; then, when
    asked, what each admitted in the year up to that day, its member count that day and the
    latest year it admitted in (all of them together: one read each)."""

    day: dt.date
    root: Organization | None  # whose tree of the day it was cut from (None: each issuer's own)
    standing: dict[int, tuple[str, list[tuple[Organization, tuple]]]]
    counts: dict[int, Counter] | None = None
    members: dict[int, int] | None = None
    latest: dict[str, int] | None = None

    def organizations(self) -> list[Organization]:
        return list({org.pk: org for _path, pairs in self.standing.values() for org, _kind in pairs}.values())


class _Ended:
    """Allocation rows (and tables) of organizations whose last day was on or before the
    count day (merged or dissolved by the next: on its last day an organization's year is
    over, in the reports of the committees above it as in its own closing report,
    measure.closing), and rules whose one subject ended by then (a district's own plan,
    after 1 July 2025):
    an issued table keeps its rows, and such a rule its subject, each with what the
    organization admitted up to its last day, in the tree of that day. A rule over many
    organizations whose issuer ended by then ("each high school" of a district's plan)
    measures those it matched on the issuer's last day, up to that day (`matches`); one of
    a standing issuer keeps a match dissolved in the year (`of`). When any organization
    ended by then: one query for which; then those that ended on one day under the
    report's scope are read together (`prefetch`: six queries per day; a reorganization
    ends them on one), any other one by one; the issuers of rules over many organizations
    that ended on one day, together (`_held_on`)."""

    def __init__(self, rules, year: int, count_day: dt.date, any_ended: bool, scope: Organization, names=None):
        self.year, self.count_day = year, count_day
        self.names = names  # the names of the count day of those renamed since (positions.names_on)
        self.end_by = count_day + dt.timedelta(days=1)  # ended by then: its last day on or before the count day
        pks = {a.organization_id for rule in rules if rule.kind == RuleKind.ALLOCATION for a in rule.allocation_rows}
        pks |= {_subject(rule).pk for rule in rules if not rule.applies_to_each}
        each = {rule.plan.issuer.pk: rule.plan.issuer for rule in rules if rule.applies_to_each}
        pks = (pks | set(each)) - {scope.pk}  # the scope's own year: measure.closing
        self.on: dict[int, dt.date] = {}
        if pks and any_ended:
            self.on = dict(
                Organization.objects.filter(pk__in=pks, dissolved_on__lte=self.end_by).values_list("pk", "dissolved_on")
            )
        self._each_ended = {pk: issuer for pk, issuer in each.items() if pk in self.on}
        self._successors: dict[int, int] | None = None
        self._counts: dict[int, Counter] = {}
        self._held: dict[dt.date, _HeldOn] = {}
        self._trees: dict[dt.date, list[tuple[TreeOnDay, list[tuple[str, int]]]]] = {}

    def dissolved(self, org) -> bool:
        """Whether a match of a rule over many organizations stood part of the year up to the
        count day and was dissolved (not merged: a merged one's figures are its successor's,
        itself a match) by then; it keeps its figures up to its last day (`of`)."""
        day = org.dissolved_on
        if day is None or org.merged_into_id is not None or not dt.date(self.year, 1, 1) < day <= self.end_by:
            return False
        self.on[org.pk] = day
        return True

    def counted_to(self, org) -> dt.date | None:
        """The last day of an organization that ended before the count day (its last day was
        an earlier one), else None."""
        day = self.on.get(org.pk)
        return day - dt.timedelta(days=1) if day is not None and day <= self.count_day else None

    def merged_rows(self, rule, orgs: dict) -> dict[int, Organization]:
        """The rows of an ended committee's table (seen from outside it) whose organization
        merged by the count day into one of the report's (`orgs`): a commune merged into the
        new commune committee on 01/07/2025. Its figures are its successor's, so the
        successor's report lists its row, counted to its last day, as the committee above
        does. Two queries (the mergers, once; the organizations), only for such a table."""
        wanted = {a.organization_id for a in rule.allocation_rows if a.organization_id not in orgs}
        wanted &= set(self.on)
        if not wanted:
            return {}
        if self._successors is None:
            self._successors = successors_on(self.count_day)
        found = [pk for pk in wanted if self._successors.get(pk) in orgs]
        if not found:
            return {}
        return {org.pk: org for org in Organization.objects.filter(pk__in=found)}

    # --- rules over many organizations of an issuer that ended -------------------------

    def issuer_ended(self, rule) -> bool:
        """Whether `rule` is over many organizations and its issuer ended by the count day."""
        return rule.applies_to_each and rule.plan.issuer.pk in self._each_ended

    def matches(self, rule, signature: tuple, scope) -> list[Organization]:
        """What a rule over many organizations of an issuer ended by the count day measures:
        the organizations matching `signature` (its depth counted from the issuer) under the
        issuer on its last day, of the form and sector they had then (`_held_on`)."""
        issuer = rule.plan.issuer
        last_day = self.on[issuer.pk] - dt.timedelta(days=1)
        if last_day.year != self.year:
            return []
        path_then, standing = self._held_on(last_day, scope).standing[issuer.pk]
        forms, sectors, depth = signature
        if depth:  # the rule counts it from its issuer, who may have stood elsewhere that day
            depth = depth - issuer.depth + len(path_then) // STEP
        return [org for org, kind in standing if _kind_matches(*kind, (forms, sectors, depth))]

    def held_by(self, matched: list[Organization], scope) -> list[Organization]:
        """Those of an ended issuer's matches (`matches`) that stand under `scope` on the
        count day, or merged by then into one that does (its figures are that one's since):
        a dissolved district's high schools moved under a new commune committee, seen from
        the commune's report or the school's own. The tree of the count day (three queries,
        once)."""
        if not matched:
            return []
        ids = self._tree(scope, self.count_day).counted_ids()
        return [org for org in matched if org.pk in ids]

    def _held_on(self, day: dt.date, scope) -> _HeldOn:
        """What every issuer of a rule over many organizations that ended the day after `day`
        held that day, read together: the tree of the report's organization that day (three
        queries; each issuer's, when that organization did not stand then or held not all of
        them) and the organizations in it (one)."""
        if day in self._held:
            return self._held[day]
        issuers = [issuer for pk, issuer in self._each_ended.items() if self.on[pk] - dt.timedelta(days=1) == day]
        root = scope if scope.existed_on(day) else None
        if root is not None and any(issuer.pk not in self._tree(root, day).paths for issuer in issuers):
            root = None  # an issuer outside it that day (ended_above): what it held is read under it
        trees = {issuer.pk: self._tree(root or issuer, day, under=issuer) for issuer in issuers}
        # With those merged into them by the day: an inactivity rule reads their age (stood_since).
        pks = {pk for tree in trees.values() for pk in tree.counted_ids()} - set(trees)
        found = {org.pk: org for org in _light_organizations(Organization.objects.filter(pk__among=pks), ())}
        if self.names:  # named as the rest of the report: a rename after the day is not theirs
            self.names.rename(found.values())
        for tree in trees.values():
            past.mark_stood_since(tree, found)
        standing = {}
        for issuer in issuers:
            tree, pairs = trees[issuer.pk], []
            for pk in sorted(tree.paths, key=tree.paths.get):
                org = found.get(pk)
                if org is not None and org.existed_on(day):
                    org.path = tree.paths[pk]  # the pages place its row under the issuer, not where it is now
                    org.depth = len(org.path) // STEP
                    pairs.append((org, (*tree.kinds.get(pk, (org.form, org.sector)), org.depth)))
            standing[issuer.pk] = (tree.root, pairs)
        held = self._held[day] = _HeldOn(day, root, standing)
        return held

    def of(self, rule, org) -> tuple[dt.date, Counter] | None:
        """(the day it ended, {category: n, "": total} up to the day before) when `org` is
        measured against `rule` up to an earlier day than the count day: the rule's one
        subject ended by then, or the issuer of a rule over many organizations did (its
        matches counted up to its last day, where they stood that day: one grouped read for
        the issuers that ended on one day), or such a rule's match was dissolved in the year
        (`dissolved`)."""
        if not rule.applies_to_each:
            day = self.on.get(org.pk)
            return None if day is None else (day, self.counts(org))
        issuer = rule.plan.issuer
        held = self._held.get(self.on[issuer.pk] - dt.timedelta(days=1)) if self.issuer_ended(rule) else None
        if held is not None and issuer.pk in held.standing:  # its matches were read (`matches`)
            if held.counts is None:
                held.counts = self._read_held(held)
            return self.on[issuer.pk], held.counts.get(org.pk, Counter())
        day = self.on.get(org.pk)
        return None if day is None else (day, self.counts(org))

    def _read_held(self, held: _HeldOn) -> dict[int, Counter]:
        pks = [org.pk for org in held.organizations()]
        if held.root is not None:
            return self._read(held.root, held.day, pks)
        counts: dict[int, Counter] = {}
        for issuer_pk in held.standing:  # the report's organization did not stand that day
            counts.update(self._read(self._each_ended[issuer_pk], held.day, pks))
        return counts

    def structural(self, rule, scope, first_year: int, outside: bool = False) -> tuple[int, list[Measurement]]:
        """A size or inactivity rule over many organizations of an issuer ended by the count
        day, checked on the issuer's last day over what it held then (`matches`; `outside`:
        the issuer stood outside the report's scope, so of those, the ones the scope holds
        now: `held_by`): (how many it measures, the failing ones), as _structural answers;
        their year is over (one younger than an inactivity rule's years meets it:
        failing.too_young). The
        member counts of that day, or the latest year from `first_year` with an admission
        up to that day or a result entered, are read once for the issuers that ended on one
        day (one query; two)."""
        issuer = rule.plan.issuer
        matched = self.matches(rule, selector_signature(rule), scope)
        if outside:
            matched = self.held_by(matched, scope)
        if not matched:
            return 0, []
        ended_on = self.on[issuer.pk]
        held = self._held[ended_on - dt.timedelta(days=1)]
        names = {held.standing[issuer.pk][0]: issuer.name}
        for _path, pairs in held.standing.values():
            names.update((org.path, org.name) for org, _kind in pairs)

        kinds = {org.pk: kind for org, kind in held.standing[issuer.pk][1]}

        def row(org) -> OrganizationRow:
            form, sector, depth = kinds[org.pk]
            parent = names.get(org.path[:-STEP], "")
            return OrganizationRow(org.pk, org.path, org.name, org.code, depth, form, sector, (), parent)

        failing = []
        if rule.kind == RuleKind.CELL_SIZE:
            if held.members is None:
                held.members = dict(
                    MemberCount.objects.latest_on(held.day)
                    .filter(organization_id__among={org.pk for org in held.organizations()})
                    .values_list("organization_id", "members")
                )
            for org in matched:
                n = held.members.get(org.pk)
                if n is None or n < (rule.min_count or 0):
                    failing.append(
                        Measurement(
                            org=row(org), status=Status.NOT_MET, target_min=rule.min_count, members=n, ended_on=ended_on
                        )
                    )
            return len(matched), failing
        if held.latest is None:
            held.latest = self._latest_years(held, first_year)
        years = rule.years_without or 1
        for org in matched:
            last = held.latest.get(org.path)
            if too_young(getattr(org, "stood_since", org.founded_on), years, self.year):
                continue  # younger than the rule's years: it meets it
            if not last or last < self.year - years + 1:
                failing.append(
                    Measurement(
                        org=row(org), forecast=None, last_admission_year=last, status=Status.NOT_MET, ended_on=ended_on
                    )
                )
        return len(matched), failing

    def _latest_years(self, held: _HeldOn, first_year: int) -> dict[str, int]:
        """{path on the day: the latest year from `first_year` with an admission up to the
        day, or a result entered for it (a period's by its last year: counts.latest_years)},
        in the tree of that day, as a report of that day
        counts them (reports/past.py: two queries; two per issuer when the report's
        organization did not stand that day)."""
        from .. import past

        counts, periods = Counts(), Counter()
        roots = [held.root] if held.root is not None else [self._each_ended[pk] for pk in held.standing]
        for root in roots:
            tree = self._tree(root, held.day)
            past.admission_counts(tree, counts, first_year, held.day.year, held.day)
            past.historical_counts(tree, counts, first_year, held.day.year, periods)
        return latest_years(counts, periods, first_year, held.day.year)

    def prefetch(self, scope) -> None:
        """Read together the organizations that ended on one day and stood under `scope`
        (the report's organization) on the day before."""
        by_day: dict[dt.date, list[int]] = defaultdict(list)
        for pk, ended_on in self.on.items():
            by_day[ended_on].append(pk)
        for ended_on, pks in by_day.items():
            last_day = ended_on - dt.timedelta(days=1)
            if len(pks) < 2 or last_day.year != self.year or (scope.founded_on and scope.founded_on > last_day):
                continue
            self._counts.update(self._read(scope, last_day, pks))

    def counts(self, org) -> Counter:
        """{category: n, "": total} admitted in the year up to the organization's last day,
        in the tree of that day (its own report's figure of that day: `_read`)."""
        if org.pk not in self._counts:
            last_day = self.on[org.pk] - dt.timedelta(days=1)
            self._counts[org.pk] = Counter()
            if last_day.year == self.year:
                self._counts.update(self._read(Organization.objects.get(pk=org.pk), last_day, [org.pk]))
        return self._counts[org.pk]

    def under(self, subject, orgs) -> dict[int, Counter]:
        """{pk: {category: n, "": total}} admitted in the year up to the ended `subject`'s
        last day by each of `orgs` (the rows of its allocation table; 0 for one not under
        it then), in the tree of that day: the quota of a committee that ended applied to
        them until then (six queries)."""
        counts = {org.pk: Counter() for org in orgs}
        last_day = self.on[subject.pk] - dt.timedelta(days=1)
        if orgs and last_day.year == self.year:
            counts.update(self._read(subject, last_day, list(counts)))
        return counts

    def _tree(self, root, day: dt.date, under=None) -> TreeOnDay:
        """The tree under `under` (by default `root`) on `day`: cut from a tree of that day
        read already that holds it (the report's organization's, read once per day), else
        from `root`'s, read here (three queries)."""
        under = under or root
        for tree, ordered in self._trees.get(day, ()):
            if under.pk in tree.paths:
                return _cut(tree, ordered, tree.paths[under.pk])
        tree = tree_on(root, day)
        ordered = sorted((path, pk) for pk, path in tree.paths.items())
        self._trees.setdefault(day, []).append((tree, ordered))
        if under.pk not in tree.paths:  # it stood elsewhere that day
            return self._tree(under, day)
        return _cut(tree, ordered, tree.paths[under.pk])

    def _read(self, root, last_day: dt.date, pks: list[int]) -> dict[int, Counter]:
        """{pk: {category: n, "": total}} admitted in the year up to `last_day` under each
        of `pks` that stood under `root` that day, in the tree of that day: one grouped read
        of root's admissions and one of the year's entered counts, after the tree of the
        day (`_tree`: six queries in all)."""
        tree = self._tree(root, last_day)
        row_of = {tree.paths[pk]: pk for pk in pks if pk in tree.paths}
        counts = {pk: Counter() for pk in row_of.values()}
        wanted: dict[int, set[str]] = defaultdict(set)
        for path in row_of:
            wanted[len(path) // STEP].add(path)
        prefixes = WantedPrefixes(wanted, position=tree.position)
        rows = admissions_in(root, dt.date(self.year, 1, 1), min(last_day, self.count_day), tree=tree)
        for org_id, category, n in (
            rows.values("organization_id", "category")
            .annotate(n=Count("pk"))
            .values_list("organization_id", "category", "n")
        ):
            for prefix in prefixes(org_id):
                row = counts[row_of[prefix]]
                row[category] += n
                row[""] += n
        # The counts entered for the year (historical results): a year's figure holds them
        # whatever its day (docs/domain.md §7), so the row reads its own report's figure.
        entered = Counts()
        past.historical_counts(tree, entered, self.year, self.year, None)
        for (path, _year, category), n in entered.data.items():
            if path in row_of:
                counts[row_of[path]][category] += n
        return counts


def _cut(tree: TreeOnDay, ordered: list[tuple[str, int]], root: str) -> TreeOnDay:
    """The part of a tree of a day under the path `root` (`ordered`: its (path, pk) sorted)."""
    if root == tree.root:
        return tree
    first, last = bisect_left(ordered, (root,)), bisect_left(ordered, (subtree_end(root),))
    paths = {pk: path for path, pk in ordered[first:last]}
    return TreeOnDay(tree.day, root, paths, tree.counts_for, tree.kinds)
