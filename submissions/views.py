import copy

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common import clock
from common.db import report_reads
from common.files import content_type_of, serve_file
from organizations import access
from organizations.access import Perm, org_view
from organizations.models import Organization
from organizations.positions import children_on, name_on, names_on

from . import selectors, services
from .forms import NarrativeForm, ReviewForm
from .models import Notification, ReportSubmission, Status

EDITABLE = (Status.DRAFT, Status.RETURNED)


def _period(key):
    try:
        return selectors.parse_period(key)
    except ValueError:
        raise Http404 from None


def _errors(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _may_see_figures(user, organization, submission) -> bool:
    """Approved figures for anyone who may view the organization; figures not yet approved
    for its planners and clerks and those of the level above."""
    if submission is None or submission.snapshot is None:
        return False
    return submission.status == Status.APPROVED or access.has_perm(user, organization, Perm.VIEW_PERSONAL)


@require_GET
@org_view(Perm.VIEW)
def detail(request, organization, period):
    """An organization's report for a period: the narrative, the figures as submitted, the
    files, the review steps."""
    chosen = _period(period)
    submission = (
        ReportSubmission.objects.filter(organization=organization, period=chosen.key)
        .select_related("submitted_by", "approved_by")
        .first()
    )
    steps = list(submission.steps.select_related("user")) if submission else []
    # A period it did not stand in (ended before its founding, or begun after its end) has
    # no report: no form the service would refuse, no deadline, never late.
    not_standing = services.not_standing_reason(organization, chosen)
    can_submit = (
        not_standing is None
        and access.has_perm(request.user, organization, Perm.EDIT_PLANS)
        and (submission is None or submission.status in EDITABLE)
    )
    # A period it sends no report of is reviewed by no one: no board named, no review link.
    parent = selectors.reviewer_of(organization, period=chosen, today=clock.today()) if not_standing is None else None
    due = selectors.deadline(organization, period=chosen) if not_standing is None else None
    form = NarrativeForm(
        initial={
            "results": submission.results if submission else "",
            "limitations": submission.limitations if submission else "",
            "proposals": submission.proposals if submission else "",
        }
    )
    context = {
        "org": organization,
        "name": name_on(organization, min(chosen.end, clock.today())),  # its name then
        "parent": parent,
        # Its board of the period: the children it had at the period's end (today while it runs).
        "has_board": children_on(organization, min(chosen.end, clock.today())).exists(),
        "period": chosen,
        "submission": submission,
        "status": submission.status if submission else Status.NOT_STARTED,
        "status_label": submission.get_status_display() if submission else Status.NOT_STARTED.label,
        "steps": steps,
        "form": form,
        "can_submit": can_submit and parent is not None,
        "not_standing": not_standing,
        "can_review": parent is not None and access.has_perm(request.user, parent, Perm.EDIT_PLANS),
        "show_figures": _may_see_figures(request.user, organization, submission),
        "figures": selectors.summary(submission.snapshot) if submission else None,
        "deadline": due,
        "late": selectors.is_late(submission, due=due, today=clock.today()),
    }
    return render(request, "submissions/detail.html", context)


@require_POST
@org_view(Perm.EDIT_PLANS)
def save(request, organization, period):
    """Save the narrative as a draft, or submit the report (the button pressed says which)."""
    chosen = _period(period)
    form = NarrativeForm(request.POST)
    form.is_valid()
    data = {k: form.cleaned_data.get(k, "") for k in ("results", "limitations", "proposals")}
    try:
        if request.POST.get("action") == "submit":
            # Not under report_reads(): the submission is read for update on the primary.
            services.submit(organization=organization, period=chosen, user=request.user, today=clock.today(), **data)
            messages.success(request, _("The report has been submitted to the level above."))
        else:
            services.save_draft(organization=organization, period=chosen, user=request.user, **data)
            messages.success(request, _("The draft has been saved."))
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    return redirect("submissions:detail", org_pk=organization.pk, period=chosen.key)


@require_GET
@org_view(Perm.VIEW)
def download(request, organization, period, fmt):
    """The PDF or .xlsx as submitted."""
    chosen = _period(period)
    if fmt not in ("pdf", "xlsx"):
        raise Http404
    submission = get_object_or_404(ReportSubmission, organization=organization, period=chosen.key)
    file = getattr(submission, fmt)
    if not file:
        raise Http404
    if submission.status != Status.APPROVED and not access.has_perm(request.user, organization, Perm.VIEW_PERSONAL):
        raise PermissionDenied
    return serve_file(file, filename=file.name.rsplit("/", 1)[-1], content_type=content_type_of(file.name))


def _child(request, parent, child_pk, period) -> Organization:
    """A child of `parent` at the period's end, as the status board lists it (one moved away
    or merged since is still reviewed with the period it reported), that the reader may
    view today (one moved since under other organizations: 404, its report is reviewed by
    the level above them, submissions.services._reviewable)."""
    child = get_object_or_404(children_on(parent, min(period.end, clock.today())), pk=child_pk)
    if not services.may_see_for_review(request.user, child, parent):
        raise Http404
    return child


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_PLANS)
def review(request, organization, child_pk, period):
    """The level above reviews a child's report: approve, or return with a comment; the
    figures as submitted beside the figures as they stand now."""
    chosen = _period(period)
    child = _child(request, organization, child_pk, chosen)
    submission = (
        ReportSubmission.objects.filter(organization=child, period=chosen.key)
        .select_related("organization", "submitted_by", "approved_by")
        .first()
    )
    form = ReviewForm(request.POST or None)
    if request.method == "POST":
        if submission is None:
            raise Http404
        form.is_valid()
        comment = form.cleaned_data.get("comment", "")
        try:
            if request.POST.get("action") == "approve":
                services.approve(submission=submission, user=request.user, comment=comment)
                messages.success(request, _("The report has been approved."))
            else:
                services.return_submission(submission=submission, user=request.user, comment=comment)
                messages.success(request, _("The report has been returned for correction."))
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        return redirect("submissions:review", org_pk=organization.pk, child_pk=child.pk, period=chosen.key)
    # Without a snapshot of a submission there is nothing to compare.
    differences = []
    changed = 0
    people_changed = 0
    later = 0
    counted_day = None
    if submission and submission.snapshot:
        # The figures of the same day as they stand now: what changed in what was signed,
        # not what the days after the report's day brought.
        with report_reads():
            now = services.freeze(child, chosen, min(selectors.counted_to(submission) or clock.today(), clock.today()))
        differences = selectors.differences(submission.snapshot, now=now)
        changed = selectors.admissions_changed_after(submission, period=chosen)
        people_changed = selectors.candidates_changed_after(submission, period=chosen)
        later, counted_day = selectors.admitted_after(submission, period=chosen, today=clock.today())
    due = selectors.deadline(child, period=chosen)
    day = min(chosen.end, clock.today())
    # Both named as on the period's day (copies: the request's organization keeps its own).
    organization, child = copy.copy(organization), copy.copy(child)
    names_on(day).rename([organization, child])
    context = {
        "org": organization,
        "child": child,
        "period": chosen,
        "submission": submission,
        "steps": list(submission.steps.select_related("user")) if submission else [],
        "figures": selectors.summary(submission.snapshot) if submission else None,
        "form": form,
        "differences": differences,
        "changed": changed,
        "people_changed": people_changed,
        "admitted_later": later,
        "counted_day": counted_day,
        "deadline": due,
        "late": selectors.is_late(submission, due=due, today=clock.today()),
        "can_decide": submission is not None and submission.status == Status.SUBMITTED,
    }
    return render(request, "submissions/review.html", context)


@require_GET
@org_view(Perm.VIEW)
def board(request, organization, period):
    """Every committee directly under the organization: where its report for the period stands."""
    chosen = _period(period)
    today = clock.today()
    rows, due = selectors.board(organization, period=chosen, today=today)
    context = {
        "org": organization,
        "name": name_on(organization, min(chosen.end, today)),  # its name then, as its rows
        "period": chosen,
        "rows": rows,
        "counts": selectors.counts(rows),
        "late": sum(1 for r in rows if r.late),
        "deadline": due,
        "can_review": access.has_perm(request.user, organization, Perm.EDIT_PLANS),
        # A child moved since under organizations the reader does not belong to: named, not
        # linked (its pages are outside what the reader may view; its report, the level above's).
        "visible": {r.organization.pk for r in rows if access.has_perm(request.user, r.organization, Perm.VIEW)},
        "reviewable": {
            r.organization.pk for r in rows if services.may_see_for_review(request.user, r.organization, organization)
        },
        "periods": [p for y in (chosen.year - 1, chosen.year, chosen.year + 1) for p in _named(y)],
    }
    return render(request, "submissions/board.html", context)


def _named(year):
    from reports.periods import named_periods

    return named_periods(year)


@require_GET
def notifications(request):
    """The user's notifications, newest first; opening the page marks them read."""
    items = list(Notification.objects.filter(user=request.user)[:100])
    unread = [n.pk for n in items if n.read_at is None]
    if unread:
        Notification.objects.filter(pk__in=unread).update(read_at=timezone.now())
    return render(request, "submissions/notifications.html", {"items": items, "unread": set(unread)})
