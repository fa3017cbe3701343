"""Thin views: resolve scope through organizations.access, call services, render."""

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_tables2 import RequestConfig

from common import clock
from common.views import add_errors, form_page
from organizations import access, locks, positions
from organizations.access import Perm, org_view
from organizations.models import Organization

from . import forms, selectors, services
from .filters import CandidateFilter
from .models import Candidate, Outcome, Step
from .tables import CandidateTable

PAGE_SIZE = 25
ALERT_ROWS = 50


def _candidate(request, pk, perm: Perm) -> Candidate:
    """A candidate named in the URL: 404 outside the user's subtrees, 403 for a too-low role.
    A member admitted by an organization merged into one of them is the successor's staff's
    to open and act on, as the lists and alerts show them (selectors.FOLLOWED_AFTER_MERGER)."""
    return access.get_record(request.user, Candidate.objects.all(), pk, perm, merged=selectors.FOLLOWED_AFTER_MERGER)


def _can_edit_candidate(request, candidate) -> bool:
    return access.has_record_perm(request.user, candidate, Perm.EDIT_ADMISSIONS, merged=selectors.FOLLOWED_AFTER_MERGER)


def _list_organization(request, candidate):
    """The list the candidate's page leads back to: its organization's, or, for a member of a
    merged organization followed by its successor's staff, the successor's."""
    organization = candidate.organization
    if access.has_perm(request.user, organization, Perm.VIEW_PERSONAL):
        return organization
    return access.counted_with(organization)


def _can_edit(request, organization) -> bool:
    return access.has_perm(request.user, organization, Perm.EDIT_ADMISSIONS)


@require_GET
def mine(request):
    """“My candidates”: the list for the first organization where the user may see them."""
    root = access.landing_organization(request.user, Perm.VIEW_PERSONAL)
    if root is None:
        raise PermissionDenied
    return redirect("admissions:list", org_pk=root.pk)


@require_GET
@org_view(Perm.VIEW_PERSONAL)
def candidate_list(request, organization):
    today = clock.today()
    qs = selectors.followed_first(selectors.candidates(request.user, organization=organization))
    qs = selectors.with_next_due(qs)  # the deadline each row shows, on the road or on probation
    filterset = CandidateFilter(request.GET or None, queryset=qs, today=today)
    # One cell's list names its cell in the heading, not on every row.
    single = _single_cell(organization)
    table = CandidateTable(filterset.qs, today=today, exclude=("organization",) if single else ())
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    form = filterset.form
    active = [name for name in form.fields if request.GET.get(name) not in (None, "")]
    return render(
        request,
        "admissions/list.html",
        {
            "org": organization,
            "filter": filterset,
            "table": table,
            "can_edit": _can_edit(request, organization),
            "single": single,
            "active_filters": len(active),
            **_merger(request, organization),
        },
    )


def _single_cell(organization) -> bool:
    """An organization without children: every candidate of its list is developed by it."""
    return organization.numchild == 0


def _merger(request, organization) -> dict:
    """A merged organization's pages say where its files on the road went (its successor,
    linked when the reader may open the successor's list): otherwise they read as empty
    with no reason. One query, for a merged organization only.

    A dissolved one (not merged: a district of the 2025 reorganization) says when, and
    under which organizations the units it had then stand today (`_now_under`): two
    queries, for a dissolved organization only, whatever the number of its units or rows."""
    found = {"successor": None, "successor_open": False, "dissolved": False, "now_under": []}
    if organization.merged_into_id is None:
        if organization.dissolved_on is not None:
            found.update(dissolved=True, now_under=_now_under(request, organization))
        return found
    successor = organization.merged_into
    found.update(successor=successor, successor_open=access.has_perm(request.user, successor, Perm.VIEW_PERSONAL))
    return found


def _now_under(request, organization) -> list[tuple[Organization, bool]]:
    """Where the units a dissolved organization had stand today (positions.units_stand_now),
    each with whether the reader may open its list."""
    found = positions.units_stand_now(organization)
    return [(unit, access.has_perm(request.user, unit, Perm.VIEW_PERSONAL)) for unit in found]


@require_GET
@org_view(Perm.VIEW_PERSONAL)
def board(request, organization):
    today = clock.today()
    columns = selectors.board(selectors.candidates(request.user, organization=organization))
    if services.check_step_form(organization=organization, step=Step.COMMITTEE_RESOLUTION):
        # A grassroots cell's road has no committee resolution: no empty column for it.
        columns = [c for c in columns if c["step"] != Step.COMMITTEE_RESOLUTION or c["count"]]
    for column in columns:
        for candidate in column["candidates"]:
            # The one-line form on a card records the next step; introductions need the full form.
            steps = services.next_steps(candidate)
            candidate.quick_step = steps[0] if steps and steps[0] != Step.INTRODUCTION else None
            candidate.quick_label = Step(candidate.quick_step).label if candidate.quick_step else ""
            candidate.days_late = selectors.days_late(candidate.due_on, today=today)
    return render(
        request,
        "admissions/board.html",
        {
            "org": organization,
            "columns": columns,
            "can_edit": _can_edit(request, organization),
            "single": _single_cell(organization),
            **_merger(request, organization),
        },
    )


@require_GET
@org_view(Perm.VIEW_PERSONAL)
def alerts(request, organization):
    today = clock.today()
    found = selectors.alerts(request.user, organization=organization, today=today)
    # The first rows of each kind and how many there are: a fixed number of queries, whatever the scope.
    alerts = {key: {"rows": list(qs[:ALERT_ROWS]), "count": qs.count()} for key, qs in found.items()}
    can_edit = _can_edit(request, organization)
    stuck_for = relativedelta(months=settings.ADMISSION_RULES["STUCK_MONTHS"])
    late_from = {
        # A certificate: the days past its validity (no step is due before the cell's resolution).
        "certificates": lambda candidate: selectors.certificate_valid_until(candidate.alert_on),
        "decisions": lambda candidate: candidate.due_on,
        "ceremonies": lambda candidate: candidate.due_on,
        # Stuck: the days past the months a step may take before it is flagged.
        "stuck": lambda candidate: candidate.step_date + stuck_for,
    }
    for key, due in late_from.items():
        for candidate in alerts[key]["rows"]:
            candidate.days_late = selectors.days_late(due(candidate), today=today)
            candidate.act_url = act_url(candidate) if can_edit else ""
    if can_edit:  # an expired certificate is renewed; one expiring soon, hurried to the resolution
        for candidate in alerts["certificates"]["rows"]:
            if selectors.certificate_valid_until(candidate.alert_on) < today:
                candidate.act_url = reverse("admissions:take_again", args=[candidate.pk])
    for key in ("probation", "recognition"):
        for admission in alerts[key]["rows"]:
            admission.days_late = selectors.days_late(admission.recognition_due, today=today)
            # Recognition is recorded once the probation has ended.
            settled_now = can_edit and admission.probation_due <= today
            admission.act_url = reverse("admissions:recognize", args=[admission.candidate_id]) if settled_now else ""
    return render(
        request,
        "admissions/alerts.html",
        {
            "org": organization,
            "alerts": alerts,
            "limit": ALERT_ROWS,
            "alert_days": settings.ADMISSION_RULES["ALERT_DAYS"],
            **_merger(request, organization),
        },
    )


def act_url(candidate) -> str:
    """Where the next thing to do about a candidate is recorded."""
    if candidate.step == Step.DECISION:
        return reverse("admissions:admit", args=[candidate.pk])
    return reverse("admissions:advance", args=[candidate.pk])


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_ADMISSIONS)
def candidate_create(request, organization):
    return _create(
        request, organization, forms.CandidateCreateForm, _("Candidate “%(name)s” added."), _("New candidate")
    )


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_ADMISSIONS)
def readmission_create(request, organization):
    """Re-admission (kết nạp lại): its own procedure, with the earlier membership's end and reason."""
    return _create(
        request,
        organization,
        forms.ReadmissionCreateForm,
        _("Re-admission of “%(name)s” opened."),
        _("New re-admission"),
        readmission=True,
    )


def _create(request, organization, form_class, added, title, **readmission):
    choices = access.organizations_under(request.user, organization, Perm.EDIT_ADMISSIONS, active=True).order_by("path")
    form = form_class(
        request.POST or None,
        organizations=choices,
        initial={"organization": organization, "source_date": clock.today()},
    )
    duplicate = False

    def on_error(form, exc):
        nonlocal duplicate
        duplicate = not hasattr(exc, "error_dict") and any(e.code == "duplicate" for e in exc.error_list)
        add_errors(form, exc)

    return form_page(
        request,
        form,
        save=lambda data: services.candidate_create(user=request.user, today=clock.today(), **readmission, **data),
        success=lambda candidate: added % {"name": candidate.full_name},
        redirect_to=redirect,
        render_page=lambda: _form(request, organization, form, title, _("Add"), duplicate=duplicate),
        on_error=on_error,
    )


def _candidate_form(request, candidate, form, *, save, success, title, submit, redirect_to=None, **extra):
    """A form page about one candidate: back to the candidate (or `redirect_to(saved)`) once saved."""
    return form_page(
        request,
        form,
        save=save,
        success=success,
        redirect_to=redirect_to or (lambda _saved: redirect(candidate)),
        render_page=lambda: _form(request, candidate.organization, form, title, submit, candidate, **extra),
        on_error=add_errors,
    )


def _form(request, organization, form, title, submit, candidate=None, **extra):
    back = candidate.get_absolute_url() if candidate else None
    return render(
        request,
        "admissions/form.html",
        {
            "org": organization,
            "form": form,
            "title": title,
            "submit": submit,
            "candidate": candidate,
            "back": back,
            # Where a record would fall in a locked period, the form says so first (one query).
            "lock_banner": locks.banner_locks(organization=organization, today=clock.today()),
            **extra,
        },
    )


@require_GET
def candidate_detail(request, pk):
    candidate = _candidate(request, pk, Perm.VIEW_PERSONAL)
    admission = getattr(candidate, "admission", None) if candidate.outcome == Outcome.ADMITTED else None
    can_edit = _can_edit_candidate(request, candidate) and not candidate.archived_at
    return render(
        request,
        "admissions/detail.html",
        {
            "candidate": candidate,
            "org": candidate.organization,
            "list_org": _list_organization(request, candidate),
            "today": clock.today(),
            "steps": candidate.steps.select_related("recorded_by"),
            "renewals": candidate.renewals.select_related("recorded_by"),
            "introducers": candidate.introducers.select_related("renewal"),
            "admission": admission,
            "history": selectors.history_rows(candidate),
            "can_edit": can_edit,
            "can_advance": can_edit and bool(services.next_steps(candidate)),
            # An expired certificate or stale introductions: the cell resolution would refuse them.
            "take_again": [Step(s).label for s in services.steps_to_take_again(candidate, clock.today())],
            "can_admit": can_edit and candidate.outcome == Outcome.IN_PROGRESS and candidate.step == Step.DECISION,
            "can_settle": can_edit and admission and not (admission.recognized_on or admission.struck_off_on),
            "can_withdraw": can_edit and candidate.outcome == Outcome.IN_PROGRESS,
        },
    )


@require_http_methods(["GET", "POST"])
def candidate_edit(request, pk):
    candidate = _candidate(request, pk, Perm.EDIT_ADMISSIONS)
    form_class = forms.ReadmissionForm if candidate.readmission else forms.CandidateForm
    form = form_class(request.POST or None, instance=Candidate.objects.get(pk=candidate.pk))
    return _candidate_form(
        request,
        candidate,
        form,
        save=lambda data: services.candidate_update(
            candidate=candidate,
            user=request.user,
            today=clock.today(),
            allow_duplicate=data["allow_duplicate"],
            **{k: v for k, v in data.items() if k in services.PERSONAL_FIELDS},
        ),
        success=_("Changes saved."),
        title=_("Edit %(name)s") % {"name": candidate},
        submit=_("Save"),
    )


@require_http_methods(["GET", "POST"])
def candidate_advance(request, pk):
    candidate = _candidate(request, pk, Perm.EDIT_ADMISSIONS)
    steps = services.next_steps(candidate)
    form = forms.AdvanceForm(request.POST or None, steps=steps, initial={"date": clock.today()})
    notice = "" if steps else _("This candidate has no next step to record here.")
    title = _("Next step for %(name)s") % {"name": candidate}
    if not steps:
        return _form(request, candidate.organization, form, title, _("Record"), candidate, notice=notice)

    def back(_saved):
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = candidate.get_absolute_url()
        return redirect(back)

    return _candidate_form(
        request,
        candidate,
        form,
        save=lambda data: services.candidate_advance(candidate=candidate, **_step_taken(request, form)),
        success=lambda record: _("Step “%(step)s” recorded.") % {"step": Step(form.cleaned_data["step"]).label},
        title=title,
        submit=_("Record"),
        redirect_to=back,
        notice=notice,
    )


def _step_taken(request, form: forms.AdvanceForm) -> dict:
    """A step as the advance form gives it, for services.candidate_advance and step_take_again."""
    data = form.cleaned_data
    return {
        "step": data["step"],
        "date": data["date"],
        "document_number": data["document_number"],
        "note": data["note"],
        "introducers": form.introducers(),
        "user": request.user,
        "today": clock.today(),
    }


@require_http_methods(["GET", "POST"])
def candidate_take_again(request, pk):
    """Take again a step whose validity ran out before the cell resolution: the class
    attended again, the introductions redone (services.step_take_again)."""
    candidate = _candidate(request, pk, Perm.EDIT_ADMISSIONS)
    steps = services.steps_to_take_again(candidate, clock.today())
    form = forms.AdvanceForm(request.POST or None, steps=steps, initial={"date": clock.today()})
    title = _("Take a step again for %(name)s") % {"name": candidate}
    if not steps:
        notice = _("No step of this candidate needs to be taken again.")
        return _form(request, candidate.organization, form, title, _("Record"), candidate, notice=notice)
    return _candidate_form(
        request,
        candidate,
        form,
        save=lambda data: services.step_take_again(candidate=candidate, **_step_taken(request, form)),
        success=lambda record: _("Step “%(step)s” taken again.") % {"step": Step(form.cleaned_data["step"]).label},
        title=title,
        submit=_("Record"),
    )


@require_http_methods(["GET", "POST"])
def admission_record(request, pk):
    candidate = _candidate(request, pk, Perm.EDIT_ADMISSIONS)
    decision = candidate.steps.filter(step=Step.DECISION).first()
    form = forms.AdmissionForm(
        request.POST or None,
        initial={"ceremony_date": clock.today()},
        needs_decision_number=decision is not None and not (decision.document_number or "").strip(),
    )
    return _candidate_form(
        request,
        candidate,
        form,
        save=lambda data: services.admission_record(
            candidate=candidate, user=request.user, today=clock.today(), **data
        ),
        success=_("Admission of %(name)s recorded.") % {"name": candidate.full_name},
        title=_("Log the admission of %(name)s") % {"name": candidate},
        submit=_("Save"),
    )


def _admission_form(request, pk, form_class, service, title, done):
    candidate = _candidate(request, pk, Perm.EDIT_ADMISSIONS)
    admission = getattr(candidate, "admission", None)
    form = form_class(request.POST or None, initial={"on_date": clock.today()})
    notice = "" if admission else _("This candidate has no admission on record.")
    if not admission:
        return _form(
            request, candidate.organization, form, title % {"name": candidate}, _("Save"), candidate, notice=notice
        )
    return _candidate_form(
        request,
        candidate,
        form,
        save=lambda data: service(admission=admission, user=request.user, today=clock.today(), **data),
        success=done,
        title=title % {"name": candidate},
        submit=_("Save"),
        notice=notice,
    )


@require_http_methods(["GET", "POST"])
def admission_recognize(request, pk):
    return _admission_form(
        request,
        pk,
        forms.RecognizeForm,
        services.admission_recognize,
        _("Recognize %(name)s as a full member"),
        _("Recognized as a full member."),
    )


@require_http_methods(["GET", "POST"])
def admission_strike_off(request, pk):
    return _admission_form(
        request,
        pk,
        forms.StrikeOffForm,
        services.admission_strike_off,
        _("Strike %(name)s off"),
        _("Struck off the list of probationary members."),
    )


@require_http_methods(["GET", "POST"])
def candidate_withdraw(request, pk):
    candidate = _candidate(request, pk, Perm.EDIT_ADMISSIONS)
    form = forms.WithdrawForm(request.POST or None, initial={"on_date": clock.today()})
    return _candidate_form(
        request,
        candidate,
        form,
        save=lambda data: services.candidate_withdraw(
            candidate=candidate, user=request.user, today=clock.today(), **data
        ),
        success=_("Changes saved."),
        title=_("%(name)s leaves the road") % {"name": candidate},
        submit=_("Save"),
    )


@require_http_methods(["GET", "POST"])
def candidate_transfer(request, pk):
    """Move the candidate's file to another organization the user edits (never an id from the form unchecked)."""
    candidate = _candidate(request, pk, Perm.EDIT_ADMISSIONS)
    choices = (
        access.organizations(request.user, Perm.EDIT_ADMISSIONS)
        .filter(dissolved_on__isnull=True)
        .exclude(pk=candidate.organization_id)
        .order_by("path")
    )
    form = forms.TransferForm(request.POST or None, organizations=choices, initial={"on_date": clock.today()})
    return _candidate_form(
        request,
        candidate,
        form,
        save=lambda data: services.candidate_transfer(
            candidate=candidate, user=request.user, today=clock.today(), **data
        ),
        success=_("Changes saved."),
        title=_("Move %(name)s to another organization") % {"name": candidate},
        submit=_("Move"),
    )


@require_http_methods(["GET", "POST"])
def candidate_archive(request, pk):
    candidate = _candidate(request, pk, Perm.EDIT_ADMISSIONS)
    form = forms.ArchiveForm(request.POST or None)
    return _candidate_form(
        request,
        candidate,
        form,
        save=lambda data: services.candidate_archive(
            candidate=candidate, reason=data["reason"], user=request.user, today=clock.today()
        ),
        success=_("Record archived: it no longer counts in lists and reports."),
        title=_("Archive %(name)s") % {"name": candidate},
        submit=_("Archive"),
        redirect_to=lambda _saved: redirect("admissions:list", org_pk=_list_organization(request, candidate).pk),
    )
