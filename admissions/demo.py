"""This app's demo data, loaded by `manage.py seed_demo` (idempotent).

Facts from seed 002 (Đức Trọng): the Lado Taxi cell admitted one employee in the
first quarter of 2024; the Đức Trọng high school completed a dossier for one pupil
in 2024 (a candidate at the cell resolution, awaiting the decision); the Chu Văn An
high school admitted two pupils in 2023. Everything else is invented: plausible
people at every step of the road in 2025, in Đơn Dương and the other demo
organizations, so that every list, board and alert has content. Every invented
person carries the note DEMO_NOTE. All writes go through the services, so every
check of the road holds for the demo data too.

And the current year, whatever day seed_demo runs (see "the current year" below):
admissions from January to today against Đơn Dương's plan copied to the year, a
pipeline with recent dates and every kind of alert; last year's invented people who
were left on the road carry on (or leave it) this year.
"""

import datetime as dt
import random

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from organizations.models import Organization, OrgForm, Sector

from . import services
from .categories import Category
from .models import Candidate, IntroducerKind, Outcome, Step

DEMO_NOTE = "Nhân vật hư cấu — dữ liệu minh họa."
CURRENT_TAG = "[minh họa năm "  # the current year's people: f"{DEMO_NOTE} [minh họa năm 2026: key]"
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


# The professional level each education of the road's records implies (Biểu 2 keeps them apart).
PROFESSIONAL = {
    "primary": ["none"],
    "lower_secondary": ["none"],
    "upper_secondary": ["none", "none", "none", "vocational"],
    "vocational": ["vocational", "college"],
    "university": ["university", "university", "university", "postgraduate"],
    "postgraduate": ["postgraduate"],
}


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


def _walk(rng, org, person: dict, dates: dict[int, dt.date], today: dt.date) -> Candidate:
    """Create the candidate and take every step with a date up to `today`."""
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
    admission_end = ceremony + relativedelta(years=1)  # 29/02 → 28/02
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
    base = Candidate.objects.filter(notes__startswith=DEMO_NOTE).exclude(notes__contains=CURRENT_TAG)
    if base.exists():
        stdout.write("Admissions demo data already present.")
    else:
        _seed_base(today)
    made = _seed_current_year(today)
    moved = _move_on_last_years_road(today)
    stdout.write(
        f"Admissions demo: {Candidate.objects.count()} candidates; {today.year}: {made} people added, "
        f"{moved} of last year's moved on ({added} public holidays added to the calendar)."
    )


def _seed_base(today: dt.date) -> None:
    """The seed facts and the invented 2023–2025 people (run once)."""
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
    _seed_readmission(today)


def _seed_readmission(today: dt.date) -> None:
    """A former member re-admitted in Đơn Dương in 2025 (kết nạp lại): she left the party at
    her own request in 2019, and after more than the 36 months the rule asks, her village's
    cell proposed her again. Her first admission predates the records, as most do."""
    org = Organization.objects.filter(code="LD.DD.LX").first()
    if org is None or D(2025, 9, 12) > today:
        return
    rng = random.Random("bieu2:readmission")
    dates = _admitted_dates(rng, D(2025, 9, 12), today)
    person = {
        "full_name": "Ma Ly Sỹ",
        "gender": "female",
        "date_of_birth": D(1986, 4, 3),
        "category": Category.FARMER,
        "education": "upper_secondary",
        "ethnicity": "Chu Ru",
        "religion": "",
        "introduced_by": "womens_union",
        "youth_union_member": False,
        "general_education": "upper_secondary",
        "professional_level": "none",
        "theory_level": "primary",
        "readmission": True,
        "earlier_membership_ended_on": D(2019, 5, 20),
        "earlier_membership_end": "left",
        "earlier_membership_note": "Xin ra khỏi Đảng vì hoàn cảnh gia đình (chăm con nhỏ, đi làm ăn xa).",
    }
    _walk(rng, org, person, dates, today)


# ---------------------------------------------------------------- the current year
#
# So that a board opening the tool on any day sees a living year: admissions from
# January up to today, a pipeline with recent dates at every step, and the alerts a
# real year has. Dates are computed from `today` and never lie in the future. Each
# person is tagged in the notes (CURRENT_TAG + year + a stable key) and created once:
# running seed_demo again, even another day, adds only what is missing.

# Đơn Dương (the 2025 table copied to this year): share of the allocation reached
# pro rata of the year gone, and pupils admitted in the high schools.
DON_DUONG_PACE = {
    "LD.DD.CA": (0.7, 0),
    "LD.DD.TM": (0.8, 0),
    "LD.DD.DR": (0.7, 0),
    "LD.DD.DRO": (1.25, 0),  # ahead: above its allocation already
    "LD.DD.KDO": (0.75, 0),
    "LD.DD.KDN": (0.3, 0),  # well behind
    "LD.DD.LL": (0.85, 0),
    "LD.DD.LX": (0.65, 0),
    "LD.DD.QL": (1.1, 0),  # ahead
    "LD.DD.TT": (0.25, 0),  # well behind
    "LD.DD.THPT-DD": (0.7, 1),
    "LD.DD.THPT-HV": (0.7, 1),
    "LD.DD.THPT-LL": (0.35, 0),  # a teacher, no pupil: "01 HS" not met
    "LD.DD.THPT-PRO": (0.7, 1),
    "LD.DD.DTNT": (0.5, 0),
}
DON_DUONG_QUOTA = {
    "LD.DD.CA": 3, "LD.DD.TM": 10, "LD.DD.DR": 9, "LD.DD.DRO": 6, "LD.DD.KDO": 9, "LD.DD.KDN": 7,
    "LD.DD.LL": 6, "LD.DD.LX": 9, "LD.DD.QL": 9, "LD.DD.TT": 9, "LD.DD.THPT-DD": 3, "LD.DD.THPT-HV": 3,
    "LD.DD.THPT-LL": 3, "LD.DD.THPT-PRO": 3, "LD.DD.DTNT": 2,
}  # fmt: skip
# Elsewhere: admissions this year (category, how many); some meet the 97-KH/TU rules, some not.
OTHERS_ADMITTED = {
    # (Lado Taxi, Chu Văn An and Đức Trọng high school keep exactly the admissions of seed 002)
    "LD.DT.NT": [(Category.PUPIL, 1)],
    "LD.DT.LTV": [(Category.CIVIL_SERVANT, 1)],  # a teacher only
    "LD.DT.NBN": [(Category.PUPIL, 1)],
    "LD.DT.DN2": [(Category.NON_STATE_WORKER, 1)],
    "LD.DT.LN": [(None, 3)],
    "LD.DL.TP": [(Category.PUPIL, 1)],
    "LD.DL.TL": [(Category.PUPIL, 2)],
    "LD.DL.DN1": [(Category.NON_STATE_WORKER, 1)],
    "LD.DL.P1": [(None, 2)],
    "LD.DL.P8": [(None, 2)],
    "LD.KDN.01": [(Category.NON_STATE_WORKER, 2)],
    "LD.DHDL": [(Category.STUDENT, 11)],  # the university's 15–20 a year, pro rata
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
ALERTS = {
    "LD.DD.TM": [OVERDUE_DECISION, PROBATION, RECOGNIZED],
    "LD.DD.DR": [OVERDUE_CEREMONY, STUCK],
    "LD.DD.DRO": [PROBATION],
    "LD.DD.KDO": [CERTIFICATE, RECOGNIZED],
    "LD.DD.KDN": [RECOGNITION_LATE],
    "LD.DD.LL": [PROBATION],
    "LD.DD.LX": [OVERDUE_DECISION, STUCK],
    "LD.DD.QL": [OVERDUE_DECISION, RECOGNIZED],
    "LD.DD.TT": [RECOGNITION_LATE, CERTIFICATE],
    "LD.DD.THPT-DD": [OVERDUE_CEREMONY],
    "LD.DD.THPT-HV": [CERTIFICATE],
    "LD.DD.THPT-PRO": [PROBATION],
    "LD.DD.CA": [PROBATION],
    "LD.DT.DTR": [OVERDUE_DECISION, OVERDUE_CEREMONY, CERTIFICATE, STUCK],
    "LD.DT.NBN": [PROBATION],
    "LD.DT.NT": [OVERDUE_CEREMONY],
    "LD.DL.TP": [PROBATION],
    "LD.DHDL": [OVERDUE_DECISION, PROBATION, CERTIFICATE],
}
ROAD = [s for s in Step if s < Step.CEREMONY]
SEED_FACT_ORGS = ("LD.DT.LADO", "LD.DT.CVA", "LD.DT.DTR")  # no admission but those of seed 002


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
    dates = _dates_back(rng, ceremony, Step.CEREMONY)
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
        dates = _dates_back(rng, today - dt.timedelta(days=rng.randint(95, 120)), step)
        return step, dates
    if kind == OVERDUE_CEREMONY:  # decided 2–2½ months ago, no ceremony yet (30 working days)
        return Step.DECISION, _dates_back(rng, today - dt.timedelta(days=rng.randint(55, 75)), Step.DECISION)
    if kind == CERTIFICATE:  # the class certificate (valid 5 years) runs out within the month
        step = rng.choice([Step.HELPERS, Step.APPLICATION, Step.VERIFICATION, Step.INTRODUCTION])
        dates = _dates_back(rng, today - dt.timedelta(days=rng.randint(3, 20)), step)
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
        return step, _dates_back(rng, today - dt.timedelta(days=rng.randint(200, 250)), step)
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
            people.append((key, code, None, _dates_back(rng_for(key), end, step)))
    # the clerk's school: someone at every step, recently
    for step in ROAD:
        if step == Step.COMMITTEE_RESOLUTION:  # a grassroots cell: the decision follows its resolution
            continue
        key = f"LD.DT.DTR:step{int(step)}"
        end = today - dt.timedelta(days=rng_for(key).randint(2, 40))
        people.append((key, "LD.DT.DTR", None, _dates_back(rng_for(key), end, step)))
    for code in ("LD.DHDL", "LD.DL.TP", "LD.DL.BTX", "LD.DT.NT", "LD.DT.HHT", "LD.DT.DN3", "LD.DL.DN2"):
        rng = rng_for(f"{code}:road")
        for i, step in enumerate(rng.sample(ROAD, 1)):
            key = f"{code}:road{i + 1}"
            end = today - dt.timedelta(days=rng_for(key).randint(2, 75))
            people.append((key, code, None, _dates_back(rng_for(key), end, step)))
    for code, kinds in ALERTS.items():
        for kind in kinds:
            key = f"{code}:{kind}"
            _step, dates = _alert_dates(rng_for(key), kind, today)
            people.append((key, code, None, dates))
    return people


K_HO_MORE = ["Ha Bin", "Bang", "Hlin", "Thoa", "Nhi", "Yên", "Sang", "Thùy", "Chiến", "Phi", "Lâm", "Đa", "Kra", "Tơ"]


class _MorePeople(_People):
    """More K'Ho and Churu given names for this year's people; a Kinh name rather than a numbered one."""

    def name(self, gender: str, ethnic: bool) -> str:
        if ethnic:
            for _attempt in range(40):
                name = f"{self.rng.choice(K_HO)} {self.rng.choice(K_HO_GIVEN + K_HO_MORE)}".replace("K' ", "K'")
                if name not in self.used:
                    self.used.add(name)
                    return name
        return super().name(gender, ethnic=False)


def _seed_current_year(today: dt.date) -> int:
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
    people = _MorePeople(random.Random(today.year))
    people.used.update(Candidate.objects.values_list("full_name", flat=True))
    made, places = 0, {}
    for key, code, category, dates in wanted:
        org = orgs.get(code)
        if org is None or not org.is_active:
            continue
        rng = random.Random(f"{today.year}:{key}:walk")
        if code not in places:
            places[code] = _where(org)
        place = rng.choice(places[code])
        if category is None:
            category = rng.choice(SECTOR_CATEGORIES.get(place.sector, [Category.OTHER]))
        if place.form == OrgForm.GRASSROOTS_CELL:  # no grassroots committee resolution in a grassroots cell
            dates.pop(Step.COMMITTEE_RESOLUTION, None)
        people.rng = rng
        person = _person(rng, people, place, category, dates)
        person["notes"] = f"{DEMO_NOTE} {prefix}{key}]"
        _walk(rng, place, person, dates, today)
        made += 1
    return made


def _move_on_last_years_road(today: dt.date) -> int:
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


# --- for other generators (bench/synthetic.py's small scales): the same road, the same services


def invented_people(rng: random.Random) -> _People:
    return _People(rng)


def walk_invented(rng, people, org: Organization, *, category: str, end: dt.date, step: int, today: dt.date):
    """An invented person walked through the services up to `step`, taken on `end`: an
    admission when `step` is the ceremony (recognised a year later if that day has come)."""
    dates = _admitted_dates(rng, end, today) if step >= Step.CEREMONY else _dates_back(rng, end, step)
    return _walk(rng, org, _person(rng, people, org, category, dates), dates, today)
