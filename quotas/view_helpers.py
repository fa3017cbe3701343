"""What the plan pages share (quotas/views.py, rule_views.py, allocation_views.py,
document_views.py): the plan and rule a URL names, scoped through `access`, and the way
back to the plan."""

from django.shortcuts import redirect

from organizations import access
from organizations.access import Perm
from organizations.documents import document_symbol

from . import selectors
from .models import PlanStatus


def is_amending(plan) -> bool:
    """A change to an issued plan is an amendment: it asks for its reason."""
    return plan.status != PlanStatus.DRAFT


def visible_plan(request, plan_pk, perm: Perm = Perm.VIEW):
    """The plan a URL names: 404 if the user cannot see it, 403 if they see it but lack `perm`."""
    plans = selectors.visible_plans(request.user).select_related("issuer", "replaced_by")
    return access.get_visible(request.user, plans, plan_pk, perm, org_field="issuer")


def plan_rule(request, plan, rule_pk):
    """A rule of `plan` (already fetched with the permission the page needs): 404 if not one of its rules."""
    rule = access.get_visible(request.user, selectors.rules_of(plan), rule_pk)
    rule.plan = plan
    return rule


def plan_symbol(organization) -> str:
    """The symbol a plan of `organization` is issued under: "KH/HU" (Huyện ủy), "KH/ThU"
    (Thành ủy), "KH/ĐU" (a commune's or grassroots Đảng ủy), "KH/CB" (a cell)... The same
    form → symbol as its reports ("BC/ĐU"): one mapping, organizations.documents."""
    return document_symbol(organization, "KH")


def to_plan(plan):
    return redirect("quotas:detail", plan_pk=plan.pk)
