"""The committees directly under a scope side by side on one kind of target (the compare
page), read from the engine's answer the report object is built from."""

from ..engine import Attainment, Status
from .rule_tables import achieved
from .table import STATUS_CLASS, STATUS_LABELS


def compare_choices(att: Attainment) -> list[tuple[str, str]]:
    """The kinds of target to compare on ("kind:category"), each with the sentence of its
    first rule, in the order of the rules."""
    keys = {}
    for r in att.rules:
        keys.setdefault(f"{r.kind}:{r.category}", r)
    return [(key, r.sentence) for key, r in keys.items()]


def compare_rows(att: Attainment, chosen: str, sort: str | None = None) -> list[dict]:
    """The rows of the chosen kind of target, sorted by `sort` (a key of SORT_KEYS, "-" first
    for descending; unknown keys sort by name), else in the order of the children."""
    rows = _rows(att, chosen)
    if not sort:
        return rows
    key = SORT_KEYS.get(sort.lstrip("-"), SORT_KEYS["org"])
    rows.sort(key=key, reverse=sort.startswith("-"))
    return rows


SORT_KEYS = {
    "org": lambda row: row["org"].name,
    "actual": lambda row: row["actual"] or 0,
    "target": lambda row: row["target_min"] or 0,
    "share": lambda row: row["share"] or 0,
    "status": lambda row: row["status_order"],
}


def _rows(att, chosen: str) -> list[dict]:
    """One row per committee directly under the scope on the chosen kind of target: the
    organizations it holds that the target measures, each counted once however many plans
    set it (97-KH/TU and 159-KH/HU both ask each high school for one pupil), the plans
    setting it, the strictest minimum, the achieved figures and the worst status."""
    kind = chosen.split(":", 1)[0]
    children = {c.org.path: c.org for c in att.children}
    periods = {c.org.pk: c.period for c in att.children}
    by_child: dict[int, dict] = {}
    for r in att.rules:
        if f"{r.kind}:{r.category}" != chosen:
            continue
        for m in r.measurements:
            child = next((c for p, c in children.items() if m.org.path.startswith(p)), None)
            if child is None:
                continue
            row = by_child.setdefault(child.pk, {"org": child, "plans": [], "orgs": {}, "period": periods[child.pk]})
            if r.plan.label not in row["plans"]:
                row["plans"].append(r.plan.label)
            row["orgs"].setdefault(m.org.pk, []).append(m)
    rows = []
    for row in by_child.values():
        per_org = list(row.pop("orgs").values())
        firsts = [ms[0] for ms in per_org]
        statuses = [m.status for ms in per_org for m in ms]
        targets = [max((m.target_min for m in ms if m.target_min is not None), default=None) for ms in per_org]
        single = firsts[0] if len(firsts) == 1 else None
        status = Status.worst(statuses)
        actual = [achieved(m, kind) for m in firsts]
        row.update(
            {
                "plan": " · ".join(row["plans"]),
                "measured": len(per_org),
                "meeting": sum(1 for ms in per_org if all(Status.meets(m.status) for m in ms)),
                "target_min": None if None in targets else sum(targets),
                "actual": sum(a or 0 for a in actual),
                "base": single.base if single else None,
                "share": (single.share if single.share is not None else single.percent) if single else None,
                "status": status,
                "status_order": Status.ORDER[status],
                "css": STATUS_CLASS[status],
                "label": STATUS_LABELS[status],
            }
        )
        rows.append(row)
    return rows
