"""The reference candidate import: each row written through the page services themselves
(candidate_create, candidate_advance, admission_record), one save at a time, as imports
did before the bulk write. tests/test_import_scale.py compares the bulk import with it and
bench/imports.py times it as the "before"; production code never calls it."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from admissions import services
from admissions.imports import check_file, error_messages
from admissions.models import Candidate, Step
from common.xlsx import ImportFailed, RowError
from organizations import locks
from organizations.models import Organization


def candidates_import_row_by_row(*, upload, under: Organization, user, today: dt.date) -> list[Candidate]:
    """The same file checks as `candidates_import`, then each row written on its own."""
    checked = check_file(upload=upload, under=under, user=user, today=today)
    return _import_row_by_row(
        checked.parsed, checked.twins, checked.duplicates, checked.errors, known=checked.known, user=user, today=today
    )


def _import_row_by_row(parsed, twins, duplicates, errors, *, known, user, today) -> list[Candidate]:
    """The reference: each row written through candidate_create, candidate_advance and
    admission_record, one save (with its history row, tally move and signals) at a time."""
    created = []
    with transaction.atomic(), locks.read_once(today=today, organizations=known.values()):
        for item, twin, found in zip(parsed, twins, duplicates, strict=True):
            try:
                with transaction.atomic():
                    created.append(_write(item, looked_up={"twin": twin, "duplicates": found}, user=user, today=today))
            except ValidationError as exc:
                errors.append(RowError(item["row"].number, "; ".join(error_messages(exc))))
        if errors:
            raise ImportFailed(sorted(errors, key=lambda e: e.row))
    return created


def _write(item: dict, *, looked_up: dict, user, today: dt.date) -> Candidate:
    """One row through the services of the pages: created, moved to its step, admitted."""
    step, step_date, ceremony = item["step"], item["step_date"], item["ceremony"]
    earlier, introducers = item["earlier"], item["introducers"]
    candidate = services.candidate_create(
        **item["person"],
        user=user,
        today=today,
        source_date=earlier[0][1] if earlier else step_date,
        source_document=item["row"].text("document_number") if step == Step.SOURCE else "",
        notes=_("Imported from Excel: earlier steps not recorded."),
        looked_up=looked_up,
        source_on_file=step == Step.SOURCE,
    )
    # The earlier steps the file dates, then the row's step: each checked as on the page.
    introduced = any(earlier_step == Step.INTRODUCTION for earlier_step, _day in earlier)
    for earlier_step, day in earlier:
        services.candidate_advance(
            candidate=candidate,
            step=earlier_step,
            date=day,
            introducers=introducers if earlier_step == Step.INTRODUCTION else None,
            user=user,
            today=today,
            earlier_steps_missing=True,
        )
    if step > Step.SOURCE:
        services.candidate_advance(
            candidate=candidate,
            step=step,
            date=step_date,
            document_number=item["decision_number"] if ceremony else item["row"].text("document_number"),
            introducers=None if introduced else introducers,
            user=user,
            today=today,
            earlier_steps_missing=True,
        )
    elif introducers:
        raise ValidationError(_("introducers are given for a step before the introductions"))
    if ceremony:
        services.admission_record(
            candidate=candidate, ceremony_date=ceremony, user=user, today=today, twin=looked_up["twin"]
        )
    return candidate
