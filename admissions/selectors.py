"""Reads over candidates and admissions, always from a scoped queryset."""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Count, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import RowNumber

from organizations import access
from organizations.access import Perm
from organizations.models import Organization
from organizations.text import fold

from .models import Admission, Candidate, Outcome, Step, StepRecord


def candidates(user, organization: Organization | None = None, *, include_archived: bool = False):
    """The candidates whose personal data `user` may see, optionally within one subtree.

    `user` None is the system itself (demo data, commands): no scope limit.
    """
    qs = Candidate.objects.all()
    if user is not None:
        qs = access.scoped(qs, user, Perm.VIEW_PERSONAL)
    if organization is not None:
        qs = qs.filter(organization__path__startswith=organization.path)
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    return qs.select_related("organization")


def admissions(user, organization: Organization | None = None):
    qs = access.scoped(Admission.objects.filter(archived_at__isnull=True), user, Perm.VIEW_PERSONAL)
    if organization is not None:
        qs = qs.filter(organization__path__startswith=organization.path)
    return qs.select_related("organization", "candidate")


def likely_duplicates(*, user, full_name: str, date_of_birth: dt.date | None, national_id: str = "", exclude_pk=None):
    """Candidates in the user's scope who look like the same person."""
    match = Q(search_name=fold(full_name), date_of_birth=date_of_birth) if date_of_birth else Q(pk__in=[])
    if national_id:
        match |= Q(national_id=national_id)
    qs = candidates(user).filter(match).exclude(outcome__in=[Outcome.WITHDRAWN, Outcome.MOVED_AWAY])
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("pk")


def admitted_twin(candidate: Candidate) -> Admission | None:
    """Another admission (not archived) of the same person: same folded name and birth date, or ID."""
    match = Q(candidate__search_name=candidate.search_name, candidate__date_of_birth=candidate.date_of_birth)
    if candidate.national_id:
        match |= Q(candidate__national_id=candidate.national_id)
    return (
        Admission.objects.filter(match, archived_at__isnull=True, struck_off_on__isnull=True)
        .exclude(candidate=candidate)
        .first()
    )


def board(qs, per_column: int = 12) -> list[dict]:
    """Columns of the road for in-progress candidates: count and the first names. Two queries."""
    live = qs.filter(outcome=Outcome.IN_PROGRESS)
    counts = dict(live.values("step").annotate(n=Count("pk")).values_list("step", "n"))
    ranked = (
        live.annotate(rank=Window(RowNumber(), partition_by=F("step"), order_by=[F("step_date").asc(), F("pk").asc()]))
        .filter(rank__lte=per_column)
        .order_by("step", "rank")
    )
    names: dict[int, list[Candidate]] = {}
    for candidate in ranked:
        names.setdefault(candidate.step, []).append(candidate)
    return [
        {"step": step, "label": step.label, "count": counts.get(step.value, 0), "candidates": names.get(step.value, [])}
        for step in Step
        if step < Step.CEREMONY
    ]


def certificate_dates(qs):
    """Annotate each candidate with the date of their awareness-class certificate."""
    class_date = StepRecord.objects.filter(candidate=OuterRef("pk"), step=Step.CLASS).values("date")[:1]
    return qs.annotate(certificate_on=Subquery(class_date))


def alerts(user, organization: Organization, today: dt.date) -> dict:
    """What needs attention in a subtree; each entry a queryset evaluated by the page."""
    rules = settings.ADMISSION_RULES
    soon = today + dt.timedelta(days=rules["ALERT_DAYS"])
    live = candidates(user, organization).filter(outcome=Outcome.IN_PROGRESS)
    months = relativedelta(months=rules["CERTIFICATE_VALID_MONTHS"])
    certificates = (
        certificate_dates(live.filter(step__gte=Step.CLASS, step__lt=Step.CELL_RESOLUTION))
        .filter(certificate_on__lte=soon - months)
        .annotate(alert_on=F("certificate_on"))
        .order_by("certificate_on")
    )
    probation = admissions(user, organization).filter(recognized_on__isnull=True, struck_off_on__isnull=True)
    return {
        "certificates": certificates,
        "decisions": live.filter(step__in=[Step.CELL_RESOLUTION, Step.COMMITTEE_RESOLUTION], due_on__lt=today)
        .annotate(alert_on=F("due_on"))
        .order_by("due_on"),
        "ceremonies": live.filter(step=Step.DECISION, due_on__lt=today)
        .annotate(alert_on=F("due_on"))
        .order_by("due_on"),
        "probation": probation.filter(probation_due__gte=today, probation_due__lte=soon).order_by("probation_due"),
        "recognition": probation.filter(recognition_due__lt=today).order_by("recognition_due"),
        "stuck": live.filter(
            step__lt=Step.CELL_RESOLUTION, step_date__lt=today - relativedelta(months=rules["STUCK_MONTHS"])
        )
        .annotate(alert_on=F("step_date"))
        .order_by("step_date"),
    }


def alert_counts(user, organization: Organization | None, today: dt.date) -> dict[str, int]:
    """The number of each alert, for the home page (one query per kind, whatever the scope)."""
    if organization is None:
        return {}
    found = alerts(user, organization, today)
    return {key: qs.count() for key, qs in found.items()}


HISTORY_SKIP = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
    "id",
    "created_at",
}


def _shown(record, field) -> str:
    value = getattr(record, field.attname)
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def history_rows(candidate: Candidate, limit: int = 30) -> list[dict]:
    """The candidate's audit trail, newest first: who, when, why, and each field's old → new.

    One query; the differences are computed between consecutive records in memory.
    """
    records = list(
        candidate.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    fields = [f for f in Candidate._meta.fields if f.name in {x.name for x in candidate.history.model._meta.fields}]
    fields = [f for f in fields if f.name not in HISTORY_SKIP]
    rows = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        changes = []
        if older is not None:
            for field in fields:
                if getattr(newer, field.attname) != getattr(older, field.attname):
                    changes.append((str(field.verbose_name), _shown(older, field), _shown(newer, field)))
        rows.append({"record": newer, "reason": newer.history_change_reason or "", "changes": changes})
    return rows[:limit]
