from importlib import import_module

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from organizations import access

# Each app contributes a section to the home page: this year's figures first, then the plans
# (allocation, milestones due), then the candidates.
HOME_SECTIONS = ["reports.home", "quotas.home", "admissions.home"]


@require_GET
def home(request):
    today = timezone.localdate()
    sections = [import_module(name).section(request, today) for name in HOME_SECTIONS]
    return render(
        request,
        "home.html",
        {"memberships": access.roles_by_org(request.user), "sections": [s for s in sections if s]},
    )


@require_GET
@login_not_required
def healthz(request):
    return JsonResponse({"status": "ok"})
