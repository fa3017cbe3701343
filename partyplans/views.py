from django.apps import apps
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from organizations import access

# The cards of the start page, the day's work first. A planner: this year's target, progress and
# the report to export; one click into this year's allocation; the reports due next and the
# committees behind; the milestones. Candidates come last for a planner, first for a clerk.
PLANNER_CARDS = [
    ("reports", "reports/_home.html"),
    ("quotas", "quotas/_home.html"),
    ("reports", "reports/_home_due.html"),
    ("quotas", "quotas/_home_milestones.html"),
    ("admissions", "admissions/_home.html"),
]
CLERK_CARDS = [PLANNER_CARDS[-1], *PLANNER_CARDS[:-1]]


@require_GET
def home(request):
    today = timezone.localdate()
    # Each app contributes its card through its AppConfig's `home_section` (reports, quotas, admissions).
    found = {
        config.label: config.home_section(request, today)
        for config in apps.get_app_configs()
        if hasattr(config, "home_section")
    }
    # Who logs candidates and plans nothing (a cell's clerk) starts with the candidates due.
    cards = CLERK_CARDS if found["admissions"] and not found["quotas"] else PLANNER_CARDS
    return render(
        request,
        "home.html",
        {
            "memberships": access.roles_by_org(request.user),
            "sections": [(template, found[app][1]) for app, template in cards if found[app]],
        },
    )


@require_GET
@login_not_required
def healthz(request):
    return JsonResponse({"status": "ok"})
