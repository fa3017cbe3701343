"""An issued plan changes only through an amendment: the checks every write shares, and the
PlanAmendment it records with each old → new.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

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


def _in_force_from(plan: Plan, day: dt.date | None, today: dt.date) -> dt.date:
    """The day an amendment of `plan` takes effect in reports: `day`, or today. An earlier
    day corrects an entry error or records a decision taken before it was entered; a later
    one is refused (the plan as stored is the plan in force today), and so is a day before
    the plan's previous amendment of its rules or tables takes effect: a report of any day
    reads the plan as one of its versions, in the order they were made."""
    day = day or today
    if not _is_issued(plan):
        return day
    if day > today:
        raise ValidationError({"in_force_from": _("An amendment cannot take effect after today.")})
    # Only the amendments reports read back (a title or a milestone changed takes no turn).
    last = max((d for d, before in plan.amendments.values_list("in_force_from", "before") if before), default=None)
    if last is not None and day < last:
        raise ValidationError(
            {
                "in_force_from": _(
                    "The plan's previous amendment is in force from %(day)s: this one cannot take effect before it."
                )
                % {"day": date_format(last, "d/m/Y")}
            }
        )
    return day


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
