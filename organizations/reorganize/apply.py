"""A checked reorganization file applied row by row through the organization services, all
or nothing, and kept as a Reorganization record.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.xlsx import ImportFailed, RowError

from .. import access
from ..models import Organization, Reorganization
from .operations import CREATE, apply_operation
from .preview import reorganization_preview


def decision_reason(decision: str, decision_date: dt.date | None) -> str:
    """What each changed organization's history says about why."""
    decision = (decision or "").strip()
    date = decision_date.strftime("%d/%m/%Y") if decision_date else ""
    if decision and date:
        return _("%(decision)s of %(date)s") % {"decision": decision, "date": date}
    if decision:
        return decision
    if date:
        return _("reorganization of %(date)s") % {"date": date}
    return _("reorganization")


def _common_root(paths: list[str]) -> str:
    """The longest path (whole steps) every one of `paths` starts with."""
    if not paths:
        return ""
    prefix = min(paths)
    last = max(paths)
    length = 0
    while length < len(prefix) and prefix[length] == last[length]:
        length += 1
    return prefix[: length - length % Organization.steplen]


@transaction.atomic
def reorganization_apply(
    *,
    upload,
    today: dt.date,
    user=None,
    under: Organization | None = None,
    decision: str = "",
    decision_date: dt.date | None = None,
    file_name: str = "",
) -> Reorganization:
    """Check the file, then apply its rows in order through the organization services.

    All or nothing: a bad row (found by the checks or refused by a service) raises
    ImportFailed naming it, and nothing is changed. Needs the administrator's scope.
    """
    preview = reorganization_preview(
        upload=upload,
        today=today,
        user=user,
        under=under,
        perm=access.Perm.MANAGE,
        file_name=file_name,
        check_by_applying=False,  # applied below, in the same checks
    )
    reason = decision_reason(decision, decision_date)
    touched: list[str] = []  # codes of the committees whose children change
    current = None
    try:
        with transaction.atomic():
            for current in preview.operations:
                if current.kind != CREATE:  # the committee it leaves changes too
                    acted = Organization.objects.get(code=current.code)
                    parents = Organization.objects.filter(path=acted.parent_path()).values_list("code", flat=True)
                    touched += list(parents)
                touched += [current.target] if current.target else []
                apply_operation(current, user=user, today=today, reason=reason)
            root = under
            if root is None:  # a command: file the record under the committee holding the result
                kept = Organization.objects.filter(code__in=touched, dissolved_on__isnull=True)
                kept = kept.values_list("path", flat=True)
                common = _common_root(list(kept))
                root = Organization.objects.filter(path=common).first() if common else None
            record = Reorganization.objects.create(
                decision=(decision or "").strip(),
                decision_date=decision_date,
                organization=root,
                applied_at=timezone.now(),
                applied_by=user if user is not None and user.is_authenticated else None,
                file_name=file_name[:255],
                summary=preview.summary(),
            )
    except ValidationError as exc:
        raise ImportFailed([RowError(current.row, "; ".join(exc.messages))]) from None
    except IntegrityError:
        raise ImportFailed([RowError(current.row if current else 0, _("the database refused this change"))]) from None
    return record
