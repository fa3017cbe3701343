"""This app's routes in the URL × role matrix (see tests/matrix.py).

Plan URLs use a plan issued by the school cell, so who may see or change it follows
from the school's place in the tree exactly as for the organization routes.
"""

import datetime as dt

from organizations.access import Perm

from .matrix import Route, _org


def _plan(t, extra):
    return {"plan_pk": extra["quotas_plan"].pk}


def _rule(t, extra):
    return {"plan_pk": extra["quotas_plan"].pk, "rule_pk": extra["quotas_rule"].pk}


def _table(t, extra):
    return {"plan_pk": extra["quotas_plan"].pk, "rule_pk": extra["quotas_table"].pk}


def _print(fmt):
    return lambda t, extra: {"plan_pk": extra["quotas_plan"].pk, "fmt": fmt}


def _implement(t, extra):
    return {"org_pk": t.school.pk, "plan_pk": extra["quotas_province_plan"].pk}


ROUTES = [
    Route("quotas:org_plans", _org(), Perm.VIEW),
    Route("quotas:create", _org(), Perm.EDIT_PLANS),
    Route("quotas:cascade", _org(), Perm.VIEW),
    Route("quotas:implement", _implement, Perm.EDIT_PLANS),
    Route("quotas:detail", _plan, Perm.VIEW),
    Route("quotas:print", _print("pdf"), Perm.VIEW),
    Route("quotas:print", _print("docx"), Perm.VIEW),
    Route("quotas:edit", _plan, Perm.EDIT_PLANS),
    Route("quotas:issue", _plan, Perm.EDIT_PLANS),
    Route("quotas:close", _plan, Perm.EDIT_PLANS),
    Route("quotas:copy", _plan, Perm.EDIT_PLANS),
    Route("quotas:milestone_create", _plan, Perm.EDIT_PLANS),
    Route("quotas:rule_create", _plan, Perm.EDIT_PLANS),
    Route("quotas:rule_preview", _plan, Perm.EDIT_PLANS),
    Route("quotas:rule_edit", _rule, Perm.EDIT_PLANS),
    Route("quotas:rule_delete", _rule, Perm.EDIT_PLANS),
    Route("quotas:allocations", _table, Perm.VIEW),
    Route("quotas:allocation_import", _table, Perm.EDIT_PLANS),
    Route("quotas:allocation_template", _table, Perm.VIEW),
]


def extra(tree, users) -> dict:
    """Objects the routes above need (ids go into their URL kwargs)."""
    from quotas import services
    from quotas.models import RuleKind

    today = dt.date(2025, 6, 30)
    plan = services.plan_create(issuer=tree.school, title="Kế hoạch chi bộ 2025", symbol="KH/CB", first_year=2025)
    rule = services.rule_create(plan=plan, today=today, kind=RuleKind.COUNT, min_count=2)
    table = services.rule_create(plan=plan, today=today, kind=RuleKind.ALLOCATION, min_count=2)
    province_plan = services.plan_create(issuer=tree.province, title="Kế hoạch tỉnh", symbol="KH/TU", first_year=2025)
    services.rule_create(plan=province_plan, today=today, kind=RuleKind.COUNT, min_count=100)
    services.plan_issue(plan=province_plan, number="1", issued_on=today, today=today)
    return {"quotas_plan": plan, "quotas_rule": rule, "quotas_table": table, "quotas_province_plan": province_plan}
