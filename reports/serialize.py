"""The engine's result as JSON-ready data (the `attainment` command; scripts, scheduled reports)."""

import datetime as dt
from decimal import Decimal

from .engine import Attainment, gc_paused
from .report.rule_tables import achieved
from .status import Status


def _num(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def _forecast(att: Attainment, m, measurements):
    """None for a closed year or one not begun (the scope's forecast is None then, as the
    report reads it): a year-end report forecasts nothing, and today's candidates of an idle
    cell are no forecast of a year to come."""
    if att.year_over or att.forecast is None:
        return None
    return m.forecast if m else sum(x.forecast or 0 for x in measurements)


def _same_period(figure) -> dict | None:
    """The same period last year beside a figure: its count, the difference and this ÷ last
    in percent (null when last year is 0)."""
    if figure is None:
        return None
    return {"actual": figure.last_year, "difference": figure.difference, "percent": _num(figure.percent)}


def _period_keys(figure) -> dict:
    return {
        "period_actual": figure.actual if figure else None,
        "same_period_last_year": _same_period(figure),
    }


def period_json(period, counted_to=None) -> dict | None:
    if period is None:
        return None
    data = {"key": period.key, "label": period.label, "start": period.start.isoformat(), "end": period.end.isoformat()}
    if counted_to is not None:
        data["counted_to"] = counted_to.isoformat()
    return data


def attainment_json(att: Attainment) -> dict:
    """Statuses are the codes of reports.status.Status (exceeded, met, on_track, at_risk,
    behind, not_met); a year without data has "actual": null; for a closed year
    "forecast" and "expected" are null, and for a year not begun every "forecast".

    The report period: "period" ({key, label, start, end, counted_to: its end or the
    report's day while it runs}), "period_actual" (the admissions with ceremony dates in
    it), "same_period_last_year" ({key, label, start, end, actual, difference, percent});
    the scope's children, allocation rows and rules measuring admissions of one
    organization carry "period_actual" and "same_period_last_year" ({actual, difference,
    percent}) too (null where a rule has none). Allocation rows carry "forecast" as the
    children do (null for a row whose organization ended). "amended_after" lists the
    amendments of the plans read that take effect only after the report's count day
    ({plan, title, made_on, in_force_from}): the targets are those in force on that day.
    A rule over many organizations carries "issuer_ended_on": the day its issuer ended when
    that was on or before the report's day (its organizations counted to the day before),
    else null."""
    with gc_paused():  # ~200,000 dicts nationally, beside the answer's million objects
        return _attainment_json(att)


def _attainment_json(att: Attainment) -> dict:
    rules = []
    count_day = min(att.as_of, dt.date(att.year, 12, 31))
    for r in att.rules:
        m = r.single
        measurements = list(r.measurements)  # read once: a FailingList reads the database
        failing = measurements if r.failing is r.measurements else r.failing
        first = measurements[0] if measurements else None
        rules.append(
            {
                "plan": r.plan.reference,
                "rule": r.sentence,
                "kind": r.kind,
                "org": r.subject.name if r.subject else None,
                # Its one subject merged or dissolved by the report's day: counted up to the
                # day before this one (its year over).
                "ended_on": m.ended_on.isoformat() if m and m.ended_on else None,
                # A rule over many organizations whose issuer ended before the report's day
                # (a district dissolved on 01/07/2025): its organizations counted to the day
                # before this one, where the issuer held them.
                "issuer_ended_on": _ended_before(r.rule.plan.issuer.dissolved_on, count_day) if r.many else None,
                "category": r.category or None,
                "target_min": r.rule.min_count,
                "target_max": r.rule.max_count,
                "share_min": _num(r.rule.min_percent),
                "share_max": _num(r.rule.max_percent),
                "implied_min": m.implied_min if m else None,
                "actual": achieved(m, r.kind) if m else sum(x.actual for x in measurements),
                "base": m.base if m else None,
                "share": _num(m.share) if m else None,
                "forecast": _forecast(att, m, measurements),
                "expected": None if att.year_over or not m else m.expected,
                "status": r.status,
                "matched": r.matched,
                "meeting": r.meeting,
                "failing": [x.org.name for x in failing] if r.many else [],
                "planned_total": first.planned_total if first else None,
                "plans": [p.reference for p in getattr(r, "plans", [r.plan])],
                "history": [{"year": y.year, "actual": y.actual} for y in m.history] if m else [],
                "periods": [{"first_year": y.first_year, "last_year": y.year, "actual": y.actual} for y in m.periods]
                if m
                else [],
                **_period_keys(m.period if m else None),
            }
        )
    count_day = min(att.as_of, dt.date(att.year, 12, 31))
    allocations = [
        {
            "plan": t.plan.reference,
            "org": t.subject.name,
            "target": t.target,
            "allocated": t.allocated,
            "actual": t.actual,
            "partial": t.partial,
            # The committee ended (merged or dissolved) that day, before the count day:
            # every row is counted up to the day before, its quota having applied until
            # then (null: standing on the count day, as a rule's `ended_on`).
            "ended_on": t.subject_ended_on.isoformat() if t.counted_to else None,
            "children": [
                {
                    "org": row.org.name,
                    "target": row.total,
                    "sub_targets": row.sub_targets,
                    "actual": row.actual,
                    "sub_actual": row.sub_actual,
                    # The pipeline the row's status counts with (null: a year over or not
                    # begun, or a row whose organization ended), as the page's "Dự kiến".
                    "forecast": row.forecast,
                    "status": row.status,
                    # The row's organization ended that day: counted up to the day before.
                    "ended_on": _ended_before(row.ended_on, count_day),
                    **_period_keys(row.period),
                }
                for row in t.rows
            ],
        }
        for t in att.allocations
    ]
    return {
        "org": att.scope.name,
        "code": att.scope.code,
        "year": att.year,
        "as_of": att.as_of.isoformat(),
        "actual": att.actual,
        "forecast": None if att.year_over else att.forecast,
        "target": att.target,
        "rules": rules,
        "allocations": allocations,
        "history": [{"year": y.year, "actual": y.actual} for y in att.history],
        "periods": [{"first_year": y.first_year, "last_year": y.year, "actual": y.actual} for y in att.periods],
        "children": [
            {
                "org": c.org.name,
                "target": c.target,
                "actual": c.actual,
                "forecast": c.forecast,
                "last_year": c.last_year,
                "status": c.status,
                **_period_keys(c.period),
            }
            for c in att.children
        ],
        # What counts at the organization itself beside its children (its own records and
        # those of the organizations merged into it): with it the children add up.
        "own": None
        if att.own is None
        else {
            "merged": att.own.merged,
            "actual": att.own.actual,
            "forecast": att.own.forecast,
            "last_year": att.own.last_year,
            **_period_keys(att.own.period),
        },
        "statuses": list(Status.ORDER),
        "period": period_json(att.period, att.period_to),
        "period_actual": att.period_actual,
        "same_period_last_year": {
            **(period_json(att.same_period) or {}),
            **(_same_period(att.period_figure) or {}),
        }
        if att.same_period
        else None,
        # The amendments of its plans in force only after the count day: the figures above
        # are measured against the targets they replaced (quotas.in_force).
        "amended_after": [
            {
                "plan": a.plan.reference,  # "" while it has no number, as the rules' "plan"
                "title": a.plan.title,
                "made_on": a.made_on.isoformat(),
                "in_force_from": a.in_force_from.isoformat(),
            }
            for a in att.amended_after
        ],
    }


def _ended_before(ended_on, count_day) -> str | None:
    """The day an organization ended, when its last day was before the count day."""
    return ended_on.isoformat() if ended_on is not None and ended_on <= count_day else None
