"""Invented people walked through admissions.services, step by step (every check of the road
holds for the demo data too). Their names and categories come from fixtures/people.json;
every one carries the note admissions.models.DEMO_NOTE. Also used by devdata.synthetic's
small scales (`invented_people`, `walk_invented`)."""

import datetime as dt
import random

from dateutil.relativedelta import relativedelta

from admissions import services
from admissions.categories import Category
from admissions.models import DEMO_NOTE, Candidate, IntroducerKind, Step
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


def walk(rng, org, person: dict, dates: dict[int, dt.date], today: dt.date) -> Candidate:
    """Create the candidate and take every step with a date up to `today`, each through
    the services and their every check. No lock is made or lifted while one person walks:
    the locks are read once for the walk (`locks.read_once`), not once per step."""
    with locks.read_once(today=today, organizations=[org]):
        return _walk(rng, org, person, dates, today)


def _walk(rng, org, person: dict, dates: dict[int, dt.date], today: dt.date) -> Candidate:
    candidate = services.candidate_create(
        organization=org,
        user=None,
        today=today,
        source_date=dates[Step.SOURCE],
        allow_duplicate=True,
        **{"notes": DEMO_NOTE, **person},
    )
    admission = None
    for step in sorted(dates):
        day = dates[step]
        if step == Step.SOURCE or day > today:
            continue
        number = f"{rng.randint(10, 199)}"
        if step < Step.CEREMONY:
            if step not in services.next_steps(candidate):
                continue
            documents = {
                Step.CLASS: f"GCN-{number}",
                Step.APPLICATION: "1-KNĐ, 2-KNĐ",
                Step.INTRODUCTION: "3-KNĐ, 5-KNĐ",
                Step.CELL_RESOLUTION: f"{number}-NQ/CB",
                Step.COMMITTEE_RESOLUTION: f"{number}-NQ/ĐU",
                Step.DECISION: f"{number}-QĐ/HU",
            }
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
            record = services.candidate_advance(
                candidate=candidate,
                step=step,
                date=day,
                document_number=documents.get(step, ""),
                introducers=introducers if step == Step.INTRODUCTION else None,
                user=None,
                today=today,
            )
            candidate = record.candidate  # as the service saved it (read afresh under its lock)
        elif step == Step.CEREMONY:
            admission = services.admission_record(candidate=candidate, ceremony_date=day, user=None, today=today)
        elif step == Step.RECOGNITION and admission is not None:
            services.admission_recognize(
                admission=admission, on_date=day, decision_number=f"{number}-QĐ/HU", user=None, today=today
            )
    return candidate


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
