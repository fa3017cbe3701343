"""Reads of report submissions: the deadline of a period, the status board of a committee's
children, the figures as submitted beside the figures as they stand now."""

import datetime as dt
import operator
from dataclasses import dataclass
from functools import reduce

from django.db.models import DateField, Exists, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone, translation

from admissions.counting import admitted_between
from admissions.models import Admission, Candidate
from admissions.workdays import working_days_between
from common import clock
from common.text import fold
from organizations.models import Organization
from organizations.positions import CountedUnder, ancestors_on, any_merged, children_on, counted_under, names_on
from organizations.selectors import path_as_of
from reports import periods
from reports.bieu2 import GROUPS
from reports.bieu2.counting import ADMISSION_FIELDS
from reports.calendar import DueReport, reports_due
from reports.report.periods import own_label

from .models import ReportSubmission, Status

WORKING_DAYS_WORDS = ("ngay lam viec", "working day")


def reviewer_of(organization: Organization, *, period: periods.Period, today: dt.date) -> Organization | None:
    """The level above that `organization`'s report for `period` is sent to and reviewed by:
    its parent at the period's end (today while it runs), as that board's status lists it
    (`board`, views._child), named as it was then. A school's report of the first half of
    2025 goes to the district it stood under on 30/06/2025, not to the commune committee it
    has stood under since 01/07/2025. None for a root. One query; two when it or its parents
    moved since (positions.ancestors_on)."""
    ancestors = ancestors_on(organization, min(period.end, today))
    return ancestors[-1] if ancestors else None


def parse_period(key: str) -> periods.Period:
    """A named period (2025, 2025-Q1 … 2025-Q4, 2025-6M, 2025-9M); ValueError otherwise."""
    period = periods.parse(key)
    if ".." in period.key:
        raise ValueError(key)
    return period


@dataclass(frozen=True)
class Deadline:
    due_on: dt.date
    title: str
    working_days: bool  # the milestone counts working days: lateness is counted in them

    def late_by(self, day: dt.date) -> int:
        """Days (working days where the milestone says so) `day` is after the deadline."""
        if day <= self.due_on:
            return 0
        return working_days_between(self.due_on, day) if self.working_days else (day - self.due_on).days


def deadline(organization: Organization, *, period: periods.Period, today: dt.date | None = None) -> Deadline | None:
    """When `organization` must report `period` to the level above: the first occurrence, on
    or after the period's end, of a milestone of the plans above it at the period's end (today
    while it runs: the board it reports to, `reviewer_of`) that reports that period
    (reports/calendar.py): a school moved since under a commune committee owed its first
    half of 2025 on the district's milestones. Two queries; three when it or its parents
    moved since (positions.ancestors_on)."""
    above = ancestors_on(organization, min(period.end, today or clock.today()))
    due: list[DueReport] = [
        d for d in reports_due(organization, period.end, limit=None, above=above) if d.period.key == period.key
    ]
    if not due:
        return None
    first = min(due, key=lambda d: d.due_on)
    return Deadline(first.due_on, first.title, any(w in fold(first.title) for w in WORKING_DAYS_WORDS))


def is_late(submission: ReportSubmission | None, *, due: Deadline | None, today: dt.date) -> bool:
    """Submitted after the deadline, or not submitted (nor approved) and the deadline passed."""
    if due is None:
        return False
    if submission is not None and submission.submitted_at is not None:
        return timezone.localdate(submission.submitted_at) > due.due_on
    return today > due.due_on


@dataclass
class BoardRow:
    organization: Organization
    submission: ReportSubmission | None
    status: str
    late: bool
    locked: bool
    # admissions of the period, or the particulars Biểu 2 counts of the people admitted in
    # it, changed after its figures were frozen
    changed: bool = False
    locked_until: dt.date | None = None  # the last day locked (a report sent before the year ended: its day)


def board(parent: Organization, *, period: periods.Period, today: dt.date) -> tuple[list[BoardRow], Deadline | None]:
    """Each child of `parent` at the period's end: its submission for `period` (or not started), late or
    not, its year locked or not today. A constant number of queries whatever the number of
    children (locks are placed as organizations.locks.covering places them, all at once;
    the changes after each submission are read with the submissions, as `admissions_changed_after`
    and `candidates_changed_after` count them)."""
    from organizations.locks import LockSet, covers_between

    year_end = dt.date(period.year, 12, 31)
    # The children as they stood at the period's end (a past period keeps the committees it
    # had, even those moved away or dissolved since).
    children = list(children_on(parent, min(period.end, today)))
    names_on(min(period.end, today)).rename(children)  # named as then, as the dashboard of that day
    # Each submission's changes as `admissions_changed_after` and `candidates_changed_after`
    # count them, in the same query: its figures' day read from its snapshot, its
    # organization's records placed by the same helpers (one query for whether anything was
    # merged).
    reads = {
        "since": OuterRef("since"),
        "day": OuterRef("counted_to"),
        "counted": CountedUnder(OuterRef("organization__path"), any_merged() if children else False, None),
    }
    parts = [*_changes_after(period, **reads), *_people_changed_after(period, **reads)]
    submissions = {
        s.organization_id: s
        for s in ReportSubmission.objects.filter(organization__in=[c.pk for c in children], period=period.key)
        .annotate(
            since=Coalesce("frozen_at", "submitted_at"),
            counted_to=Coalesce(Cast(KeyTextTransform("as_of", "snapshot"), DateField()), Value(period.end)),
        )
        .annotate(changed=reduce(operator.or_, (Exists(part) for part in parts)))
    }
    due = deadline(children[0], period=period, today=today) if children else None
    # A year's lock ends on the day its report was counted to (a report sent on 22/12 locks
    # up to 22/12): any lock over the year counts, where it covers the child's records as
    # organizations.locks.covering places them (a child merged since: at its successor).
    jan1 = dt.date(period.year, 1, 1)
    locks = LockSet(today=today, first=jan1, last=year_end)
    locks.prefetch(children)
    locks.prefetch_successors(children)
    rows = []
    for child in children:
        submission = submissions.get(child.pk)
        ends = [
            lock.end for lock in locks if covers_between(locks, lock, organization=child, first=jan1, last=year_end)
        ]
        rows.append(
            BoardRow(
                organization=child,
                submission=submission,
                status=submission.status if submission else Status.NOT_STARTED,
                late=is_late(submission, due=due, today=today),
                locked=bool(ends),
                changed=bool(submission and submission.submitted_at and submission.changed),
                locked_until=max(ends) if ends else None,
            )
        )
    return rows, due


def counts(rows: list[BoardRow]) -> list[tuple[str, str, int]]:
    return [(s.value, s.label, sum(1 for r in rows if r.status == s)) for s in Status]


# ------------------------------------------------------------------ changed after submission


def figures(snapshot: dict | None) -> dict[str, tuple[str, object]]:
    """The figures of a snapshot, flat: key -> (label, value). The attainment's totals and
    target, each rule's achieved count and target, each allocation row's quota, each
    child's count, and each row of the Biểu 2 form.

    A rule is keyed by its plan, kind, organization and category, not its sentence: a
    target amended in force before the report's day (a correction) reads as its target
    changed, not as one rule gone and another come."""
    if not snapshot:
        return {}
    out: dict[str, tuple[str, object]] = {}
    att = snapshot.get("attainment") or {}
    if att:
        out["actual"] = ("Kết nạp từ đầu năm", att.get("actual"))
        out["period_actual"] = ("Kết nạp trong kỳ", att.get("period_actual"))
        out["target"] = ("Chỉ tiêu của cấp ủy", att.get("target"))
        seen: dict[tuple, int] = {}
        for rule in att.get("rules", []):
            identity = (rule.get("plan"), rule.get("kind"), rule.get("org"), rule.get("category"))
            seen[identity] = seen.get(identity, 0) + 1
            key = f"rule.{identity}.{seen[identity]}"
            label = f"{_plan_label(rule.get('plan'))}: {rule.get('rule')}"
            if rule.get("org"):
                label += f" — {rule['org']}"
            value = rule.get("actual")
            if rule.get("org") is None and rule.get("matched") is not None:
                # A rule over many organizations: how many meet it (its "actual" is a sum).
                value = f"{rule.get('meeting')}/{rule.get('matched')} đạt"
            out[key] = (label, value)
            target = rule.get("target_min") if rule.get("target_min") is not None else rule.get("share_min")
            out[f"{key}.target"] = (f"{label} — chỉ tiêu", target)
        for table in att.get("allocations", []):
            for row in table.get("children", []):
                label = f"{_plan_label(table.get('plan'))}: phân bổ — {row.get('org')}"
                out[f"allocation.{table.get('plan')}.{table.get('org')}.{row.get('org')}"] = (label, row.get("target"))
        for child in _children(att):
            out[f"child.{child['org']}"] = (child["org"], child.get("actual"))
    form = snapshot.get("bieu2") or {}
    headings = _bieu2_headings()
    for row in form.get("rows", []):
        key = row["key"]
        # A row of a group is named with the group's heading, as the form shows it under it
        # ("Chưa khai" ends every group); the mean age stands in the group by age.
        heading = headings.get("age" if key == "mean_age" else key.split(".", 1)[0])
        label = f"{heading} — {row['label']}" if heading else row["label"]
        out[f"bieu2.{key}"] = (f"Biểu 2 — {label}", row.get("this_period"))
    return out


def _plan_label(reference: str | None) -> str:
    """A plan as the figures name it: its number and symbol ("97-KH/TU"), or, while it has
    no number, "Kế hoạch số …" as a document writes a number not yet given
    (Plan.number_label; the frozen figures keep no symbol)."""
    return reference or "Kế hoạch số …"


def _bieu2_headings() -> dict[str, str]:
    """The headings of Biểu 2's groups by prefix, in Vietnamese as the frozen figures are
    (submissions.services.freeze)."""
    with translation.override("vi"):
        return {prefix: str(heading) for prefix, heading, _choices in GROUPS}


def _children(att: dict) -> list[dict]:
    """The rows of the organizations directly under the snapshot's organization, with the
    row of what counts at the organization itself when there is one (the JSON's `own`)."""
    children = att.get("children", [])
    own = att.get("own")
    if not own:
        return children
    return [*children, {"org": own_label(att.get("org", ""), own.get("merged", [])), "target": None, **own}]


@dataclass(frozen=True)
class Difference:
    label: str
    submitted: object
    now: object


def differences(submitted: dict | None, *, now: dict | None) -> list[Difference]:
    before, after = figures(submitted), figures(now)
    out = []
    for key in list(before) + [k for k in after if k not in before]:
        old = before.get(key, (None, None))
        new = after.get(key, (None, None))
        if old[1] != new[1]:
            out.append(Difference(old[0] or new[0], old[1], new[1]))
    return out


def counted_to(submission: ReportSubmission | None) -> dt.date | None:
    """The day a submission's frozen figures were counted to (services.report_day), None
    before it was sent: what its approval locks up to, and what a review compares again."""
    as_of = ((submission and submission.snapshot) or {}).get("as_of")
    return dt.date.fromisoformat(as_of) if as_of else None


def admitted_after(
    submission: ReportSubmission, *, period: periods.Period, today: dt.date
) -> tuple[int, dt.date | None]:
    """(how many admissions counted under the organization are dated after the day the
    submission was counted to and still in the period, up to today; that day): a year's
    report sent on 22/12 does not hold an admission of 28/12, which the figures of the year
    hold now. (0, None) before it was sent or when it was counted to the period's end. Two
    or three queries (counted_under, then the count)."""
    day = counted_to(submission)
    if day is None or day >= period.end:
        return 0, None
    later = admitted_between(day + dt.timedelta(days=1), min(period.end, today))
    return counted_under(submission.organization).records(later).count(), day


def admissions_changed_after(submission: ReportSubmission, *, period: periods.Period) -> int:
    """How many changes to the admissions the submission counts were recorded after its
    figures were read (simple-history rows): those dated from the period's start to the day
    it was counted to, of the organizations whose records it counts (`_changes_after`). The
    board's flag is this count or `candidates_changed_after` above zero, read for every
    child at once. Three queries."""
    if submission.submitted_at is None:
        return 0
    parts = _changes_after(
        period,
        since=submission.frozen_at or submission.submitted_at,
        day=counted_to(submission) or period.end,
        counted=counted_under(submission.organization),
    )
    either = reduce(operator.or_, (Q(pk__in=part.values("pk")) for part in parts))
    return Admission.history.filter(either).count()


def _changes_after(period: periods.Period, *, since, day, counted: CountedUnder) -> list:
    """The changes recorded after `since` to the admissions a report of the organization at
    `counted.path` counts, dated from the period's start to `day` (the day it was counted
    to) after the change or before it (the history row before it of the same admission: an
    admission re-dated out of the period is a change to what the report counted, though the
    row of the edit carries the new date); each argument a value or an expression (the
    board's OuterRefs). Two querysets, a change being in either, as the report's approval
    locks them (organizations.locks.covering):

    - the records counted under it (CountedUnder: its subtree, the units that moved under
      it during the period, the communes merged into it), where its attainment counts them;
    - those of units that stood under it on their ceremony day and left it since, where its
      Biểu 2 counts them: the day in the period the admission had before the change (where
      the report counted it) or has after it.

    The first places records in today's tree, which is the tree of the report's day unless
    an organization moved or was merged after that day. After such a change a record is
    found where it counts today as well as where the report counted it: reading each
    report's own tree (reports.engine.spans.admissions_in) would take queries per report
    on the board, and the board's flag must stay what the review page counts."""
    model = Admission.history.model
    # The ceremony date the admission had before the change: its history row before this one.
    before = (
        model.objects.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date"))
        .order_by("-history_date", "-history_id")
        .values("ceremony_date")[:1]
    )
    now_in = Q(ceremony_date__gte=period.start, ceremony_date__lte=period.end) & Q(ceremony_date__lte=day)
    was_in = Q(was__gte=period.start, was__lte=period.end) & Q(was__lte=day)
    changes = (
        model.objects.filter(history_date__gt=since)
        .annotate(was=Subquery(before, output_field=DateField()))
        .filter(now_in | was_in)
    )
    stood = changes.annotate(
        then=path_as_of(OuterRef("ceremony_date"), "organization_id", "organization__path"),
        was_then=path_as_of(OuterRef("was"), "organization_id", "organization__path"),
    ).filter((now_in & Q(then__startswith=counted.path)) | (was_in & Q(was_then__startswith=counted.path)))
    return [counted.records(changes), stood]


# The particulars of the person Biểu 2 counts (sex, date of birth, ethnicity, religion, Youth
# Union, education, professional and theory levels): read from the form's own list, so
# the two stay in step.
BIEU2_PERSON_FIELDS = tuple(f.removeprefix("candidate__") for f in ADMISSION_FIELDS if f.startswith("candidate__"))


def _person_edits(since):
    """The history rows of candidates recorded after `since` (a value or an expression) that
    changed a field Biểu 2 reads: each compared with the row before it of the same person
    (an edit of the name, the national ID or the notes changes none). A row with none before
    it (a record loaded without its history) counts: what the report read is not known."""
    model = Candidate.history.model

    def compared(name):
        # Youth Union membership may be unknown (null): compared with nulls as equal.
        if name == "youth_union_member":
            return Coalesce(Cast(name, IntegerField()), Value(-1))
        return F(name)

    def outer(name):
        if name == "youth_union_member":
            return Coalesce(Cast(OuterRef(name), IntegerField()), Value(-1))
        return OuterRef(name)

    before = (
        model.objects.filter(id=OuterRef(OuterRef("id")), history_date__lt=OuterRef(OuterRef("history_date")))
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    same = (
        model.objects.filter(history_id=Subquery(before))
        .annotate(**{f"was_{name}": compared(name) for name in BIEU2_PERSON_FIELDS})
        .filter(**{f"was_{name}": outer(name) for name in BIEU2_PERSON_FIELDS})
    )
    return model.objects.filter(history_type="~", history_date__gt=since).exclude(Exists(same))


def _people_changed_after(period: periods.Period, *, since, day, counted: CountedUnder) -> list:
    """The changes recorded after `since` to a field Biểu 2 reads (`_person_edits`) of the
    people whose admissions a report of the organization at `counted.path` counts: dated
    from the period's start to `day`, placed as `_changes_after` places them (under it
    today, or under it on their ceremony day). Each argument a value or an expression (the
    board's OuterRefs). One queryset of the history of candidates, in a list as
    `_changes_after` gives its parts.

    Read from the changes after `since` (few) to the admissions they touch, not from the
    admissions of the report (a province's year of them) to their changes."""
    # The report's values are read from each admission, two levels below the edits' query.
    counted = CountedUnder(_deeper(counted.path), counted.merged, counted.ids)
    admitted = admitted_between(period.start, period.end).filter(
        candidate_id=OuterRef("id"), ceremony_date__lte=_deeper(day)
    )
    stood = admitted.annotate(
        then=path_as_of(OuterRef("ceremony_date"), "organization_id", "organization__path")
    ).filter(then__startswith=counted.path)
    return [_person_edits(since).filter(Exists(counted.records(admitted)) | Exists(stood))]


def _deeper(value):
    """`value` read from one query further down: an OuterRef to the query above becomes one
    to the query above that; a plain value stays what it is."""
    return OuterRef(value) if isinstance(value, OuterRef) else value


def candidates_changed_after(submission: ReportSubmission, *, period: periods.Period) -> int:
    """How many changes to the particulars Biểu 2 counts (BIEU2_PERSON_FIELDS) of the people
    whose admissions the submission counts were recorded after its figures were read
    (`_people_changed_after`): with `admissions_changed_after`, what the board's flag says
    above zero. Three queries."""
    if submission.submitted_at is None:
        return 0
    (edits,) = _people_changed_after(
        period,
        since=submission.frozen_at or submission.submitted_at,
        day=counted_to(submission) or period.end,
        counted=counted_under(submission.organization),
    )
    return edits.count()


def summary(snapshot: dict | None) -> dict:
    """The headline figures of a snapshot, for the pages."""
    from reports.bieu2 import moved_note

    att = (snapshot or {}).get("attainment") or {}
    form = (snapshot or {}).get("bieu2") or {}
    as_of = (snapshot or {}).get("as_of")
    rows = form.get("rows", [])
    total = next((r["this_period"] for r in rows if r.get("key") == "total"), None)
    # Biểu 2 counts each admission where its organization stood on the ceremony day, the
    # report where it stands on the report's day: after a move or a merger in the period
    # their totals differ, and the page says why (as the form itself does).
    differ = None not in (total, att.get("period_actual")) and total != att.get("period_actual")
    return {
        "actual": att.get("actual"),
        "target": att.get("target"),
        "period_actual": att.get("period_actual"),
        "children": _children(att),
        "rules": att.get("rules", []),
        "bieu2": rows[:6],
        "bieu2_note": moved_note() if differ else "",
        "as_of": dt.date.fromisoformat(as_of) if as_of else None,
    }
