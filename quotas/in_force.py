"""A plan's rules and allocation tables as they were in force on a past day.

An amendment keeps what it replaced (PlanAmendment.before) and the day it takes effect
(`in_force_from`); a report of a day before that day reads the plan back through it. The
amendments of each rule and each allocation table take effect in the order they were made
(quotas.services refuses a day before the previous one's), so a rule or table of a day is
its state before the first of its amendments in force only after that day.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef

from organizations.models import Organization

from .models import PlanAmendment, Rule


def amended_after(day: dt.date) -> Exists:
    """Whether a rule's plan has an amendment in force only after `day`: an annotation of
    the rules a report reads, so that a plan never amended since costs no query."""
    return Exists(PlanAmendment.objects.filter(plan=OuterRef("plan"), in_force_from__gt=day))


@dataclass
class Replaced:
    """What the amendments in force only after a day replaced: each rule's fields (None:
    the rule did not exist yet) and each allocation table's rows, as they were on the day."""

    rules: dict[int, dict | None] = field(default_factory=dict)
    tables: dict[int, list[tuple[int, int, dict[str, int]]]] = field(default_factory=dict)
    amendments: list[PlanAmendment] = field(default_factory=list)


def replaced_after(plan_ids, day: dt.date) -> Replaced:
    """One query: the amendments of these plans in force only after `day`, read back to the
    state before the first of them (the earliest replaced value of each rule and table)."""
    replaced = Replaced()
    for amendment in (
        PlanAmendment.objects.filter(plan_id__in=plan_ids, in_force_from__gt=day).select_related("plan").order_by("pk")
    ):
        if not amendment.before:
            continue  # a change reports do not read: the plan's title, a milestone, its closing
        replaced.amendments.append(amendment)
        for pk, state in amendment.before.get("rules", {}).items():
            replaced.rules.setdefault(int(pk), state)
        for pk, rows in amendment.before.get("tables", {}).items():
            replaced.tables.setdefault(int(pk), [(org, total, dict(subs)) for org, total, subs in rows])
    return replaced


def restore(rules: list[Rule], replaced: Replaced) -> list[Rule]:
    """`rules` (loaded as they are now) as they were: fields put back in place, those added
    since left out. Their allocation tables are the caller's (`replaced.tables`). One query
    for the organizations a rule named before its target was changed, if any."""
    wanted = {state["target"] for state in replaced.rules.values() if state and state.get("target")}
    targets = Organization.objects.in_bulk(wanted) if wanted else {}
    kept = []
    for rule in rules:
        if rule.pk in replaced.rules:
            state = replaced.rules[rule.pk]
            if state is None:
                continue  # added by an amendment in force after the day
            for name, value in state.items():
                if name == "target":
                    rule.target = targets.get(value) if value else None
                elif name in ("min_percent", "max_percent"):
                    setattr(rule, name, None if value is None else Decimal(value))
                else:
                    setattr(rule, name, value)
        kept.append(rule)
    return kept
