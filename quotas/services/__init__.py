"""Writes to plans, rules, allocations and milestones. Views, imports, demo and tests call these.

An issued plan changes only through an amendment: every write to an issued plan (or
its rules, allocations, milestones) needs a reason and records a PlanAmendment with
each old → new. Rules and allocation rows carry a version: a save names the version it
was read at and is refused if someone saved in between.

The rooms: `amendments` (what every write to a plan shares), `plans` (and milestones),
`rules`, `derived` (a parent plan's rules as they bind a committee below), `allocations`.
Callers import from here.
"""

from .allocations import RowInput, allocation_candidates, allocation_set
from .amendments import StaleVersion
from .derived import DerivedRule, rules_applying_to, selector_matches
from .plans import (
    PLAN_FIELDS,
    may_implement,
    milestone_create,
    plan_close,
    plan_copy_to_year,
    plan_create,
    plan_implement,
    plan_issue,
    plan_update,
)
from .rules import RULE_FIELDS, rule_create, rule_delete, rule_update

__all__ = [
    "PLAN_FIELDS",
    "RULE_FIELDS",
    "DerivedRule",
    "RowInput",
    "StaleVersion",
    "allocation_candidates",
    "allocation_set",
    "may_implement",
    "milestone_create",
    "plan_close",
    "plan_copy_to_year",
    "plan_create",
    "plan_implement",
    "plan_issue",
    "plan_update",
    "rule_create",
    "rule_delete",
    "rule_update",
    "rules_applying_to",
    "selector_matches",
]
