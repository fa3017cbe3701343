"""Writes for candidates and admissions. Views, imports, demo data and tests call these.

Every rule number comes from settings.ADMISSION_RULES (PROCEDURE.md gives the
defaults and how sure they are). Each function validates everything before it saves
and raises ValidationError with a message in the user's language.
"""

import datetime as dt

import holidays as holiday_calendars
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from common.audit import stamp as _stamp
from common.text import fold
from organizations import access, locks
from organizations.models import Organization, OrgForm

from . import selectors
from .models import (
    Admission,
    Candidate,
    Education,
    Holiday,
    Introducer,
    IntroducerKind,
    MembershipEnd,
    Outcome,
    Step,
    StepRecord,
)
from .workdays import Calendar, add_working_days, calendar_between

PERSONAL_FIELDS = (
    "full_name",
    "date_of_birth",
    "gender",
    "ethnicity",
    "religion",
    "education",
    "category",
    "youth_union_member",
    "general_education",
    "professional_level",
    "theory_level",
    "introduced_by",
    "national_id",
    "notes",
    "provincial_consent_on",
    "earlier_membership_ended_on",
    "earlier_membership_end",
    "earlier_membership_note",
)
LEAVING_OUTCOMES = (Outcome.WITHDRAWN, Outcome.NOT_QUALIFIED, Outcome.MOVED_AWAY)


def rule(name: str):
    return settings.ADMISSION_RULES[name]


def _d(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def age_in_months(date_of_birth: dt.date, day: dt.date) -> int:
    """Age on `day` counted to the month, as the statute counts it (the day of the month is ignored)."""
    return (day.year - date_of_birth.year) * 12 + day.month - date_of_birth.month


def age_on(date_of_birth: dt.date, day: dt.date) -> int:
    """Full years on `day`, counted to the month: born 31/05/2007 is 18 all through May 2025."""
    return age_in_months(date_of_birth, day) // 12


def needs_consent(date_of_birth: dt.date, day: dt.date) -> bool:
    """Over the consent age on `day`: from the month after the one in which the person turns it."""
    return age_in_months(date_of_birth, day) > rule("CONSENT_AGE_YEARS") * 12


def months_between(start: dt.date, end: dt.date) -> int:
    """Full months from `start` to `end` (12 from 01/09/2023 to 01/09/2024, 11 to 31/08/2024)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (end.day < start.day)


# ---------------------------------------------------------------- eligibility
# Each check returns the messages of the rules broken (empty when the rule holds); every
# message says the rule, the figure and the date it was computed for. These block the
# step. Deadlines are not here: they never block a record (see selectors.days_late).


def check_age(*, date_of_birth: dt.date, on: dt.date) -> list[str]:
    months = age_in_months(date_of_birth, on)
    if months >= rule("MIN_AGE_YEARS") * 12:
        return []
    return [
        _(
            "Age rule (at least %(min)d full years, counted to the month): the candidate is %(years)d years "
            "%(months)d months old on %(date)s."
        )
        % {"min": rule("MIN_AGE_YEARS"), "years": months // 12, "months": months % 12, "date": _d(on)}
    ]


def check_consent(*, date_of_birth: dt.date, resolution_on: dt.date, consent_on: dt.date | None, on: dt.date):
    if not needs_consent(date_of_birth, resolution_on) or (consent_on is not None and consent_on <= on):
        return []
    months = age_in_months(date_of_birth, resolution_on)
    return [
        _(
            "Upper age rule (over %(age)d needs the written consent of the provincial standing committee before "
            "the decision): the candidate is %(years)d years %(months)d months old on %(date)s, the date of the "
            "cell resolution; record the consent, dated on or before the decision."
        )
        % {"age": rule("CONSENT_AGE_YEARS"), "years": months // 12, "months": months % 12, "date": _d(resolution_on)}
    ]


def check_education(*, education: str, on: dt.date) -> list[str]:
    levels = list(Education.values)
    minimum = rule("MIN_EDUCATION")
    if education in levels and levels.index(education) >= levels.index(minimum):
        return []
    return [
        _("Education rule (at least %(min)s): the candidate's education is %(level)s on %(date)s.")
        % {
            "min": str(Education(minimum).label).lower(),
            "level": str(Education(education).label).lower() if education in levels else education,
            "date": _d(on),
        }
    ]


def check_introducers(*, introducers: list[dict], on: dt.date) -> list[str]:
    """Two official members, or one plus the Youth Union committee; each member has known the candidate."""
    problems = []
    for item in introducers:
        if not (item.get("full_name") or "").strip():
            problems.append(_("Every introducer needs a name."))
            break
    kinds = [item["kind"] for item in introducers]
    members = kinds.count(IntroducerKind.MEMBER)
    if not (members >= 2 or (members >= 1 and IntroducerKind.YOUTH_UNION in kinds)):
        problems.append(
            _(
                "Introducers rule: two official members, or one plus the Youth Union committee; "
                "on %(date)s there are %(members)d member(s)%(youth)s."
            )
            % {
                "date": _d(on),
                "members": members,
                "youth": _(" and the Youth Union committee") if IntroducerKind.YOUTH_UNION in kinds else "",
            }
        )
    needed = rule("INTRODUCER_KNOWN_MONTHS")
    for item in introducers:
        if item["kind"] != IntroducerKind.MEMBER:
            continue
        name = (item.get("full_name") or "").strip()
        since = item.get("known_since")
        if since is None:
            problems.append(
                _(
                    "Introducers rule (a member who has worked, studied or lived with the candidate for at least "
                    "%(min)d months): give the date since when %(name)s has known the candidate."
                )
                % {"min": needed, "name": name}
            )
        elif months_between(since, on) < needed:
            problems.append(
                _(
                    "Introducers rule (a member who has worked, studied or lived with the candidate for at least "
                    "%(min)d months): %(name)s has known the candidate since %(since)s, %(n)d months on %(date)s, "
                    "the date of the introductions."
                )
                % {
                    "min": needed,
                    "name": name,
                    "since": _d(since),
                    "n": max(months_between(since, on), 0),
                    "date": _d(on),
                }
            )
    return problems


def check_certificate(*, certificate_on: dt.date | None, on: dt.date) -> list[str]:
    if certificate_on is None:
        return []
    valid_until = certificate_on + relativedelta(months=rule("CERTIFICATE_VALID_MONTHS"))
    if on <= valid_until:
        return []
    return [
        _(
            "Certificate rule (the awareness-class certificate is valid %(n)d months): the certificate of "
            "%(issued)s expired on %(until)s, before the cell resolution of %(date)s; the candidate must attend "
            "the class again."
        )
        % {
            "n": rule("CERTIFICATE_VALID_MONTHS"),
            "issued": _d(certificate_on),
            "until": _d(valid_until),
            "date": _d(on),
        }
    ]


def check_introductions_fresh(*, introduced_on: dt.date | None, on: dt.date) -> list[str]:
    """PROCEDURE: introductions older than N months before the cell considers the file are redone."""
    if introduced_on is None or on <= introduced_on + relativedelta(months=rule("INTRODUCTION_STALE_MONTHS")):
        return []
    return [
        _(
            "Stale introductions rule (no more than %(n)d months before the cell resolution): the introductions "
            "of %(intro)s are %(months)d months old on %(date)s; redo the introductions and opinions."
        )
        % {
            "n": rule("INTRODUCTION_STALE_MONTHS"),
            "intro": _d(introduced_on),
            "months": months_between(introduced_on, on),
            "date": _d(on),
        }
    ]


def check_readmission_end(*, ended_on: dt.date | None, how: str, reason: str, on: dt.date) -> list[str]:
    """Re-admission: the earlier membership's end (date and how) and its reason are on file."""
    if ended_on is None or not how:
        return [_("Re-admission rule: give the date and the way the earlier membership ended.")]
    problems = []
    if ended_on > on:
        problems.append(
            _("Re-admission rule: the earlier membership ended on %(end)s, after %(date)s.")
            % {"end": _d(ended_on), "date": _d(on)}
        )
    if not reason.strip():
        problems.append(_("Re-admission rule: give the reason the earlier membership ended."))
    if how in rule("READMISSION_BARRED"):
        problems.append(
            _("Re-admission rule (a former member whose membership ended so is not re-admitted): %(how)s on %(end)s.")
            % {"how": str(MembershipEnd(how).label).lower(), "end": _d(ended_on)}
        )
    return problems


def check_readmission_wait(*, ended_on: dt.date, on: dt.date) -> list[str]:
    """Re-admission: not sooner than N months after the earlier membership ended (at the cell resolution)."""
    needed = rule("READMISSION_MIN_MONTHS")
    months = months_between(ended_on, on)
    if months >= needed:
        return []
    return [
        _(
            "Re-admission rule (at least %(min)d months after the earlier membership ended): it ended on "
            "%(end)s, %(n)d months before %(date)s."
        )
        % {"min": needed, "end": _d(ended_on), "n": max(months, 0), "date": _d(on)}
    ]


def readmission_twin_problems(*, twin: Admission | None, ended_on: dt.date | None, user) -> list[str]:
    """For a re-admission, the earlier admission on record (if any) is the membership that ended."""
    if twin is None:
        return []
    if twin.readmission:
        return [_("This person was already re-admitted once: a person is re-admitted once.")]
    if ended_on is not None and twin.ceremony_date >= ended_on:
        if user is None or access.has_perm(user, twin.organization, access.Perm.VIEW_PERSONAL):
            return [
                _("The admission on record (%(date)s) is not before the end of the earlier membership (%(end)s).")
                % {"date": _d(twin.ceremony_date), "end": _d(ended_on)}
            ]
        return [_("The admission on record is not before the end of the earlier membership.")]
    return []


def check_step_form(*, organization: Organization, step: int) -> list[str]:
    """The committee resolution is a step of a cell under a grassroots committee, not of a grassroots cell."""
    if step == Step.COMMITTEE_RESOLUTION and organization.form == OrgForm.GRASSROOTS_CELL:
        return [
            _(
                "%(org)s is a grassroots cell: it has no grassroots committee, so after the cell resolution "
                "comes the admission decision."
            )
            % {"org": organization.name}
        ]
    return []


# ---------------------------------------------------------------- holidays


@transaction.atomic
def holidays_seed(*, years: range | list[int]) -> int:
    """Add the Vietnamese public holidays of `years` and the make-up working days (from the
    `holidays` package), and move the deadlines they change.

    Existing dates are left alone, so an administrator's edits survive a re-seed.
    """
    calendar = holiday_calendars.country_holidays("VN", years=list(years), language="vi")
    existing = set(Holiday.objects.filter(date__in=list(calendar)).values_list("date", flat=True))
    new = [Holiday(date=day, name=name[:120]) for day, name in sorted(calendar.items()) if day not in existing]
    swaps = {day: name for day, name in make_up_working_days(years).items() if day not in calendar}
    known = set(Holiday.objects.filter(date__in=list(swaps)).values_list("date", flat=True))
    new += [Holiday(date=day, name=name[:120], working=True) for day, name in sorted(swaps.items()) if day not in known]
    Holiday.objects.bulk_create(new)
    for holiday in new:  # a day added to the calendar moves the deadlines around it
        deadlines_refresh(around=holiday.date)
    return len(new)


def make_up_working_days(years) -> dict[dt.date, str]:
    """The weekend days worked for a swapped day off, as the `holidays` package lists them.

    The package keeps each swap as (day off, day worked[, year worked]); only the day
    off is in its calendar, so the day worked is read from its table of swaps.
    """
    from holidays.countries.vietnam import VietnamStaticHolidays

    days: dict[dt.date, str] = {}
    for year in years:
        swaps = VietnamStaticHolidays.special_public_holidays.get(year, ())
        if swaps and isinstance(swaps[0], int):
            swaps = (swaps,)
        for swap in swaps:
            month_off, day_off, month_worked, day_worked, *worked_year = swap
            worked = dt.date(worked_year[0] if worked_year else year, month_worked, day_worked)
            days[worked] = f"Ngày làm việc bù (cho ngày nghỉ {dt.date(year, month_off, day_off):%d/%m/%Y})"
    return days


@transaction.atomic
def deadlines_refresh(*, around: dt.date) -> int:
    """Recompute the working-day deadlines that a holiday on `around` may move.

    Called when an administrator edits the holiday calendar. Returns the rows changed.
    """
    span = dt.timedelta(days=200)  # longer than any deadline in working days
    holidays = calendar_between(around - 2 * span, around + 2 * span)
    resolution = StepRecord.objects.filter(candidate=OuterRef("pk"), step=Step.CELL_RESOLUTION).values("date")[:1]
    changed: list = []
    candidates = Candidate.objects.filter(
        outcome=Outcome.IN_PROGRESS,
        archived_at__isnull=True,
        step__in=[Step.CELL_RESOLUTION, Step.COMMITTEE_RESOLUTION, Step.DECISION],
        step_date__gte=around - span,
        step_date__lte=around,
    ).annotate(resolution_on=Subquery(resolution))
    for candidate in candidates:
        if candidate.step == Step.DECISION:
            due = add_working_days(candidate.step_date, rule("CEREMONY_WORKING_DAYS"), holidays)
        else:
            due = add_working_days(candidate.resolution_on, rule("DECISION_WORKING_DAYS"), holidays)
        if due != candidate.due_on:
            candidate.due_on = due
            changed.append(candidate)
    Candidate.objects.bulk_update(changed, ["due_on"])
    admissions = Admission.objects.filter(
        archived_at__isnull=True,
        recognized_on__isnull=True,
        struck_off_on__isnull=True,
        probation_due__gte=around - span,
        probation_due__lte=around,
    )
    moved = []
    for admission in admissions:
        due = add_working_days(admission.probation_due, rule("RECOGNITION_WORKING_DAYS"), holidays)
        if due != admission.recognition_due:
            admission.recognition_due = due
            moved.append(admission)
    Admission.objects.bulk_update(moved, ["recognition_due"])
    return len(changed) + len(moved)


# ---------------------------------------------------------------- candidates


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
    """
    if not organization.is_active:
        raise ValidationError(_("Cannot add a candidate to a dissolved organization."))
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
        candidate.full_clean(exclude=["search_name", "organization"], validate_constraints=False)
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


def admitted_problems(*, twin: Admission | None, user) -> list[str]:
    """One person, one admission, party-wide; what lies outside the user's scope is not shown."""
    if twin is None:
        return []
    if user is None or access.has_perm(user, twin.organization, access.Perm.VIEW_PERSONAL):
        return [
            _("This person was already admitted on %(date)s: a person is admitted once.")
            % {"date": _d(twin.ceremony_date)}
        ]
    return [
        _(
            "A person with this name and date of birth (or ID number) is already admitted in another "
            "organization: a person is admitted once. Ask the organization board above to check."
        )
    ]


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


def next_steps(candidate: Candidate) -> list[int]:
    """The steps `candidate_advance` accepts now (the ceremony goes through admission_record).

    The road follows the organization's form: a grassroots cell is itself the grassroots
    organization, so it goes from the cell resolution straight to the decision; a cell
    under a grassroots committee needs the committee's resolution first.
    """
    if candidate.outcome != Outcome.IN_PROGRESS or candidate.archived_at or candidate.step >= Step.DECISION:
        return []
    following = candidate.step + 1
    if check_step_form(organization=candidate.organization, step=following):
        following += 1
    return [following]


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
    records = {r.step: r for r in candidate.steps.all()}
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

    new_introducers = []
    for item in given:
        introducer = Introducer(
            candidate=candidate,
            kind=item["kind"],
            full_name=item["full_name"].strip(),
            known_since=item.get("known_since"),
        )
        _stamp(introducer, user, gettext_noop("introduction"))
        new_introducers.append(introducer)
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


# ---------------------------------------------------------------- admissions


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
    locks.check_unlocked(organization=candidate.organization, day=ceremony_date, today=today)
    number = decision.document_number or decision_number.strip()
    problems = []
    if not number:
        problems.append(_("The admission decision needs its number."))
    if ceremony_date > today:
        problems.append(_("The date cannot be in the future."))
    if ceremony_date < decision.date:
        problems.append(_("The ceremony cannot be before the decision (%(date)s).") % {"date": _d(decision.date)})
    if candidate.readmission:
        problems += readmission_twin_problems(twin=twin, ended_on=candidate.earlier_membership_ended_on, user=user)
    else:
        problems += admitted_problems(twin=twin, user=user)
    if problems:
        raise ValidationError(problems)
    probation_due = ceremony_date + relativedelta(months=rule("PROBATION_MONTHS"))
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


@transaction.atomic
def admission_recognize(
    *, admission: Admission, on_date: dt.date, decision_number: str, user, today: dt.date
) -> Admission:
    """Recognition as a full member after the probation."""
    admission = _open_admission(admission)
    locks.check_unlocked(organization=admission.organization, day=on_date, today=today)
    problems = []
    if not decision_number.strip():
        problems.append(_("The recognition decision needs its number."))
    if on_date > today:
        problems.append(_("The date cannot be in the future."))
    if on_date < admission.probation_due:
        problems.append(
            _("The probation ends on %(date)s: recognition comes after it.") % {"date": _d(admission.probation_due)}
        )
    if problems:
        raise ValidationError(problems)
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
    admission = _open_admission(admission)
    locks.check_unlocked(organization=admission.organization, day=on_date, today=today)
    problems = []
    if not reason.strip():
        problems.append(_("Give the reason for striking off."))
    if on_date > today:
        problems.append(_("The date cannot be in the future."))
    if on_date < admission.ceremony_date:
        problems.append(_("The date cannot be before the ceremony (%(date)s).") % {"date": _d(admission.ceremony_date)})
    if problems:
        raise ValidationError(problems)
    admission.struck_off_on, admission.struck_off_reason = on_date, reason.strip()
    _stamp(admission, user, reason)
    admission.save()
    return admission
