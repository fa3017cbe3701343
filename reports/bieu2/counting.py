"""Counting one period of Biểu 2: each admission placed where its organization stood on its
ceremony date (the period cut at every day the tree changed), then tallied into a column.
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from admissions.categories import occupation
from admissions.counting import moved_after
from admissions.models import Candidate, CandidateTransfer, Gender, Outcome, StepRecord
from admissions.services import age_on
from common.text import fold
from organizations.models import GRASSROOTS_FORMS, Organization, OrganizationPath, PastKind
from organizations.positions import CountedUnder, TreeOnDay, counting_path, tree_on

from ..engine.spans import admissions_in, admissions_now
from ..periods import Period
from .rows import AGE_BANDS

ADMISSION_FIELDS = (
    "pk",
    "organization_id",
    "ceremony_date",
    "readmission",
    "category",
    "candidate__gender",
    "candidate__date_of_birth",
    "candidate__ethnicity",
    "candidate__religion",
    "candidate__youth_union_member",
    "candidate__general_education",
    "candidate__professional_level",
    "candidate__theory_level",
)
NO_RELIGION = {"", "khong", "khong co", "none"}


@dataclass
class _Column:
    """The counts of one period."""

    total: int = 0
    counts: Counter = field(default_factory=Counter)
    ages: list[int] = field(default_factory=list)
    ids: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    ethnicities: Counter = field(default_factory=Counter)
    religions: Counter = field(default_factory=Counter)
    spelling: dict[str, str] = field(default_factory=dict)  # folded → first spelling seen
    organizations: Counter = field(default_factory=Counter)


@dataclass(frozen=True)
class ChangeDays:
    """The days after a form's earliest day on which the tree changed (an organization
    moved, was merged, or changed its form: a grassroots organization then or not), and
    those on which a candidate moved to another organization (CandidateTransfer)."""

    tree: list[dt.date]
    candidates: list[dt.date]


def _change_days(after: dt.date) -> ChangeDays:
    """The ChangeDays after `after` (one query)."""
    moved = OrganizationPath.objects.filter(valid_until__gt=after).annotate(k=Value(0)).values_list("valid_until", "k")
    merged = (
        Organization.objects.filter(merged_into__isnull=False, dissolved_on__gt=after)
        .annotate(k=Value(0))
        .values_list("dissolved_on", "k")
    )
    kinds = PastKind.objects.filter(valid_until__gt=after).annotate(k=Value(0)).values_list("valid_until", "k")
    people = (
        CandidateTransfer.objects.filter(valid_until__gt=after).annotate(k=Value(1)).values_list("valid_until", "k")
    )
    rows = {(day, k) for day, k in moved.order_by().union(merged.order_by(), kinds.order_by(), people.order_by())}
    return ChangeDays(sorted(day for day, k in rows if not k), sorted(day for day, k in rows if k))


@dataclass
class _Piece:
    start: dt.date
    end: dt.date
    tree: TreeOnDay | None  # None: the tree of the piece is today's


def _pieces(period_start: dt.date, period_end: dt.date, changes: list[dt.date], scope) -> list[_Piece]:
    """The period cut at the days the tree changed (`changes`), each piece with its tree."""
    inside = [day for day in changes if period_start < day <= period_end]
    later = any(day > period_end for day in changes)
    starts = [period_start, *inside]
    pieces = []
    for i, start in enumerate(starts):
        last = i == len(starts) - 1
        end = period_end if last else starts[i + 1] - dt.timedelta(days=1)
        pieces.append(_Piece(start, end, None if last and not later else tree_on(scope, end)))
    return pieces


def _grassroots(scope: Organization, tree: TreeOnDay | None) -> dict[str, Organization]:
    """The grassroots organizations under the scope in a piece's tree, by their path then."""
    if tree is None:
        orgs = Organization.objects.filter(path__startswith=scope.path, form__in=GRASSROOTS_FORMS)
        return {org.path: org for org in orgs.only("pk", "path", "founded_on", "dissolved_on", "form")}
    # Those of a grassroots form today, and those whose form changed after the day (their form then decides).
    changed = [pk for pk in tree.kinds if pk in tree.paths]
    orgs = Organization.objects.filter(pk__among=tree.paths).filter(Q(form__in=GRASSROOTS_FORMS) | Q(pk__in=changed))
    result = {}
    for org in orgs.only("pk", "path", "founded_on", "dissolved_on", "form"):
        org.path = tree.paths[org.pk]
        org.form = tree.kinds.get(org.pk, (org.form, ""))[0]  # its form that day
        if org.form in GRASSROOTS_FORMS:
            result[org.path] = org
    return result


def _grassroots_of(path: str, grassroots: dict[str, Organization], root: str) -> Organization | None:
    step = Organization.steplen
    for end in range(len(path), len(root) - 1, -step):
        org = grassroots.get(path[:end])
        if org is not None:
            return org
    return None


def _on_the_road(day: dt.date):
    """Candidates on the road on `day`: begun by then (their first recorded step), not yet out."""
    first = StepRecord.objects.filter(candidate=OuterRef("pk")).order_by("date").values("date")[:1]
    return (
        Candidate.objects.filter(archived_at__isnull=True)
        .filter(Q(outcome=Outcome.IN_PROGRESS) | Q(outcome_date__gt=day))
        .annotate(began=Coalesce(Subquery(first), "step_date"))
        .filter(began__lte=day)
        .order_by()
    )


def _count(
    scope: Organization, period: Period, changes: ChangeDays, counted: CountedUnder, today: dt.date, with_ids: bool
) -> _Column:
    column = _Column()
    last_grassroots: dict[str, Organization] = {}
    admitted_by: set[int] = set()
    pieces = _pieces(period.start, period.end, changes.tree, scope)
    several = len(pieces) > 1  # the tree changed inside the period: see below
    for piece in pieces:
        grassroots = _grassroots(scope, piece.tree)
        last_grassroots = grassroots
        if piece.tree is None:
            rows = admissions_now(scope, piece.start, piece.end, counted=counted).values_list("p", *ADMISSION_FIELDS)
            placed = ((row[0], row[1:]) for row in rows)
            root = scope.path
        else:
            tree = piece.tree
            rows = admissions_in(scope, piece.start, piece.end, tree=tree)
            placed = ((tree.position(row[1]), row) for row in rows.values_list(*ADMISSION_FIELDS))
            root = tree.root
        for path, row in placed:
            if path is None:
                continue
            _add(column, row, with_ids)
            org = None if several else _grassroots_of(path, grassroots, root)
            if org is not None:
                admitted_by.add(org.pk)
    # The grassroots organizations standing on the last day, and who of them has candidates.
    day = period.as_of(today)
    tree = pieces[-1].tree
    if several:
        # The tree changed inside the period: the organizations block reads the last day's
        # tree (as `standing` and `having` do), each admission of the period counted where
        # its organization (or its successor) stands then, wherever it stood at the ceremony.
        admitted_by = _admitted_by(scope, period, tree, counted, last_grassroots)
    standing = {org.pk for org in last_grassroots.values() if org.existed_on(day)}
    road = _on_the_road(day)
    # Where each was on the day: those moved since (by hand, or with a merger) at the
    # organization they were at then.
    moved = set()
    if any(later > day for later in changes.candidates):
        moved = {then for _pk, _now, then, _category in moved_after(road, day)}
    stayed = road.exclude(transfers__valid_until__gt=day) if moved else road
    if tree is None:
        with_road = list(counted.records(stayed).values_list("p", flat=True).distinct())
        if moved:  # counted where their organization then counts today (its successor, if merged since)
            then = Organization.objects.filter(pk__in=moved).annotate(p=counting_path())
            with_road += then.filter(p__startswith=scope.path).values_list("p", flat=True)
        root = scope.path
    else:
        stayed = stayed.filter(organization_id__among=tree.counted_ids())
        ids = set(stayed.values_list("organization_id", flat=True).distinct())
        with_road = [tree.position(pk) for pk in ids | moved]
        root = tree.root
    having = set()
    for path in with_road:
        org = _grassroots_of(path, last_grassroots, root) if path else None
        if org is not None:
            having.add(org.pk)
    column.organizations["organizations.admitted"] = len(admitted_by)
    column.organizations["organizations.none_admitted"] = len(standing - admitted_by)
    column.organizations["organizations.no_candidates"] = len(standing - having)
    return column


def _admitted_by(
    scope: Organization, period: Period, tree: TreeOnDay | None, counted: CountedUnder, grassroots: dict
) -> set[int]:
    """The grassroots organizations of the period's last-day tree (`grassroots`) that admitted
    anyone in the period, each admission placed in that tree (one query)."""
    if tree is None:
        rows = admissions_now(scope, period.start, period.end, counted=counted)
        paths, root = rows.values_list("p", flat=True).distinct(), scope.path
    else:
        ids = admissions_in(scope, period.start, period.end, tree=tree).values_list("organization_id", flat=True)
        paths, root = {tree.position(pk) for pk in ids}, tree.root
    found = (_grassroots_of(path, grassroots, root) for path in paths if path)
    return {org.pk for org in found if org is not None}


def _add(column: _Column, row, with_ids: bool) -> None:
    (
        pk,
        _org,
        ceremony,
        readmission,
        category,
        gender,
        born,
        ethnicity,
        religion,
        youth_union,
        general,
        professional,
        theory,
    ) = row
    keys = ["total"]
    if readmission:
        keys.append("readmitted")
    if gender == Gender.FEMALE:
        keys.append("women")
    ethnicity = " ".join((ethnicity or "").split()) or "Kinh"
    folded = fold(ethnicity)
    if folded != "kinh":
        keys.append("ethnic_minority")
    column.spelling.setdefault(folded, ethnicity)
    column.ethnicities[folded] += 1
    faith = " ".join((religion or "").split())
    faith_key = fold(faith)
    if faith_key in NO_RELIGION:
        faith_key = ""
    else:
        keys.append("religious")
        column.spelling.setdefault("religion:" + faith_key, faith)
    column.religions[faith_key] += 1
    if youth_union is None:
        keys.append("youth_union.not_stated")
    elif youth_union:
        keys.append("youth_union")
    keys.append(f"occupation.{occupation(category)}")
    age = age_on(born, ceremony)
    column.ages.append(age)
    band = next((key for key, _label, top in AGE_BANDS if top is None or age <= top), "over-60")
    keys.append(f"age.{band}")
    keys.append(f"education.{general or 'not_stated'}")
    keys.append(f"professional.{professional or 'not_stated'}")
    keys.append(f"theory.{theory or 'not_stated'}")
    column.total += 1
    for key in keys:
        column.counts[key] += 1
        if with_ids:
            column.ids[key].append(pk)
