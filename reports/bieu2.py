"""The statistical form of new members ("Biểu 2", 11-HD/BTCTW), filled from the records.

For an organization and a period: the admissions (not archived) whose ceremony falls in
the period, inside the organization's subtree, each placed where its organization stood
on its ceremony date; from the day of a merger, a merged organization's admissions count
with its successor (organizations.positions, as reports/past.py places them). The same
figures for the same period a year before, and this ÷ last as a percentage ("—" when
last year is 0).

Rows (`Row.key`): `total`; of whom `readmitted`, `women`, `ethnic_minority`, `religious`,
`youth_union` (and `youth_union.not_stated`); the groups `occupation.<key>` (the list of
admissions.categories.OCCUPATIONS), `age.<band>` with `mean_age`, `education.<key>`,
`professional.<key>` and `theory.<key>`: each group ends with `.not_stated` where the
records lack the field, so every group adds up to `total`. Under the table the
grassroots organizations (admitted anyone, admitted nobody, have no candidates left on
the road on the last day), and the continuation sheet by ethnic group and by religion.

How the tree is read: the period is cut at every day an organization moved or was
merged (one query tells which days); inside each piece the tree stands still, so one
query reads its admissions (today's tree when nothing changed since the piece began,
else the tree of the piece's last day, organizations.positions.tree_on). In the usual
case (nothing moved since the period began) a form is a handful of queries whatever the
number of admissions: the rows are counted in Python from one read of the admissions.

Differs from `attainment` only when organizations moved or merged inside the period:
`attainment` counts the whole year where each organization stood on its count day, the
form where it stood on each ceremony date.
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from admissions.categories import OCCUPATIONS, occupation
from admissions.models import (
    Candidate,
    Gender,
    GeneralEducation,
    Outcome,
    ProfessionalLevel,
    StepRecord,
    TheoryLevel,
)
from admissions.services import age_on
from common.text import fold
from organizations.models import GRASSROOTS_FORMS, Organization, OrganizationPath
from organizations.positions import TreeOnDay, any_merged, counting_path, tree_on

from .engine import _admissions, _admissions_now
from .periods import Period, between

NOT_STATED = gettext_lazy("Not stated")
AGE_BANDS = (
    ("18-30", gettext_lazy("18 to 30"), 30),
    ("31-40", gettext_lazy("31 to 40"), 40),
    ("41-50", gettext_lazy("41 to 50"), 50),
    ("51-60", gettext_lazy("51 to 60"), 60),
    ("over-60", gettext_lazy("Over 60"), None),
)
# The groups of rows, each adding up to the total: (prefix, heading, [(key, label)]).
GROUPS = (
    ("occupation", gettext_lazy("By occupation"), OCCUPATIONS),
    ("age", gettext_lazy("By age"), [(key, label) for key, label, _top in AGE_BANDS]),
    ("education", gettext_lazy("By general education"), GeneralEducation.choices),
    ("professional", gettext_lazy("By professional level"), ProfessionalLevel.choices),
    ("theory", gettext_lazy("By political theory level"), TheoryLevel.choices),
)
HEAD_ROWS = (
    ("total", gettext_lazy("Total new members admitted")),
    ("readmitted", gettext_lazy("of whom: re-admitted")),
    ("women", gettext_lazy("women")),
    ("ethnic_minority", gettext_lazy("ethnic minorities")),
    ("religious", gettext_lazy("religious believers")),
    ("youth_union", gettext_lazy("Youth Union members")),
    ("youth_union.not_stated", gettext_lazy("Youth Union membership not stated")),
)
ORGANIZATION_ROWS = (
    ("organizations.admitted", gettext_lazy("Grassroots organizations that admitted new members")),
    ("organizations.none_admitted", gettext_lazy("Grassroots organizations that admitted nobody")),
    ("organizations.no_candidates", gettext_lazy("Grassroots organizations with no candidates left on the road")),
)
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


def percent_of(this, last) -> float | str:
    """this ÷ last in percent, to one decimal; "—" when last is 0 (no percentage then)."""
    if not last:
        return "—"
    return round(this * 100 / last, 1)


@dataclass
class Row:
    key: str
    label: str
    this_period: int | float | None
    same_period_last_year: int | float | None
    group: str = ""  # the group's prefix ("occupation"), "" for the rows above the groups
    links: bool = True  # a count of admissions (mean_age is not)

    @property
    def percent(self) -> float | str:
        if self.this_period is None or self.same_period_last_year is None:
            return "—"
        return percent_of(self.this_period, self.same_period_last_year)

    @property
    def indent(self) -> bool:
        return self.key not in ("total",) and not self.key.startswith("organizations.") and self.group == ""


@dataclass
class Line:
    """A line of the continuation sheet (an ethnic group, a religion)."""

    label: str
    this_period: int
    same_period_last_year: int


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


@dataclass
class Form:
    organization: Organization
    period: Period
    last_period: Period
    rows: list[Row]
    organization_rows: list[Row]
    by_ethnicity: list[Line]
    by_religion: list[Line]
    ids: dict[tuple[str, str], list[int]]  # (row key, "this" | "last") → admission ids; empty without names

    @property
    def groups(self) -> list[tuple[str, list[Row]]]:
        """(heading, rows) for the page: the rows above the groups, then each group."""
        headings = {prefix: str(heading) for prefix, heading, _choices in GROUPS}
        result: list[tuple[str, list[Row]]] = []
        for row in self.rows:
            heading = headings.get(row.group, "")
            if not result or result[-1][0] != heading:
                result.append((heading, []))
            result[-1][1].append(row)
        return result

    def table(self) -> list[tuple[str, str, Row | None, str]]:
        """The form's table as every renderer lays it out: (number, label, row or None for a
        heading, style: "total", "heading", "sub" or "")."""
        lines: list[tuple[str, str, Row | None, str]] = []
        number = 0
        for heading, rows in self.groups:
            if heading:
                number += 1
                lines.append((str(number), heading, None, "heading"))
            for row in rows:
                if row.key == "total":
                    number += 1
                    lines.append((str(number), row.label, row, "total"))
                else:
                    lines.append(("", row.label, row, "sub"))
        number += 1
        lines.append((str(number), _("Grassroots organizations"), None, "heading"))
        lines.extend(("", row.label, row, "sub") for row in self.organization_rows)
        return lines

    def row(self, key: str) -> Row | None:
        return next((r for r in [*self.rows, *self.organization_rows] if r.key == key), None)


# ---------------------------------------------------------------- placing admissions


def _change_days(after: dt.date) -> list[dt.date]:
    """The days after `after` on which an organization moved (its old path ended) or was merged."""
    moved = OrganizationPath.objects.filter(valid_until__gt=after).order_by().values_list("valid_until")
    merged = (
        Organization.objects.filter(merged_into__isnull=False, dissolved_on__gt=after)
        .order_by()
        .values_list("dissolved_on")
    )
    return sorted({day for (day,) in moved.union(merged)})


@dataclass
class _Piece:
    start: dt.date
    end: dt.date
    tree: TreeOnDay | None  # None: the tree of the piece is today's


def _pieces(period_start: dt.date, period_end: dt.date, changes: list[dt.date], scope) -> list[_Piece]:
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
    orgs = Organization.objects.filter(pk__in=list(tree.paths), form__in=GRASSROOTS_FORMS)
    result = {}
    for org in orgs.only("pk", "path", "founded_on", "dissolved_on", "form"):
        org.path = tree.paths[org.pk]
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


def _count(scope: Organization, period: Period, changes, merged: bool, today: dt.date, with_ids: bool) -> _Column:
    column = _Column()
    last_grassroots: dict[str, Organization] = {}
    admitted_by: set[int] = set()
    pieces = _pieces(period.start, period.end, changes, scope)
    for piece in pieces:
        grassroots = _grassroots(scope, piece.tree)
        last_grassroots = grassroots
        if piece.tree is None:
            rows = _admissions_now(scope, piece.start, piece.end, merged=merged).values_list("p", *ADMISSION_FIELDS)
            placed = ((row[0], row[1:]) for row in rows)
            root = scope.path
        else:
            tree = piece.tree
            rows = _admissions(piece.start, piece.end).filter(organization_id__in=tree.counted_ids())
            placed = ((tree.position(row[1]), row) for row in rows.values_list(*ADMISSION_FIELDS))
            root = tree.root
        for path, row in placed:
            if path is None:
                continue
            _add(column, row, with_ids)
            org = _grassroots_of(path, grassroots, root)
            if org is not None:
                admitted_by.add(org.pk)
    # The grassroots organizations standing on the last day, and who of them has candidates.
    day = period.as_of(today)
    tree = pieces[-1].tree
    standing = {org.pk for org in last_grassroots.values() if org.existed_on(day)}
    road = _on_the_road(day)
    if tree is None:
        if merged:
            road = road.filter(
                Q(organization__path__startswith=scope.path) | Q(organization__merged_into__isnull=False)
            )
            paths = road.annotate(p=counting_path("organization__")).filter(p__startswith=scope.path)
        else:
            paths = road.filter(organization__path__startswith=scope.path).annotate(p=counting_path("organization__"))
        with_road = paths.values_list("p", flat=True).distinct()
        root = scope.path
    else:
        ids = road.filter(organization_id__in=tree.counted_ids()).values_list("organization_id", flat=True).distinct()
        with_road = [tree.position(pk) for pk in ids]
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


# ---------------------------------------------------------------- the form


def _rows(this: _Column, last: _Column) -> list[Row]:
    rows = [Row(key, str(label), this.counts[key], last.counts[key]) for key, label in HEAD_ROWS]
    rows[0].this_period, rows[0].same_period_last_year = this.total, last.total
    for prefix, _heading, choices in GROUPS:
        for key, label in [*choices, ("not_stated", NOT_STATED)]:
            full = f"{prefix}.{key}"
            rows.append(Row(full, str(label), this.counts[full], last.counts[full], group=prefix))
        if prefix == "age":
            rows.append(
                Row(
                    "mean_age",
                    _("Mean age"),
                    round(sum(this.ages) / len(this.ages), 1) if this.ages else None,
                    round(sum(last.ages) / len(last.ages), 1) if last.ages else None,
                    group=prefix,
                    links=False,
                )
            )
    return rows


def _lines(this: Counter, last: Counter, spelling: dict[str, str], prefix: str, blank: str, first: str) -> list[Line]:
    keys = sorted(set(this) | set(last), key=lambda k: (k != first, -(this[k] + last[k]), k))
    return [Line(spelling.get(prefix + k) or (blank if not k else k), this[k], last[k]) for k in keys]


def bieu2(*, organization: Organization, period: Period, today: dt.date, with_ids: bool = False) -> Form:
    """The form of `organization` for `period` beside the same period last year.

    `with_ids`: keep the admissions behind each cell (for users allowed to see names).
    A merged or dissolved organization's form ends on its last day (as its dashboard does):
    the period is cut there, and so is the same period last year."""
    if organization.dissolved_on is not None and period.end >= organization.dissolved_on:
        last_day = organization.dissolved_on - dt.timedelta(days=1)
        period = between(period.start, max(last_day, period.start))
    last_period = period.same_period_last_year()
    changes = _change_days(last_period.start)
    merged = any_merged()
    this = _count(organization, period, changes, merged, today, with_ids)
    last = _count(organization, last_period, changes, merged, today, with_ids)
    spelling = {**last.spelling, **this.spelling}
    ids = {}
    if with_ids:
        ids = {(key, "this"): pks for key, pks in this.ids.items()}
        ids.update({(key, "last"): pks for key, pks in last.ids.items()})
    return Form(
        organization=organization,
        period=period,
        last_period=last_period,
        rows=_rows(this, last),
        organization_rows=[
            Row(key, str(label), this.organizations[key], last.organizations[key], links=False)
            for key, label in ORGANIZATION_ROWS
        ],
        by_ethnicity=_lines(this.ethnicities, last.ethnicities, spelling, "", "Kinh", "kinh"),
        by_religion=_lines(this.religions, last.religions, spelling, "religion:", _("No religion"), ""),
        ids=ids,
    )


def form_json(form: Form) -> dict:
    """The `bieu2` command's JSON (keys: org, period, rows, by_ethnicity, by_religion; and the
    organizations block under `organizations`)."""

    def row(r: Row) -> dict:
        return {
            "key": r.key,
            "label": r.label,
            "this_period": r.this_period,
            "same_period_last_year": r.same_period_last_year,
            "percent": r.percent,
        }

    def line(li: Line) -> dict:
        return {"label": li.label, "this_period": li.this_period, "same_period_last_year": li.same_period_last_year}

    return {
        "org": form.organization.name,
        "code": form.organization.code,
        "period": {
            "key": form.period.key,
            "label": form.period.label,
            "start": form.period.start.isoformat(),
            "end": form.period.end.isoformat(),
            "same_period_last_year": {
                "key": form.last_period.key,
                "start": form.last_period.start.isoformat(),
                "end": form.last_period.end.isoformat(),
            },
        },
        "rows": [row(r) for r in form.rows],
        "organizations": [row(r) for r in form.organization_rows],
        "by_ethnicity": [line(li) for li in form.by_ethnicity],
        "by_religion": [line(li) for li in form.by_religion],
    }


def moved_within(form: Form) -> bool:
    """Whether an organization moved into, out of or within the form's subtree, or was
    merged, from the start of the same period last year to the end of the period (one
    query). Then the form (each admission where its organization stood on the ceremony
    date) and the attainment report (where each organization stands on the report's day)
    can count the same admission in different places, and the form says so."""
    path = form.organization.path
    start, end = form.last_period.start, form.period.end
    moved = OrganizationPath.objects.filter(valid_until__gt=start, valid_until__lte=end).filter(
        Q(path__startswith=path) | Q(organization__path__startswith=path)
    )
    merged = Organization.objects.filter(
        merged_into__isnull=False, dissolved_on__gt=start, dissolved_on__lte=end
    ).filter(Q(path__startswith=path) | Q(merged_into__path__startswith=path))
    return Organization.objects.filter(pk=form.organization.pk).filter(Exists(moved) | Exists(merged)).exists()


def moved_note() -> str:
    return _(
        "Organizations of this report moved or were merged during the period: this form counts each "
        "admission where its organization stood on the ceremony date, the attainment report where the "
        "organization stands on the report's day, so their totals may differ."
    )
