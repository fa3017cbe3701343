"""The rule editor's pages: a plan's quota rules written, previewed live, amended and deleted."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common import clock
from common.views import add_errors, form_page
from organizations import access
from organizations.access import Perm

from . import services, view_helpers
from .forms import RuleForm
from .models import Rule, RuleKind
from .sentences import rule_sentence

# --- rules ---------------------------------------------------------------------------


def _targets(request, plan):
    return access.organizations_under(request.user, plan.issuer, Perm.VIEW, active=True).order_by("path")


@require_http_methods(["GET", "POST"])
def rule_create(request, plan_pk):
    plan = view_helpers.visible_plan(request, plan_pk, Perm.EDIT_PLANS)
    form = RuleForm(
        request.POST or None,
        targets=_targets(request, plan),
        amending=view_helpers.is_amending(plan),
        initial={"is_soft": True, "kind": request.GET.get("kind", RuleKind.COUNT)},
    )
    return _rule_form(
        request,
        plan,
        form,
        save=lambda data: services.rule_create(
            plan=plan,
            user=request.user,
            today=clock.today(),
            reason=data.get("reason", ""),
            in_force_from=data.get("in_force_from"),
            **form.rule_fields(),
        ),
        success=_("Rule added."),
        title=_("New quota rule"),
    )


def _rule_form(request, plan, form, *, save, success, **context):
    """The rule editor: a service's messages under the fields they name; back to the plan once saved."""
    return form_page(
        request,
        form,
        save=save,
        success=success,
        redirect_to=lambda _saved: view_helpers.to_plan(plan),
        render_page=lambda: render(request, "quotas/rule_form.html", {"plan": plan, "form": form, **context}),
        on_error=lambda form, exc: add_errors(form, exc, renames={"forms": "org_forms"}),
    )


# The figures a rule of each kind needs before its sentence says something.
PREVIEW_FIGURES = {
    RuleKind.COUNT: ("min_count", "max_count"),
    RuleKind.SHARE_OF_ADMISSIONS: ("min_percent", "max_percent"),
    RuleKind.SHARE_OF_MEMBERSHIP: ("min_percent", "max_percent"),
    RuleKind.ALLOCATION: ("min_count",),
    RuleKind.CELL_SIZE: ("min_count",),
    RuleKind.INACTIVITY: ("years_without",),
}


@require_GET
def rule_preview(request, plan_pk):
    """The sentence the plan will print for the rule being typed (htmx, from the rule editor)."""
    plan = view_helpers.visible_plan(request, plan_pk, Perm.EDIT_PLANS)
    form = RuleForm(request.GET, targets=_targets(request, plan))
    form.is_valid()  # the fields typed so far are cleaned even when others are missing
    data = {name: value for name, value in form.cleaned_data.items() if name in services.RULE_FIELDS}
    data["forms"] = form.cleaned_data.get("org_forms") or []
    sentence = ""
    # Until the rule's figure is typed, the sentence would read cut off ("… kết nạp đảng viên").
    if any(data.get(name) is not None for name in PREVIEW_FIGURES.get(data.get("kind"), ())):
        try:
            sentence = rule_sentence(Rule(plan=plan, **data))
        except (KeyError, TypeError, ValueError):  # half-typed: no sentence yet
            sentence = ""
    return render(request, "quotas/_rule_preview.html", {"sentence": sentence})


@require_http_methods(["GET", "POST"])
def rule_edit(request, plan_pk, rule_pk):
    plan = view_helpers.visible_plan(request, plan_pk, Perm.EDIT_PLANS)
    rule = view_helpers.plan_rule(request, plan, rule_pk)
    initial = {name: getattr(rule, name) for name in services.RULE_FIELDS}
    initial["org_forms"] = initial.pop("forms")
    initial["version"] = rule.version
    form = RuleForm(
        request.POST or None, targets=_targets(request, plan), amending=view_helpers.is_amending(plan), initial=initial
    )
    return _rule_form(
        request,
        plan,
        form,
        save=lambda data: services.rule_update(
            rule=rule,
            version=data.get("version") or 0,
            user=request.user,
            today=clock.today(),
            reason=data.get("reason", ""),
            in_force_from=data.get("in_force_from"),
            **form.rule_fields(),
        ),
        success=_("Rule saved."),
        rule=rule,
        title=_("Edit the quota rule"),
    )


@require_http_methods(["GET", "POST"])
def rule_delete(request, plan_pk, rule_pk):
    plan = view_helpers.visible_plan(request, plan_pk, Perm.EDIT_PLANS)
    rule = view_helpers.plan_rule(request, plan, rule_pk)
    error = None
    if request.method == "POST":
        try:
            services.rule_delete(rule=rule, user=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Rule deleted."))
            return redirect("quotas:detail", plan_pk=plan.pk)
    return render(request, "quotas/rule_delete.html", {"plan": plan, "rule": rule, "error": error})
