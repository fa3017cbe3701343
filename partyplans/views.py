from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from organizations import access


@require_GET
def home(request):
    """The user's organizations and roles; later issues add what is due soon."""
    return render(request, "home.html", {"memberships": access.roles_by_org(request.user)})


@require_GET
@login_not_required
def healthz(request):
    return JsonResponse({"status": "ok"})
