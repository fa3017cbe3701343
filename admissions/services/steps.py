"""The road a candidate walks, one step at a time: which step comes next, the rules of taking
it, and the step record.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from common.audit import stamp as _stamp
from organizations import locks
from organizations.models import Organization

from ..models import Candidate, Introducer, Outcome, Step, StepRecord, StepRenewal
from ..workdays import Calendar, add_working_days
from .checks import (
    _d,
    check_after_transfer,
    check_age,
    check_certificate,
    check_consent,
    check_education,
    check_introducers,
    check_introductions_fresh,
    check_readmission_end,
    check_readmission_wait,
    check_step_form,
    rule,
)


def next_steps(candidate: Candidate) -> list[int]:
    """The steps `candidate_advance` accepts now (the ceremony goes through admission_record).

    The road follows the organization's form: a grassroots cell is itself the grassroots
    organization, so it goes from the cell resolution straight to the decision; a cell
    under a grassroots committee needs the committee's resolution first.
    """
    if candidate.outcome != Outcome.IN_PROGRESS or candidate.archived_at or candidate.step >= Step.DECISION:
        return []
    return [step_after(candidate.organization, candidate.step)]


def step_after(organization: Organization, step: int) -> int:
    """The step that follows `step` on the road of `organization`'s form (next_steps)."""
    following = step + 1
    if check_step_form(organization=organization, step=following):
        following += 1
    return following


def step_problems(*, candidate: Candidate, step: int, date: dt.date, records: dict) -> list[str]:
    """The eligibility rules of taking `step` on `date` (records: the steps already taken, by step).

    The introducers are checked by candidate_advance, which has them. A step past the cell
    resolution whose resolution is not on file (an import) is checked for age and education
    on its own date: the resolution came before it, so this refuses no one it should accept.
    """
    problems = check_step_form(organization=candidate.organization, step=step)
    if step > Step.CELL_RESOLUTION and Step.CELL_RESOLUTION not in records:
        problems += check_age(date_of_birth=candidate.date_of_birth, on=date)
        problems += check_education(education=candidate.education, on=date)
    if step == Step.CELL_RESOLUTION:
        problems += check_age(date_of_birth=candidate.date_of_birth, on=date)
        problems += check_education(education=candidate.education, on=date)
        certificate = records.get(Step.CLASS)
        problems += check_certificate(certificate_on=certificate and certificate.date, on=date)
        introduction = records.get(Step.INTRODUCTION)
        problems += check_introductions_fresh(introduced_on=introduction and introduction.date, on=date)
    if candidate.readmission and (
        step == Step.CELL_RESOLUTION or (step > Step.CELL_RESOLUTION and Step.CELL_RESOLUTION not in records)
    ):
        problems += check_readmission_end(
            ended_on=candidate.earlier_membership_ended_on,
            how=candidate.earlier_membership_end,
            reason=candidate.earlier_membership_note,
            on=date,
        )
        if candidate.earlier_membership_ended_on:
            problems += check_readmission_wait(ended_on=candidate.earlier_membership_ended_on, on=date)
    if step == Step.DECISION:
        resolution = records.get(Step.CELL_RESOLUTION)
        if resolution is not None:
            problems += check_consent(
                date_of_birth=candidate.date_of_birth,
                resolution_on=resolution.date,
                consent_on=candidate.provincial_consent_on,
                on=date,
            )
    return problems


@transaction.atomic
def candidate_advance(
    *,
    candidate: Candidate,
    step: int,
    date: dt.date,
    document_number: str = "",
    note: str = "",
    introducers: list[dict] | None = None,
    user,
    today: dt.date,
    earlier_steps_missing: bool = False,
) -> StepRecord:
    """Record the next step of the road with its date and document number.

    `introducers` (for the introductions step): dicts with kind, full_name, known_since.
    `earlier_steps_missing` (imports of people already on the road): the steps between
    the candidate's and `step` are not on file; every rule whose data is on file is
    still checked (the introducers when given). The checks are `advance_build`'s.
    """
    candidate = Candidate.objects.select_for_update().select_related("organization").get(pk=candidate.pk)
    step = int(step)
    # A step taken again (an expired certificate, introductions redone) is checked at its latest date.
    records = valid_records(candidate, {r.step: r for r in candidate.steps.all()}, date)
    wants_introducers = step == Step.INTRODUCTION or (earlier_steps_missing and introducers)
    on_file = list(candidate.introducers.all()) if wants_introducers else []
    record, new_introducers = advance_build(
        candidate=candidate,
        step=step,
        date=date,
        document_number=document_number,
        note=note,
        introducers=introducers,
        user=user,
        today=today,
        earlier_steps_missing=earlier_steps_missing,
        records=records,
        introducers_on_file=on_file,
    )
    for introducer in new_introducers:
        introducer.save()
    record.save()
    candidate.save()
    return record


def advance_build(
    *,
    candidate: Candidate,
    step: int,
    date: dt.date,
    document_number: str = "",
    note: str = "",
    introducers: list[dict] | None = None,
    user,
    today: dt.date,
    earlier_steps_missing: bool = False,
    records: dict[int, StepRecord],
    introducers_on_file: list[Introducer],
    calendar: Calendar | None = None,
) -> tuple[StepRecord, list[Introducer]]:
    """Every check of taking `step` on `date`, against the candidate's steps (`records`, by
    step) and introducers on file; raises ValidationError, else moves `candidate` (not
    saved) to the step and returns the new step record and introducers (not saved).
    `calendar`: the working-day calendar when the caller read it already (imports)."""
    step = int(step)
    problems: list[str] = []
    if candidate.archived_at or candidate.outcome != Outcome.IN_PROGRESS:
        raise ValidationError(_("This candidate is no longer on the road."))
    if step >= Step.CEREMONY:
        raise ValidationError(_("Log the admission ceremony with the admission form."))
    check_after_transfer(candidate=candidate, day=date, field="date")
    locks.check_unlocked(organization=candidate.organization, day=date, today=today)
    wrong_form = check_step_form(organization=candidate.organization, step=step)
    if wrong_form:
        raise ValidationError(wrong_form)
    if earlier_steps_missing and step > candidate.step:
        pass
    elif step not in next_steps(candidate):
        following = next_steps(candidate)
        raise ValidationError(
            _("Steps are taken in order: the next step is “%(step)s”.")
            % {"step": Step(following[0] if following else candidate.step + 1).label}
        )
    if date > today:
        problems.append(_("The date cannot be in the future."))
    if date < candidate.step_date:
        problems.append(
            _("The date cannot be before the previous step (%(date)s).") % {"date": _d(candidate.step_date)}
        )
    given = introducers or []
    if step == Step.INTRODUCTION or (earlier_steps_missing and given):
        existing = [
            {"kind": i.kind, "full_name": i.full_name, "known_since": i.known_since} for i in introducers_on_file
        ]
        on = date if step == Step.INTRODUCTION else getattr(records.get(Step.INTRODUCTION), "date", date)
        problems += check_introducers(introducers=existing + given, on=on)
    problems += step_problems(candidate=candidate, step=step, date=date, records=records)
    if problems:
        raise ValidationError(problems)

    new_introducers = _introducers(candidate, given, user)
    record = StepRecord(candidate=candidate, step=step, date=date, document_number=document_number.strip(), note=note)
    record.recorded_by = user if getattr(user, "pk", None) else None
    _stamp(record, user, gettext_noop("advanced"))
    candidate.step, candidate.step_date = step, date
    if step == Step.CELL_RESOLUTION:
        candidate.due_on = add_working_days(date, rule("DECISION_WORKING_DAYS"), calendar)
    elif step == Step.DECISION:
        candidate.due_on = add_working_days(date, rule("CEREMONY_WORKING_DAYS"), calendar)
    elif step != Step.COMMITTEE_RESOLUTION:  # the decision stays due from the cell resolution
        candidate.due_on = None
    _stamp(candidate, user, gettext_noop("advanced"))
    return record, new_introducers


def _introducers(candidate: Candidate, given: list[dict], user) -> list[Introducer]:
    """The introducers given, as records of `candidate` (not saved)."""
    introducers = []
    for item in given:
        introducer = Introducer(
            candidate=candidate,
            kind=item["kind"],
            full_name=item["full_name"].strip(),
            known_since=item.get("known_since"),
        )
        _stamp(introducer, user, gettext_noop("introduction"))
        introducers.append(introducer)
    return introducers


# Steps whose validity runs out before the cell considers the file (PROCEDURE.md): the
# awareness-class certificate (valid CERTIFICATE_VALID_MONTHS) and the introductions (redone,
# with the mass organizations' opinions, after INTRODUCTION_STALE_MONTHS).
RENEWABLE = (Step.CLASS, Step.INTRODUCTION)


def valid_records(
    candidate: Candidate, records: dict[int, StepRecord], on: dt.date
) -> dict[int, StepRecord | StepRenewal]:
    """The candidate's steps (`records`, by step) with those taken again at their latest
    taking on or before `on` (StepRenewal): what the checks of a step dated `on` read (a
    class attended again on 25/01 does not make a certificate valid for a resolution of
    20/01). One query."""
    latest = dict(records)
    for renewal in candidate.renewals.filter(date__lte=on).order_by("date", "pk"):
        latest[renewal.step] = renewal
    return latest


def steps_to_take_again(candidate: Candidate, on: dt.date) -> list[int]:
    """The steps taken whose validity has run out on `on`, which the cell resolution would
    refuse (step_problems): the candidate takes them again (step_take_again). None once the
    cell resolution is recorded, or off the road. Two queries (steps, and steps taken again)."""
    if candidate.outcome != Outcome.IN_PROGRESS or candidate.archived_at or candidate.step >= Step.CELL_RESOLUTION:
        return []
    records = valid_records(candidate, {r.step: r for r in candidate.steps.all() if r.step in RENEWABLE}, on)
    dates = {step: records[step].date for step in RENEWABLE if step in records}
    expired = []
    if Step.CLASS in dates and check_certificate(certificate_on=dates[Step.CLASS], on=on):
        expired.append(Step.CLASS)
    if Step.INTRODUCTION in dates and check_introductions_fresh(introduced_on=dates[Step.INTRODUCTION], on=on):
        expired.append(Step.INTRODUCTION)
    return expired


@transaction.atomic
def step_take_again(
    *,
    candidate: Candidate,
    step: int,
    date: dt.date,
    document_number: str = "",
    note: str = "",
    introducers: list[dict] | None = None,
    user,
    today: dt.date,
) -> StepRenewal:
    """Take again a step whose validity ran out (steps_to_take_again): the class attended
    again, the introductions and opinions redone, with their new introducers (checked as the
    first time). The first taking stays on record as it was: the road of every past day, a
    locked year's included, reads as before; the steps after it are checked against the
    new date (valid_records), and the road goes on from it."""
    candidate = Candidate.objects.select_for_update().select_related("organization").get(pk=candidate.pk)
    step = int(step)
    if step not in steps_to_take_again(candidate, today):
        raise ValidationError(
            _("Only an expired class certificate or stale introductions are taken again, before the cell resolution.")
        )
    previous = valid_records(candidate, {r.step: r for r in candidate.steps.filter(step=step)}, today)[step]
    check_after_transfer(candidate=candidate, day=date, field="date")
    locks.check_unlocked(organization=candidate.organization, day=date, today=today)
    problems = []
    if date > today:
        problems.append(_("The date cannot be in the future."))
    if date <= previous.date:
        problems.append(_("The date must be after the one it replaces (%(date)s).") % {"date": _d(previous.date)})
    given = introducers or []
    if step == Step.INTRODUCTION:
        problems += check_introducers(introducers=given, on=date)
    if problems:
        raise ValidationError(problems)
    renewal = StepRenewal(candidate=candidate, step=step, date=date, document_number=document_number.strip(), note=note)
    renewal.recorded_by = user if getattr(user, "pk", None) else None
    _stamp(renewal, user, gettext_noop("taken again"))
    renewal.save()
    if step == Step.INTRODUCTION:
        for introducer in _introducers(candidate, given, user):
            introducer.renewal = renewal
            introducer.save()
    if candidate.step == step:  # the next step is dated from this one
        candidate.step_date = date
        _stamp(candidate, user, gettext_noop("taken again"))
        candidate.save()
    return renewal
