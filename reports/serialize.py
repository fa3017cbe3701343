"""The engine's result as JSON-ready data (the `attainment` command; scripts, scheduled reports)."""

from decimal import Decimal

from .engine import Attainment


def _num(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def attainment_json(att: Attainment) -> dict:
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
                "forecast": m.forecast if m else sum(x.forecast for x in measurements),
                "status": r.status,
                "matched": r.matched,
                "meeting": r.meeting,
                "failing": [x.org.name for x in failing] if r.many else [],
                "planned_total": first.planned_total if first else None,
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
        "forecast": att.forecast,
        "target": att.target,
        "rules": rules,
        "allocations": allocations,
        "history": [{"year": y.year, "actual": y.actual} for y in att.history],
    }
