"""Writes of report submissions: keyword-only, atomic, audited (common.audit.stamp).

draft → submitted → approved, or submitted → returned → submitted again. Submitting needs
the planner role (Perm.EDIT_PLANS) on the organization; returning and approving need it on
the board above it at the period's end (selectors.reviewer_of), and the view of the
organization today (_reviewable). Approving a year's report locks that year for the organization's
subtree (organizations.locks.lock_period)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from common import clock
from common.audit import stamp
from organizations import access, locks
from organizations.access import Perm
from organizations.models import Organization
from reports import periods

from . import notify, selectors
from .models import Action, ReportSubmission, ReviewStep, Status


def _period(period: str | periods.Period) -> periods.Period:
    if isinstance(period, periods.Period):
        return period
    try:
        return selectors.parse_period(period)
    except ValueError:
        raise ValidationError(_("“%(period)s” is not a report period.") % {"period": period}) from None


def _require_planner(user, organization: Organization, message: str) -> None:
    if user is None or not access.has_perm(user, organization, Perm.EDIT_PLANS):
        raise ValidationError(message, code="forbidden")


def _parent(organization: Organization, period: periods.Period, today: dt.date) -> Organization:
    """The board the report for `period` goes to (selectors.reviewer_of)."""
    parent = selectors.reviewer_of(organization, period=period, today=today)
    if parent is None:
        raise ValidationError(_("%(org)s has no level above to report to.") % {"org": organization.name})
    return parent


def not_standing_reason(organization: Organization, period: periods.Period) -> str | None:
    """Why `organization` has no report for `period` to send, or None when it has one. The
    one check of the sending service; the pages ask it too, so they offer no button the
    service would refuse. It did not exist on any of the period's days
    (reports.periods.stood_in, the rule Biểu 2 follows too); or it ended (merged or
    dissolved) before the period's end: the period it ended in is reported by those
    standing at its end, above it and its successor, as the board of reports lists them
    (selectors.board) and the calendar owes them (reports.calendar.reports_due). A district
    dissolved on 01/07/2025 sends no report of 2025-9M nor of the year 2025: the commune
    committees holding its units since report their whole year (its own closing figures
    stay on its dashboard and in its Biểu 2)."""
    if periods.stood_in(organization, period):
        if organization.dissolved_on is None or organization.dissolved_on > period.end:
            return None
        return _(
            "%(org)s ended (merged or dissolved) on %(day)s, before the period %(period)s ended: its report of "
            "that period is sent by the organizations standing at its end (the one above it, its successor)."
        ) % {"org": organization.name, "day": organization.dissolved_on.strftime("%d/%m/%Y"), "period": period.label}
    if organization.founded_on is not None and organization.founded_on > period.end:
        return _(
            "%(org)s was founded on %(day)s, after the period %(period)s ended: "
            "it has no report of that period to send."
        ) % {"org": organization.name, "day": organization.founded_on.strftime("%d/%m/%Y"), "period": period.label}
    return _(
        "%(org)s ended (merged or dissolved) on %(day)s, before the period %(period)s began: "
        "it has no report of that period to send."
    ) % {"org": organization.name, "day": organization.dissolved_on.strftime("%d/%m/%Y"), "period": period.label}


def _require_standing(organization: Organization, period: periods.Period) -> None:
    reason = not_standing_reason(organization, period)
    if reason is not None:
        raise ValidationError(reason, code="not_standing")


def _step(submission, action, user, comment="", at=None) -> ReviewStep:
    step = ReviewStep(submission=submission, action=action, user=user, at=at or timezone.now(), comment=comment)
    stamp(step, user, f"report {action}")
    step.save()
    return step


def _current(organization: Organization, period: periods.Period) -> ReportSubmission:
    submission = (
        ReportSubmission.objects.select_for_update().filter(organization=organization, period=period.key).first()
    )
    if submission is None:
        due = selectors.deadline(organization, period=period)
        submission = ReportSubmission(organization=organization, period=period.key, deadline=due and due.due_on)
    return submission


def _narrative(submission, results, limitations, proposals) -> None:
    for name, value in (("results", results), ("limitations", limitations), ("proposals", proposals)):
        if value is not None:
            setattr(submission, name, value.strip())


@transaction.atomic
def save_draft(
    *, organization: Organization, period, user, results=None, limitations=None, proposals=None
) -> ReportSubmission:
    """Keep the narrative without submitting (a submitted or approved report is not a draft)."""
    period = _period(period)
    _require_planner(
        user, organization, _("Only a planner of %(org)s may write its report.") % {"org": organization.name}
    )
    _require_standing(organization, period)
    submission = _current(organization, period)
    if submission.status in (Status.SUBMITTED, Status.APPROVED):
        raise ValidationError(_("The report has been submitted already: it can be changed only after it is returned."))
    _narrative(submission, results, limitations, proposals)
    stamp(submission, user, gettext_noop("report draft saved"))
    submission.save()
    return submission


def report_day(period: periods.Period, today: dt.date) -> dt.date:
    """The day a report of `period` is counted to: the period's last day, or today while it
    runs. A period it sends ends before it ended, if it did (not_standing_reason): on its
    last day at the latest."""
    return period.as_of(today)


def freeze(organization: Organization, period: periods.Period, today: dt.date) -> dict:
    """The figures of the report as they stand: the attainment report (reports.serialize)
    and the Biểu 2 form (reports.bieu2) of the period. Aggregated counts only."""
    from reports.bieu2 import bieu2, form_json
    from reports.engine import attainment
    from reports.serialize import attainment_json

    day = report_day(period, today)
    with translation.override("vi"):
        att = attainment(scope=organization, year=period.year, as_of=day, period=period)
        form = bieu2(organization=organization, period=period, today=today)
        return {
            "attainment": attainment_json(att),
            "bieu2": form_json(form),
            "as_of": day.isoformat(),
        }


@transaction.atomic
def submit(
    *,
    organization: Organization,
    period,
    user,
    today: dt.date | None = None,
    results=None,
    limitations=None,
    proposals=None,
    at=None,
) -> ReportSubmission:
    """Send the report to the level above: its figures frozen, the PDF and .xlsx rendered."""
    from reports.exports import render_export

    today = today or timezone.localdate()
    period = _period(period)
    _require_planner(
        user, organization, _("Only a planner of %(org)s may submit its report.") % {"org": organization.name}
    )
    _parent(organization, period, today)
    if period.start > today:
        raise ValidationError(_("The period has not begun: there is nothing to report yet."))
    _require_standing(organization, period)
    submission = _current(organization, period)
    if submission.status == Status.SUBMITTED:
        raise ValidationError(_("The report has been submitted already and awaits review."))
    if submission.status == Status.APPROVED:
        raise ValidationError(_("The report has been approved: it cannot be submitted again."))
    _narrative(submission, results, limitations, proposals)
    if not submission.results.strip():
        raise ValidationError({"results": _("Write the results before submitting the report.")})
    submission.snapshot = freeze(organization, period, today)
    submission.frozen_at = timezone.now()  # when the figures were read (submitted_at may be given)
    for fmt in ("pdf", "xlsx"):
        content, name, _type = render_export(
            organization=organization,
            year=period.year,
            as_of=report_day(period, today),
            fmt=fmt,
            period=period,
            keep_answer=False,
            dated=today,  # signed on the day it is sent, its figures counted to report_day
        )
        getattr(submission, fmt).save(name, ContentFile(content), save=False)
    was_returned = submission.status == Status.RETURNED
    submission.status = Status.SUBMITTED
    submission.submitted_at, submission.submitted_by = at or timezone.now(), user
    stamp(submission, user, gettext_noop("report resubmitted") if was_returned else gettext_noop("report submitted"))
    submission.save()
    _step(submission, Action.SUBMIT, user, at=at)
    return submission


def may_see_for_review(user, organization: Organization, board: Organization) -> bool:
    """Whether `user`, a planner of `board`, may read and decide `organization`'s report:
    they may view it today, or it stands in another tree since (a school moved to another
    province), where no one above the board holds it any longer and the board's own
    planners are the only ones left to review the period it stood under them."""
    same_tree = organization.path[: Organization.steplen] == board.path[: Organization.steplen]
    return access.has_perm(user, organization, Perm.VIEW) or not same_tree


def _reviewable(submission: ReportSubmission, user) -> Organization:
    """The board that reviews the report (the one above at the period's end), which `user`
    must plan, and the organization `user` must be able to view today (its report and its
    files are read on its pages): a planner of a district dissolved since, whose school
    stands under a commune now, leaves its half year's report to the province. A period
    that is not the organization's to send is reviewed by no one (not_standing_reason)."""
    organization, period = submission.organization, _period(submission.period)
    _require_standing(organization, period)
    parent = _parent(organization, period, clock.today())
    _require_planner(user, parent, _("Only a planner of %(org)s may review this report.") % {"org": parent.name})
    if not may_see_for_review(user, organization, parent):
        raise ValidationError(
            _(
                "%(org)s no longer stands under the organizations you belong to: "
                "the level above them reviews its report."
            )
            % {"org": organization.name},
            code="forbidden",
        )
    return parent


def _under_review(submission: ReportSubmission, user, refusal: str) -> ReportSubmission:
    """The submission locked for the reviewer's decision: `user` may review it (_reviewable),
    and the report is submitted (else `refusal`, naming its status)."""
    submission = ReportSubmission.objects.select_for_update().select_related("organization").get(pk=submission.pk)
    _reviewable(submission, user)
    if submission.status != Status.SUBMITTED:
        raise ValidationError(refusal % {"status": submission.get_status_display()})
    return submission


@transaction.atomic
def return_submission(*, submission: ReportSubmission, user, comment: str, at=None) -> ReportSubmission:
    """Send the report back for correction, saying why."""
    submission = _under_review(
        submission, user, _("Only a submitted report can be returned (this one is: %(status)s).")
    )
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what must be corrected: a returned report needs a comment.")})
    submission.status = Status.RETURNED
    stamp(submission, user, gettext_noop("report returned"))
    submission.save()
    _step(submission, Action.RETURN, user, comment, at=at)
    notify.returned(submission, user, comment)
    return submission


@transaction.atomic
def approve(*, submission: ReportSubmission, user, comment: str = "", at=None) -> ReportSubmission:
    """Accept the report; a year's report locks the year for the organization's subtree, up
    to the day its figures were counted to."""
    submission = _under_review(
        submission, user, _("Only a submitted report can be approved (this one is: %(status)s).")
    )
    now = at or timezone.now()
    submission.status = Status.APPROVED
    submission.approved_at, submission.approved_by = now, user
    stamp(submission, user, gettext_noop("report approved"))
    submission.save()
    _step(submission, Action.APPROVE, user, (comment or "").strip(), at=now)
    period = _period(submission.period)
    if period.is_year:
        with translation.override("vi"):
            reason = _("The %(year)s report was approved on %(day)s") % {
                "year": period.year,
                "day": timezone.localdate(now).strftime("%d/%m/%Y"),
            }
        # Up to the day its figures were counted to: a year report sent on 22/12 signs the
        # figures of 22/12, and the days after it stay open for what they bring.
        counted_to = selectors.counted_to(submission) or period.end
        locks.lock_period(
            organization=submission.organization,
            start=period.start,
            end=min(period.end, counted_to),
            user=user,
            reason=reason,
            source=lock_source(submission),
            at=now,
        )
    return submission


def lock_source(submission: ReportSubmission) -> str:
    return f"submission:{submission.pk}"
