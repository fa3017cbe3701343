"""The synthetic dataset's scales, word lists and row writer, and the small scales' people walked
through the admissions services (devdata.synthetic builds the rows)."""

import datetime as dt
import random
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from admissions import services
from admissions.categories import Category
from admissions.models import Step
from organizations.models import Organization, Sector

from .people import invented_people, walk_invented


@dataclass(frozen=True)
class Scale:
    provinces: int
    communes: int  # commune-level committees per province
    grassroots: int  # grassroots organizations per commune committee
    cells: int  # cells per grassroots committee
    admissions_per_year: int
    candidates: int  # in the pipeline (not admitted)
    # Small scales write their people through the services, every check of the road
    # included; large ones in bulk (COPY), as a data migration would.
    through_services: bool = False


SCALES = {
    "national": Scale(34, 100, 15, 5, 200_000, 1_000_000),
    "province": Scale(1, 100, 15, 5, 6_000, 30_000),
    "district": Scale(1, 10, 15, 5, 600, 3_000),
    "tiny": Scale(1, 3, 4, 3, 30, 60, through_services=True),
    "tiny-national": Scale(2, 2, 3, 2, 20, 20, through_services=True),
}

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def member_counts_over_years(rng: random.Random, members: int, *, end_year: int, years: int) -> list[tuple]:
    """An organization's counts as a board enters them: one at the start of each generated
    year (its year-end count of the year before), `members` at the start of `end_year` and
    drifting back a few members a year (growing a little on average, never below 3)."""
    counts, n = [], members
    for year in range(end_year, end_year - years, -1):
        counts.append((dt.date(year, 1, 1), n))
        n = max(3, n - rng.choice((-2, -1, 0, 0, 1, 1, 2, 3)))
    return counts[::-1]


STEP = Organization.steplen

# Sector mix of grassroots organizations (weights).
GRASSROOTS_SECTORS = [
    (Sector.COMMUNE, 30),
    (Sector.HIGH_SCHOOL, 8),
    (Sector.UNIVERSITY, 1),
    (Sector.NON_STATE_ENTERPRISE, 14),
    (Sector.STATE_ENTERPRISE, 4),
    (Sector.AGENCY, 28),
    (Sector.POLICE, 6),
    (Sector.MILITARY, 4),
    (Sector.OTHER, 5),
]
CATEGORY_BY_SECTOR = {
    Sector.HIGH_SCHOOL: [(Category.PUPIL, 70), (Category.CIVIL_SERVANT, 30)],
    Sector.UNIVERSITY: [(Category.STUDENT, 80), (Category.CIVIL_SERVANT, 20)],
    Sector.NON_STATE_ENTERPRISE: [(Category.NON_STATE_WORKER, 85), (Category.ENTERPRISE_OWNER, 15)],
    Sector.COMMUNE: [(Category.FARMER, 45), (Category.MILITIA, 20), (Category.DEMOBILIZED, 15), (Category.OTHER, 20)],
    Sector.VILLAGE: [(Category.FARMER, 45), (Category.MILITIA, 20), (Category.DEMOBILIZED, 15), (Category.OTHER, 20)],
}
DEFAULT_CATEGORIES = [(Category.CIVIL_SERVANT, 70), (Category.OTHER, 30)]
SYLLABLES = (
    "An Bình Châu Đông Hòa Hưng Lạc Lâm Long Minh Mỹ Phú Phước Quảng Sơn Tân Thạnh Thuận Tiến Trung Vĩnh Xuân".split()
)
FAMILY = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý".split()
MIDDLE = "Văn Thị Hữu Đức Minh Ngọc Thanh Quốc".split()
GIVEN = (
    "An Bảo Châu Dũng Giang Hà Hải Hiếu Hoa Hùng Khang Lan Linh Long Mai Nam Nga Phúc Quân Sơn Tâm Thảo Trang Tuấn Vy"
).split()


def segment(index: int) -> str:
    """treebeard's path step for the index-th child (1-based), base 36, 4 characters."""
    digits = ""
    while index:
        index, rest = divmod(index, 36)
        digits = ALPHABET[rest] + digits
    return digits.rjust(STEP, "0")


def pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


class Sink:
    """Writes rows (dicts keyed by column) with COPY on PostgreSQL, bulk_create elsewhere."""

    def __init__(self, model, batch=20_000, with_id=True):
        self.model = model
        pk = model._meta.pk.column
        fields = [f for f in model._meta.concrete_fields if with_id or f.column != pk]
        self.columns = [f.column for f in fields]
        # Columns a row leaves out take the model field's default (fields added later).
        self.defaults = {f.column: f.get_default() for f in fields if f.has_default() or (f.blank and not f.null)}
        self.rows: list[tuple] = []
        self.batch = batch
        self.count = 0

    def add(self, **values):
        self.rows.append(tuple(values[c] if c in values else self.defaults.get(c) for c in self.columns))
        if len(self.rows) >= self.batch:
            self.flush()

    def flush(self):
        if not self.rows:
            return
        if connection.vendor == "postgresql":
            table = self.model._meta.db_table
            with connection.cursor() as cursor:
                with cursor.connection.cursor().copy(
                    f'COPY "{table}" ({", ".join(f'"{c}"' for c in self.columns)}) FROM STDIN'
                ) as copy:
                    for row in self.rows:
                        copy.write_row(row)
        else:
            fields = {f.column: f.attname for f in self.model._meta.concrete_fields}
            self.model.objects.bulk_create(
                [self.model(**{fields[c]: v for c, v in zip(self.columns, row, strict=True)}) for row in self.rows],
                batch_size=2000,
            )
        self.count += len(self.rows)
        self.rows = []


def _next_id(model) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def _reset_sequences(models):
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            sequence = f"pg_get_serial_sequence('\"{table}\"', 'id')"
            cursor.execute(f'SELECT setval({sequence}, COALESCE((SELECT MAX(id) FROM "{table}"), 1))')


def _people_through_services(rng, admitting, size: Scale, first_year: int, end_year: int) -> dict:
    """The small scales' people, each walked through the admissions services (the checks of
    age, education, introducers, steps and deadlines all run), as the demo's are."""

    today = timezone.localdate()
    last_day = min(dt.date(end_year, 12, 31), today)
    services.holidays_seed(years=range(first_year, end_year + 2))
    orgs = Organization.objects.in_bulk([org for org, _sector in admitting])
    people = invented_people(rng)
    admissions = 0
    for year in range(first_year, end_year + 1):
        start, end = dt.date(year, 2, 1), min(dt.date(year, 12, 20), last_day)
        if end < start:
            continue
        n = size.admissions_per_year if year < end_year else int(size.admissions_per_year * (end - start).days / 322)
        for _ in range(n):
            org, sector = admitting[rng.randrange(len(admitting))]
            ceremony = start + dt.timedelta(days=rng.randint(0, (end - start).days))
            category = pick(rng, CATEGORY_BY_SECTOR.get(sector, DEFAULT_CATEGORIES))
            walk_invented(rng, people, orgs[org], category=category, end=ceremony, step=Step.CEREMONY, today=today)
            admissions += 1
    for _ in range(size.candidates):
        org, sector = admitting[rng.randrange(len(admitting))]
        step = rng.choices(range(1, 10), [22, 20, 14, 12, 10, 8, 6, 5, 3])[0]
        category = pick(rng, CATEGORY_BY_SECTOR.get(sector, DEFAULT_CATEGORIES))
        end = last_day - dt.timedelta(days=rng.randint(0, 300))
        walk_invented(rng, people, orgs[org], category=category, end=end, step=step, today=today)
    return {"candidates": admissions + size.candidates, "admissions": admissions}


SECTOR_NAME = {
    Sector.COMMUNE: "thôn xã",
    Sector.HIGH_SCHOOL: "Trường THPT",
    Sector.UNIVERSITY: "Trường Đại học",
    Sector.NON_STATE_ENTERPRISE: "Công ty TNHH",
    Sector.STATE_ENTERPRISE: "Công ty Nhà nước",
    Sector.AGENCY: "Cơ quan",
    Sector.POLICE: "Công an",
    Sector.MILITARY: "Quân sự",
    Sector.OTHER: "Đơn vị",
}
