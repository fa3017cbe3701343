"""Kỳ đã khóa: the locked periods over an organization's subtree, and their reopening."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common import clock

from . import access, locks
from .access import Perm, org_view
from .forms import ReopenForm
from .models import PeriodLock


@require_GET
@org_view(Perm.VIEW)
def lock_list(request, organization):
    """Every lock over the subtree with its reopenings and the changes made while one was in
    force; the reopen form beside each lock its viewer administers the level above of."""
    today = clock.today()
    found = locks.page_locks(organization=organization)
    changes = locks.changes_while_reopened(found, within=organization)
    rows = []
    for lock in found:
        reopenings = [(r, r.until >= today, changes.get(r.pk, [])) for r in lock.reopenings.all()]
        rows.append(
            {
                "lock": lock,
                "label": locks.span_label(lock),
                "in_force": locks.in_force(lock, today=today),
                "reopenings": reopenings,
                "form": ReopenForm(lock_pk=lock.pk) if locks.may_reopen(request.user, lock) else None,
                "parent_pk": None,
            }
        )
    _reopen_targets(rows)
    return render(
        request,
        "organizations/locks.html",
        {
            "org": organization,
            "rows": rows,
            "today": today,
            "can_see_candidates": access.has_perm(request.user, organization, Perm.VIEW_PERSONAL),
        },
    )


def _reopen_targets(rows) -> None:
    """The organization above each lock the viewer may reopen (its URL names it): one query."""
    from .models import Organization

    wanted = {locks.reopen_parent_path(row["lock"]) for row in rows if row["form"] is not None}
    parents = dict(Organization.objects.filter(path__in=wanted).values_list("path", "pk")) if wanted else {}
    for row in rows:
        if row["form"] is not None:
            row["parent_pk"] = parents.get(locks.reopen_parent_path(row["lock"]))


@require_http_methods(["GET", "POST"])
@org_view(Perm.MANAGE)
def lock_reopen(request, organization, lock_pk):
    """Reopen a lock of one of `organization`'s children: an administrator of the level above."""
    lock = get_object_or_404(
        PeriodLock.objects.select_related("organization"),
        pk=lock_pk,
        organization__path__startswith=organization.path,
        organization__depth=organization.depth + 1,
    )
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            locks.reopen(lock=lock, user=request.user, today=clock.today(), **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("%(period)s of %(organization)s is reopened until %(until)s.")
                % {
                    "period": locks.span_label(lock),
                    "organization": lock.organization.name,
                    "until": form.cleaned_data["until"].strftime("%d/%m/%Y"),
                },
            )
            back = request.POST.get("next", "")
            if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                return redirect(back)
            return redirect("organizations:locks", org_pk=lock.organization_id)
    return render(
        request,
        "organizations/lock_reopen.html",
        {"org": organization, "lock": lock, "label": locks.span_label(lock), "form": form},
    )
