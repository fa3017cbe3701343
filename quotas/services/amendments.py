"""An issued plan changes only through an amendment: the checks every write shares, and the
PlanAmendment it records with each old → new.
"""

import datetime as dt

from django.core.exceptions import ValidationError
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


def _amend(*, plan: Plan, user, today: dt.date, reason: str, changes: list[dict]) -> PlanAmendment | None:
    if not _is_issued(plan) or not changes:
        return None
    return PlanAmendment.objects.create(plan=plan, made_on=today, made_by=user, reason=reason, changes=changes)


def _change(what: str, old, new) -> dict:
    return {"what": str(what), "old": "" if old is None else str(old), "new": "" if new is None else str(new)}
