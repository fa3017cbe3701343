"""The calendar of reports due: plans' milestones as the reports each organization owes.

A plan's milestones ("grassroots organizations report by 05/03", "the board reports to the
standing committee by 15/03", "quarterly progress reports", "dossiers by 31/10") apply to
every organization under its issuer. For an organization they become what it must send
next: the milestone's next due date (recurring ones repeat while the plan runs:
quotas.selectors.next_occurrence), the period the report covers and to whom it goes.

* The period: the latest of the periods boards report on that has ended by the due day —
  for a quarterly milestone the quarter (31/03 → Q1); otherwise Q1, 6 months, 9 months or
  the year (05/03 and 15/03 → last year; 31/10 → the first 9 months; 31/12 → the year).
* To whom: upward, to the organization directly above at the period's end: today's tree,
  except for the periods ended by the last quarter's end when it moved since
  (`reports_due_to_their_boards`, read by the home page and `notify_due`; a report's own
  page reads the same board and deadline: submissions.selectors.reviewer_of, deadline).
  An organization owes
  the milestones of the plans issued above it; those of its own plans are what it expects
  from the organizations under it (their `responsible` words say who: "Các tổ chức cơ sở
  đảng", or its own board, "Ban Tổ chức Thành ủy").

Reads: the organizations above (1) and the milestones of the issued plans they issued (1);
`reports_expected`: its own milestones (1) and the organizations directly under it at each
period's end (2 per day).
"""

import datetime as dt
from dataclasses import dataclass, replace

from organizations.models import Organization
from quotas.models import Milestone, MilestoneKind, Plan, PlanStatus, Recurrence
from quotas.selectors import next_occurrence

from . import periods

SHOWN = 3  # items per organization on the home page


@dataclass(frozen=True)
class DueReport:
    organization: Organization  # who reports
    due_on: dt.date
    title: str  # the milestone's words
    responsible: str
    period: periods.Period  # the period the report covers
    recipient: Organization  # to whom: the organization directly above
    plan: Plan
    days: int  # from today


def period_reported(due_on: dt.date, recurrence: str = Recurrence.ONCE) -> periods.Period:
    """The period a report due on `due_on` covers: the latest one ended by that day."""
    candidates = []
    for year in (due_on.year - 1, due_on.year):
        if recurrence == Recurrence.QUARTERLY:
            keys = [f"{year}-Q{q}" for q in range(1, 5)]
        else:
            keys = [f"{year}-Q1", f"{year}-6M", f"{year}-9M", str(year)]
        candidates += [periods.parse(key) for key in keys]
    ended = [p for p in candidates if p.end <= due_on]
    # The latest end; on a tie (Q4 and the year both end on 31/12) the longer period.
    return max(ended, key=lambda p: (p.end, p.end - p.start))


def _milestones(paths: list[str]):
    """The reports the plans of `paths` ask for (a dossier deadline is not a report due)."""
    return (
        Milestone.objects.filter(
            plan__status=PlanStatus.ISSUED, plan__issuer__path__in=paths, kind=MilestoneKind.REPORT
        )
        .select_related("plan__issuer")
        .order_by("due_on", "pk")
    )


def _due(milestones, organization, recipient, today: dt.date, limit: int | None) -> list[DueReport]:
    items = []
    for milestone in milestones:
        plan = milestone.plan
        when = next_occurrence(milestone, plan=plan, today=today)
        if when is None or when.year < plan.first_year:
            continue
        items.append(
            DueReport(
                organization=organization,
                due_on=when,
                title=milestone.title,
                responsible=milestone.responsible,
                period=period_reported(when, milestone.recurrence),
                recipient=recipient,
                plan=plan,
                days=(when - today).days,
            )
        )
    items.sort(key=lambda d: (d.due_on, d.title))
    return items[:limit] if limit else items


def reports_due(
    organization: Organization, today: dt.date, limit: int | None = SHOWN, above: list[Organization] | None = None
) -> list[DueReport]:
    """What the organization must report next to the organization directly above it,
    soonest first: the next due date of each milestone of the issued plans above it. A
    merged or dissolved organization owes only reports on periods it stood through to their
    end: the period it ended in is reported by those above it (and its successor), as the
    board of reports (submissions.selectors.board) lists the committees of a period's end;
    one founded after a period ended owes none of it (a commune committee of 01/07/2025 is
    not told of the first half's report).
    `above`: the organizations above it, the root first (a past period's: those it stood
    under at the period's end, submissions.selectors.deadline); else today's."""
    if above is None:
        above = list(Organization.objects.filter(path__in=organization.ancestor_paths()).order_by("depth"))
    if not above:
        return []
    items = _due(_milestones([o.path for o in above]), organization, above[-1], today, None)
    if organization.dissolved_on is not None:
        items = [item for item in items if item.period.end < organization.dissolved_on]
    if organization.founded_on is not None:  # founded after a period ended: not its to report
        items = [item for item in items if item.period.end >= organization.founded_on]
    return items[:limit] if limit else items


def last_quarter_end(today: dt.date) -> dt.date:
    """The last day of the latest quarter ended before `today` (every period boards report
    on ends on one)."""
    first = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    return first - dt.timedelta(days=1)


def reports_due_to_their_boards(organization: Organization, today: dt.date) -> list[DueReport]:
    """`reports_due` with the reports of periods ended by the last quarter's end owed on the
    milestones of the plans above the organization on that day, when it or its parents
    moved since (submissions.selectors.deadline's rule: a school moved under a commune
    committee on 01/07/2025 owed its half year on its district's milestones, to its
    district). The queries of `reports_due` (today's parents read with where they stood
    then, positions.ancestors_on); three or four more when it moved since."""
    from organizations.positions import ancestors_on

    ended_by = last_quarter_end(today)
    then = ancestors_on(organization, ended_by)
    if [o.path_then for o in then] == [o.path for o in then] == organization.ancestor_paths():
        for o in then:  # nobody moved since: today's parents, under today's names
            o.name = o.name_now
        return reports_due(organization, today, limit=None, above=then)
    items = reports_due(organization, today, limit=None)
    earlier = [item for item in reports_due(organization, today, limit=None, above=then) if item.period.end <= ended_by]
    later = [item for item in items if item.period.end > ended_by]
    return sorted([*earlier, *later], key=lambda d: (d.due_on, d.title))


@dataclass(frozen=True)
class Expected:
    """A report the organizations directly under one are due to send it."""

    due: DueReport  # as one of them owes it (organization: the first of them)
    senders: int  # how many organizations directly under it owe it


def reports_expected(organization: Organization, today: dt.date, limit: int | None = SHOWN) -> list[Expected]:
    """What the organizations directly under this one must report to it next: the
    milestones of the plans it issued (those of the plans above it are what it owes), each
    from the organizations under it at the end of the period it covers, today for one not
    ended (positions.children_on: those moved away since count, those founded after it do
    not, as the board of reports lists them). A report nobody under it owes is left out."""
    from organizations.positions import children_on

    items = _due(_milestones([organization.path]), organization, organization, today, None)
    standing: dict[dt.date, list[Organization]] = {}  # one read per day
    expected = []
    for item in items:
        day = min(item.period.end, today)
        if day not in standing:
            standing[day] = list(children_on(organization, day))
        if standing[day]:
            expected.append(Expected(replace(item, organization=standing[day][0]), len(standing[day])))
        if limit and len(expected) == limit:
            break
    return expected
