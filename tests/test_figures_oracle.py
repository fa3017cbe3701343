"""Every figure of the reports against a plain recount (Hypothesis).

Random histories of a small tree (admissions, candidates, member counts and historical
results entered before or after moves, mergers, foundings and dissolutions, in any order
of entry) are reported "as of" random days, and
every figure a board signs is compared with a recount written from the rule itself
(docs/domain.md, "Reports as of a day"): an admission of the year up to the count day
counts where its organization stood on that day, or with its successor once merged. The
recount reads the records and `OrganizationPath` directly, none of the engine's roads
(tallies, buckets, `reports/past.py`), so a figure that is right on one road and wrong on
another shows here.

The histories amend the plan too (a rule's minimum, an allocation row's total set, added or
removed), each made on a day and in force from that day or an earlier one (the service's
rules: not after the day made, not before the same rule's or table's previous amendment
takes effect). The oracle keeps its own record of them (`Targets`, never
`PlanAmendment.before`) and checks that a report of a day counts against the targets in
force that day (docs/domain.md, "amendments")."""

import datetime as dt
import os
from dataclasses import dataclass, field
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from admissions import tally
from admissions.counting import IN_PIPELINE
from admissions.models import Admission, Candidate, CandidateTransfer, Step
from organizations.models import (
    UPPER_COMMITTEE_FORMS,
    MemberCount,
    Organization,
    OrganizationPath,
    OrgForm,
    Sector,
    holds_own_members,
)
from organizations.services import (
    member_count_record,
    organization_create,
    organization_dissolve,
    organization_merge,
    organization_move,
)
from quotas import services
from quotas.models import Allocation, Rule, RuleKind
from reports.bieu2.form import bieu2
from reports.engine import attainment, rows
from reports.models import HistoricalResult
from reports.periods import a_year_before, between
from reports.services import historical_result_record

from .test_reports_engine import admit, allocate, make_candidate, make_plan, make_rule

D = dt.date
FIRST_DAY = D(2024, 1, 1)
TODAY = D(2025, 6, 30)
DAYS = (TODAY - FIRST_DAY).days
CATEGORIES = ["pupil", "farmer", "other"]
CELLS = [OrgForm.GRASSROOTS_CELL, OrgForm.CELL]
IDLE_YEARS = 2  # the inactivity rule: no admission in this year and the one before fails
MIN_MEMBERS = 10  # the size rule

# 15 histories in the quick loop (~30 s); ORACLE_EXAMPLES=200 for a longer search.
SETTINGS = settings(
    max_examples=int(os.environ.get("ORACLE_EXAMPLES", 15)),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

# A few days many steps share, as a reorganization's rows share their effective date.
SAME_DAY = st.sampled_from([(D(2024, 7, 1) - FIRST_DAY).days, (D(2025, 3, 1) - FIRST_DAY).days])
# One step of a history, applied to the tree as the steps before it left it:
# (kind, first organization, second organization, day, category). Indexes pick among the
# organizations of the moment; a step the services refuse is skipped (as a board's would be).
STEP = st.tuples(
    st.sampled_from(
        ["admit", "admit", "admit", "candidate", "members", "result", "move", "merge", "found", "dissolve"]
    ),
    st.integers(0, 30),
    st.integers(0, 30),
    st.one_of(st.integers(0, DAYS), SAME_DAY),
    st.sampled_from(CATEGORIES),
)
# An amendment of the province's plan, made on a day: (kind, which, value, day made,
# category, in force from). "target": the minimum of one of the count rules or the table's
# own total; "row": an allocation row's total set (a row added if the organization has none)
# or, one value in five, removed, with a pupil among the quota for "pupil". In force from
# None (the service's default: the day made) or a day put between the previous amendment's
# day (of the plan, or, for an even day, of the same rule or table: the service orders them
# per rule or table) and the day made; refused when the day made is before the same rule's
# or table's previous amendment's day.
AMEND = st.tuples(
    st.sampled_from(["target", "row", "row"]),
    st.integers(0, 30),
    st.integers(0, 30),
    st.one_of(st.integers(0, DAYS), SAME_DAY),
    st.sampled_from(CATEGORIES),
    st.one_of(st.none(), st.integers(0, DAYS), SAME_DAY),
)
HISTORY = st.lists(st.one_of(STEP, STEP, AMEND), min_size=4, max_size=18)
REPORT_DAYS = st.lists(st.one_of(st.integers(0, DAYS), SAME_DAY), min_size=1, max_size=3)


# --- the recount --------------------------------------------------------------------------


class Recount:
    """Admissions placed by hand: the organization's successor on the day, at its path of the day."""

    def __init__(self):
        self.orgs = {o.pk: o for o in Organization.objects.all()}
        self.past = list(OrganizationPath.objects.values_list("organization_id", "path", "valid_from", "valid_until"))
        self.admissions = list(
            Admission.objects.filter(archived_at__isnull=True).values_list(
                "organization_id", "ceremony_date", "category"
            )
        )
        self.candidates = list(
            Candidate.objects.filter(IN_PIPELINE).values_list("pk", "organization_id", "category", "step_date")
        )
        # Where a candidate's file was until a day it moved (a merger hands it to the successor).
        self.transfers = list(CandidateTransfer.objects.values_list("candidate_id", "organization_id", "valid_until"))
        self.members = list(MemberCount.objects.values_list("organization_id", "as_of", "members"))
        # Entered counts of past years (all categories), each a total of its organization's subtree.
        self.results = list(
            HistoricalResult.objects.filter(category="", first_year__isnull=True).values_list(
                "organization_id", "year", "count"
            )
        )

    def path_on(self, pk: int, day: dt.date) -> str:
        for org_id, path, valid_from, valid_until in self.past:
            if org_id == pk and (valid_from is None or valid_from <= day) and day < valid_until:
                return path
        return self.orgs[pk].path

    def owner_on(self, pk: int, day: dt.date) -> int:
        org = self.orgs[pk]
        while org.merged_into_id is not None and org.dissolved_on <= day:
            org = self.orgs[org.merged_into_id]
        return org.pk

    def count(self, pk: int, day: dt.date, first: dt.date, last: dt.date, category: str = "") -> int:
        """Admissions dated first..last (of `category`, if given) that count under organization
        `pk` in the tree of `day`."""
        under = self.path_on(pk, day)
        entered = sum(
            n
            for org_id, year, n in self.results
            if not category
            and self.holds_year(year, day, first, last)
            and self.path_on(self.owner_on(org_id, day), day).startswith(under)
        )
        return self.records(pk, day, first, last, category) + entered

    @staticmethod
    def holds_year(year: int, day: dt.date, first: dt.date, last: dt.date) -> bool:
        """Whether a count entered for `year` is in the span first..last of a report of `day`:
        the span holds the whole year, or runs from before it to the count day inside it
        (a year's figure holds its entered counts whatever the day: docs/domain.md §7)."""
        return first <= D(year, 1, 1) and (D(year, 12, 31) <= last or last == day and last.year == year)

    def span(self, pk: int, day: dt.date, first: dt.date, last: dt.date, category: str = "") -> int | None:
        """A report period's figure (this period, the same period last year): `count`, or
        None ("no data") when the span holds part of a year with a count entered under `pk`
        on `day` (a year's entered count is the whole year's, in no part of it)."""
        under = self.path_on(pk, day)
        for y in range(first.year, last.year + 1):
            if self.holds_year(y, day, first, last):
                continue
            if any(
                n and year == y and self.path_on(self.owner_on(org_id, day), day).startswith(under)
                for org_id, year, n in self.results
            ):
                return None
        return self.count(pk, day, first, last, category)

    def known(self, pk: int, day: dt.date, year: int) -> bool:
        """Whether `pk`'s past `year` has a figure, on every page (docs/domain.md §7): the
        records or an entered count under it that year; else the records hold the year
        somewhere and no count (not 0) was entered for it at an organization above it, on
        `day` or, for an organization whose records count here, at the end of that year."""
        under = self.path_on(pk, day)

        def at(org_id):
            return self.path_on(self.owner_on(org_id, day), day)

        if any(ceremony.year == year and at(org_id).startswith(under) for org_id, ceremony, _c in self.admissions):
            return True
        if any(y == year and at(org_id).startswith(under) for org_id, y, _n in self.results):
            return True
        if not any(ceremony.year == year for _org, ceremony, _c in self.admissions):
            return False
        entering = [org_id for org_id, y, n in self.results if y == year and n]
        if any(under.startswith(at(org_id)) and at(org_id) != under for org_id in entering):
            return False
        # Nor when an organization whose records count here stood, at the end of that year,
        # under one with a count entered for it (it moved or merged away since).
        end = dt.date(year, 12, 31)
        above_then = {self.path_on(org_id, end) for org_id in entering}
        return not any(
            at(pk) == under
            and (org.founded_on is None or org.founded_on <= end)
            and any(self.path_on(pk, end).startswith(path) for path in above_then)
            for pk, org in self.orgs.items()
        )

    def records(self, pk: int, day: dt.date, first: dt.date, last: dt.date, category: str = "") -> int:
        """`count` without the entered counts (the months' cumulative figures count records)."""
        under = self.path_on(pk, day)
        return sum(
            1
            for org_id, ceremony, of in self.admissions
            if first <= ceremony <= last
            and category in ("", of)
            and self.path_on(self.owner_on(org_id, day), day).startswith(under)
        )

    def on_their_days(self, pk: int, first: dt.date, last: dt.date) -> int:
        """Biểu 2's count: admissions dated first..last, each placed on its own ceremony day
        (its organization's successor that day, where it stood that day, under `pk` as it stood)."""
        return sum(
            1
            for org_id, ceremony, _category in self.admissions
            if first <= ceremony <= last
            and self.path_on(self.owner_on(org_id, ceremony), ceremony).startswith(self.path_on(pk, ceremony))
        )

    def cells(self, pk: int, day: dt.date) -> list[int]:
        """The cells (the structural rules' subjects) standing under `pk` on `day`."""
        under = self.path_on(pk, day)
        return [
            o.pk
            for o in self.orgs.values()
            if o.form in CELLS and o.existed_on(day) and self.path_on(o.pk, day).startswith(under)
        ]

    def stood_since(self, pk: int, day: dt.date) -> dt.date | None:
        """The earliest founding of `pk` and of the organizations merged into it by `day`
        (their records are its own); None when one of them has none (long-standing)."""
        days = [o.founded_on for o in self.orgs.values() if self.owner_on(o.pk, day) == pk]
        return None if None in days else min(days)

    def members_on(self, pk: int, day: dt.date) -> int | None:
        counts = sorted((as_of, n) for org_id, as_of, n in self.members if org_id == pk and as_of <= day)
        return counts[-1][1] if counts else None

    def members_base(self, pk: int, year: int) -> int | None:
        """A share of membership's base (docs/domain.md): the organization's own count on 1
        January, else the sum of the latest counts that day of the organizations standing then
        under it (where they stood then) that hold their own members; None without any. A
        committee above the grassroots under it with its own count that day is that count,
        in place of those under it."""
        jan1 = D(year, 1, 1)
        if (own := self.members_on(pk, jan1)) is not None:
            return own
        standing = {self.path_on(o.pk, jan1): o for o in self.orgs.values() if o.existed_on(jan1)}
        under = self.path_on(pk, jan1)
        committees = [
            path
            for path, o in standing.items()
            if path.startswith(under)
            and path != under
            and o.form in UPPER_COMMITTEE_FORMS
            and self.members_on(o.pk, jan1) is not None
        ]
        counts = [
            n
            for path, o in standing.items()
            if path.startswith(under)
            and (holds_own_members(o.form, getattr(standing.get(path[:-4]), "form", None)) or path in committees)
            and not any(path.startswith(top) and path != top for top in committees)
            and (n := self.members_on(o.pk, jan1)) is not None
        ]
        return sum(counts) if counts else None

    def pipeline(self, pk: int, day: dt.date, category: str = "") -> int:
        """Candidates past the cell's resolution on `day` (their step's date), still on the
        road, who count under `pk` on `day`."""
        under = self.path_on(pk, day)
        return sum(
            1
            for candidate, org_id, of, since in self.candidates
            if category in ("", of)
            and since <= day
            and self.path_on(self.owner_on(self.held_by(candidate, org_id, day), day), day).startswith(under)
        )

    def held_by(self, candidate: int, org_id: int, day: dt.date) -> int:
        """The organization holding a candidate's file on `day`: the one of its first move
        after the day, or the one holding it now."""
        later = [(until, org) for pk, org, until in self.transfers if pk == candidate and until > day]
        return min(later)[1] if later else org_id

    def ended_row(self, pk: int, year: int, count_day: dt.date, category: str = "") -> int:
        """An allocation row of an organization merged or dissolved by the count day: what it
        admitted in the year up to its last day, in the tree of that day."""
        last_day = self.orgs[pk].dissolved_on - dt.timedelta(days=1)
        if last_day.year != year:
            return 0
        return self.count(pk, last_day, D(year, 1, 1), min(last_day, count_day), category)


# --- the targets in force -----------------------------------------------------------------


@dataclass
class Targets:
    """The oracle's own record of the province's plan: its rules' minimums and its table's
    rows as made (before the history), and every amendment the services took, in the order
    made, with the day it is in force from. The plan of a day: the amendments in force by
    then applied in turn to what was made."""

    province: int
    district: int
    pupils: int  # every cell: at least `min_count` pupils
    district_count: int  # the district: at least `min_count`
    table: int  # the allocation table; its `min_count` is the province's total
    minimums: dict[int, int]  # rule pk -> min_count, as made
    rows: dict[int, tuple[int, dict[str, int]]]  # organization pk -> (total, sub-quotas), as made
    # (in force from, "rule", rule pk, min_count) or (in force from, "row", organization pk,
    # (total, sub-quotas) or None for a row removed)
    amendments: list[tuple] = field(default_factory=list)

    def last_in_force(self, rule: int | None = None, rows: bool = False) -> dt.date | None:
        """The latest day an amendment takes effect from: of the plan, or of one rule's
        fields (`rule`), or of the table's rows (`rows`)."""
        return max(
            (
                in_force_from
                for in_force_from, what, pk, _value in self.amendments
                if (rule is None and not rows) or (what == "rule" and pk == rule) or (what == "row" and rows)
            ),
            default=None,
        )

    def ever_listed(self) -> set[int]:
        """The organizations the table listed in any of its versions."""
        return {*self.rows, *(pk for _day, what, pk, value in self.amendments if what == "row" and value)}

    def on(self, day: dt.date) -> tuple[dict, dict]:
        """(minimums, rows) in force on `day`."""
        minimums, rows = dict(self.minimums), dict(self.rows)
        for in_force_from, what, pk, value in self.amendments:
            if in_force_from > day:
                continue
            if what == "rule":
                minimums[pk] = value
            elif value is None:
                rows.pop(pk, None)
            else:
                rows[pk] = value
        return minimums, rows

    def now(self) -> tuple[dict, dict]:
        return self.on(dt.date.max)

    def planned(self, day: dt.date) -> dict[int, int]:
        """Each organization's own total on `day` (docs/domain.md): its allocation row's, but
        the committee's total at the table's committee and the district's count rule at the
        district (a plan's count rule is its subject's total)."""
        minimums, rows = self.on(day)
        planned = {pk: total for pk, (total, _subs) in rows.items()}
        planned[self.province] = minimums[self.table]
        planned[self.district] = minimums[self.district_count]
        return planned


# --- histories ------------------------------------------------------------------------------


def _active_on(orgs, day):
    return [o for o in orgs if (o.founded_on is None or o.founded_on <= day) and o.is_active]


def _apply(step, serial):
    kind, i, j, offset, category = step
    day = FIRST_DAY + dt.timedelta(days=offset)
    orgs = list(Organization.objects.filter(path__startswith="0001").order_by("path"))  # Lâm Đồng's tree
    living = _active_on(orgs, day)
    pick = living[i % len(living)]
    other = living[j % len(living)]
    if kind == "admit":
        existed = [o for o in orgs if o.existed_on(day)]
        admit(existed[i % len(existed)], day, category)
    elif kind == "result":  # a year's count: 2023 before the records begin, or one of theirs
        year = max(2023 + j % 3, pick.founded_on.year if pick.founded_on else 0)  # not before it stood
        historical_result_record(organization=pick, year=year, category="", count=1 + j % 5)
    elif kind == "members":
        member_count_record(organization=pick, as_of=day, members=5 + j % 10, today=TODAY)
    elif kind == "candidate":  # on the road today, past the cell's resolution since the day
        candidate = make_candidate(pick, category=category, step=[Step.CELL_RESOLUTION, Step.DECISION][j % 2])
        Candidate.objects.filter(pk=candidate.pk).update(step_date=day)
    elif kind == "move" and pick.depth > 1 and other.depth < 4:
        organization_move(organization=pick, new_parent=other, on_date=day, today=TODAY)
    elif kind == "merge" and pick.depth > 1 and other.depth > 1 and pick.depth == other.depth:
        organization_merge(source=pick, target=other, on_date=day, today=TODAY)
    elif kind == "found" and other.depth < 4:
        other.refresh_from_db()
        organization_create(
            parent=other,
            code=f"N{serial}",
            name=f"Chi bộ mới {serial}",
            # a cell under a grassroots committee, else a grassroots cell (organizations.nesting;
            # under a cell the service refuses, which the recount checks too)
            form=OrgForm.CELL if other.form == OrgForm.GRASSROOTS_COMMITTEE else OrgForm.GRASSROOTS_CELL,
            sector=Sector.OTHER,
            founded_on=day,
        )
    elif kind == "dissolve" and pick.depth > 1:
        organization_dissolve(organization=pick, on_date=day, today=TODAY)


def _plans(tree) -> Targets:
    """The province asks every cell for a pupil and the district for 5, and allocates to
    both districts and three units, one with a pupil among its quota (issued before the
    history, as plans are; the history amends it)."""
    plan = make_plan(tree.province, first_year=2024, last_year=2025)
    pupils = make_rule(
        plan,
        RuleKind.COUNT,
        applies_to_each=True,
        forms=[OrgForm.GRASSROOTS_CELL, OrgForm.CELL],
        category="pupil",
        min_count=1,
    )
    make_rule(plan, RuleKind.INACTIVITY, applies_to_each=True, forms=CELLS, years_without=IDLE_YEARS)
    make_rule(plan, RuleKind.CELL_SIZE, applies_to_each=True, forms=CELLS, min_count=MIN_MEMBERS)
    make_rule(plan, RuleKind.SHARE_OF_MEMBERSHIP, target=tree.district, min_percent=3)  # the base: members on 1 January
    district = make_rule(plan, RuleKind.COUNT, target=tree.district, min_count=5)
    table = make_rule(plan, RuleKind.ALLOCATION, min_count=12)
    rows = {tree.district.pk: (6, {}), tree.city.pk: (3, {}), tree.commune.pk: (2, {}), tree.cell.pk: (1, {})}
    rows[tree.school.pk] = (2, {"pupil": 1})
    for pk, (total, subs) in rows.items():
        allocate(table, Organization.objects.get(pk=pk), total, **subs)
    return Targets(
        province=tree.province.pk,
        district=tree.district.pk,
        pupils=pupils.pk,
        district_count=district.pk,
        table=table.pk,
        minimums={pupils.pk: 1, district.pk: 5, table.pk: 12},
        rows=rows,
    )


def _amend(step, targets: Targets):
    """Make an amendment step through the services and record it in `targets` when they
    take it and it changes the plan. Foreseen: the refusals of a day before the previous
    amendment of the same rule or table, of a rule of a dissolved organization, of a row
    for a dissolved organization the table never listed, of a row set or changed for an
    organization founded after the day it takes effect; every other one is taken (a day
    before another rule's or table's amendment, a row put back for an organization
    dissolved since)."""
    kind, i, j, offset, category, in_force = step
    today = FIRST_DAY + dt.timedelta(days=offset)
    minimums, rows = targets.now()
    if kind == "target":
        pk = [targets.pupils, targets.district_count, targets.table][i % 3]
        own_last = targets.last_in_force(rule=pk)
    else:
        own_last = targets.last_in_force(rows=True)
    plan_last = targets.last_in_force()
    day = None
    if in_force is not None:  # a day up to the day made, from the previous amendment's on
        day = min(FIRST_DAY + dt.timedelta(days=in_force), today)
        floor = plan_last if in_force % 2 else own_last
        if floor is not None and floor <= today:
            day = max(day, floor)
    effective = day or today
    refused = own_last is not None and effective < own_last
    taken = not refused
    reason = f"Điều chỉnh ngày {today:%d/%m/%Y}"
    if kind == "target":
        rule = Rule.objects.select_related("target").get(pk=pk)
        value = {targets.pupils: 1 + j % 3, targets.district_count: 1 + j % 9}.get(pk, 8 + j % 9)
        ended = rule.target is not None and not rule.target.is_active
        refused, taken = refused or ended, taken and not ended
        change = None if value == minimums[pk] else ("rule", pk, value)

        def write():
            services.rule_update(
                rule=rule, version=rule.version, today=today, reason=reason, in_force_from=day, min_count=value
            )
    else:
        orgs = list(Organization.objects.filter(path__startswith="0001").exclude(pk=targets.province).order_by("pk"))
        org = orgs[i % len(orgs)]
        total = None if j % 5 == 0 else j % 8
        subs = {"pupil": 1} if category == "pupil" and total else {}
        value = None if total is None else (total, subs)
        # a table lists the organizations standing below its committee, and keeps its rows
        refused = refused or (not org.is_active and org.pk not in targets.ever_listed())
        taken = taken and (org.is_active or org.pk in targets.ever_listed())
        # a row set or changed for an organization founded after the day it takes effect
        founded_late = org.founded_on is not None and org.founded_on > effective
        if founded_late and value is not None and value != rows.get(org.pk):
            refused, taken = True, False
        change = None if value == rows.get(org.pk) else ("row", org.pk, value)
        stored = Allocation.objects.filter(rule=targets.table, organization=org).values_list("version", flat=True)
        version = stored.first() or 0

        def write():
            services.allocation_set(
                rule=Rule.objects.get(pk=targets.table),
                rows=[services.RowInput(org.pk, total, subs, version)],
                today=today,
                reason=reason,
                in_force_from=day,
            )

    try:
        with transaction.atomic():
            write()
    except ValidationError as exc:
        assert not taken, f"amendment {step} refused: {exc.messages}"
        event(f"refused amendment of a {kind}")
        return
    assert not refused, f"amendment {step} taken, in force from {effective}, after one from {own_last}"
    if change is not None:
        targets.amendments.append((effective, *change))
        event(f"amended a {kind}" + (", in force earlier" if effective < today else ""))


def _replay(history, targets: Targets):
    for serial, step in enumerate(history):
        if step[0] in ("target", "row"):
            _amend(step, targets)
            continue
        try:
            with transaction.atomic():
                _apply(step, serial)
        except ValidationError:
            event(f"refused {step[0]}")
        else:
            event(f"applied {step[0]}")


# --- the comparison -------------------------------------------------------------------------


def _compare(recount: Recount, targets: Targets, scope: Organization, as_of: dt.date):
    year = as_of.year
    result = attainment(scope=scope, year=year, as_of=as_of)
    _compare_targets(recount, targets, scope, as_of, result)
    first = D(year, 1, 1)
    where = f"{scope.code} as of {as_of}"
    assert result.actual == recount.count(scope.pk, as_of, first, as_of), where
    if not result.year_over:
        assert result.forecast == recount.pipeline(scope.pk, as_of), f"{where}, forecast"
    for month, cumulative in enumerate(result.months, start=1):
        if cumulative is None:
            continue
        month_end = min(as_of, D(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1))
        assert cumulative == recount.records(scope.pk, as_of, first, month_end), f"{where}, month {month}"
    same_start, same_end = D(year - 1, 1, 1), a_year_before(as_of)

    def same_period(pk, category=""):
        if not all(recount.known(pk, as_of, y) for y in range(same_start.year, same_end.year + 1)):
            return None  # no figure for that year, nor for part of it
        return recount.span(pk, as_of, same_start, same_end, category)

    for child in result.children:
        assert child.actual == recount.count(child.org.pk, as_of, first, as_of), f"{where}, child {child.org.code}"
        if not result.year_over:
            assert child.forecast == recount.pipeline(child.org.pk, as_of), f"{where}, child {child.org.code}"
        last_year = recount.count(child.org.pk, as_of, D(year - 1, 1, 1), D(year - 1, 12, 31))
        assert child.last_year in (last_year, None if not last_year else last_year), f"{where}, {child.org.code}"
        same = same_period(child.org.pk)
        assert child.period.last_year in (same, None if not same else same), f"{where}, {child.org.code}, period"
    listed = {child.org.pk for child in result.children}
    scope_path = recount.path_on(scope.pk, as_of)
    for pk in recount.orgs:
        path = recount.path_on(pk, as_of)
        if len(path) == len(scope_path) + 4 and path.startswith(scope_path) and pk not in listed:
            org = recount.orgs[pk]
            if org.founded_on is not None and org.founded_on > as_of:
                # Not founded yet: no row. A count entered for its year is the whole year's,
                # counted in the scope's total from 1 January: in the row of what counts at
                # the scope itself.
                assert result.own is not None or not recount.count(pk, as_of, first, as_of), where
                continue
            assert recount.count(pk, as_of, first, as_of) == 0, f"{where}: {org.code} not listed"
    period = result.period_figure
    assert period.actual == recount.count(scope.pk, as_of, first, as_of), f"{where}, period"
    same_days = same_period(scope.pk)
    assert period.last_year in (same_days, None if not same_days else same_days), f"{where}, period"
    for rule in result.rules:
        if rule.rule.kind in (RuleKind.INACTIVITY, RuleKind.CELL_SIZE):
            _compare_structural(recount, scope, as_of, rule, where)
            continue
        category = rule.rule.category
        for m in rule.measurements:
            if m.ended_on is not None:  # ended in the year: to its last day, its year over
                ended = recount.orgs[m.org.pk]
                assert m.ended_on == ended.dissolved_on, f"{where}, {m.org.code}"
                # Over each organization a merged one is its successor's; a rule's own subject
                # (the district's share of membership) ends with it, merged or dissolved.
                assert ended.merged_into_id is None or not rule.rule.applies_to_each, f"{where}, {m.org.code}"
                assert m.actual == recount.ended_row(m.org.pk, year, as_of, category), f"{where}, {m.org.code}"
                assert m.forecast is None, f"{where}, {m.org.code}"
                continue
            assert m.actual == recount.count(m.org.pk, as_of, first, as_of, category), f"{where}, {m.org.code}"
            if rule.rule.kind == RuleKind.SHARE_OF_MEMBERSHIP:
                assert m.base == recount.members_base(m.org.pk, year), f"{where}, {m.org.code}, members on 1 January"
            if m.period is not None:
                assert m.period.last_year == same_period(m.org.pk, category), f"{where}, {m.org.code}, period"
            if not result.year_over:
                assert m.forecast == recount.pipeline(m.org.pk, as_of, category), f"{where}, {m.org.code}"
    for table in result.allocations:
        for row in table.rows:
            for category, actual in [("", row.actual), *row.sub_actual.items()]:
                if row.ended_on is None:
                    expected = recount.count(row.org.pk, as_of, first, as_of, category)
                else:
                    expected = recount.ended_row(row.org.pk, year, as_of, category)
                assert actual == expected, f"{where}, allocation row {row.org.code} {category}"
            if row.period is not None:
                expected = same_period(row.org.pk)
                assert row.period.last_year == expected, f"{where}, allocation row {row.org.code}, period"
    for figure in result.history:
        if figure.actual is not None:
            last = min(as_of, D(figure.year, 12, 31))
            expected = recount.count(scope.pk, as_of, D(figure.year, 1, 1), last)
            assert figure.actual == expected, f"{where}, history {figure.year}"


def _compare_targets(recount: Recount, targets: Targets, scope: Organization, as_of: dt.date, result):
    """The targets the report counts against: those in force on its day, by the oracle's
    record of the amendments (a later one's values only from its day)."""
    where = f"{scope.code} as of {as_of}, targets"
    minimums, rows = targets.on(as_of)
    planned = targets.planned(as_of)
    assert result.target == planned.get(scope.pk), where
    # The report names the amendments it leaves out: those in force only after its day
    # (of the province's plan: read in its reports and those of the organizations under it).
    under = recount.path_on(scope.pk, as_of)
    read = under.startswith(recount.path_on(targets.province, as_of))
    later = sorted(day for day, *_change in targets.amendments if read and day > as_of)
    assert sorted(a.in_force_from for a in result.amended_after) == later, f"{where}, amended after"
    for child in result.children:
        expected = None if child.ended_on is not None else planned.get(child.org.pk)
        assert child.target == expected, f"{where}, child {child.org.code}"
    for rule in result.rules:
        if rule.rule.pk not in minimums:
            continue
        assert rule.rule.min_count == minimums[rule.rule.pk], f"{where}, {rule.rule.kind} {rule.rule.pk}"
        for m in rule.measurements:
            assert m.target_min == minimums[rule.rule.pk], f"{where}, {rule.rule.kind} {rule.rule.pk}, {m.org.code}"
    # The rows inside the scope in the tree of the day, where their admissions count (one
    # whose organization ended goes wherever its committee went, a merger's successor
    # included); a table of a committee above the scope shows only those.
    inside = {pk: row for pk, row in rows.items() if recount.path_on(pk, as_of).startswith(under)}
    tables = [table for table in result.allocations if table.rule.pk == targets.table]
    if scope.pk != targets.province and not inside:
        assert tables == [], f"{where}: a table without a row inside the scope"
        return
    (table,) = tables
    assert table.target == minimums[targets.table], f"{where}, the table's total"
    shown = {row.org.pk: (row.total, dict(row.sub_targets)) for row in table.rows}
    assert shown == inside, f"{where}, allocation rows"
    assert table.allocated == sum(total for total, _subs in inside.values()), f"{where}, allocated"


def _compare_structural(recount: Recount, scope: Organization, as_of: dt.date, rule, where: str):
    """How many cells a size or inactivity rule measures and how many meet it."""
    cells = recount.cells(scope.pk, as_of)
    if rule.rule.kind == RuleKind.INACTIVITY:
        since = D(as_of.year - IDLE_YEARS + 1, 1, 1)
        # One younger than the rule's years (standing only since after its first day) meets it.
        young = [pk for pk in cells if (recount.stood_since(pk, as_of) or since) > since]
        meeting = [pk for pk in cells if recount.count(pk, as_of, since, as_of) or pk in young]
    else:
        meeting = [pk for pk in cells if (recount.members_on(pk, as_of) or 0) >= MIN_MEMBERS]
    assert (rule.matched, rule.meeting) == (len(cells), len(meeting)), f"{where}, {rule.rule.kind}"


def _compare_bieu2(recount: Recount, scope: Organization, first: dt.date, last: dt.date):
    """Biểu 2 of first..last (cut at the scope's last day, as the form is) beside the same days a year before."""
    form = bieu2(organization=scope, period=between(first, last), today=TODAY)
    total = next(row for row in form.rows if row.key == "total")
    where = f"Biểu 2 of {scope.code}, {first}..{last}"
    end = form.period.end
    assert total.this_period == recount.on_their_days(scope.pk, first, end), where
    last_year = recount.on_their_days(scope.pk, a_year_before(first), form.last_period.end)
    assert total.same_period_last_year == last_year, where


@SETTINGS
@given(history=HISTORY, report_days=REPORT_DAYS, whole_buckets=st.booleans())
# Found in CI: a candidate on the road at a district merged later is counted at the district
# on a day before the merger (its file's move, CandidateTransfer), not at the successor.
@example(
    history=[
        ("admit", 23, 27, 34, "pupil"),
        ("candidate", 1, 0, 0, "pupil"),
        ("admit", 0, 11, 0, "pupil"),
        ("result", 0, 0, 242, "pupil"),
        ("dissolve", 5, 0, 0, "pupil"),
        ("merge", 22, 26, 182, "pupil"),
    ],
    report_days=[0],
    whole_buckets=False,
)
@example(
    history=[
        ("dissolve", 21, 0, 141, "pupil"),
        ("admit", 29, 21, 88, "pupil"),
        ("admit", 24, 16, 0, "pupil"),
        ("admit", 0, 20, 508, "pupil"),
        ("admit", 30, 0, 44, "pupil"),
        ("merge", 1, 19, 71, "pupil"),
        ("admit", 13, 0, 0, "pupil"),
        ("admit", 0, 21, 0, "pupil"),
        ("admit", 19, 24, 499, "pupil"),
        ("admit", 0, 23, 0, "pupil"),
        ("admit", 12, 0, 0, "pupil"),
    ],
    report_days=[182],
    whole_buckets=False,
)
# Found on PostgreSQL: a school that entered its 2024 as a count and was dissolved on
# 01/07/2024; its allocation row (an ended organization's, to its last day) read the records
# alone (0) where its own report of that day read the year's count (2).
@example(  # a count entered for the year of an organization founded later in it
    history=[
        ("admit", 0, 0, 0, "pupil"),
        ("found", 0, 1, 182, "pupil"),
        ("dissolve", 29, 0, 0, "pupil"),
        ("result", 5, 25, 182, "pupil"),
    ],
    report_days=[0],
    whole_buckets=False,
)
@example(  # a school with pupils of 2024 under a district that entered 2024 as a count
    history=[
        ("dissolve", 5, 21, 352, "pupil"),
        ("admit", 0, 19, 0, "pupil"),
        ("admit", 13, 0, 0, "pupil"),
        ("admit", 11, 27, 422, "pupil"),
        ("admit", 0, 21, 0, "pupil"),
        ("admit", 0, 16, 0, "pupil"),
        ("admit", 0, 13, 0, "pupil"),
        ("admit", 0, 0, 0, "pupil"),
        ("admit", 16, 0, 189, "pupil"),
        ("admit", 0, 0, 99, "pupil"),
        ("admit", 18, 23, 0, "pupil"),
        ("admit", 0, 0, 0, "pupil"),
        ("admit", 0, 0, 0, "pupil"),
        ("result", 0, 7, 0, "pupil"),
        ("admit", 0, 0, 0, "pupil"),
        ("admit", 0, 0, 0, "pupil"),
        ("admit", 0, 0, 0, "pupil"),
        ("admit", 0, 0, 0, "pupil"),
    ],
    report_days=[425],
    whole_buckets=False,
)
@example(
    history=[
        ("merge", 23, 26, 498, "pupil"),
        ("result", 9, 16, 0, "pupil"),
        ("admit", 0, 0, 0, "pupil"),
        ("admit", 0, 0, 0, "pupil"),
        ("dissolve", 19, 0, 0, "pupil"),
        ("admit", 0, 0, 0, "pupil"),
        ("admit", 0, 0, 0, "pupil"),
        ("admit", 0, 0, 0, "pupil"),
        ("admit", 0, 0, 0, "pupil"),
        ("dissolve", 20, 0, 182, "pupil"),
    ],
    report_days=[326],
    whole_buckets=False,
)
# Found in CI: a district's share of membership read on the city's report after the
# district's school moved to the city: its base is read in the tree of 1 January of the
# whole root, not of the scope (the district stands outside the city).
@example(
    history=[
        ("admit", 0, 0, 0, "pupil"),
        ("admit", 0, 0, 0, "pupil"),
        ("admit", 0, 0, 0, "pupil"),
        ("move", 1, 6, 425, "pupil"),
    ],
    report_days=[425],
    whole_buckets=False,
)
# Amendments made after a move (01/07/2024), on 01/03/2025: the district's count raised to 8
# from 01/01/2024 (a correction), then the school's row removed from that day; the cells'
# pupils raised to 2 on 15/05/2025, from 01/03/2025. Reports of 2024 read the school's row,
# 8 and 1 pupil; the report of 01/03/2025 no row for the school, 8 and 2 pupils.
@example(
    history=[
        ("admit", 0, 0, 0, "pupil"),
        ("move", 1, 6, 182, "pupil"),
        ("target", 1, 7, 425, "other", 0),
        ("row", 1, 0, 425, "pupil", None),
        ("target", 0, 1, 500, "other", 425),
    ],
    report_days=[100, 300, 425],
    whole_buckets=False,
)
# A district merged into the city on 01/01/2024, and its school (a row of the table)
# dissolved the same day: the merger handed the school to the city with the district's
# records, so the city's table lists its row, counted to its last day, where its admission
# counts; the province's does too.
@example(
    history=[
        ("admit", 0, 0, 0, "pupil"),
        ("merge", 1, 6, 0, "pupil"),
        ("dissolve", 3, 0, 0, "pupil"),
    ],
    report_days=[0, 40],
    whole_buckets=False,
)
def test_every_admission_figure_matches_a_recount_on_any_day(tree, history, report_days, whole_buckets):
    """`whole_buckets`: the engine takes every depth's rows whole, as it does in scopes of
    more than BUCKET_FILTER_LIMIT organizations at one depth (a real province)."""
    limit = 0 if whole_buckets else rows.BUCKET_FILTER_LIMIT
    with transaction.atomic(), mock.patch.object(rows, "BUCKET_FILTER_LIMIT", limit):
        targets = _plans(tree)
        _replay(history, targets)
        kept = tally.current()  # the tallies as every write left them
        tally.rebuild()
        assert tally.current() == kept  # the same as recounted from the records
        recount = Recount()
        for offset in report_days:
            as_of = FIRST_DAY + dt.timedelta(days=offset)
            paths = [recount.path_on(pk, as_of) for pk in recount.orgs]
            assert len(set(paths)) == len(paths), f"two organizations at one path on {as_of}"
            for scope in Organization.objects.order_by("path"):
                if scope.existed_on(as_of):
                    _compare(recount, targets, scope, as_of)
                    _compare_bieu2(recount, scope, D(as_of.year, 1, 1), as_of)
        transaction.set_rollback(True)


@pytest.mark.parametrize("as_of", [D(2024, 12, 31), D(2025, 6, 30)])
def test_the_recount_itself_counts_a_moved_schools_admissions_with_its_new_parent(tree, as_of):
    """The recount is right on a history worked out by hand, so the test above can fail."""
    admit(tree.school, D(2024, 10, 1))
    admit(tree.school, D(2025, 3, 1))
    organization_move(organization=tree.school, new_parent=tree.city, on_date=D(2025, 1, 15), today=TODAY)
    recount = Recount()
    first = D(as_of.year, 1, 1)
    moved = as_of.year == 2025
    assert recount.count(tree.city.pk, as_of, first, as_of) == (1 if moved else 0)
    assert recount.count(tree.district.pk, as_of, first, as_of) == (0 if moved else 1)
    assert recount.count(tree.province.pk, as_of, first, as_of) == 1
