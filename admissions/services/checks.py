"""The eligibility rules of the road: each check returns the messages of the rules broken.

Every rule number comes from settings.ADMISSION_RULES (`rule()`); every message says the
rule, the figure and the date it was computed for.
"""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from organizations import access
from organizations.models import Organization, OrgForm

from ..models import Admission, Candidate, CandidateTransfer, Education, IntroducerKind, MembershipEnd, Step


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


def check_after_transfer(*, candidate: Candidate, day: dt.date, field: str, leaving: bool = False) -> None:
    """Raise ValidationError under `field` when `candidate`'s file moved to its organization
    (by hand or with a merger, CandidateTransfer) after `day`: on that day the file was
    elsewhere, and a step, ceremony or leaving dated then would be recorded (and counted, and
    checked for locks) at the organization it moved to. Called beside each dated write's
    `locks.check_unlocked`; a candidate not yet saved (an import's row, handed over in
    date order as it goes) has no transfer on file."""
    if day is None or candidate.pk is None:
        return
    moved = (
        CandidateTransfer.objects.filter(candidate=candidate, valid_until__gt=day)
        .select_related("organization")
        .order_by("-valid_until")
        .first()
    )
    if moved is None:
        return
    if leaving:
        message = _(
            "The file was moved from %(source)s to %(org)s on %(date)s: "
            "the date the candidate leaves the road cannot be before that day."
        )
    else:
        message = _(
            "The file was moved from %(source)s to %(org)s on %(date)s: "
            "the date of this step cannot be before that day."
        )
    names = {"source": moved.organization.name, "org": candidate.organization.name, "date": _d(moved.valid_until)}
    raise ValidationError({field: ValidationError(message % names, code="transferred")})


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
