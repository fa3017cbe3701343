"""The admission ceremony, and the probation's end: recognized as a full member, or struck off."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Min
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from common.audit import stamp as _stamp
from organizations import locks

from .. import selectors
from ..models import Admission, Candidate, Outcome, Step, StepRecord
from ..workdays import Calendar, add_working_days
from .checks import _d, admitted_problems, check_after_transfer, readmission_twin_problems, rule
from .deadlines import probation_end
from .steps import candidate_advance


@transaction.atomic
def admission_record(
    *,
    candidate: Candidate,
    ceremony_date: dt.date,
    user,
    today: dt.date,
    decision_number: str = "",
    decision_date: dt.date | None = None,
    note: str = "",
    twin: Admission | None | bool = False,
) -> Admission:
    """The admission ceremony: the candidate becomes a probationary member.

    The candidate is at the decision step (its date and number are the decision's), or
    the decision is given here and recorded first with every check of candidate_advance.
    `twin`: the imports' batched look-up of an earlier admission of the person (False: look it up).
    """
    if decision_date is not None and candidate.step < Step.DECISION:
        candidate_advance(
            candidate=candidate,
            step=Step.DECISION,
            date=decision_date,
            document_number=decision_number,
            user=user,
            today=today,
        )
    candidate = Candidate.objects.select_for_update().select_related("organization").get(pk=candidate.pk)
    if twin is False:
        twin = selectors.admitted_twin(candidate)
    admission, record = admission_build(
        candidate=candidate,
        decision=candidate.steps.filter(step=Step.DECISION).first(),
        ceremony_date=ceremony_date,
        user=user,
        today=today,
        decision_number=decision_number,
        note=note,
        twin=twin,
    )
    admission.save()
    record.save()
    candidate.save()
    return admission


def _outside_the_organizations_days(organization, ceremony_date: dt.date) -> list[str]:
    """An admission counts where its organization stood on the report's day: one dated before
    the organization was founded, or after it was dissolved (not merged: a merged one's
    figures go on with its successor), would count for a tree that had no such organization."""
    if organization.founded_on and ceremony_date < organization.founded_on:
        return [
            _("The ceremony cannot be before %(org)s was founded (%(date)s).")
            % {"org": organization.name, "date": _d(organization.founded_on)}
        ]
    if organization.dissolved_on and ceremony_date >= organization.dissolved_on and not organization.merged_into_id:
        return [
            _("%(org)s was dissolved on %(date)s: no admission can be dated from that day.")
            % {"org": organization.name, "date": _d(organization.dissolved_on)}
        ]
    return []


def records_after_dissolution(organization, on_date: dt.date) -> list[str]:
    """What of `organization` a dissolution on `on_date` would leave where no organization
    stands: admissions dated from that day, candidates still on the road (messages; empty
    when nothing)."""
    admitted = Admission.objects.filter(organization=organization, ceremony_date__gte=on_date, archived_at__isnull=True)
    on_the_road = Candidate.objects.filter(
        organization=organization, outcome=Outcome.IN_PROGRESS, archived_at__isnull=True
    )
    problems = []
    if n := admitted.count():
        first = admitted.order_by("ceremony_date").values_list("ceremony_date", flat=True).first()
        problems.append(
            _("%(org)s has %(n)d admission(s) dated on or after %(date)s (the first on %(first)s).")
            % {"org": organization.name, "n": n, "date": _d(on_date), "first": _d(first)}
        )
    if n := on_the_road.count():
        problems.append(
            _(
                "%(org)s has %(n)d candidate(s) still in progress: move them to another organization first,"
                " or close their files (moved away or withdrawn)."
            )
            % {"org": organization.name, "n": n}
        )
    return problems


def refuse_dissolution_leaving_records(sender, organization, on_date: dt.date, **kwargs) -> None:
    """Receiver of organizations.signals.organization_dissolving: the check above from the
    other side. A dissolution entered late (dated back, as the 2025 reorganization often
    is) must not leave admissions dated from that day, or candidates still on the road, at
    an organization that no longer stands: reports would count them for an organization
    that had ended (and the admission form would refuse to enter them there).
    `manage.py check_dissolved` finds those a database holds from before this check."""
    problems = records_after_dissolution(organization, on_date)
    if problems:
        problems.append(_("Or merge it into its successor instead of dissolving it: its records then count there."))
        raise ValidationError(problems)


def refuse_founding_after_records(sender, organization, founded_on: dt.date, **kwargs) -> None:
    """Receiver of organizations.signals.organization_refounding: an organization's founding
    date set later than its admissions would leave them at an organization that did not
    stand on their day (the admission form refuses a ceremony before the founding)."""
    earlier = Admission.objects.filter(
        organization=organization, archived_at__isnull=True, ceremony_date__lt=founded_on
    ).aggregate(n=Count("pk"), first=Min("ceremony_date"))
    if earlier["n"]:
        message = _(
            "%(org)s has %(n)d admission(s) dated before %(date)s (the first on %(first)s): it was founded by then."
        ) % {"org": organization.name, "n": earlier["n"], "date": _d(founded_on), "first": _d(earlier["first"])}
        raise ValidationError({"founded_on": message})


def admission_build(
    *,
    candidate: Candidate,
    decision: StepRecord | None,
    ceremony_date: dt.date,
    user,
    today: dt.date,
    decision_number: str = "",
    note: str = "",
    twin: Admission | None,
    calendar: Calendar | None = None,
) -> tuple[Admission, StepRecord]:
    """Every check of the ceremony of `candidate` (at the decision step, `decision` its step
    record; `twin` its earlier admission on record, or None); raises ValidationError, else
    marks the candidate admitted (not saved) and returns the admission and the ceremony's
    step record (not saved). `calendar`: the working-day calendar, when read already."""
    if candidate.archived_at or candidate.outcome != Outcome.IN_PROGRESS:
        raise ValidationError(_("This candidate is no longer on the road."))
    if candidate.step != Step.DECISION or decision is None:
        raise ValidationError(_("An admission is logged once the admission decision is recorded."))
    check_after_transfer(candidate=candidate, day=ceremony_date, field="ceremony_date")
    locks.check_unlocked(organization=candidate.organization, day=ceremony_date, today=today)
    number = decision.document_number or decision_number.strip()
    problems = []
    if not number:
        problems.append(_("The admission decision needs its number."))
    if ceremony_date > today:
        problems.append(_("The date cannot be in the future."))
    if ceremony_date < decision.date:
        problems.append(_("The ceremony cannot be before the decision (%(date)s).") % {"date": _d(decision.date)})
    problems += _outside_the_organizations_days(candidate.organization, ceremony_date)
    if candidate.readmission:
        problems += readmission_twin_problems(twin=twin, ended_on=candidate.earlier_membership_ended_on, user=user)
    else:
        problems += admitted_problems(twin=twin, user=user)
    if problems:
        raise ValidationError(problems)
    probation_due = probation_end(ceremony_date)
    admission = Admission(
        candidate=candidate,
        organization=candidate.organization,
        category=candidate.category,
        ceremony_date=ceremony_date,
        decision_number=number,
        decision_date=decision.date,
        readmission=candidate.readmission,
        probation_due=probation_due,
        recognition_due=add_working_days(probation_due, rule("RECOGNITION_WORKING_DAYS"), calendar),
    )
    _stamp(admission, user, gettext_noop("admitted"))
    record = StepRecord(candidate=candidate, step=Step.CEREMONY, date=ceremony_date, note=note)
    record.recorded_by = user if getattr(user, "pk", None) else None
    _stamp(record, user, gettext_noop("ceremony"))
    candidate.step, candidate.step_date, candidate.due_on = Step.CEREMONY, ceremony_date, None
    candidate.outcome, candidate.outcome_date = Outcome.ADMITTED, ceremony_date
    _stamp(candidate, user, gettext_noop("admitted"))
    return admission, record


def _open_admission(admission: Admission) -> Admission:
    admission = (
        Admission.objects.select_for_update(of=("self", "candidate"))
        .select_related("candidate", "organization")
        .get(pk=admission.pk)
    )
    if admission.archived_at:
        raise ValidationError(_("This record is archived."))
    if admission.recognized_on or admission.struck_off_on:
        raise ValidationError(_("The probation of this member is already settled."))
    return admission


def _open_to_settle(admission, *, on_date, today, text, missing, not_before, too_early) -> Admission:
    """The open admission whose probation is settled on `on_date` (recognition or striking
    off), locked for the change; refused, listing every problem, when the period is locked,
    `text` (the decision number, the reason) is blank, the day is in the future or before
    the admission's `not_before` day."""
    admission = _open_admission(admission)
    locks.check_unlocked(organization=admission.organization, day=on_date, today=today)
    earliest = getattr(admission, not_before)
    problems = []
    if not text.strip():
        problems.append(missing)
    if on_date > today:
        problems.append(_("The date cannot be in the future."))
    if on_date < earliest:
        problems.append(too_early % {"date": _d(earliest)})
    if problems:
        raise ValidationError(problems)
    return admission


@transaction.atomic
def admission_recognize(
    *, admission: Admission, on_date: dt.date, decision_number: str, user, today: dt.date
) -> Admission:
    """Recognition as a full member after the probation."""
    admission = _open_to_settle(
        admission,
        on_date=on_date,
        today=today,
        text=decision_number,
        missing=_("The recognition decision needs its number."),
        not_before="probation_due",
        too_early=_("The probation ends on %(date)s: recognition comes from that day on."),
    )
    admission.recognized_on, admission.recognition_decision = on_date, decision_number.strip()
    # PROCEDURE: recognized late (after the recognition deadline) or not, the member is full
    # from the end of the 12 months of probation; the lateness is shown, never refused.
    admission.full_member_from = admission.probation_due
    _stamp(admission, user, gettext_noop("recognized"))
    admission.save()
    candidate = admission.candidate
    record = StepRecord(
        candidate=candidate, step=Step.RECOGNITION, date=on_date, document_number=decision_number.strip()
    )
    record.recorded_by = user if getattr(user, "pk", None) else None
    _stamp(record, user, gettext_noop("recognized"))
    record.save()
    candidate.step, candidate.step_date = Step.RECOGNITION, on_date
    _stamp(candidate, user, gettext_noop("recognized"))
    candidate.save()
    return admission


@transaction.atomic
def admission_strike_off(*, admission: Admission, on_date: dt.date, reason: str, user, today: dt.date) -> Admission:
    """Not recognized: struck off the list of probationary members (the admission still counts)."""
    admission = _open_to_settle(
        admission,
        on_date=on_date,
        today=today,
        text=reason,
        missing=_("Give the reason for striking off."),
        not_before="ceremony_date",
        too_early=_("The date cannot be before the ceremony (%(date)s)."),
    )
    admission.struck_off_on, admission.struck_off_reason = on_date, reason.strip()
    _stamp(admission, user, reason)
    admission.save()
    return admission
