"""The current year of the demo, whatever day seed_demo runs (fixtures/candidates.json).

So that a board opening the tool on any day sees a living year: admissions from January up
to today against Đơn Dương's plan copied to the year, a pipeline with recent dates at every
step, and the alerts a real year has. Dates are computed from `today` and never lie in the
future. Each person is tagged in the notes (CURRENT_TAG + year + a stable key) and created
once: running seed_demo again, even another day, adds only what is missing. Last year's
invented people who were left on the road carry on (or leave it) this year.
"""

import datetime as dt
import random

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError

from admissions import services
from admissions.categories import Category
from admissions.models import DEMO_NOTE, Candidate, IntroducerKind, Outcome, Step
from organizations.models import Organization, OrgForm

from . import fixtures
from .people import HELPERS, SECTOR_CATEGORIES, MorePeople, dates_back, names_taken, person, walk, where

CURRENT_TAG = "[minh họa năm "  # the current year's people: f"{DEMO_NOTE} [minh họa năm 2026: key]"
D = dt.date
_CANDIDATES = fixtures.load("candidates")
_YEAR = _CANDIDATES["current_year"]
# Đơn Dương (its allocation table copied to this year): share of the allocation reached pro
# rata of the year gone, and pupils admitted in the high schools.
DON_DUONG_PACE = {code: (pace["share"], pace["pupils"]) for code, pace in _YEAR["don_duong_pace"].items()}
DON_DUONG_QUOTA = {
    row["organization"]: row["total"] for row in fixtures.load("allocations")[_YEAR["don_duong_allocation"]]["rows"]
}
# Elsewhere: admissions this year (category, how many); some meet the 97-KH/TU rules, some not.
OTHERS_ADMITTED = {
    code: [(row["category"], row["count"]) for row in rows] for code, rows in _YEAR["others_admitted"].items()
}
OVERDUE_DECISION, OVERDUE_CEREMONY, CERTIFICATE, PROBATION, RECOGNITION_LATE, RECOGNIZED, STUCK = (
    "decision",
    "ceremony",
    "certificate",
    "probation",
    "recognition",
    "recognized",
    "stuck",
)
# Who needs attention where (the board's alerts).
ALERTS = _YEAR["alerts"]
ROAD = [s for s in Step if s < Step.CEREMONY]
SEED_FACT_ORGS = tuple(_CANDIDATES["seed_facts"])  # no admission but those of seed 002


def _year_start(today: dt.date) -> dt.date:
    """The first working days of January (or 1 January early in the year)."""
    return D(today.year, 1, 6) if today >= D(today.year, 1, 6) else D(today.year, 1, 1)


def _spread(rng, today: dt.date, n: int, last: dt.date | None = None) -> list[dt.date]:
    """`n` days spread over the months from early January to `last` (today by default)."""
    first, last = _year_start(today), min(last or today, today)
    if last < first:
        last = first
    span = (last - first).days
    days = []
    for i in range(n):
        centre = (i + 0.5) / n * span
        jitter = rng.uniform(-0.4, 0.4) * span / max(n, 1)
        days.append(first + dt.timedelta(days=round(min(max(centre + jitter, 0), span))))
    return sorted(days)


def _admitted(rng, ceremony: dt.date, today: dt.date, recognized: bool = False) -> dict[int, dt.date]:
    dates = dates_back(rng, ceremony, Step.CEREMONY)
    if recognized:
        day = ceremony + relativedelta(months=services.rule("PROBATION_MONTHS")) + dt.timedelta(days=rng.randint(2, 9))
        if day <= today:
            dates[Step.RECOGNITION] = day
    return dates


def _alert_dates(rng, kind: str, today: dt.date) -> tuple[int, dict[int, dt.date]]:
    """The steps of a person who triggers alert `kind` on `today` (or a recent recognition)."""
    probation = relativedelta(months=services.rule("PROBATION_MONTHS"))
    if kind == OVERDUE_DECISION:  # resolved 3½–4½ months ago, no decision yet (60 working days)
        # (a grassroots cell has no committee resolution: _walk stops at its cell resolution)
        step = rng.choice([Step.CELL_RESOLUTION, Step.COMMITTEE_RESOLUTION])
        dates = dates_back(rng, today - dt.timedelta(days=rng.randint(95, 120)), step)
        return step, dates
    if kind == OVERDUE_CEREMONY:  # decided 2–2½ months ago, no ceremony yet (30 working days)
        return Step.DECISION, dates_back(rng, today - dt.timedelta(days=rng.randint(55, 75)), Step.DECISION)
    if kind == CERTIFICATE:  # the class certificate (valid 5 years) runs out within the month
        step = rng.choice([Step.HELPERS, Step.APPLICATION, Step.VERIFICATION, Step.INTRODUCTION])
        dates = dates_back(rng, today - dt.timedelta(days=rng.randint(3, 20)), step)
        valid = relativedelta(months=services.rule("CERTIFICATE_VALID_MONTHS"))
        dates[Step.CLASS] = today - valid + dt.timedelta(days=rng.randint(6, 25))
        dates[Step.SOURCE] = dates[Step.CLASS] - dt.timedelta(days=rng.randint(20, 60))
        return step, dates
    if kind == PROBATION:  # admitted 11–12 months ago: the probation ends within the month
        ceremony = today - probation + dt.timedelta(days=rng.randint(4, 26))
        return Step.CEREMONY, _admitted(rng, ceremony, today)
    if kind == RECOGNITION_LATE:  # probation over two months ago, still not recognized
        ceremony = today - probation - dt.timedelta(days=rng.randint(65, 85))
        return Step.CEREMONY, _admitted(rng, ceremony, today)
    if kind == RECOGNIZED:  # probation just over and recognized on time
        ceremony = today - probation - dt.timedelta(days=rng.randint(15, 40))
        return Step.RECOGNITION, _admitted(rng, ceremony, today, recognized=True)
    if kind == STUCK:  # no step for 7–8 months
        step = rng.choice([Step.CLASS, Step.HELPERS, Step.APPLICATION, Step.VERIFICATION])
        return step, dates_back(rng, today - dt.timedelta(days=rng.randint(200, 250)), step)
    raise ValueError(kind)


def _current_people(today: dt.date) -> list[tuple[str, str, str | None, dict[int, dt.date]]]:
    """(key, organization code, category or None for the place's usual ones, dates) for the year."""
    year, fraction = today.year, (today - D(today.year, 1, 1)).days / 365
    people = []

    def rng_for(key: str) -> random.Random:
        return random.Random(f"{year}:{key}")

    def admitted(code: str, n: int, category, tag: str, last: dt.date | None = None) -> None:
        rng = rng_for(f"{code}:{tag}")
        for i, ceremony in enumerate(_spread(rng, today, n, last)):
            key = f"{code}:{tag}{i + 1}"
            people.append((key, code, category, _admitted(rng_for(key), ceremony, today)))

    for code, (pace, pupils) in DON_DUONG_PACE.items():
        n = max(round(DON_DUONG_QUOTA[code] * pace * fraction), pupils, 1)
        if pupils:  # pupils are admitted before they leave school in May
            admitted(code, pupils, Category.PUPIL, "hs", last=D(year, 5, 20))
            admitted(code, n - pupils, Category.CIVIL_SERVANT, "gv")
        elif code.startswith("LD.DD.THPT"):
            admitted(code, n, Category.CIVIL_SERVANT, "gv")
        else:
            admitted(code, n, None, "kn")
    for code, rows in OTHERS_ADMITTED.items():
        for category, n in rows:
            if category == Category.PUPIL:
                admitted(code, n, category, "hs", last=D(year, 5, 20))
            elif category == Category.STUDENT:
                admitted(code, max(round(n * fraction), 1), category, "sv")
            else:
                admitted(code, n, category, "cn" if category else "kn")
    # the pipeline: a few people on the road in every Đơn Dương organization, recent dates
    for n, code in enumerate(DON_DUONG_PACE):  # every step of the road several times over
        for i, step in enumerate(sorted(ROAD[(2 * n + j) % len(ROAD)] for j in range(2))):
            key = f"{code}:road{i + 1}"
            end = today - dt.timedelta(days=rng_for(key).randint(2, 75))
            people.append((key, code, None, dates_back(rng_for(key), end, step)))
    # the clerk's school: someone at every step, recently
    for step in ROAD:
        if step == Step.COMMITTEE_RESOLUTION:  # a grassroots cell: the decision follows its resolution
            continue
        key = f"LD.DT.DTR:step{int(step)}"
        end = today - dt.timedelta(days=rng_for(key).randint(2, 40))
        people.append((key, "LD.DT.DTR", None, dates_back(rng_for(key), end, step)))
    for code in ("LD.DHDL", "LD.DL.TP", "LD.DL.BTX", "LD.DT.NT", "LD.DT.HHT", "LD.DT.DN3", "LD.DL.DN2"):
        rng = rng_for(f"{code}:road")
        for i, step in enumerate(rng.sample(ROAD, 1)):
            key = f"{code}:road{i + 1}"
            end = today - dt.timedelta(days=rng_for(key).randint(2, 75))
            people.append((key, code, None, dates_back(rng_for(key), end, step)))
    for code, kinds in ALERTS.items():
        for kind in kinds:
            key = f"{code}:{kind}"
            _step, dates = _alert_dates(rng_for(key), kind, today)
            people.append((key, code, None, dates))
    return people


def seed_current_year(today: dt.date) -> int:
    """Create the current year's people not yet present; returns how many were added."""
    prefix = f"{CURRENT_TAG}{today.year}: "
    present = {
        notes.split(prefix, 1)[1].split("]", 1)[0]
        for notes in Candidate.objects.filter(notes__contains=prefix).values_list("notes", flat=True)
    }
    wanted = [row for row in _current_people(today) if row[0] not in present]
    if not wanted:
        return 0
    orgs = {o.code: o for o in Organization.objects.filter(code__in={code for _k, code, *_r in wanted})}
    people = MorePeople(random.Random(today.year))
    people.used.update(names_taken())
    made, places = 0, {}
    for key, code, category, dates in wanted:
        org = orgs.get(code)
        if org is None or not org.is_active:
            continue
        rng = random.Random(f"{today.year}:{key}:walk")
        if code not in places:
            places[code] = where(org)
        place = rng.choice(places[code])
        if category is None:
            category = rng.choice(SECTOR_CATEGORIES.get(place.sector, [Category.OTHER]))
        if place.form == OrgForm.GRASSROOTS_CELL:  # no grassroots committee resolution in a grassroots cell
            dates.pop(Step.COMMITTEE_RESOLUTION, None)
        people.rng = rng
        someone = person(rng, people, place, category, dates)
        someone["notes"] = f"{DEMO_NOTE} {prefix}{key}]"
        walk(rng, place, someone, dates, today)
        made += 1
    return made


def move_on_last_years_road(today: dt.date) -> int:
    """The invented 2025 people still on the road carry on this year, as they would.

    Those with no step for six months: pupils have mostly left school; of the others
    some moved away or withdrew, some are still stuck (the alerts show them), the rest
    took their next steps in recent months, and an admission decision got its ceremony.
    The seed facts (2023–2024) and every 2025 record are left as they are. Each person's
    fate is drawn from their name and birth date, so a second run changes nothing.
    """
    stale = (
        Candidate.objects.filter(
            notes=DEMO_NOTE,
            outcome=Outcome.IN_PROGRESS,
            archived_at__isnull=True,
            step__lt=Step.CEREMONY,
            step_date__gte=D(2025, 1, 1),
            step_date__lt=min(today - relativedelta(months=services.rule("STUCK_MONTHS")), D(today.year, 1, 1)),
        )
        .select_related("organization")
        .order_by("pk")
    )
    moved = 0
    start = _year_start(today)
    for candidate in stale:
        rng = random.Random(f"{today.year}:{candidate.search_name}:{candidate.date_of_birth}")
        fate = rng.random()
        pupil = candidate.category == Category.PUPIL
        try:
            if pupil or fate < 0.2:  # pupils have left school since
                day = start + dt.timedelta(days=rng.randint(0, max((today - start).days, 0)))
                if pupil:
                    day = min(day, D(today.year, 6, 15), today)
                services.candidate_withdraw(
                    candidate=candidate,
                    outcome=Outcome.MOVED_AWAY if pupil or fate < 0.1 else Outcome.WITHDRAWN,
                    on_date=max(day, candidate.step_date),
                    reason="Ra trường, chuyển nơi học tập" if pupil else "Chuyển nơi cư trú, công tác",
                    user=None,
                    today=today,
                )
            elif fate < 0.3:
                continue  # still stuck: the alerts show them
            elif candidate.step >= Step.CELL_RESOLUTION and candidate.organization.code in SEED_FACT_ORGS:
                continue  # their admissions are exactly those of seed 002
            elif candidate.step >= Step.CELL_RESOLUTION:  # resolved last year: decided and admitted early this year
                _admit_late(rng, candidate, start, today)
            else:
                _carry_on(rng, candidate, today)
            moved += 1
        except ValidationError:
            continue  # a check of the road refuses (say, introductions too old): left as it is
    return moved


def _admit_late(rng, candidate: Candidate, start: dt.date, today: dt.date) -> None:
    day = start + dt.timedelta(days=rng.randint(0, min(45, max((today - start).days, 0))))
    number = f"{rng.randint(10, 199)}"
    if candidate.step == Step.CELL_RESOLUTION and Step.DECISION not in services.next_steps(candidate):
        services.candidate_advance(
            candidate=candidate,
            step=Step.COMMITTEE_RESOLUTION,
            date=day,
            document_number=f"{number}-NQ/ĐU",
            user=None,
            today=today,
        )
        candidate.refresh_from_db()
        day += dt.timedelta(days=rng.randint(7, 15))
    if candidate.step != Step.DECISION:
        services.candidate_advance(
            candidate=candidate,
            step=Step.DECISION,
            date=min(day, today),
            document_number=f"{number}-QĐ/HU",
            user=None,
            today=today,
        )
        candidate.refresh_from_db()
        day += dt.timedelta(days=rng.randint(10, 25))
    services.admission_record(candidate=candidate, ceremony_date=min(day, today), user=None, today=today)


def _carry_on(rng, candidate: Candidate, today: dt.date) -> None:
    """One to three next steps in recent months, at most up to the committee resolution."""
    steps = []
    step = candidate.step
    for _i in range(rng.randint(1, 3)):
        following = services.next_steps(candidate) if not steps else [step + 1]
        step = following[0]
        if step > Step.COMMITTEE_RESOLUTION or (
            step == Step.COMMITTEE_RESOLUTION and candidate.organization.form == OrgForm.GRASSROOTS_CELL
        ):
            break
        steps.append(step)
    if not steps:
        return
    last = today - dt.timedelta(days=rng.randint(2, 30))
    dates = {s: last - dt.timedelta(days=rng.randint(10, 25) * (len(steps) - 1 - i)) for i, s in enumerate(steps)}
    for s in steps:
        introducers = None
        if s == Step.INTRODUCTION:
            helpers = rng.sample(HELPERS, 2)
            introducers = [
                {
                    "kind": IntroducerKind.MEMBER,
                    "full_name": name,
                    "known_since": candidate.step_date - relativedelta(years=2),
                }
                for name in helpers
            ]
        services.candidate_advance(
            candidate=candidate,
            step=s,
            date=dates[s],
            document_number=f"{rng.randint(10, 199)}-NQ/CB" if s == Step.CELL_RESOLUTION else "",
            introducers=introducers,
            user=None,
            today=today,
        )
        candidate.refresh_from_db()
