"""The demo's candidates, through admissions.services (fixtures/candidates.json,
fixtures/people.json; the walk itself in devdata.people).

The seed 002 facts of Đức Trọng, then invented people at every step of the road in 2023–2025,
in Đơn Dương and the other demo organizations, so that every list, board and alert has
content; then the current year, whatever day seed_demo runs (devdata.current_year).
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from admissions import services
from admissions.categories import Category
from admissions.models import DEMO_NOTE, Candidate, Step
from organizations.models import Organization, OrgForm

from . import fixtures
from .current_year import CURRENT_TAG, move_on_last_years_road, seed_current_year
from .people import (
    SECTOR_CATEGORIES,
    Paused,
    People,
    admitted_dates,
    dates_back,
    on_from_merger,
    person,
    up_to_merger,
    walk,
    where,
)

CANDIDATES = fixtures.load("candidates")
SEED_FACTS = CANDIDATES["seed_facts"]
D = dt.date


def _seed_facts(rng, people, today) -> None:
    """The seed 002 facts of Đức Trọng."""
    for code, fact in SEED_FACTS.items():
        org = Organization.objects.filter(code=code).first()
        if org is None:
            continue
        for ceremony in fact.get("admitted", []):
            dates = admitted_dates(rng, fixtures.date(ceremony), today)
            walk(rng, org, person(rng, people, org, fact["category"], dates), dates, today)
        if "cell_resolution" in fact:
            dates = dates_back(rng, fixtures.date(fact["cell_resolution"]), Step.CELL_RESOLUTION)
            someone = person(rng, people, org, fact["category"], dates)
            someone["date_of_birth"] = fixtures.date(fact["date_of_birth"])
            walk(rng, org, someone, dates, today)


def _seed_org(rng, people, org: Organization, today: dt.date, admitted: int, steps: list[int]) -> None:
    places = where(org)
    categories = SECTOR_CATEGORIES.get(org.sector, [Category.OTHER])
    year_end = min(today, D(2025, 12, 20))
    for _i in range(admitted):
        place = rng.choice(places)
        category = rng.choice(SECTOR_CATEGORIES.get(place.sector, categories))
        ceremony = D(2025, 1, 6) + dt.timedelta(days=rng.randint(0, (year_end - D(2025, 1, 6)).days))
        dates = admitted_dates(rng, ceremony, today)
        walk(rng, place, person(rng, people, place, category, dates), dates, today)
    for step in steps:
        place = rng.choice(places)
        category = rng.choice(SECTOR_CATEGORIES.get(place.sector, categories))
        end = D(2025, 2, 1) + dt.timedelta(days=rng.randint(0, (year_end - D(2025, 2, 1)).days))
        dates = dates_back(rng, end, step)
        walk(rng, place, person(rng, people, place, category, dates), dates, today)


@transaction.atomic
def seed(stdout) -> None:
    today = timezone.localdate()
    added, made = _seed_people(stdout, today)
    moved = move_on_last_years_road(today)
    stdout.write(
        f"Admissions demo: {Candidate.objects.count()} candidates; {today.year}: {made} people added, "
        f"{moved} of last year's moved on ({added} public holidays added to the calendar)."
    )


@transaction.atomic
def seed_up_to_merger(stdout, day: dt.date, merged) -> list[Paused]:
    """`seed_demo --reorganized`, before the reorganization: the people of `seed`, but the
    roads at the organizations `merged` on `day` stop before that day (devdata.people
    `up_to_merger`); last year's people move on after it. Returns the roads stopped, for
    `seed_on_from_merger` once the merger is applied."""
    today = timezone.localdate()
    with up_to_merger(day, merged) as roads:
        added, made = _seed_people(stdout, today)
    stdout.write(
        f"Admissions demo: {Candidate.objects.count()} candidates; {today.year}: {made} people added "
        f"({added} public holidays added to the calendar); {len(roads)} roads at the organizations merged on "
        f"{day:%d/%m/%Y} stop the day before."
    )
    return roads


@transaction.atomic
def seed_on_from_merger(stdout, roads: list[Paused]) -> None:
    """`seed_demo --reorganized`, after the reorganization: the roads stopped before it go on
    where the merger handed their candidates over; then last year's people move on (`seed`)."""
    today = timezone.localdate()
    on_from_merger(roads, today)
    moved = move_on_last_years_road(today)
    stdout.write(
        f"Admissions demo after the reorganization: {len(roads)} roads went on at the new organizations; "
        f"{moved} of last year's moved on; {Candidate.objects.count()} candidates."
    )


def _seed_people(stdout, today: dt.date) -> tuple[int, int]:
    """The public holidays, the base people (once) and the current year's: (holidays added, people added)."""
    added = services.holidays_seed(years=range(2019, today.year + 2))
    base = Candidate.objects.filter(notes__startswith=DEMO_NOTE).exclude(notes__contains=CURRENT_TAG)
    if base.exists():
        stdout.write("Admissions demo data already present.")
    else:
        _seed_base(today)
    return added, seed_current_year(today)


def _seed_base(today: dt.date) -> None:
    """The seed facts and the invented 2023–2025 people (run once)."""
    rng = random.Random(2025)
    people = People(rng)
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
        .exclude(code__in=list(SEED_FACTS))
        .order_by("path")
    )
    for org in others:
        _seed_org(rng, people, org, today, admitted=rng.randint(0, 2), steps=rng.sample(road, 3))
    for code in CANDIDATES["seed_fact_roads"]:
        org = Organization.objects.filter(code=code).first()
        if org:  # 2025 candidates still on the road, so the clerk's pages have content
            _seed_org(rng, people, org, today, admitted=0, steps=rng.sample(road, 4))
    _seed_readmission(today)


def _seed_readmission(today: dt.date) -> None:
    """A former member re-admitted in Đơn Dương in 2025 (kết nạp lại): she left the party at
    her own request in 2019, and after more than the 36 months the rule asks, her village's
    cell proposed her again. Her first admission predates the records, as most do."""
    readmission = CANDIDATES["readmission"]
    org = Organization.objects.filter(code=readmission["organization"]).first()
    ceremony = fixtures.date(readmission["ceremony"])
    if org is None or ceremony > today:
        return
    rng = random.Random("bieu2:readmission")
    dates = admitted_dates(rng, ceremony, today)
    someone = dict(readmission["person"])
    for name in ("date_of_birth", "earlier_membership_ended_on"):
        someone[name] = fixtures.date(someone[name])
    walk(rng, org, someone, dates, today)
