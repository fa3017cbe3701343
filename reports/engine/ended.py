"""The organizations ended (merged or dissolved) by a report's count day, and what is
measured of them up to their last day: allocation rows, a rule's one subject, the matches of
a rule over many organizations whose issuer ended, or a match dissolved in the year."""

import datetime as dt
from collections import Counter, defaultdict

from django.db.models import Count
from django.db.models.functions import ExtractYear

from admissions.counting import admitted_between
from organizations.models import MemberCount, Organization
from organizations.positions import TreeOnDay, tree_on
from quotas.models import RuleKind

from ..models import HistoricalResult
from ..status import Status
from .results import Measurement
from .rows import OrganizationRow, WantedPrefixes
from .rules import _kind_matches, _subject, selector_signature
from .spans import admissions_in

STEP = Organization.steplen


class _Ended:
    """Allocation rows (and tables) of organizations merged or dissolved by the count day,
    and rules whose one subject ended by then (a district's own plan, after 1 July 2025):
    an issued table keeps its rows, and such a rule its subject, each with what the
    organization admitted up to its last day, in the tree of that day. A rule over many
    organizations whose issuer ended by then ("each high school" of a district's plan)
    measures those it matched on the issuer's last day, up to that day (`matches`); one of
    a standing issuer keeps a match dissolved in the year (`of`). When any organization
    ended by then: one query for which; then those that ended on one day under the
    report's scope are read together (`prefetch`: five queries per day; a reorganization
    ends them on one), any other one by one."""

    def __init__(self, rules, year: int, count_day: dt.date, any_ended: bool = True):
        self.year, self.count_day = year, count_day
        pks = {a.organization_id for rule in rules if rule.kind == RuleKind.ALLOCATION for a in rule.allocation_rows}
        pks |= {_subject(rule).pk for rule in rules if not rule.applies_to_each}
        pks |= {rule.plan.issuer.pk for rule in rules if rule.applies_to_each}
        self.on: dict[int, dt.date] = {}
        if pks and any_ended:
            self.on = dict(
                Organization.objects.filter(pk__in=pks, dissolved_on__lte=count_day).values_list("pk", "dissolved_on")
            )
        self._counts: dict[int, Counter] = {}
        self._matched: dict[int, tuple] = {}  # {ended issuer: _stood_under on its last day}
        self._under: dict[int, dict[int, Counter]] = {}  # {ended issuer: what each of those admitted}
        self._trees: dict[dt.date, list[TreeOnDay]] = {}

    def dissolved(self, org) -> bool:
        """Whether a match of a rule over many organizations stood part of the year up to the
        count day and was dissolved (not merged: a merged one's figures are its successor's,
        itself a match) by then; it keeps its figures up to its last day (`of`)."""
        day = org.dissolved_on
        if day is None or org.merged_into_id is not None or not dt.date(self.year, 1, 1) < day <= self.count_day:
            return False
        self.on[org.pk] = day
        return True

    def matches(self, rule, signature: tuple, scope) -> list[Organization]:
        """What a rule over many organizations of an issuer ended by the count day measures:
        the organizations matching `signature` (its depth counted from the issuer) under the
        issuer on its last day, of the form and sector they had then (once per issuer: its
        organizations, in the tree of `scope`, the report's organization, that day)."""
        issuer = rule.plan.issuer
        last_day = self.on[issuer.pk] - dt.timedelta(days=1)
        if last_day.year != self.year:
            return []
        if issuer.pk not in self._matched:
            if scope.existed_on(last_day):
                self._tree(scope, last_day)  # the issuer's tree is cut from it, as `prefetch`'s
            self._matched[issuer.pk] = self._stood_under(issuer, last_day)
        tree, standing = self._matched[issuer.pk]
        forms, sectors, depth = signature
        if depth:  # the rule counts it from its issuer, who stood elsewhere that day
            depth = depth - issuer.depth + len(tree.root) // STEP
        return [org for org, kind in standing if _kind_matches(*kind, (forms, sectors, depth))]

    def _stood_under(self, issuer, day: dt.date) -> tuple[TreeOnDay, list[tuple[Organization, tuple]]]:
        """The tree of the issuer on `day`, and the organizations standing under it that day,
        each at its path of the day (the pages place its row under the issuer, not under
        where it stands now) with its (form, sector, depth) of the day."""
        tree = self._tree(issuer, day)
        standing = []
        for org in Organization.objects.filter(pk__in=tree.paths).exclude(pk=issuer.pk):
            if org.existed_on(day):
                org.path = tree.paths[org.pk]
                org.depth = len(org.path) // STEP
                standing.append((org, (*tree.kinds.get(org.pk, (org.form, org.sector)), org.depth)))
        standing.sort(key=lambda pair: pair[0].path)
        return tree, standing

    def structural(self, rule, scope, first_year: int) -> tuple[int, list[Measurement]]:
        """A size or inactivity rule over many organizations of an issuer ended by the count
        day, checked on the issuer's last day over what it held then (`matches`): (how many
        it measures, the failing ones), as _structural answers; their year is over. A size
        rule reads each one's member count of that day (one query); an inactivity rule the
        latest year from `first_year` with an admission up to that day, or a result entered
        (two queries)."""
        issuer = rule.plan.issuer
        matched = self.matches(rule, selector_signature(rule), scope)
        if not matched:
            return 0, []
        tree, standing = self._matched[issuer.pk]
        ended_on = self.on[issuer.pk]
        last_day = ended_on - dt.timedelta(days=1)
        names = {tree.root: issuer.name, **{tree.paths[org.pk]: org.name for org, _kind in standing}}
        kinds = {org.pk: kind for org, kind in standing}

        def row(org) -> OrganizationRow:
            path = tree.paths[org.pk]
            form, sector, depth = kinds[org.pk]
            parent = names.get(path[:-STEP], "")
            return OrganizationRow(org.pk, path, org.name, org.code, depth, form, sector, (), parent)

        failing = []
        if rule.kind == RuleKind.CELL_SIZE:
            members = dict(
                MemberCount.objects.latest_on(last_day)
                .filter(organization_id__in=[org.pk for org in matched])
                .values_list("organization_id", "members")
            )
            for org in matched:
                n = members.get(org.pk)
                if n is None or n < (rule.min_count or 0):
                    failing.append(
                        Measurement(
                            org=row(org), status=Status.NOT_MET, target_min=rule.min_count, members=n, ended_on=ended_on
                        )
                    )
            return len(matched), failing
        latest = self._latest_years(tree, matched, first_year, last_day)
        for org in matched:
            last = latest.get(tree.paths[org.pk])
            if not last or last < self.year - (rule.years_without or 1) + 1:
                failing.append(
                    Measurement(
                        org=row(org), forecast=None, last_admission_year=last, status=Status.NOT_MET, ended_on=ended_on
                    )
                )
        return len(matched), failing

    @staticmethod
    def _latest_years(tree: TreeOnDay, orgs, first_year: int, last_day: dt.date) -> dict[str, int]:
        """{path on the day: the latest year from `first_year` with an admission up to
        `last_day`, or a result entered for it} under each of `orgs`, in the tree of that day."""
        wanted: dict[int, set[str]] = defaultdict(set)
        for org in orgs:
            path = tree.paths[org.pk]
            wanted[len(path) // STEP].add(path)
        prefixes = WantedPrefixes(wanted, position=tree.position)
        counted = tree.counted_ids()
        admitted = (
            admitted_between(dt.date(first_year, 1, 1), last_day)
            .filter(organization_id__in=counted)
            .annotate(y=ExtractYear("ceremony_date"))
            .values_list("organization_id", "y")
            .distinct()
        )
        entered = (
            HistoricalResult.objects.filter(
                organization_id__in=counted,
                first_year__isnull=True,
                year__gte=first_year,
                year__lte=last_day.year,
                count__gt=0,
            )
            .values_list("organization_id", "year")
            .distinct()
        )
        latest: dict[str, int] = {}
        for organization_id, year in [*admitted, *entered]:
            for prefix in prefixes(organization_id):
                latest[prefix] = max(year, latest.get(prefix, 0))
        return latest

    def of(self, rule, org) -> tuple[dt.date, Counter] | None:
        """(the day it ended, {category: n, "": total} up to the day before) when `org` is
        measured against `rule` up to an earlier day than the count day: the rule's one
        subject ended by then, or the issuer of a rule over many organizations did (its
        matches counted up to its last day, where they stood that day: one grouped read per
        issuer), or such a rule's match was dissolved in the year (`dissolved`)."""
        if not rule.applies_to_each:
            day = self.on.get(org.pk)
            return None if day is None else (day, self.counts(org))
        issuer = rule.plan.issuer
        if issuer.pk in self._matched:
            if issuer.pk not in self._under:
                self._under[issuer.pk] = self.under(issuer, [org for org, _kind in self._matched[issuer.pk][1]])
            return self.on[issuer.pk], self._under[issuer.pk][org.pk]
        day = self.on.get(org.pk)
        return None if day is None else (day, self.counts(org))

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
        in the tree of that day."""
        if org.pk not in self._counts:
            last_day = self.on[org.pk] - dt.timedelta(days=1)
            organization = Organization.objects.get(pk=org.pk)
            counts: Counter = Counter()
            if last_day.year == self.year:
                rows = admissions_in(organization, dt.date(self.year, 1, 1), min(last_day, self.count_day))
                for category, n in rows.values("category").annotate(n=Count("pk")).values_list("category", "n"):
                    counts[category] += n
                    counts[""] += n
            self._counts[org.pk] = counts
        return self._counts[org.pk]

    def under(self, subject, orgs) -> dict[int, Counter]:
        """{pk: {category: n, "": total}} admitted in the year up to the ended `subject`'s
        last day by each of `orgs` (the rows of its allocation table; 0 for one not under
        it then), in the tree of that day: the quota of a committee that ended applied to
        them until then (five queries)."""
        counts = {org.pk: Counter() for org in orgs}
        last_day = self.on[subject.pk] - dt.timedelta(days=1)
        if orgs and last_day.year == self.year:
            counts.update(self._read(subject, last_day, list(counts)))
        return counts

    def _tree(self, root, day: dt.date) -> TreeOnDay:
        """The tree under `root` on `day`: cut from a tree of that day read already that
        holds it (the report's organization's, read once per day), else read (three queries)."""
        for tree in self._trees.get(day, ()):
            path = tree.paths.get(root.pk)
            if path is not None:
                paths = {pk: p for pk, p in tree.paths.items() if p.startswith(path)}
                return TreeOnDay(day, path, paths, tree.counts_for, tree.kinds)
        tree = tree_on(root, day)
        self._trees.setdefault(day, []).append(tree)
        return tree

    def _read(self, root, last_day: dt.date, pks: list[int]) -> dict[int, Counter]:
        """{pk: {category: n, "": total}} admitted in the year up to `last_day` under each
        of `pks` that stood under `root` that day, in the tree of that day: one grouped read
        of root's admissions, after the tree of the day (`_tree`: five queries in all)."""
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
        return counts
