"""Allocation tables: the rows inside the scope, each against its quota (a row of an
organization ended by the count day, or of a table whose committee ended, up to that last
day: ended._Ended)."""

import datetime as dt

from organizations.models import Organization

from ..status import Period, Status, count_status
from .results import AllocationRow, AllocationTable, _pct
from .rules import _subject, _within

STEP = Organization.steplen
YEAR_OVER = Period(1.0, True)


def _child_on(org: Organization, day: dt.date) -> bool:
    """Whether a child is listed on a day: founded by then, and not merged (from the day of
    its merger its figures are its successor's). Dissolved children keep their figures."""
    founded = org.founded_on is None or org.founded_on <= day
    merged = org.merged_into_id is not None and org.dissolved_on is not None and org.dissolved_on <= day
    return founded and not merged


def _ended_status(actual: int, low: int) -> str:
    """An ended organization's row: its year is over."""
    return count_status(actual, low, None, YEAR_OVER)[0]


def _allocation_table(
    rule, scope, orgs, actuals, year, period, pipeline, finishable, ended, period_of, forecasting=True
) -> AllocationTable | None:
    """The allocation rows inside the scope. A row's status is the worst of its total's and
    of each sub-quota's ("03 (01 HS)": 3 admitted without the pupil has not met it). A row
    whose organization's last day was on or before the count day shows what it admitted up
    to that day, its year over; when the committee of the table ended, every row does, up
    to the committee's last day (its quota no longer applied after it). A standing row's
    forecast is the pipeline its status counts with (`forecasting`: the year runs), the same
    whichever report reads the table."""
    subject = _subject(rule)
    partial = not _within(subject.path, scope.path)
    rows = []
    counted, pending, ready = actuals.data, pipeline.data, finishable.data  # ~51,000 rows nationally
    until_subject = {}
    if partial and subject.pk in ended.on:
        # Seen from outside the committee that ended: its rows of the organizations merged
        # into the scope's since (their figures are their successor's) are the scope's too.
        merged = ended.merged_rows(rule, orgs)
        if merged:
            orgs = {**orgs, **merged}
    if subject.pk in ended.on:
        # One read for every row that stood to the committee's last day (those ended with
        # it included: a reorganization ends a district and its communes on one day).
        last = ended.on[subject.pk]
        listed = [orgs[a.organization_id] for a in rule.allocation_rows if a.organization_id in orgs]
        until_subject = ended.under(subject, [org for org in listed if ended.on.get(org.pk, last) == last])

    def status_of(actual, low, key):
        """A standing row's status (its total's or a sub-quota's, `key` its counts' key)."""
        return count_status(actual, low, None, period, pipeline=pending.get(key, 0), finishable=ready.get(key, 0))[0]

    ended_on_of = ended.on.get
    for allocation in rule.allocation_rows:
        org = orgs.get(allocation.organization_id)
        if org is None:  # outside the scope
            continue
        path, total, subs = org.path, allocation.total, allocation.sub_quotas
        ended_on = ended_on_of(org.pk)
        sub_actual = {}
        if ended_on is not None or org.pk in until_subject:  # up to its (or its committee's) last day
            figures = until_subject[org.pk] if org.pk in until_subject else ended.counts(org)
            actual = figures[""]
            status = _ended_status(actual, total)
            if subs:
                subs = dict(subs)
                sub_actual = {category: figures[category] for category in subs}
                status = Status.worst([status, *[_ended_status(sub_actual[c], n) for c, n in subs.items()]])
            # Its period beside last year's while it still stood on the count day (its last day).
            end = ended_on if ended_on is not None else ended.on[subject.pk]
            figure = period_of(path) if end == ended.end_by else None
            forecast = None  # its year is over
        else:
            key = (path, year, "")  # one key for its total's figures (~51,000 rows nationally)
            actual = counted.get(key, 0)
            status = status_of(actual, total, key)
            if subs:
                subs = dict(subs)
                sub_actual = {category: counted.get((path, year, category), 0) for category in subs}
                status = Status.worst(
                    [status, *[status_of(sub_actual[c], n, (path, year, c)) for c, n in subs.items()]]
                )
            figure = period_of(path)
            forecast = pending.get(key, 0) if forecasting else None
        rows.append(
            AllocationRow(org, total, subs, actual, sub_actual, _pct(actual, total), status, ended_on, figure, forecast)
        )
    if partial and not rows:
        return None
    if partial:
        actual = None
    elif subject.pk in ended.on:
        actual = ended.counts(subject)[""]
    else:
        actual = actuals.get(subject.path, year)
    return AllocationTable(
        rule=rule,
        plan=rule.plan,
        subject=subject,
        target=rule.min_count,
        allocated=sum(r.total for r in rows),
        actual=actual,
        rows=rows,
        partial=partial,
        subject_ended_on=ended.on.get(subject.pk),
        counted_to=ended.counted_to(subject),
    )
