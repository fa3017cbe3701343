"""The plans of the seed documents (fixtures/plans.json, fixtures/allocations.json), through
quotas.services. Idempotent: a plan already present (same issuer, title and first year) is
left alone. Where a seed gives no number or date, the plan is issued without them and its
note says so; nothing is invented beyond what the note states."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from organizations.models import Organization
from quotas import services
from quotas.models import Plan, PlanStatus

from . import fixtures

PLANS = fixtures.load("plans")["plans"]
AFTER_REORGANIZATION = fixtures.load("plans")["after_reorganization"]["plans"]
ALLOCATIONS = fixtures.load("allocations")


def _org(code: str) -> Organization:
    return Organization.objects.get(code=code)


def _plan(spec: dict, made: dict[str, Plan]) -> tuple[Plan, bool]:
    issuer = _org(spec["issuer"])
    existing = Plan.objects.filter(issuer=issuer, title=spec["title"], first_year=spec["first_year"]).first()
    if existing:
        return existing, False
    fields = {
        name: spec[name] for name in ("last_year", "symbol", "note", "signer_title", "signer_name") if name in spec
    }
    if "implements" in spec:
        fields["implements"] = [made[key] for key in spec["implements"]]
    plan = services.plan_create(issuer=issuer, title=spec["title"], first_year=spec["first_year"], **fields)
    return plan, True


def _issue(plan: Plan, today: dt.date, number: str = "", issued_on: str = "") -> None:
    if number and issued_on:
        services.plan_issue(plan=plan, number=number, issued_on=fixtures.date(issued_on), today=today)
    else:  # the seed does not give the number or date: issued as the document stands
        Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.ISSUED, issued_on=None)


def _allocate(plan: Plan, table: dict, today: dt.date) -> None:
    rows = table["rows"]
    rule = plan.rules.get(kind="allocation")
    orgs = {o.code: o.pk for o in Organization.objects.filter(code__in=[row["organization"] for row in rows])}
    services.allocation_set(
        rule=rule,
        rows=[
            services.RowInput(
                orgs[row["organization"]],
                row["total"],
                {name: n for name, n in row.items() if name not in ("organization", "total")},
            )
            for row in rows
        ],
        today=today,
    )


def _make(spec: dict, made: dict[str, Plan], today: dt.date) -> Plan:
    plan, created = _plan(spec, made)
    if not created:
        return plan
    for fields in spec["rules"]:
        fields = dict(fields)
        if "target" in fields:
            fields["target"] = _org(fields["target"])
        services.rule_create(plan=plan, today=today, **fields)
    if "allocation" in spec:
        _allocate(plan, ALLOCATIONS[spec["allocation"]], today)
    for milestone in spec.get("milestones", []):
        services.milestone_create(plan=plan, **{**milestone, "due_on": fixtures.date(milestone["due_on"])}, today=today)
    if "issue" in spec:  # else left a draft, for the caller to issue
        _issue(plan, today, **spec["issue"])
    return plan


def _current_year_copy(plan_then: Plan, copy: dict, today: dt.date) -> Plan | None:
    """The board's plan for the current year: a copy of `plan_then`, issued (illustrative).

    Made with the services as a board would (copy to the year, then issue). Left alone
    when the issuer already has a plan starting this year, or when the year is the plan's.
    """
    year = today.year
    if year == plan_then.first_year:
        return None
    existing = Plan.objects.filter(issuer=plan_then.issuer, first_year=year).first()
    if existing:
        return existing
    plan = services.plan_copy_to_year(plan=plan_then, year=year)
    services.plan_update(plan=plan, today=today, note=copy["note"])
    for rule in plan.rules.filter(note__contains=str(plan_then.first_year)):
        note = rule.note.replace(str(plan_then.first_year), str(year))
        services.rule_update(rule=rule, version=rule.version, today=today, note=note)
    services.plan_issue(
        plan=plan, number="", issued_on=_issued_on(copy["issued_on_at_latest"], year, today), today=today
    )
    return plan


def _issued_on(at_latest: str, year: int, today: dt.date) -> dt.date:
    month, day = (int(part) for part in at_latest.split("-"))
    return min(today, dt.date(year, month, day))


@transaction.atomic
def seed(stdout, current_year: bool = True) -> None:
    """The seed documents' plans; with `current_year`, the copies of those that have one
    (`seed_demo --reorganized` makes the current year's plans after the reorganization:
    `seed_after_reorganization`)."""
    today = timezone.localdate()
    made: dict[str, Plan] = {}
    for spec in PLANS:
        made[spec["key"]] = _make(spec, made, today)
        if current_year and "copy_to_current_year" in spec:
            _current_year_copy(made[spec["key"]], spec["copy_to_current_year"], today)
    stdout.write(f"Plans: {Plan.objects.count()} (seed documents 000–004).")


@transaction.atomic
def seed_after_reorganization(stdout, reorganized_in: int) -> None:
    """The current year's plans on the reorganized tree (fixtures/plans.json
    `after_reorganization`): the commune committees' that took a dissolved district's place,
    issued by 15 January (or today). None while the current year is the reorganization's."""
    today = timezone.localdate()
    year = today.year
    if year <= reorganized_in:
        return
    made: dict[str, Plan] = {}
    for spec in PLANS:
        made[spec["key"]] = _plan(spec, made)[0]  # present already: found, not made
    for spec in AFTER_REORGANIZATION:
        spec = {**spec, "title": spec["title"].format(year=year), "first_year": year, "last_year": year}
        issued_on = _issued_on(spec["issued_on_at_latest"], year, today)
        plan = made[spec["key"]] = _make(spec, made, today)
        if plan.status == PlanStatus.DRAFT:
            services.plan_issue(plan=plan, number="", issued_on=issued_on, today=today)
    stdout.write(f"Plans of {year} after the reorganization: {', '.join(s['key'] for s in AFTER_REORGANIZATION)}.")
