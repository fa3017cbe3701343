"""The committees directly under a scope side by side on one kind of target (the compare
page), read from the engine's answer the report object is built from."""

import dataclasses
import datetime as dt

from organizations.models import Organization
from organizations.positions import children_on
from organizations.selectors import with_last_day
from quotas.models import RuleKind

from ..engine import Attainment, Status
from ..engine.allocation import YEAR_OVER
from ..engine.failing import FailingList
from ..engine.measure import judged
from ..engine.rules import is_many_structural, rule_anchor, selector_signature
from .rule_tables import achieved
from .table import STATUS_CLASS, STATUS_LABELS

STEP = Organization.steplen


def compare_choices(att: Attainment) -> list[tuple[str, str]]:
    """The kinds of target to compare on ("kind:category"), each with the sentence of its
    first rule, in the order of the rules: those that give at least one organization under
    the scope a row (the scope's own total, "xã Đơn Dương at least 30", is no committee's
    under it; a size rule none fails lists nobody)."""
    places = _Places(att)
    # The first row found is enough: a failing list (thousands of cells) is read no further.
    offered = [(key, r) for key, r in rule_kinds(att).items() if any(row for *_, row in _placed(att, key, places, {}))]
    return [(key, r.sentence) for key, r in offered]


def rule_kinds(att: Attainment) -> dict:
    """{"kind:category": its first rule} of every target of the report."""
    keys = {}
    for r in att.rules:
        keys.setdefault(f"{r.kind}:{r.category}", r)
    return keys


def compare_rows(att: Attainment, chosen: str, sort: str | None = None) -> list[dict]:
    """The rows of the chosen kind of target, sorted by `sort` (a key of SORT_KEYS, "-" first
    for descending; unknown keys sort by name), else in the order of the children, the
    organizations that ended in the year last."""
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


class _Places:
    """Which row a measured organization belongs to: the committee directly under the scope
    that held it on the day it is counted to. A measurement counted to the report's day
    belongs to a child of that day (the answer's children). One counted to an earlier last
    day (a district dissolved on 01/07/2025, the plan of such a district, a cell dissolved
    in the year) belongs to the child that held it on that last day: a child still
    standing, or the committee that ended, which gets a row of its own. The children of
    such a day are read once per day (a few queries, whatever the number of rows)."""

    def __init__(self, att: Attainment):
        self.att = att
        self.width = len(att.scope.path) + STEP  # a child's path, on the count day
        self.today = {c.org.path: c for c in att.children}
        self.today_pks = {c.org.pk: c for c in att.children}
        self.days: dict[dt.date, tuple[int, dict[str, Organization]]] = {}
        self.count_day = min(att.as_of, dt.date(att.year, 12, 31))

    def child(self, path: str, last_day: dt.date | None) -> tuple[Organization, object] | None:
        """(the organization of the row, its ChildRow if it is a child on the count day),
        or None for the scope itself (its own target is not a committee's under it)."""
        if last_day is None or last_day >= self.count_day:  # counted to the report's day
            found = self.today.get(path[: self.width]) if len(path) >= self.width else None
            return None if found is None else (found.org, found)
        width, children = self._children_on(last_day)
        org = children.get(path[:width]) if width and len(path) >= width else None
        if org is None:
            return None
        current = self.today_pks.get(org.pk)
        return (current.org, current) if current is not None else (org, None)

    def _children_on(self, day: dt.date) -> tuple[int, dict[str, Organization]]:
        if day not in self.days:
            children = list(children_on(self.att.scope, day))
            if self.att.names:
                self.att.names.rename(children)
            width = len(children[0].path_then) if children else 0
            self.days[day] = (width, {c.path_then: c for c in children})
        return self.days[day]


def _row_of(places: _Places, rows: dict, path: str, last_day: dt.date | None, fallback) -> dict | None:
    """The row of the organization at `path` on `last_day` (None: the report's day), made on
    first use. An organization no child held is its own row (never left out), unless it is
    the scope itself or above it (the scope's own targets are not a committee's under it)."""
    found = places.child(path, last_day)
    if found is None:
        scope = places.att.scope
        if fallback is None or fallback.pk == scope.pk or scope.path.startswith(fallback.path):
            return None
        found = (fallback, None)
    org, child = found
    row = rows.get(org.pk)
    if row is None:
        row = rows[org.pk] = {
            "org": org,
            "ended_on": child.ended_on if child is not None else None,
            "current": child is not None,
            "plans": [],
            "orgs": {},
            "whole": {},
            "whole_status": [],
            "in_whole": set(),
            "period": child.period if child is not None else None,
        }
    if row["ended_on"] is None and not row["current"]:
        # A committee that ended: named with its last day, as the report's tables name it.
        ended_on = getattr(org, "dissolved_on", None)
        row["ended_on"] = ended_on or (last_day + dt.timedelta(days=1) if last_day else None)
    return row


def _placed(att, chosen: str, places: _Places, rows: dict):
    """The chosen kind of target's rules, each as (rule, its whole row or None, None, the
    same) and then each measurement as (rule, whole row, measurement, its row: None for the
    scope's own target), the rows made in `rows` on first use."""
    for r in att.rules:
        if f"{r.kind}:{r.category}" != chosen:
            continue
        whole = _whole_rule_row(places, rows, r)
        yield r, whole, None, whole
        outside = _ended_outside(places, r.rule.plan.issuer)
        for m in r.measurements:
            if whole is None and outside:  # its organizations here are compared in its row
                yield r, whole, m, _row_of(places, rows, outside.path, outside.last_day, outside)
            else:
                yield r, whole, m, whole or _row_of(places, rows, m.org.path, m.counted_to, m.org)


def _rows(att, chosen: str) -> list[dict]:
    """One row per committee directly under the scope on the chosen kind of target (and one
    per committee that ended in the year, for what is counted to its last day): the
    organizations it holds that the target measures, each counted once however many plans
    set it (97-KH/TU and 159-KH/HU both ask each high school for one pupil), the plans
    setting it, and the figures of each organization's target furthest from being met."""
    kind = chosen.split(":", 1)[0]
    places = _Places(att)
    rows: dict[int, dict] = {}
    for r, whole, m, row in _placed(att, chosen, places, rows):
        if row is None:
            continue
        if r.plan.label not in row["plans"]:
            row["plans"].append(r.plan.label)
        if m is not None:
            if _closing(row, places.count_day):
                m = dataclasses.replace(m, status=_closing_status(m, r.rule))
            row["orgs"].setdefault(m.org.pk, []).append(m)
            if whole is not None:
                row["in_whole"].add(m.org.pk)
    ordered = sorted(rows.values(), key=lambda row: not row["current"])  # stable: children first
    return [_figures(row, kind, _closing(row, places.count_day)) for row in ordered]


def _closing(row: dict, count_day: dt.date) -> bool:
    """Whether the row's committee ended by the count day (its last day is that day or one
    before): its row reads as its own closing report does (reports.engine.measure.closing),
    the year over, whatever the rules measuring the organizations it held (97-KH/TU's "each
    high school", whose schools go on under the communes, reads on track in the province's
    report of 30/06/2025, not met in Huyện ủy Đơn Dương's own report of that day)."""
    last_day = row["org"].last_day
    return last_day is not None and last_day <= count_day


def _closing_status(m, rule) -> str:
    """The status of a measurement with its year over, as the engine judges it in the
    closing report of the committee holding it (engine.measure.judged, YEAR_OVER): the same
    figures, final statuses only."""
    if rule.kind in (RuleKind.CELL_SIZE, RuleKind.INACTIVITY):
        return _final(m.status)  # behind while the year runs, not met once over
    return judged(rule.kind, m, YEAR_OVER, rule.max_is_cap)[0]


def _final(status: str) -> str:
    """A structural status with the year over: met stays met, anything else is not met."""
    return status if Status.meets(status) else Status.NOT_MET


def _ended_outside(places: _Places, issuer) -> Organization | None:
    """`issuer` when it ended by the count day outside the scope, neither under nor above it
    (a district dissolved on 01/07/2025, seen from the commune that holds its schools since:
    reports.engine.rules.ended_above): its rules' organizations here are one row of its
    own, named with its last day, as in the province's comparison, never the rows of the
    committees under the scope today (their figures run to the report's day)."""
    scope = places.att.scope
    if issuer.last_day is None or issuer.last_day >= places.count_day:
        return None
    if issuer.path.startswith(scope.path) or scope.path.startswith(issuer.path):
        return None
    return issuer


def _whole_rule_row(places: _Places, rows: dict, r) -> dict | None:
    """The row holding every organization of a size or inactivity rule over many
    organizations, when one committee does (a district's rule over its cells): its
    measurements list only the failing organizations, so the row takes how many it
    measures and how many meet it from the rule ("4 of 7", as the dashboard says), not
    from the listed ones. Such a rule from the scope or above spans several rows: None."""
    if not is_many_structural(r.rule):
        return None
    att, issuer = places.att, r.rule.plan.issuer
    if isinstance(r.measurements, FailingList):
        anchor, last_day = r.measurements.spec.anchor, None
    elif issuer.last_day is not None and issuer.last_day < places.count_day:
        anchor, last_day = issuer.path, issuer.last_day  # checked over what it held on its last day
    else:
        anchor, last_day = rule_anchor(r.rule, att.scope), None
    row = _row_of(places, rows, anchor, last_day, _ended_outside(places, issuer))
    if row is None:
        return None
    key = (anchor, selector_signature(r.rule))
    # Two plans setting a size rule over the same organizations measure them once.
    row["whole"][key] = max(row["whole"].get(key, 0), r.matched)
    row["whole_status"].append(r.status)
    return row


def _governing(ms):
    """Of one organization's measurements on this kind of target (several plans, or a rule
    over each university beside one for this university), the one the row shows: the
    furthest from being met, then the strictest. Its target, figures and status go together:
    a university asked for 05–10 and for 15–20 students shows 15, and its percent of 15."""
    return max(ms, key=lambda m: (Status.ORDER[m.status], -1 if m.target_min is None else m.target_min))


def _figures(row: dict, kind: str, closing: bool = False) -> dict:
    per_org = row.pop("orgs")
    shown = [_governing(ms) for ms in per_org.values()]
    whole, whole_status, in_whole = row.pop("whole"), row.pop("whole_status"), row.pop("in_whole")
    if closing:  # the committee ended by the count day: its year is over (_closing)
        whole_status = [_final(s) for s in whole_status]
    if whole:
        # Only the failing organizations are listed: the row's sums would be theirs alone.
        measured = sum(whole.values()) + sum(1 for pk in per_org if pk not in in_whole)
        single = None
        target, actual = None, None
    else:
        measured = len(shown)
        single = shown[0] if measured == 1 else None
        targets = [m.target_min for m in shown]
        target = None if None in targets else sum(targets)
        actual = sum(achieved(m, kind) or 0 for m in shown)
    status = Status.worst([*whole_status, *(m.status for m in shown)])
    row.update(
        {
            "name": with_last_day(row["org"].name, row["ended_on"]),
            "plan": " · ".join(row.pop("plans")),
            "measured": measured,
            "meeting": measured - sum(1 for m in shown if not Status.meets(m.status)),
            "target_min": target,
            "actual": actual,
            "base": single.base if single else None,
            "share": (single.share if single.share is not None else single.percent) if single else None,
            "status": status,
            "status_order": Status.ORDER[status],
            "css": STATUS_CLASS[status],
            "label": STATUS_LABELS[status],
        }
    )
    return row
