"""Invented people walked through admissions.services, step by step (every check of the road
holds for the demo data too). Their names and categories come from fixtures/people.json;
every one carries the note admissions.models.DEMO_NOTE. Also used by devdata.synthetic's
small scales (`invented_people`, `walk_invented`)."""

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta

from admissions import services
from admissions.categories import Category
from admissions.models import DEMO_NOTE, Admission, Candidate, IntroducerKind, Step
from organizations import locks
from organizations.models import Organization

from . import fixtures

PEOPLE = fixtures.load("people")
FAMILY, HELPERS = PEOPLE["family"], PEOPLE["helpers"]
MIDDLE_M, MIDDLE_F = PEOPLE["middle_male"], PEOPLE["middle_female"]
GIVEN_M, GIVEN_F = PEOPLE["given_male"], PEOPLE["given_female"]
K_HO, K_HO_GIVEN, K_HO_MORE = PEOPLE["k_ho"], PEOPLE["k_ho_given"], PEOPLE["k_ho_given_more"]  # K'Ho and Churu
SECTOR_CATEGORIES = PEOPLE["sector_categories"]
# The professional level each education of the road's records implies (Biểu 2 keeps them apart).
PROFESSIONAL = PEOPLE["professional"]


class People:
    """Invented names, never the same twice."""

    def __init__(self, rng: random.Random):
        self.rng, self.used = rng, set()

    def name(self, gender: str, ethnic: bool) -> str:
        for _attempt in range(200):
            if ethnic:
                name = f"{self.rng.choice(K_HO)} {self.rng.choice(K_HO_GIVEN)}"
                name = name.replace("K' ", "K'")
            else:
                middle = MIDDLE_M if gender == "male" else MIDDLE_F
                given = GIVEN_M if gender == "male" else GIVEN_F
                name = f"{self.rng.choice(FAMILY)} {self.rng.choice(middle)} {self.rng.choice(given)}"
            if name not in self.used:
                self.used.add(name)
                return name
        name = f"{name} {len(self.used)}"
        self.used.add(name)
        return name


def dates_back(rng, end: dt.date, until: int) -> dict[int, dt.date]:
    """Dates of steps 1..until ending on `end`, a few weeks apart."""
    dates, day = {}, end
    for step in range(until, 0, -1):
        dates[step] = day
        day -= dt.timedelta(days=rng.randint(12, 30))
    return dates


def person(rng, people, org: Organization, category: str, dates: dict[int, dt.date]) -> dict:
    """An invented person, old enough on the day of the cell resolution (or the last step)."""
    gender = rng.choice(["male", "female"])
    ethnic = org.code.startswith("LD.DD") and rng.random() < 0.3
    checked = dates.get(Step.CELL_RESOLUTION) or dates[max(dates)]
    if category == Category.PUPIL:
        born = checked - relativedelta(years=18, days=rng.randint(10, 250))
        education = "upper_secondary"
    elif category == Category.STUDENT:
        born = checked - relativedelta(years=rng.randint(19, 22), days=rng.randint(0, 300))
        education = "upper_secondary"
    else:
        born = checked - relativedelta(years=rng.randint(22, 45), days=rng.randint(0, 300))
        education = rng.choice(["lower_secondary", "upper_secondary", "vocational", "university"])
    person = {
        "full_name": people.name(gender, ethnic),
        "gender": gender,
        "date_of_birth": born,
        "category": category,
        "education": education,
        "ethnicity": "K'Ho" if ethnic else "Kinh",
        "introduced_by": "youth_union"
        if category in (Category.PUPIL, Category.STUDENT)
        else rng.choice(["trade_union", "farmers_union", "womens_union", "youth_union", "veterans"]),
    }
    return {**person, **_form_fields(person, checked)}


def _form_fields(person: dict, day: dt.date) -> dict:
    """What the statistical form of new members counts, drawn from the person's own name and
    birth date (a generator apart: the rest of the demo draws exactly what it drew before).
    Đơn Dương's ethnic people are K'Ho or Chu Ru, some of them Protestant or Catholic; a few
    records leave a field unstated, as old records do."""
    rng = random.Random(f"bieu2:{person['full_name']}:{person['date_of_birth']}")
    fields: dict = {}
    if person["ethnicity"] != "Kinh":
        if rng.random() < 0.3:
            fields["ethnicity"] = "Chu Ru"
        fields["religion"] = rng.choice(["Tin Lành", "Công giáo", "", ""])
    else:
        fields["religion"] = rng.choice(["Công giáo", "Phật giáo"]) if rng.random() < 0.15 else ""
    school = person["category"] in (Category.PUPIL, Category.STUDENT)
    young = relativedelta(day, person["date_of_birth"]).years <= 30
    fields["youth_union_member"] = school or (young and rng.random() < 0.7)
    general = "lower_secondary" if person["education"] == "lower_secondary" else "upper_secondary"
    fields["general_education"] = general
    fields["professional_level"] = "none" if school else rng.choice(PROFESSIONAL[person["education"]])
    if school:
        fields["theory_level"] = "none"
    elif person["category"] == Category.CIVIL_SERVANT:
        fields["theory_level"] = rng.choice(["primary", "primary", "intermediate"])
    else:
        fields["theory_level"] = rng.choice(["none", "none", "none", "primary"])
    # a record in twelve leaves each of these unstated
    for name in ("youth_union_member", "general_education", "professional_level", "theory_level"):
        if rng.random() < 1 / 12:
            fields[name] = None if name == "youth_union_member" else ""
    return fields


def walk(rng, org, person: dict, dates: dict[int, dt.date], today: dt.date) -> Candidate | None:
    """Create the candidate and take every step with a date up to `today`, each through
    the services and their every check. No lock is made or lifted while one person walks:
    the locks are read once for the walk (`locks.read_once`), not once per step.

    Inside `up_to_merger`, a walk at an organization about to be merged takes only its steps
    dated before the merger's day (none, and no candidate made, when the road begins on it
    or later: None is returned); `on_from_merger` takes the rest after the merger."""
    steps = _road(rng, org, person, dates, today)
    pause = _PAUSE.get()
    if pause is not None and org.code in pause.codes and org.is_active:
        first = next((i for i, step in enumerate(steps) if step.day >= pause.day), len(steps))
        if first < len(steps) or dates[Step.SOURCE] >= pause.day:
            begun = dates[Step.SOURCE] < pause.day
            candidate = _walk(org, person, dates, steps[:first], today) if begun else None
            pause.roads.append(Paused(candidate, org, person, dates, steps[first:]))
            return candidate
    return _walk(org, person, dates, steps, today)


@dataclass(frozen=True)
class _Taken:
    """One step of a walk, with what the walk drew for it."""

    step: int
    day: dt.date
    number: str
    introducers: list | None = None


def _road(rng, org, person: dict, dates: dict[int, dt.date], today: dt.date) -> list[_Taken]:
    """The steps a walk takes, in order, and what it draws for each (from `rng`, in the order
    the walk always drew them: the demo stays what it was). A step the road of `org`'s form
    does not take is skipped (`services.step_after`: a grassroots cell has no
    committee resolution)."""
    steps, at = [], Step.SOURCE
    for step in sorted(dates):
        day = dates[step]
        if step == Step.SOURCE or day > today:
            continue
        number = f"{rng.randint(10, 199)}"
        if step < Step.CEREMONY:
            if at >= Step.DECISION or step != services.step_after(org, at):
                continue
            at = step
            helpers = rng.sample(HELPERS, 2)
            # Members who have worked or studied with the candidate for a couple of years.
            known_since = dates[Step.SOURCE] - relativedelta(years=2)
            introducers = [
                {"kind": IntroducerKind.MEMBER, "full_name": helpers[0], "known_since": known_since},
                (
                    {"kind": IntroducerKind.YOUTH_UNION, "full_name": "Ban Chấp hành Đoàn cơ sở"}
                    if person["introduced_by"] == "youth_union"
                    else {"kind": IntroducerKind.MEMBER, "full_name": helpers[1], "known_since": known_since}
                ),
            ]
            steps.append(_Taken(step, day, number, introducers if step == Step.INTRODUCTION else None))
        elif step in (Step.CEREMONY, Step.RECOGNITION):
            steps.append(_Taken(step, day, number))
    return steps


def _walk(org, person: dict, dates: dict[int, dt.date], steps: list[_Taken], today: dt.date) -> Candidate:
    with locks.read_once(today=today, organizations=[org]):
        candidate = services.candidate_create(
            organization=org,
            user=None,
            today=today,
            source_date=dates[Step.SOURCE],
            allow_duplicate=True,
            **{"notes": DEMO_NOTE, **person},
        )
        return _take(candidate, steps, today)


def _take(candidate: Candidate, steps: list[_Taken], today: dt.date) -> Candidate:
    """Take `steps` (of `_road`) through the services, from where `candidate` stands."""
    admission = Admission.objects.filter(candidate=candidate).first() if candidate.step >= Step.CEREMONY else None
    documents = {
        Step.CLASS: "GCN-{}",
        Step.APPLICATION: "1-KNĐ, 2-KNĐ",
        Step.INTRODUCTION: "3-KNĐ, 5-KNĐ",
        Step.CELL_RESOLUTION: "{}-NQ/CB",
        Step.COMMITTEE_RESOLUTION: "{}-NQ/ĐU",
        Step.DECISION: "{}-QĐ/HU",
    }
    for taken in steps:
        if taken.step < Step.CEREMONY:
            record = services.candidate_advance(
                candidate=candidate,
                step=taken.step,
                date=taken.day,
                document_number=documents.get(taken.step, "").format(taken.number),
                introducers=taken.introducers,
                user=None,
                today=today,
            )
            candidate = record.candidate  # as the service saved it (read afresh under its lock)
        elif taken.step == Step.CEREMONY:
            admission = services.admission_record(candidate=candidate, ceremony_date=taken.day, user=None, today=today)
        elif admission is not None:
            services.admission_recognize(
                admission=admission, on_date=taken.day, decision_number=f"{taken.number}-QĐ/HU", user=None, today=today
            )
    return candidate


# --- `seed_demo --reorganized`: roads that go on past a merger, as a board entered them


@dataclass
class Paused:
    """A road stopped the day before its organization's merger: `candidate` (None when the
    road begins on the merger's day or later) at `org`, and the steps still to take."""

    candidate: Candidate | None
    org: Organization
    person: dict
    dates: dict[int, dt.date]
    steps: list[_Taken]


@dataclass
class _Pause:
    day: dt.date
    codes: frozenset[str]
    roads: list[Paused] = field(default_factory=list)


_PAUSE: ContextVar[_Pause | None] = ContextVar("demo_roads_paused_at_a_merger", default=None)


@contextmanager
def up_to_merger(day: dt.date, codes) -> Iterator[list[Paused]]:
    """Inside the block, the walks at the organizations of `codes` (to be merged on `day`,
    after the block) stop before that day; the list yielded gathers them, in order, for
    `on_from_merger` once the merger is applied. So the demo holds what boards could enter:
    nothing dated at an organization from the day it ended."""
    pause = _Pause(day, frozenset(codes))
    token = _PAUSE.set(pause)
    try:
        yield pause.roads
    finally:
        _PAUSE.reset(token)


def on_from_merger(roads: list[Paused], today: dt.date) -> int:
    """Walk on the roads `up_to_merger` stopped, once the merger is applied: its candidates
    on the road that day were handed over to the successor with their transfer
    (admissions.services.candidates.transfer_with_merger), and go on there; a member admitted
    before is recognised on the admission the old organization keeps; a road that begins
    on the merger's day or later begins at the successor. Returns how many roads went on."""
    for road in roads:
        if road.candidate is None:
            successor = locks.successor(Organization.objects.get(pk=road.org.pk), road.dates[Step.SOURCE])
            _walk(successor, road.person, road.dates, road.steps, today)
            continue
        candidate = Candidate.objects.select_related("organization").get(pk=road.candidate.pk)
        with locks.read_once(today=today, organizations=[candidate.organization]):
            _take(candidate, road.steps, today)
    return len(roads)


def names_taken() -> set[str]:
    """The names of the candidates on record, and of those whose road begins after a merger
    still to come (inside `up_to_merger`): a new name is none of them."""
    pause = _PAUSE.get()
    later = [road.person["full_name"] for road in pause.roads if road.candidate is None] if pause else []
    return set(Candidate.objects.values_list("full_name", flat=True)) | set(later)


def admitted_dates(rng, ceremony: dt.date, today: dt.date) -> dict[int, dt.date]:
    dates = dates_back(rng, ceremony, Step.CEREMONY)
    admission_end = ceremony + relativedelta(years=1)  # 29/02 → 28/02
    recognition = admission_end + dt.timedelta(days=rng.randint(5, 25))
    if recognition <= today:
        dates[Step.RECOGNITION] = recognition
    return dates


class MorePeople(People):
    """More K'Ho and Churu given names for this year's people; a Kinh name rather than a numbered one."""

    def name(self, gender: str, ethnic: bool) -> str:
        if ethnic:
            for _attempt in range(40):
                name = f"{self.rng.choice(K_HO)} {self.rng.choice(K_HO_GIVEN + K_HO_MORE)}".replace("K' ", "K'")
                if name not in self.used:
                    self.used.add(name)
                    return name
        return super().name(gender, ethnic=False)


# --- for other generators (devdata.synthetic's small scales): the same road, the same services


def invented_people(rng: random.Random) -> People:
    return People(rng)


def walk_invented(rng, people, org: Organization, *, category: str, end: dt.date, step: int, today: dt.date):
    """An invented person walked through the services up to `step`, taken on `end`: an
    admission when `step` is the ceremony (recognised a year later if that day has come)."""
    dates = admitted_dates(rng, end, today) if step >= Step.CEREMONY else dates_back(rng, end, step)
    return walk(rng, org, person(rng, people, org, category, dates), dates, today)


def where(org: Organization) -> list[Organization]:
    """Where a grassroots organization's candidates are developed: its cells, or itself."""
    cells = list(Organization.objects.get_children(org).filter(dissolved_on__isnull=True))
    return cells or [org]
