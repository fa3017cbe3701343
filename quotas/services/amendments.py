"""An issued plan changes only through an amendment: the checks every write shares, and the
PlanAmendment it records with each old → new.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from organizations.locks import locks_in_force

from ..models import Plan, PlanAmendment, PlanStatus


class StaleVersion(ValidationError):
    """Someone saved the same object after it was read: nothing was saved."""


def _is_issued(plan: Plan) -> bool:
    return plan.status != PlanStatus.DRAFT


def _require_editable(plan: Plan, reason: str) -> str:
    """Drafts change freely; issued plans only with a reason (an amendment)."""
    reason = (reason or "").strip()
    if plan.status in (PlanStatus.REPLACED, PlanStatus.CLOSED):
        raise ValidationError(_("This plan is closed or replaced and can no longer be changed."))
    if _is_issued(plan) and not reason:
        raise ValidationError(_("The plan is issued: give the reason for this amendment."))
    return reason


def _in_force_from(plan: Plan, day: dt.date | None, today: dt.date, *, key: tuple[str, int] | None = None) -> dt.date:
    """The day an amendment of `plan` takes effect in reports: `day`, or today. An earlier
    day corrects an entry error or records a decision taken before it was entered.

    Refused: a day after today (the plan as stored is the plan in force today); a day after
    the plan's last year (no report of it would read the change); a day inside a period an
    approved report locked, of an organization the plan's targets reach (the report signed
    stays as signed: reopen the period first); a day before the previous amendment of the
    same rule or table (`key`: ("rules" or "tables", its pk)) takes effect, so that a report
    of any day reads each rule and table as one of its versions, in the order they were made."""
    day = day or today
    if not _is_issued(plan):
        return day
    if day > today:
        raise ValidationError({"in_force_from": _("An amendment cannot take effect after today.")})
    if plan.last_year is not None and day.year > plan.last_year:
        raise ValidationError(
            {
                "in_force_from": _(
                    "The plan's last year, %(year)s, is over: an amendment in force from %(day)s would change none"
                    " of its reports. Give the day it takes effect, on or before 31/12/%(year)s."
                )
                % {"year": plan.last_year, "day": date_format(day, "d/m/Y")}
            }
        )
    last_day = plan.issuer.last_day
    if last_day is not None and day > last_day:
        # Its reports end that day; the units it held follow their new committees' plans.
        raise ValidationError(
            {
                "in_force_from": _(
                    "%(issuer)s has ended (its last day was %(end)s): an amendment of its plan takes effect"
                    " on or before that day."
                )
                % {"issuer": plan.issuer.name, "end": date_format(last_day, "d/m/Y")}
            }
        )
    lock = _locked_report(plan, day, today)
    if lock is not None:
        raise ValidationError(
            {
                "in_force_from": _(
                    "The report of %(organization)s counted to %(end)s is approved and its period locked: an"
                    " amendment of the targets can take effect from %(next)s at the earliest, unless an"
                    " administrator of the level above reopens the period."
                )
                % {
                    "organization": lock.organization.name,
                    "end": date_format(lock.end, "d/m/Y"),
                    "next": date_format(lock.end + dt.timedelta(days=1), "d/m/Y"),
                }
            }
        )
    last = _last_in_force(plan, key) if key else None
    if last is not None and day < last:
        raise ValidationError(
            {
                "in_force_from": _(
                    "The previous amendment of this rule or table is in force from %(day)s: this one cannot take"
                    " effect before it."
                )
                % {"day": date_format(last, "d/m/Y")}
            }
        )
    return day


def _locked_report(plan: Plan, day: dt.date, today: dt.date):
    """The latest lock in force (an approved report) of an organization whose reports read
    the plan's targets (its issuer, one under it or above it, today or before a move, or
    one that a merger joined organizations of it into: a commune formed in 2025 reports the
    rows of its communes in the dissolved district's table), counted to `day` or later in a
    year the plan covers; None if there is none."""
    issuer = plan.issuer
    reach = (
        Q(organization__path__startswith=issuer.path)
        | Q(organization__path__in=issuer.ancestor_paths())
        | Q(organization__past_paths__path__startswith=issuer.path)
        | Q(organization__merged_from__path__startswith=issuer.path)
        | Q(organization__merged_from__past_paths__path__startswith=issuer.path)
    )
    locks = locks_in_force(today=today).filter(reach, end__gte=day, end__year__gte=plan.first_year)
    if plan.last_year is not None:
        locks = locks.filter(end__year__lte=plan.last_year)
    return locks.order_by("-end").first()


def _last_in_force(plan: Plan, key: tuple[str, int]) -> dt.date | None:
    """The day the latest amendment of this rule or table takes effect (what it replaced is
    kept under `key` in PlanAmendment.before)."""
    group, pk = key
    days = [
        d for d, before in plan.amendments.values_list("in_force_from", "before") if str(pk) in before.get(group, {})
    ]
    return max(days, default=None)


def _amend(
    *,
    plan: Plan,
    user,
    today: dt.date,
    reason: str,
    changes: list[dict],
    in_force_from: dt.date | None = None,
    before: dict | None = None,
) -> PlanAmendment | None:
    """Record the amendment of an issued plan; `before`: what it replaced, for the reports
    of the days before `in_force_from` (see PlanAmendment.before)."""
    if not _is_issued(plan) or not changes:
        return None
    return PlanAmendment.objects.create(
        plan=plan,
        made_on=today,
        in_force_from=in_force_from or today,
        made_by=user,
        reason=reason,
        changes=changes,
        before=before or {},
    )


def _change(what: str, old, new) -> dict:
    return {"what": str(what), "old": "" if old is None else str(old), "new": "" if new is None else str(new)}
