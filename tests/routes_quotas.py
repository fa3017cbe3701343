"""This app's routes in the URL × role matrix (see tests/matrix.py).

Plan URLs use a draft plan issued by the target organization (the school cell by
default, then Đà Lạt's school, the district and the province), so who may see or change
it follows from the target's place in the tree exactly as for the organization routes.
"""

import datetime as dt

from organizations.access import Perm

from .matrix import ABOVE_CLERK, EVERYWHERE, SIBLING, Route, _data, _org

PLAN_TARGETS = ("school", SIBLING, ABOVE_CLERK, "province")


def _plan(t, extra, target):
    return {"plan_pk": extra["quotas"][target]["plan"].pk}


def _rule(t, extra, target):
    return {"plan_pk": extra["quotas"][target]["plan"].pk, "rule_pk": extra["quotas"][target]["rule"].pk}


def _table(t, extra, target):
    return {"plan_pk": extra["quotas"][target]["plan"].pk, "rule_pk": extra["quotas"][target]["table"].pk}


def _print(fmt):
    return lambda t, extra, target: {"plan_pk": extra["quotas"][target]["plan"].pk, "fmt": fmt}


def _implement(t, extra, target):
    return {"org_pk": getattr(t, target).pk, "plan_pk": extra["quotas_province_plan"].pk}


def _rule_data(t, extra, target):
    return {
        "kind": "count",
        "applies_to_each": "on",
        "org_forms": ["grassroots_cell"],
        "sectors": ["high_school"],
        "category": "pupil",
        "min_count": 4,
        "version": extra["quotas"][target]["rule"].version,
    }


def _grid(t, extra, target):
    """A quota of 1 for every organization of the tree (the grid reads its own rows)."""
    data = {"reason": "Điều chỉnh"}
    for org in vars(t).values():
        data[f"total-{org.pk}"], data[f"version-{org.pk}"] = "1", "0"
    return data


ROUTES = [
    Route("quotas:org_plans", _org(), Perm.VIEW, targets=EVERYWHERE),
    Route(
        "quotas:create",
        _org(),
        Perm.EDIT_PLANS,
        targets=EVERYWHERE,
        post=_data(title="Kế hoạch ma trận", symbol="KH/CB", first_year=2025, last_year=2025),
    ),
    Route("quotas:cascade", _org(), Perm.VIEW, targets=EVERYWHERE),
    Route(
        "quotas:implement",
        _implement,
        Perm.EDIT_PLANS,
        targets=(SIBLING, ABOVE_CLERK),
        post=_data(title="Kế hoạch thực hiện", symbol="KH/CB", first_year=2025, last_year=2025),
    ),
    Route("quotas:detail", _plan, Perm.VIEW, targets=PLAN_TARGETS),
    Route("quotas:document", _plan, Perm.VIEW, targets=PLAN_TARGETS),
    Route("quotas:print", _print("pdf"), Perm.VIEW, targets=PLAN_TARGETS),
    Route("quotas:print", _print("docx"), Perm.VIEW, targets=PLAN_TARGETS, label="quotas:print(docx)"),
    Route(
        "quotas:edit",
        _plan,
        Perm.EDIT_PLANS,
        targets=PLAN_TARGETS,
        post=_data(title="Kế hoạch sửa", symbol="KH/CB", first_year=2025, last_year=2025),
    ),
    Route(
        "quotas:issue", _plan, Perm.EDIT_PLANS, targets=PLAN_TARGETS, post=_data(number="12", issued_on="2025-01-15")
    ),
    Route("quotas:close", _plan, Perm.EDIT_PLANS, post=_data()),  # the plans are drafts: nothing to close
    Route("quotas:copy", _plan, Perm.EDIT_PLANS, post=_data(year=2026)),
    Route(
        "quotas:milestone_create",
        _plan,
        Perm.EDIT_PLANS,
        targets=PLAN_TARGETS,
        post=_data(title="Gửi hồ sơ", due_on="2025-10-31", recurrence="once"),
    ),
    Route("quotas:rule_create", _plan, Perm.EDIT_PLANS, post=_data(kind="count", min_count=3)),
    Route("quotas:rule_preview", _plan, Perm.EDIT_PLANS),
    Route(
        "quotas:rule_edit",
        _rule,
        Perm.EDIT_PLANS,
        targets=PLAN_TARGETS,
        post=_rule_data,
    ),
    Route("quotas:rule_delete", _rule, Perm.EDIT_PLANS, post=_data(confirm="1")),
    Route("quotas:allocations", _table, Perm.VIEW, targets=PLAN_TARGETS),
    Route(
        "quotas:allocations",
        _table,
        Perm.EDIT_PLANS,
        target=ABOVE_CLERK,  # a table with rows: the district's children
        targets=PLAN_TARGETS,
        get=False,
        post=_grid,
        label="quotas:allocations(save)",
    ),
    Route("quotas:allocation_import", _table, Perm.EDIT_PLANS, post=_data()),
    Route("quotas:allocation_template", _table, Perm.VIEW, targets=PLAN_TARGETS),
]


def extra(tree, users) -> dict:
    """Objects the routes above need (ids go into their URL kwargs): a draft plan with a
    count rule and an allocation table for every target, with its signed document."""
    from django.core.files.base import ContentFile

    from quotas import services
    from quotas.models import RuleKind

    today = dt.date(2025, 6, 30)
    plans = {}
    for key in PLAN_TARGETS:
        plan = services.plan_create(
            issuer=getattr(tree, key), title=f"Kế hoạch {key} 2025", symbol="KH/CB", first_year=2025
        )
        plan.document.save("ke-hoach.pdf", ContentFile(b"%PDF-1.7\n%%EOF\n"))
        rule = services.rule_create(plan=plan, today=today, kind=RuleKind.COUNT, min_count=2)
        table = services.rule_create(plan=plan, today=today, kind=RuleKind.ALLOCATION, min_count=2)
        plans[key] = {"plan": plan, "rule": rule, "table": table}
    province_plan = services.plan_create(issuer=tree.province, title="Kế hoạch tỉnh", symbol="KH/TU", first_year=2025)
    services.rule_create(plan=province_plan, today=today, kind=RuleKind.COUNT, min_count=100)
    services.plan_issue(plan=province_plan, number="1", issued_on=today, today=today)
    return {"quotas": plans, "quotas_province_plan": province_plan}
