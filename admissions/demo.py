"""This app's demo data, loaded by `manage.py seed_demo` (idempotent).

Facts from seed 002 (Đức Trọng): the Lado Taxi cell admitted one employee in the
first quarter of 2024; the Đức Trọng high school completed a dossier for one pupil
in 2024 (a candidate at the cell resolution, awaiting the decision); the Chu Văn An
high school admitted two pupils in 2023. Everything else is invented: plausible
people at every step of the road in 2025, in Đơn Dương and the other demo
organizations, so that every list, board and alert has content. Every invented
person carries the note DEMO_NOTE. All writes go through the services, so every
check of the road holds for the demo data too.
"""

import datetime as dt
import random

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from organizations.models import Organization, OrgForm, Sector

from . import services
from .categories import Category
from .models import Candidate, IntroducerKind, Step

DEMO_NOTE = "Nhân vật hư cấu — dữ liệu minh họa."
D = dt.date

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE_M = ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thành", "Gia"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Mỹ", "Thanh", "Bảo", "Khánh"]
GIVEN_M = ["An", "Bình", "Cường", "Dũng", "Hải", "Hiếu", "Khoa", "Long", "Nam", "Phúc", "Quân", "Sơn", "Tài", "Vinh"]
GIVEN_F = ["Anh", "Chi", "Dung", "Giang", "Hà", "Hương", "Lan", "Linh", "Mai", "Ngân", "Oanh", "Thảo", "Trang", "Vy"]
K_HO = ["Ka", "K'", "Ya", "Ma", "Bơ Ya"]  # K'Ho and Churu names of Đơn Dương
K_HO_GIVEN = ["Brếu", "Điệp", "Hoa", "Sương", "Tuấn", "Ngọc", "Linh", "Dũng"]
HELPERS = ["Trần Văn Giúp", "Lê Thị Đỡ", "Phạm Quốc Dìu", "Nguyễn Hữu Dắt", "Võ Thị Hướng"]

SECTOR_CATEGORIES = {
    Sector.HIGH_SCHOOL: [Category.PUPIL],
    Sector.UNIVERSITY: [Category.STUDENT],
    Sector.NON_STATE_ENTERPRISE: [Category.NON_STATE_WORKER, Category.NON_STATE_WORKER, Category.ENTERPRISE_OWNER],
    Sector.STATE_ENTERPRISE: [Category.OTHER],
    Sector.COMMUNE: [Category.FARMER, Category.MILITIA, Category.DEMOBILIZED, Category.OTHER],
    Sector.VILLAGE: [Category.FARMER, Category.FARMER, Category.MILITIA, Category.DEMOBILIZED],
    Sector.POLICE: [Category.OTHER],
    Sector.AGENCY: [Category.CIVIL_SERVANT],
}


class _People:
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


def _dates_back(rng, end: dt.date, until: int) -> dict[int, dt.date]:
    """Dates of steps 1..until ending on `end`, a few weeks apart."""
    dates, day = {}, end
    for step in range(until, 0, -1):
        dates[step] = day
        day -= dt.timedelta(days=rng.randint(12, 30))
    return dates


def _person(rng, people, org: Organization, category: str, dates: dict[int, dt.date]) -> dict:
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
    return {
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


def _walk(rng, org, person: dict, dates: dict[int, dt.date], today: dt.date) -> Candidate:
    """Create the candidate and take every step with a date up to `today`."""
    candidate = services.candidate_create(
        organization=org,
        user=None,
        today=today,
        source_date=dates[Step.SOURCE],
        notes=DEMO_NOTE,
        allow_duplicate=True,
        **person,
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
            introducers = [
                {"kind": IntroducerKind.MEMBER, "full_name": helpers[0], "known_since": dates[Step.SOURCE]},
                (
                    {"kind": IntroducerKind.YOUTH_UNION, "full_name": "Ban Chấp hành Đoàn cơ sở"}
                    if person["introduced_by"] == "youth_union"
                    else {"kind": IntroducerKind.MEMBER, "full_name": helpers[1], "known_since": dates[Step.SOURCE]}
                ),
            ]
            services.candidate_advance(
                candidate=candidate,
                step=step,
                date=day,
                document_number=documents.get(step, ""),
                introducers=introducers if step == Step.INTRODUCTION else None,
                user=None,
                today=today,
            )
            candidate.refresh_from_db()
        elif step == Step.CEREMONY:
            admission = services.admission_record(candidate=candidate, ceremony_date=day, user=None, today=today)
        elif step == Step.RECOGNITION and admission is not None:
            services.admission_recognize(
                admission=admission, on_date=day, decision_number=f"{number}-QĐ/HU", user=None, today=today
            )
    return candidate


def _admitted_dates(rng, ceremony: dt.date, today: dt.date) -> dict[int, dt.date]:
    dates = _dates_back(rng, ceremony, Step.CEREMONY)
    admission_end = ceremony.replace(year=ceremony.year + 1)
    recognition = admission_end + dt.timedelta(days=rng.randint(5, 25))
    if recognition <= today:
        dates[Step.RECOGNITION] = recognition
    return dates


def _seed_facts(rng, people, today) -> None:
    """The seed 002 facts of Đức Trọng."""
    lado = Organization.objects.filter(code="LD.DT.LADO").first()
    if lado:
        dates = _admitted_dates(rng, D(2024, 3, 15), today)
        _walk(rng, lado, _person(rng, people, lado, Category.NON_STATE_WORKER, dates), dates, today)
    dtr = Organization.objects.filter(code="LD.DT.DTR").first()
    if dtr:
        dates = _dates_back(rng, D(2024, 4, 10), Step.CELL_RESOLUTION)
        person = _person(rng, people, dtr, Category.PUPIL, dates)
        person["date_of_birth"] = D(2006, 2, 14)
        _walk(rng, dtr, person, dates, today)
    cva = Organization.objects.filter(code="LD.DT.CVA").first()
    if cva:
        for ceremony in (D(2023, 3, 24), D(2023, 5, 12)):
            dates = _admitted_dates(rng, ceremony, today)
            _walk(rng, cva, _person(rng, people, cva, Category.PUPIL, dates), dates, today)


def _where(org: Organization) -> list[Organization]:
    """Where a grassroots organization's candidates are developed: its cells, or itself."""
    cells = list(Organization.objects.get_children(org).filter(dissolved_on__isnull=True))
    return cells or [org]


def _seed_org(rng, people, org: Organization, today: dt.date, admitted: int, steps: list[int]) -> None:
    places = _where(org)
    categories = SECTOR_CATEGORIES.get(org.sector, [Category.OTHER])
    year_end = min(today, D(2025, 12, 20))
    for _i in range(admitted):
        place = rng.choice(places)
        category = rng.choice(SECTOR_CATEGORIES.get(place.sector, categories))
        ceremony = D(2025, 1, 6) + dt.timedelta(days=rng.randint(0, (year_end - D(2025, 1, 6)).days))
        dates = _admitted_dates(rng, ceremony, today)
        _walk(rng, place, _person(rng, people, place, category, dates), dates, today)
    for step in steps:
        place = rng.choice(places)
        category = rng.choice(SECTOR_CATEGORIES.get(place.sector, categories))
        end = D(2025, 2, 1) + dt.timedelta(days=rng.randint(0, (year_end - D(2025, 2, 1)).days))
        dates = _dates_back(rng, end, step)
        _walk(rng, place, _person(rng, people, place, category, dates), dates, today)


@transaction.atomic
def seed(stdout) -> None:
    today = timezone.localdate()
    added = services.holidays_seed(years=range(2019, today.year + 2))
    if Candidate.objects.filter(notes__startswith=DEMO_NOTE).exists():
        stdout.write("Admissions demo data already present.")
        return
    rng = random.Random(2025)
    people = _People(rng)
    _seed_facts(rng, people, today)
    road = [s for s in Step if s < Step.CEREMONY]
    grassroots = (OrgForm.GRASSROOTS_CELL, OrgForm.GRASSROOTS_COMMITTEE)
    don_duong = Organization.objects.filter(code__startswith="LD.DD.", form__in=grassroots).order_by("path")
    for org in don_duong:
        # every step of the road somewhere in each organization, and a few admissions in 2025
        _seed_org(rng, people, org, today, admitted=rng.randint(2, 4), steps=rng.sample(road, 6))
    others = (
        Organization.objects.filter(form__in=grassroots, dissolved_on__isnull=True)
        .exclude(code__startswith="LD.DD.")
        .exclude(code__in=["LD.DT.LADO", "LD.DT.CVA", "LD.DT.DTR"])
        .order_by("path")
    )
    for org in others:
        _seed_org(rng, people, org, today, admitted=rng.randint(0, 2), steps=rng.sample(road, 3))
    for code in ("LD.DT.LADO", "LD.DT.CVA", "LD.DT.DTR"):
        org = Organization.objects.filter(code=code).first()
        if org:  # 2025 candidates still on the road, so the clerk's pages have content
            _seed_org(rng, people, org, today, admitted=0, steps=rng.sample(road, 4))
    stdout.write(
        f"Admissions demo: {Candidate.objects.count()} candidates ({added} public holidays added to the calendar)."
    )
