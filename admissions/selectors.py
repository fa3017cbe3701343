"""Reads over candidates and admissions, always from a scoped queryset."""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Case, Count, DateField, Exists, F, OuterRef, Q, Subquery, When, Window
from django.db.models.functions import Coalesce, RowNumber

from common.text import fold
from organizations import access
from organizations.access import Perm
from organizations.models import Organization

from .models import ON_PROBATION, Admission, Candidate, Outcome, Step, StepRecord, StepRenewal, followed_rank

# The candidates of a merged organization its successor's staff follow (access.records_under):
# those it admitted, whose probation and recognition go on there, as their admissions count
# there. Those on the road were handed over with the merger; a file closed before it (the
# candidate withdrew, moved away, was not admitted) stays where it was closed.
FOLLOWED_AFTER_MERGER = Q(outcome=Outcome.ADMITTED)


def candidates(user, *, organization: Organization | None = None, include_archived: bool = False):
    """The candidates whose personal data `user` may see, optionally within one subtree,
    with the members admitted by an organization merged into one of it
    (FOLLOWED_AFTER_MERGER): the rows the alerts list are the rows the list shows and the
    candidate's page opens (views._candidate).

    `user` None is the system itself (demo data, commands): no scope limit.
    """
    qs = Candidate.objects.all()
    if organization is not None and user is not None:
        qs = access.records_under(qs, user, organization, Perm.VIEW_PERSONAL, merged=FOLLOWED_AFTER_MERGER)
    elif organization is not None:
        qs = qs.filter(organization__path__startswith=organization.path)
    elif user is not None:
        qs = qs.filter(access.scoped_records_q(user, Perm.VIEW_PERSONAL, merged=FOLLOWED_AFTER_MERGER))
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    return qs.select_related("organization")


# Those who left the road: no longer followed, listed after the others.
ENDED_OUTCOMES = (Outcome.WITHDRAWN, Outcome.NOT_QUALIFIED, Outcome.MOVED_AWAY)


def followed_first(qs):
    """Candidates on the road first, then those admitted (on probation), then those who left; by name."""
    return qs.alias(followed=followed_rank()).order_by("followed", "search_name", "pk")


def with_next_due(qs):
    """Annotate `next_due`: the deadline a candidate is followed on, which the lists show: the
    next step's (`due_on`) on the road, the recognition as a full member
    (Admission.recognition_due) while on probation, none otherwise. The same two deadlines
    as the overdue filter's (filters.CandidateFilter.filter_overdue), so that each row it
    keeps shows the deadline it is late on.

    A subquery on the page's rows only (one admission per candidate, by its unique key):
    no query more, and the paginator's count, which drops the annotation, joins nothing."""
    on_probation = Admission.objects.filter(ON_PROBATION, candidate=OuterRef("pk")).order_by()
    return qs.annotate(
        next_due=Case(
            When(outcome=Outcome.IN_PROGRESS, then=F("due_on")),
            default=Subquery(on_probation.values("recognition_due")[:1]),
            output_field=DateField(),
        )
    )


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
    qs = Admission.objects.filter(match, archived_at__isnull=True, struck_off_on__isnull=True)
    if candidate.pk:
        qs = qs.exclude(candidate=candidate)
    return qs.select_related("organization").first()


def _matcher(records: list, candidate_of):
    """person → the records (in order) of the same person: same folded name and birth date, or ID."""
    by_name: dict[tuple, list] = {}
    by_id: dict[str, list] = {}
    for record in records:
        candidate = candidate_of(record)
        by_name.setdefault((candidate.search_name, candidate.date_of_birth), []).append(record)
        if candidate.national_id:
            by_id.setdefault(candidate.national_id, []).append(record)

    def matches(person: tuple[str, dt.date | None, str]) -> list:
        search_name, date_of_birth, national_id = person
        found = list(by_name.get((search_name, date_of_birth), [])) if date_of_birth else []
        for record in by_id.get(national_id, []) if national_id else []:
            if record not in found:
                found.append(record)
        return sorted(found, key=lambda r: r.pk)

    return matches


def _people_q(people: list[tuple[str, dt.date | None, str]], prefix: str = "") -> Q:
    """A first cut of the records of `people` (folded name, birth date, ID): matched exactly in Python."""
    named = [(name, dob) for name, dob, _id in people if dob]
    ids = [national_id for _name, _dob, national_id in people if national_id]
    q = Q(pk__in=[])
    if named:
        q |= Q(
            **{
                f"{prefix}search_name__in": sorted({name for name, _dob in named}),
                f"{prefix}date_of_birth__in": sorted({dob for _name, dob in named}),
            }
        )
    if ids:
        q |= Q(**{f"{prefix}national_id__in": sorted(set(ids))})
    return q


# People per look-up query: the IN lists (at most a name, a date of birth and an ID number
# per person: 6,000 parameters) stay well within the databases' limits on parameters
# (SQLite 32,766, PostgreSQL 65,535), and a district's year-end file is one query.
PEOPLE_PER_QUERY = 2000


def _chunks(people: list) -> list[list]:
    return [people[i : i + PEOPLE_PER_QUERY] for i in range(0, len(people), PEOPLE_PER_QUERY)]


def admitted_twins_many(people: list[tuple[str, dt.date | None, str]]) -> list[Admission | None]:
    """admitted_twin for many people at once (a query per 2,000): party-wide, not limited to a scope."""
    found: dict[int, Admission] = {}
    for chunk in _chunks(people):
        qs = Admission.objects.filter(
            _people_q(chunk, "candidate__"), archived_at__isnull=True, struck_off_on__isnull=True
        ).select_related("candidate", "organization")
        found.update((a.pk, a) for a in qs)
    matches = _matcher(sorted(found.values(), key=lambda a: a.pk), lambda a: a.candidate)
    return [next(iter(matches(person)), None) for person in people]


def likely_duplicates_many(*, user, people: list[tuple[str, dt.date | None, str]]) -> list[list[Candidate]]:
    """likely_duplicates for many people at once (a query per 2,000), within the user's scope."""
    found: dict[int, Candidate] = {}
    for chunk in _chunks(people):
        qs = candidates(user).filter(_people_q(chunk)).exclude(outcome__in=[Outcome.WITHDRAWN, Outcome.MOVED_AWAY])
        found.update((c.pk, c) for c in qs)
    matches = _matcher(sorted(found.values(), key=lambda c: c.pk), lambda c: c)
    return [matches(person) for person in people]


def days_late(due: dt.date | None, *, today: dt.date) -> int:
    """Calendar days past a deadline (0 when not due yet). A deadline never blocks a record:
    it marks it overdue, and this is how much."""
    return max((today - due).days, 0) if due else 0


def board(qs, *, per_column: int = 12) -> list[dict]:
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


def certificate_valid_until(certificate_on: dt.date) -> dt.date:
    """The last day an awareness-class certificate of `certificate_on` is valid (as
    services.checks.check_certificate reads the rule): late from the day after."""
    return certificate_on + relativedelta(months=settings.ADMISSION_RULES["CERTIFICATE_VALID_MONTHS"])


def certificate_dates(qs):
    """Annotate each candidate with the date of their awareness-class certificate: the
    latest, when the class was attended again (always after the first: step_take_again)."""
    # No ordering: one record per (candidate, step), and the model's ordering would join the candidate again.
    class_date = StepRecord.objects.filter(candidate=OuterRef("pk"), step=Step.CLASS).order_by().values("date")[:1]
    again = StepRenewal.objects.filter(candidate=OuterRef("pk"), step=Step.CLASS).order_by("-date").values("date")[:1]
    return qs.annotate(certificate_on=Coalesce(Subquery(again), Subquery(class_date)))


def _alert_filters(today: dt.date) -> tuple[dict[str, Q], dict[str, Q]]:
    """What each alert selects: over live (in-progress) candidates, and over admissions on probation.

    The one definition behind the alerts page (the rows) and the home page (the counts).
    The certificate alert joins the candidate's awareness-class step (one per candidate).
    """
    rules = settings.ADMISSION_RULES
    soon = today + dt.timedelta(days=rules["ALERT_DAYS"])
    months = relativedelta(months=rules["CERTIFICATE_VALID_MONTHS"])
    candidate_alerts = {
        "certificates": Q(
            step__gte=Step.CLASS,
            step__lt=Step.CELL_RESOLUTION,
            steps__step=Step.CLASS,
            steps__date__lte=soon - months,
        )
        # … unless the class was attended again since (services.step_take_again).
        & ~Q(Exists(StepRenewal.objects.filter(candidate=OuterRef("pk"), step=Step.CLASS, date__gt=soon - months))),
        "decisions": Q(step__in=[Step.CELL_RESOLUTION, Step.COMMITTEE_RESOLUTION], due_on__lt=today),
        "ceremonies": Q(step=Step.DECISION, due_on__lt=today),
        "stuck": Q(step__lt=Step.CELL_RESOLUTION, step_date__lt=today - relativedelta(months=rules["STUCK_MONTHS"])),
    }
    admission_alerts = {
        "probation": Q(probation_due__gte=today, probation_due__lte=soon),
        "recognition": Q(recognition_due__lt=today),
    }
    return candidate_alerts, admission_alerts


def _on_probation(user, organization: Organization):
    """Members on probation admitted in the subtree or in an organization merged into one of
    it (access.records_under): the new commune's staff follow its predecessors' members."""
    rows = Admission.objects.filter(ON_PROBATION)
    rows = access.records_under(rows, user, organization, Perm.VIEW_PERSONAL)
    return rows.select_related("organization", "candidate")


def alerts(user, *, organization: Organization, today: dt.date) -> dict:
    """What needs attention in a subtree; each entry a queryset evaluated by the page."""
    on_candidates, on_admissions = _alert_filters(today)
    live = candidates(user, organization=organization).filter(outcome=Outcome.IN_PROGRESS)
    probation = _on_probation(user, organization)
    return {
        "certificates": certificate_dates(live)
        .filter(on_candidates["certificates"])
        .annotate(alert_on=F("certificate_on"))
        .order_by("certificate_on"),
        "decisions": live.filter(on_candidates["decisions"]).annotate(alert_on=F("due_on")).order_by("due_on"),
        "ceremonies": live.filter(on_candidates["ceremonies"]).annotate(alert_on=F("due_on")).order_by("due_on"),
        "probation": probation.filter(on_admissions["probation"]).order_by("probation_due"),
        "recognition": probation.filter(on_admissions["recognition"]).order_by("recognition_due"),
        "stuck": live.filter(on_candidates["stuck"]).annotate(alert_on=F("step_date")).order_by("step_date"),
    }


def deadline_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """The deadlines a clerk's start page lists: this month's, and the next 30 days' (late in the month)."""
    month_end = today + relativedelta(day=31)
    return today.replace(day=1), max(month_end, today + dt.timedelta(days=30))


def deadlines(user, *, organization: Organization, today: dt.date, limit: int = 10) -> tuple[list[dict], bool]:
    """The deadlines of the window (`deadline_window`), soonest first: candidates in progress whose
    next step falls due (decision, ceremony) and admissions whose recognition does.

    Two queries: (rows as dicts with the record, its due date, days left (negative: late)), and
    whether there are more than `limit`."""
    start, end = deadline_window(today)
    live = (
        candidates(user, organization=organization)
        .filter(outcome=Outcome.IN_PROGRESS, due_on__gte=start, due_on__lte=end)
        .order_by("due_on", "pk")
    )
    probation = (
        _on_probation(user, organization)
        .filter(recognition_due__gte=start, recognition_due__lte=end)
        .order_by("recognition_due", "pk")
    )
    rows = [{"candidate": c, "admission": None, "due": c.due_on} for c in live[: limit + 1]]
    rows += [{"candidate": a.candidate, "admission": a, "due": a.recognition_due} for a in probation[: limit + 1]]
    rows.sort(key=lambda row: (row["due"], row["candidate"].pk))
    for row in rows:
        row["days_left"] = (row["due"] - today).days
        row["days_late"] = max(-row["days_left"], 0)
    return rows[:limit], len(rows) > limit


ALERT_KEYS = ("certificates", "decisions", "ceremonies", "probation", "recognition", "stuck")


def alert_summary(user, *, organization: Organization, today: dt.date) -> tuple[dict[str, int], int]:
    """The number of each alert and of candidates on the road, for the home page.

    Three queries whatever the size of the subtree: the in-progress candidates are counted
    once with a conditional count per alert (from the index of live candidates), the
    certificate alert (a date from the steps table) apart, and the admissions on probation
    once for both of their alerts.
    """
    on_candidates, on_admissions = _alert_filters(today)
    live = candidates(user, organization=organization).filter(outcome=Outcome.IN_PROGRESS).order_by()
    # Counted on organization_id (never null), not on the id: the id is not in the indexes,
    # so counting it would read the table.
    totals = live.aggregate(
        in_progress=Count("organization"),
        **{key: Count("organization", filter=on_candidates[key]) for key in ("decisions", "ceremonies", "stuck")},
    )
    totals["certificates"] = live.filter(on_candidates["certificates"]).count()
    totals |= (
        _on_probation(user, organization)
        .order_by()
        .aggregate(**{key: Count("organization", filter=condition) for key, condition in on_admissions.items()})
    )
    return {key: totals[key] for key in ALERT_KEYS}, totals["in_progress"]


def alert_counts(user, *, organization: Organization | None, today: dt.date) -> dict[str, int]:
    """The number of each alert (a fixed number of queries, whatever the scope)."""
    if organization is None:
        return {}
    return alert_summary(user, organization=organization, today=today)[0]


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
    if field.name == "notes":  # without the demo's markers, as the page shows the notes
        from .forms import candidate_note_parts

        value = candidate_note_parts(value)[0]
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def history_rows(candidate: Candidate, *, limit: int = 30) -> list[dict]:
    """The candidate's audit trail, newest first: who, when, why, and each field's old → new.

    One query; the differences are computed between consecutive records in memory (and
    one more, for the names, when the candidate moved to another organization).
    """
    records = list(
        candidate.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    fields = [f for f in Candidate._meta.fields if f.name in {x.name for x in candidate.history.model._meta.fields}]
    fields = [f for f in fields if f.name not in HISTORY_SKIP]
    rows, moves = [], []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        changes = []
        if older is not None:
            for field in fields:
                if getattr(newer, field.attname) != getattr(older, field.attname):
                    if field.name == "organization":  # named below, not by id
                        moves.append((changes, len(changes), older.organization_id, newer.organization_id))
                    changes.append((str(field.verbose_name), _shown(older, field), _shown(newer, field)))
        rows.append({"record": newer, "reason": newer.history_change_reason or "", "changes": changes})
    if moves:
        names = dict(
            Organization.objects.filter(pk__in={pk for move in moves for pk in move[2:]}).values_list("pk", "name")
        )
        for changes, i, old, new in moves:
            changes[i] = (changes[i][0], names.get(old, "—"), names.get(new, "—"))
    return rows[:limit]
