"""A candidate's record: created (checked, not a duplicate), its personal data edited,
withdrawn from the road or archived.
"""

import datetime as dt
import functools

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from common.audit import stamp as _stamp
from common.text import fold
from organizations import locks
from organizations.models import Organization

from .. import selectors
from ..models import Admission, Candidate, CandidateTransfer, Outcome, Step, StepRecord
from .checks import (
    _d,
    admitted_problems,
    check_after_transfer,
    check_age,
    check_education,
    check_readmission_end,
    readmission_twin_problems,
)

# The person's fields a page or an import may set, in the order the forms show them
# (admissions/forms.py), then those of an earlier membership (a re-admission).
PERSONAL = (
    "full_name",
    "date_of_birth",
    "gender",
    "ethnicity",
    "religion",
    "education",
    "category",
    "introduced_by",
    "national_id",
    "notes",
    "provincial_consent_on",
    # What the statistical form of new members counts (blank: not stated).
    "youth_union_member",
    "general_education",
    "professional_level",
    "theory_level",
)
READMISSION = ("earlier_membership_ended_on", "earlier_membership_end", "earlier_membership_note")
PERSONAL_FIELDS = (*PERSONAL, *READMISSION)
LEAVING_OUTCOMES = (Outcome.WITHDRAWN, Outcome.NOT_QUALIFIED, Outcome.MOVED_AWAY)


# The fields full_clean leaves out when a candidate is built: the search name is made from the
# name, the organization is a loaded instance (checked), not an id to look up.
CLEAN_EXCLUDE = ("search_name", "organization")


@functools.cache
def _unique_checked() -> bool:
    """Whether full_clean's unique checks can refuse a new candidate: not while its only unique
    field is the id (None before the save), and finding that out per instance was 10% of an
    import's checks. Worked out from the model, so a unique field added later is checked."""
    unique, for_date = Candidate()._get_unique_checks(exclude=set(CLEAN_EXCLUDE))
    return bool(for_date) or any(fields != (Candidate._meta.pk.name,) for _model, fields in unique)


def candidate_full_clean(candidate: Candidate) -> None:
    """candidate.full_clean(exclude=CLEAN_EXCLUDE, validate_constraints=False) (the table's one
    constraint is checked by candidate_build), without the unique checks while they can refuse
    nothing: a third of full_clean's time on an import's rows."""
    candidate.full_clean(exclude=CLEAN_EXCLUDE, validate_unique=_unique_checked(), validate_constraints=False)


def ended_message(organization: Organization) -> str:
    """Why no candidate can be added to `organization`, which has ended: a merged one names
    its successor and the day (its candidates go on there), as the merger's own history does."""
    if organization.merged_into_id is not None:
        message = _("%(org)s was merged into %(target)s on %(date)s: from that day its candidates are developed there.")
        return message % {
            "org": organization.name,
            "target": organization.merged_into.name,
            "date": _d(organization.dissolved_on),
        }
    return _("Cannot add a candidate to a dissolved organization.")


def merger_handover(
    candidate: Candidate, *, source: Organization, target: Organization, on_date: dt.date, user
) -> CandidateTransfer:
    """What a merger of `source` into `target` on `on_date` does to `candidate`, still on the
    road at `source` that day: its file goes on at `target`, and a CandidateTransfer (returned,
    not saved) keeps it at `source` until that day, so the reports of an earlier day place it
    there. `transfer_with_merger` does it at the merger; an import of a road begun before the
    merger and entered late does it at the same day."""
    candidate.organization = target
    # The history shows the organizations (old → new); the reason says why and from when.
    reason = _("handed over with the merger of their organization from %(date)s") % {"date": _d(on_date)}
    _stamp(candidate, user, reason)
    return CandidateTransfer(candidate=candidate, organization=source, valid_until=on_date)


def _check_person(*, date_of_birth: dt.date, today: dt.date, errors: dict) -> None:
    if date_of_birth and date_of_birth > today:
        errors.setdefault("date_of_birth", []).append(_("The date of birth cannot be in the future."))


@transaction.atomic
def candidate_create(**fields) -> Candidate:
    """A new candidate at the first step of the road (identified as a source): every check
    of `candidate_build`, then saved (with its identification's step record when on file)."""
    candidate, record = candidate_build(**fields)
    candidate.save()
    if record is not None:
        record.candidate = candidate
        record.save()
    return candidate


def candidate_build(
    *,
    organization: Organization,
    user,
    today: dt.date,
    full_name: str,
    date_of_birth: dt.date,
    gender: str,
    category: str,
    education: str,
    source_date: dt.date,
    source_document: str = "",
    ethnicity: str = "Kinh",
    religion: str = "",
    introduced_by: str = "none",
    national_id: str = "",
    notes: str = "",
    provincial_consent_on: dt.date | None = None,
    allow_duplicate: bool = False,
    looked_up: dict | None = None,
    source_on_file: bool = True,
    readmission: bool = False,
    earlier_membership_ended_on: dt.date | None = None,
    earlier_membership_end: str = "",
    earlier_membership_note: str = "",
    youth_union_member: bool | None = None,
    general_education: str = "",
    professional_level: str = "",
    theory_level: str = "",
    begun_before_merger: bool = False,
) -> tuple[Candidate, StepRecord | None]:
    """A new candidate at the first step of the road (identified as a source), checked and
    not saved: the candidate and the step record of its identification (None when not on
    file). `candidate_create` saves them; imports save many at once.

    A person already admitted anywhere in the party is refused (without saying where if
    it is outside the user's scope); a likely duplicate in the user's scope is refused
    unless `allow_duplicate` (the page's "not the same person"). `looked_up`: the
    imports' batched look-ups of these ({"twin": Admission | None, "duplicates": [...]}).
    `source_on_file` False: an import of someone further on the road, whose identification
    is not in the file (no step record is made up for it).
    `readmission`: a former member (kết nạp lại), with how and when the earlier
    membership ended; their earlier admission on record is then expected, not refused.
    `begun_before_merger`: an import of a road begun at an organization merged since, entered
    late; accepted when `source_date` is before the merger, the caller handing the candidate
    over on the merger's day (`merger_handover`) if it was still on the road then.
    """
    merged_later = (
        begun_before_merger and organization.merged_into_id is not None and source_date < organization.dissolved_on
    )
    if not organization.is_active and not merged_later:
        raise ValidationError(ended_message(organization))
    if organization.founded_on and source_date < organization.founded_on:
        # Every later step follows this date: none can be dated before the founding either
        # (a candidate handed over by a merger keeps the steps taken at its predecessor).
        raise ValidationError(
            {
                "source_date": _("%(org)s was founded on %(date)s: a candidate's road there cannot begin before it.")
                % {"org": organization.name, "date": _d(organization.founded_on)}
            }
        )
    if source_on_file:  # the identification is a step record dated `source_date`
        locks.check_unlocked(organization=organization, day=source_date, today=today)
    candidate = Candidate(
        organization=organization,
        full_name=" ".join(full_name.split()),
        date_of_birth=date_of_birth,
        gender=gender,
        category=category,
        education=education,
        ethnicity=ethnicity.strip() or "Kinh",
        religion=religion.strip(),
        introduced_by=introduced_by,
        national_id=national_id.strip(),
        notes=notes,
        provincial_consent_on=provincial_consent_on,
        readmission=readmission,
        earlier_membership_ended_on=earlier_membership_ended_on,
        earlier_membership_end=earlier_membership_end,
        earlier_membership_note=earlier_membership_note.strip(),
        youth_union_member=youth_union_member,
        general_education=general_education,
        professional_level=professional_level,
        theory_level=theory_level,
        step=Step.SOURCE,
        step_date=source_date,
    )
    errors: dict[str, list[str]] = {}
    _check_person(date_of_birth=date_of_birth, today=today, errors=errors)
    if source_date > today:
        errors.setdefault("source_date", []).append(_("The date cannot be in the future."))
    if readmission:
        # The time since the end is checked at the cell resolution (it may pass on the road).
        ended = check_readmission_end(
            ended_on=earlier_membership_ended_on, how=earlier_membership_end, reason=earlier_membership_note, on=today
        )
        if ended:
            errors.setdefault("earlier_membership_ended_on", []).extend(ended)
    elif earlier_membership_ended_on or earlier_membership_end:
        errors.setdefault("earlier_membership_ended_on", []).append(
            _("The earlier membership is given for a re-admission only.")
        )
    try:
        # The organization is a loaded instance (checked above), not an id to look up; the
        # table's one constraint (a re-admission has its earlier end) is checked just above.
        candidate_full_clean(candidate)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    candidate.search_name = fold(candidate.full_name)
    twin = looked_up["twin"] if looked_up is not None else selectors.admitted_twin(candidate)
    if readmission:
        problems = readmission_twin_problems(twin=twin, ended_on=earlier_membership_ended_on, user=user)
    else:
        problems = admitted_problems(twin=twin, user=user)
    if problems:
        # Not a likely duplicate to confirm: a person admitted once is not admitted again
        # (re-admission is its own procedure).
        raise ValidationError(problems, code="admitted")
    if not allow_duplicate:
        _check_duplicates(
            candidate,
            user,
            found=looked_up["duplicates"] if looked_up is not None else None,
            ignore_admitted=readmission,
        )
    _stamp(candidate, user, gettext_noop("created"))
    if not source_on_file:
        return candidate, None
    record = StepRecord(candidate=candidate, step=Step.SOURCE, date=source_date, document_number=source_document)
    record.recorded_by = user if getattr(user, "pk", None) else None
    _stamp(record, user, gettext_noop("created"))
    return candidate, record


def _check_duplicates(
    candidate: Candidate, user, found: list[Candidate] | None = None, ignore_admitted: bool = False
) -> None:
    if found is None:
        duplicates = selectors.likely_duplicates(
            user=user,
            full_name=candidate.full_name,
            date_of_birth=candidate.date_of_birth,
            national_id=candidate.national_id,
            exclude_pk=candidate.pk,
        )
        found = list(duplicates.exclude(outcome=Outcome.ADMITTED)[:3] if ignore_admitted else duplicates[:3])
    # A re-admission's earlier record is the same person by design (checked as its twin).
    found = [c for c in found if c.pk != candidate.pk and not (ignore_admitted and c.outcome == Outcome.ADMITTED)][:3]
    if found:
        names = ", ".join(f"{c.full_name} ({c.organization.name})" for c in found)
        raise ValidationError(
            _(
                "This looks like a person already on record: %(names)s. "
                "One person is admitted once. Tick “not the same person” to save anyway."
            )
            % {"names": names},
            code="duplicate",
        )


@transaction.atomic
def candidate_update(*, candidate: Candidate, user, today: dt.date, allow_duplicate: bool = False, **fields):
    """Change a candidate's personal data (not the steps or the outcome)."""
    unknown = set(fields) - set(PERSONAL_FIELDS)
    if unknown:
        raise TypeError(f"Cannot update {sorted(unknown)} here")
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    # The person's data is what the reports of their admission count (Biểu 2): locked with it.
    admitted = Admission.objects.filter(candidate=candidate, archived_at__isnull=True).select_related("organization")
    for admission in admitted:
        locks.check_unlocked(organization=admission.organization, day=admission.ceremony_date, today=today)
    for name, value in fields.items():
        setattr(candidate, name, value)
    errors: dict[str, list[str]] = {}
    _check_person(date_of_birth=candidate.date_of_birth, today=today, errors=errors)
    resolution = candidate.steps.filter(step=Step.CELL_RESOLUTION).first()
    if resolution and candidate.date_of_birth:
        # The rules checked at the cell resolution still hold with the corrected data.
        errors_age = check_age(date_of_birth=candidate.date_of_birth, on=resolution.date)
        if errors_age:
            errors.setdefault("date_of_birth", []).extend(errors_age)
        errors_education = check_education(education=candidate.education, on=resolution.date)
        if errors_education:
            errors.setdefault("education", []).extend(errors_education)
    earlier = {"earlier_membership_ended_on", "earlier_membership_end", "earlier_membership_note"}
    if candidate.readmission and earlier & set(fields):
        ended = check_readmission_end(
            ended_on=candidate.earlier_membership_ended_on,
            how=candidate.earlier_membership_end,
            reason=candidate.earlier_membership_note,
            on=today,
        )
        if ended:
            errors.setdefault("earlier_membership_ended_on", []).extend(ended)
    elif not candidate.readmission and any(fields.get(name) for name in earlier):
        errors.setdefault("earlier_membership_ended_on", []).append(
            _("The earlier membership is given for a re-admission only.")
        )
    if candidate.provincial_consent_on and candidate.provincial_consent_on > today:
        errors.setdefault("provincial_consent_on", []).append(_("The date cannot be in the future."))
    try:
        candidate.full_clean(exclude=["search_name"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    if not allow_duplicate and ({"full_name", "date_of_birth", "national_id"} & set(fields)):
        _check_duplicates(candidate, user)
    _stamp(candidate, user, gettext_noop("edited"))
    candidate.save()
    return candidate


@transaction.atomic
def candidate_withdraw(
    *, candidate: Candidate, outcome: str, on_date: dt.date, reason: str = "", user, today: dt.date
) -> Candidate:
    """The candidate leaves the road: withdrawn, not qualified or moved away (kept, not deleted)."""
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    if outcome not in LEAVING_OUTCOMES:
        raise ValidationError(_("Choose why the candidate leaves the road."))
    if candidate.outcome != Outcome.IN_PROGRESS or candidate.archived_at:
        raise ValidationError(_("This candidate is no longer on the road."))
    if on_date > today:
        raise ValidationError(_("The date cannot be in the future."))
    check_after_transfer(candidate=candidate, day=on_date, field="on_date", leaving=True)
    locks.check_unlocked(organization=candidate.organization, day=on_date, today=today)
    if on_date < candidate.step_date:
        raise ValidationError(
            _("The date cannot be before the previous step (%(date)s).") % {"date": _d(candidate.step_date)}
        )
    candidate.outcome, candidate.outcome_date, candidate.due_on = outcome, on_date, None
    if reason:
        candidate.notes = f"{candidate.notes}\n{_d(on_date)}: {reason}".strip()
    _stamp(candidate, user, reason or str(Outcome(outcome).label))
    candidate.save()
    return candidate


@transaction.atomic
def candidate_archive(
    *, candidate: Candidate, reason: str, user, now: dt.datetime | None = None, today: dt.date | None = None
) -> Candidate:
    """Hide a mistaken record from lists and reports (never deleted; its admission too).

    Archiving takes every step of the candidate (and the admission) out of the reports:
    refused when any of their dates lies in a locked period."""
    if not reason.strip():
        raise ValidationError(_("Give the reason for archiving."))
    candidate = Candidate.objects.select_for_update(of=("self",)).select_related("organization").get(pk=candidate.pk)
    if candidate.archived_at:
        raise ValidationError(_("This record is already archived."))
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    locks.check_days_unlocked(
        organization=candidate.organization, days=candidate.steps.values_list("date", flat=True), today=today
    )
    for admission in Admission.objects.filter(candidate=candidate).select_related("organization"):
        locks.check_unlocked(organization=admission.organization, day=admission.ceremony_date, today=today)
    candidate.archived_at, candidate.archive_reason, candidate.due_on = now, reason.strip(), None
    _stamp(candidate, user, reason)
    candidate.save()
    admission = Admission.objects.filter(candidate=candidate, archived_at__isnull=True).first()
    if admission is not None:
        admission.archived_at, admission.archive_reason = now, reason.strip()
        _stamp(admission, user, reason)
        admission.save()
    return candidate


@transaction.atomic
def candidate_transfer(
    *, candidate: Candidate, organization: Organization, on_date: dt.date, user, today: dt.date, reason: str = ""
) -> Candidate:
    """The candidate's file moves to another organization from `on_date` (chuyển nơi bồi
    dưỡng: they changed school, workplace or residence). A CandidateTransfer keeps where
    they were until that day, for the reports of earlier days; the pipeline tallies follow
    the save. Refused for a file no longer on the road, to an organization that has ended
    or was founded later, in the future, before the candidate's last step or last move,
    or on a day locked for either organization. `organization` must come from the
    caller's scope (the form's choices)."""
    from common.cache import organizations_changed

    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    source = candidate.organization
    if candidate.outcome != Outcome.IN_PROGRESS or candidate.archived_at:
        raise ValidationError(_("This candidate is no longer on the road."))
    if organization.pk == source.pk:
        raise ValidationError(_("The candidate is already developed at %(org)s.") % {"org": organization.name})
    if not organization.is_active:
        raise ValidationError(ended_message(organization))
    if on_date > today:
        raise ValidationError(_("The date cannot be in the future."))
    if on_date < candidate.step_date:
        raise ValidationError(
            _("The date cannot be before the previous step (%(date)s).") % {"date": _d(candidate.step_date)}
        )
    if organization.founded_on and on_date < organization.founded_on:
        raise ValidationError(
            _("%(org)s was founded on %(date)s.") % {"org": organization.name, "date": _d(organization.founded_on)}
        )
    last = candidate.transfers.order_by("-valid_until").values_list("valid_until", flat=True).first()
    if last is not None and on_date < last:
        raise ValidationError(
            _("The candidate already moved on %(date)s; a new move cannot be dated before that day.")
            % {"date": _d(last)}
        )
    locks.check_unlocked(organization=source, day=on_date, today=today)
    locks.check_unlocked(organization=organization, day=on_date, today=today)
    if last != on_date:  # a second move the same day: where they were before that day is kept already
        CandidateTransfer.objects.create(candidate=candidate, organization=source, valid_until=on_date)
    candidate.organization = organization
    if reason:
        candidate.notes = f"{candidate.notes}\n{_d(on_date)}: {reason}".strip()
    # The history shows the organizations (old → new); the reason says from when.
    _stamp(candidate, user, _("moved to another organization from %(date)s") % {"date": _d(on_date)})
    candidate.save()
    organizations_changed([source.pk])  # the save reports the new organization; the old one's answers too
    return candidate


def transfer_with_merger(sender, source: Organization, target: Organization, on_date: dt.date, user=None, **kwargs):
    """Receiver of organizations.signals.organization_merged (after the tallies' own): the
    candidates still on the road at `source` go on at `target`, whose staff carry their
    files from the merger's day (the candidate lists of the new commune show them). Each
    keeps a CandidateTransfer (at `source` until `on_date`), so the reports of an earlier
    day place them where they were; the change is in each candidate's history. Counted
    for `target` before as after (a merged organization's candidates count for its
    successor): no tally changes, and the merger already made every cached answer stale."""
    from common.imports import insert_history

    moving = list(Candidate.objects.filter(organization=source, outcome=Outcome.IN_PROGRESS, archived_at__isnull=True))
    if not moving:
        return
    CandidateTransfer.objects.bulk_create(
        [merger_handover(c, source=source, target=target, on_date=on_date, user=user) for c in moving]
    )
    Candidate.objects.bulk_update(moving, ["organization"])
    insert_history(moving, Candidate, history_type="~")
