"""The engine's result as JSON-ready data (the `attainment` command; scripts, scheduled reports)."""

from decimal import Decimal

from .engine import Attainment
from .status import Status


def _num(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def _forecast(att: Attainment, m, measurements):
    """None for a closed year: a year-end report forecasts nothing."""
    if att.year_over:
        return None
    return m.forecast if m else sum(x.forecast or 0 for x in measurements)


def attainment_json(att: Attainment) -> dict:
    """Statuses are the codes of reports.status.Status (exceeded, met, on_track, at_risk,
    behind, not_met); a year without data has "actual": null; for a closed year
    "forecast" and "expected" are null."""
    rules = []
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
                "category": r.category or None,
                "target_min": r.rule.min_count,
                "target_max": r.rule.max_count,
                "share_min": _num(r.rule.min_percent),
                "share_max": _num(r.rule.max_percent),
                "implied_min": m.implied_min if m else None,
                "actual": (m.members if r.kind == "cell_size" else m.actual)
                if m
                else sum(x.actual for x in measurements),
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
            }
        )
    allocations = [
        {
            "plan": t.plan.reference,
            "org": t.subject.name,
            "target": t.target,
            "allocated": t.allocated,
            "actual": t.actual,
            "partial": t.partial,
            "children": [
                {
                    "org": row.org.name,
                    "target": row.total,
                    "sub_targets": row.sub_targets,
                    "actual": row.actual,
                    "sub_actual": row.sub_actual,
                    "status": row.status,
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
            }
            for c in att.children
        ],
        "statuses": list(Status.ORDER),
    }
