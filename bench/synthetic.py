"""A deterministic synthetic dataset in the project's real models, up to national scale.

National: 34 provinces × ~100 commune-level committees × ~15 grassroots organizations ×
~5 cells ≈ 300,000 organizations, ~5.6 million members, plans and rules at every level
(allocation tables, "every high school ≥ 1 pupil"), ~1,000,000 candidates at every step
and 5 years of ~200,000 admissions. Rows go in with PostgreSQL COPY (bulk_create on
SQLite), ids assigned here so related rows can point at them.
"""

import datetime as dt
import random
import time
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from admissions import tally
from admissions.categories import Category
from admissions.models import Admission, Candidate, Education, Gender, MassOrganization, Outcome, Step
from common.text import fold
from organizations.models import GRASSROOTS_FORMS, MemberCount, Organization, OrgForm, Sector
from quotas.models import Allocation, Plan, PlanStatus, Rule, RuleKind, SubQuota


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
    from admissions import demo, services

    today = timezone.localdate()
    last_day = min(dt.date(end_year, 12, 31), today)
    services.holidays_seed(years=range(first_year, end_year + 2))
    orgs = Organization.objects.in_bulk([org for org, _sector in admitting])
    people = demo.invented_people(rng)
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
            demo.walk_invented(rng, people, orgs[org], category=category, end=ceremony, step=Step.CEREMONY, today=today)
            admissions += 1
    for _ in range(size.candidates):
        org, sector = admitting[rng.randrange(len(admitting))]
        step = rng.choices(range(1, 10), [22, 20, 14, 12, 10, 8, 6, 5, 3])[0]
        category = pick(rng, CATEGORY_BY_SECTOR.get(sector, DEFAULT_CATEGORIES))
        end = last_day - dt.timedelta(days=rng.randint(0, 300))
        demo.walk_invented(rng, people, orgs[org], category=category, end=end, step=step, today=today)
    return {"candidates": admissions + size.candidates, "admissions": admissions}


def generate(*, scale: str, seed: int = 2025, end_year: int = 2025, years: int = 5, stdout=None) -> dict:
    """Create the dataset; returns the counts of rows written."""
    size = SCALES[scale]
    rng = random.Random(seed)
    say = (lambda msg: stdout.write(msg)) if stdout else (lambda msg: None)
    started = time.monotonic()
    now = timezone.now()
    year_start = dt.date(end_year, 1, 1)

    with transaction.atomic():
        org_sink, count_sink = Sink(Organization), Sink(MemberCount, with_id=False)
        org_id = _next_id(Organization)
        last_root = Organization.objects.filter(depth=1).order_by("-path").values_list("path", flat=True).first()
        root_index = int(last_root, 36) if last_root else 0
        tag = f"S{seed}"
        # (id, path, sector, depth) of the organizations later steps need
        provinces, communes, grassroots, cells = [], [], [], []

        def add_org(path, depth, numchild, name, form, sector, code, members=None):
            nonlocal org_id
            pk = org_id
            org_id += 1
            org_sink.add(
                id=pk,
                path=path,
                depth=depth,
                numchild=numchild,
                code=code,
                name=name,
                search_name=fold(name),
                form=form,
                sector=sector,
                is_invented=True,
                note="",
                founded_on=None,
                dissolved_on=None,
                merged_into_id=None,
            )
            if members is not None:
                count_sink.add(organization_id=pk, as_of=year_start, members=members, note="synthetic")
            return pk

        # Nationally the provinces sit under one central root, so a report can start from it.
        if size.provinces > 1:
            base = segment(root_index + 1)
            add_org(base, 1, size.provinces, "Ban Chấp hành Trung ương (tổng hợp)", OrgForm.CENTRAL, Sector.OTHER, tag)
            top = 1
        else:
            base, top = "", 0
        for p in range(1, size.provinces + 1):
            ppath = base + segment((0 if base else root_index) + p)
            pname = f"Tỉnh ủy Tổng hợp {p:02d}"
            provinces.append(
                (add_org(ppath, top + 1, size.communes, pname, OrgForm.PROVINCIAL, Sector.OTHER, f"{tag}.{p}"), ppath)
            )
            for c in range(1, size.communes + 1):
                cpath = ppath + segment(c)
                cname = f"Đảng ủy xã {rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)} {p:02d}-{c:03d}"
                cid = add_org(cpath, top + 2, size.grassroots, cname, OrgForm.COMMUNE, Sector.COMMUNE, f"{tag}.{p}.{c}")
                communes.append((cid, cpath))
                for g in range(1, size.grassroots + 1):
                    gpath = cpath + segment(g)
                    sector = pick(rng, GRASSROOTS_SECTORS)
                    has_cells = sector not in (Sector.HIGH_SCHOOL,)
                    form = OrgForm.GRASSROOTS_COMMITTEE if has_cells else OrgForm.GRASSROOTS_CELL
                    gname = f"Đảng bộ {SECTOR_NAME[sector]} {rng.choice(SYLLABLES)} {p:02d}-{c:03d}-{g:02d}"
                    n_cells = size.cells if has_cells else 0
                    members = None if has_cells else rng.randint(12, 40)
                    gid = add_org(gpath, top + 3, n_cells, gname, form, sector, f"{tag}.{p}.{c}.{g}", members)
                    grassroots.append((gid, gpath, sector))
                    for k in range(1, n_cells + 1):
                        kpath = gpath + segment(k)
                        ksector = Sector.VILLAGE if sector == Sector.COMMUNE else sector
                        kid = add_org(
                            kpath,
                            top + 4,
                            0,
                            f"Chi bộ {k:02d} {gname[8:]}",
                            OrgForm.CELL,
                            ksector,
                            f"{tag}.{p}.{c}.{g}.{k}",
                            rng.randint(3, 45),
                        )
                        cells.append((kid, kpath, ksector))
        org_sink.flush()
        count_sink.flush()
        say(f"organizations: {org_sink.count} ({time.monotonic() - started:.0f} s)")

        # Plans and rules: one provincial plan per province, one per commune committee with its allocation table.
        plan_sink, rule_sink, alloc_sink, sub_sink = Sink(Plan), Sink(Rule), Sink(Allocation), Sink(SubQuota)
        plan_id, rule_id, alloc_id, sub_id = (_next_id(m) for m in (Plan, Rule, Allocation, SubQuota))
        first_year = end_year - years + 1

        def add_plan(issuer, number, symbol, title):
            nonlocal plan_id
            pk = plan_id
            plan_id += 1
            plan_sink.add(
                id=pk,
                issuer_id=issuer,
                number=str(number),
                symbol=symbol,
                issued_on=dt.date(first_year - 1, 11, 8),
                title=title,
                first_year=first_year,
                last_year=None,
                status=PlanStatus.ISSUED,
                replaced_by_id=None,
                document="",
                created_at=now,
                created_by_id=None,
            )
            return pk

        def add_rule(plan, kind, order, **values):
            nonlocal rule_id
            pk = rule_id
            rule_id += 1
            row = dict(
                id=pk,
                plan_id=plan,
                kind=kind,
                target_id=None,
                applies_to_each=False,
                forms=[],
                sectors=[],
                depth=None,
                category="",
                min_count=None,
                max_count=None,
                min_percent=None,
                max_percent=None,
                years_without=None,
                is_soft=True,
                note="",
                order=order,
            )
            row.update(values)
            if connection.vendor == "postgresql":
                import json

                row["forms"], row["sectors"] = json.dumps(row["forms"]), json.dumps(row["sectors"])
            rule_sink.add(**row)
            return pk

        grassroots_by_commune: dict[str, list] = {}
        for gid, gpath, sector in grassroots:
            grassroots_by_commune.setdefault(gpath[:-STEP], []).append((gid, sector))
        per_commune = size.admissions_per_year / max(1, len(communes))
        for n, (pid, _ppath) in enumerate(provinces, start=1):
            plan = add_plan(pid, 100 + n, "KH/TU", "Kế hoạch phát triển đảng viên (tổng hợp)")
            add_rule(plan, RuleKind.COUNT, 1, target_id=pid, min_count=int(per_commune * size.communes))
            add_rule(
                plan,
                RuleKind.COUNT,
                2,
                applies_to_each=True,
                sectors=[Sector.HIGH_SCHOOL],
                forms=list(GRASSROOTS_FORMS),
                category=Category.PUPIL,
                min_count=1,
            )
            add_rule(
                plan,
                RuleKind.COUNT,
                3,
                applies_to_each=True,
                sectors=[Sector.UNIVERSITY],
                forms=list(GRASSROOTS_FORMS),
                category=Category.STUDENT,
                min_count=5,
                max_count=10,
            )
            add_rule(
                plan,
                RuleKind.SHARE_OF_ADMISSIONS,
                4,
                applies_to_each=True,
                forms=[OrgForm.COMMUNE],
                category=Category.NON_STATE_WORKER,
                min_percent=Decimal("2"),
                max_percent=Decimal("5"),
            )
            add_rule(
                plan,
                RuleKind.CELL_SIZE,
                5,
                applies_to_each=True,
                forms=[OrgForm.CELL],
                sectors=[Sector.VILLAGE, Sector.HIGH_SCHOOL],
                min_count=10,
            )
            add_rule(plan, RuleKind.INACTIVITY, 6, applies_to_each=True, forms=[OrgForm.CELL], years_without=3)
        for n, (cid, cpath) in enumerate(communes, start=1):
            plan = add_plan(cid, n, "KH/ĐU", "Kế hoạch phát triển đảng viên của đảng ủy xã (tổng hợp)")
            target = max(1, round(per_commune))
            rule = add_rule(plan, RuleKind.ALLOCATION, 1, target_id=cid, min_count=target)
            for order, (gid, sector) in enumerate(grassroots_by_commune.get(cpath, []), start=1):
                aid = alloc_id
                alloc_id += 1
                alloc_sink.add(
                    id=aid,
                    rule_id=rule,
                    organization_id=gid,
                    total=max(1, round(target / size.grassroots)),
                    order=order,
                )
                if sector == Sector.HIGH_SCHOOL:
                    sub_sink.add(id=sub_id, allocation_id=aid, category=Category.PUPIL, count=1)
                    sub_id += 1
        for sink in (plan_sink, rule_sink, alloc_sink, sub_sink):
            sink.flush()
        say(
            f"plans: {plan_sink.count}, rules: {rule_sink.count}, allocation rows: {alloc_sink.count} "
            f"({time.monotonic() - started:.0f} s)"
        )

        # Candidates and admissions. Admitting organizations: cells, and grassroots cells without cells.
        admitting = [(kid, ksector) for kid, _k, ksector in cells] + [
            (gid, sector) for gid, _g, sector in grassroots if sector == Sector.HIGH_SCHOOL
        ]
        if size.through_services:
            made = _people_through_services(rng, admitting, size, first_year, end_year)
            say(f"candidates: {made['candidates']}, admissions: {made['admissions']} through the services")
            _reset_sequences([Organization, Plan, Rule, Allocation, SubQuota])
            return {
                "organizations": org_sink.count,
                "member_counts": count_sink.count,
                "plans": plan_sink.count,
                "rules": rule_sink.count,
                "allocations": alloc_sink.count,
                **made,
            }
        cand_sink, adm_sink = Sink(Candidate), Sink(Admission)
        cand_id = _next_id(Candidate)

        def person(category):
            age = 18 + (rng.random() ** 2) * 30 if category not in (Category.PUPIL,) else 18 + rng.random() * 0.9
            return (f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}", int(age * 365.25))

        def add_candidate(org, sector, step, step_date, outcome):
            nonlocal cand_id
            category = pick(rng, CATEGORY_BY_SECTOR.get(sector, DEFAULT_CATEGORIES))
            name, age_days = person(category)
            pk = cand_id
            cand_id += 1
            cand_sink.add(
                id=pk,
                organization_id=org,
                full_name=name,
                search_name=fold(name),
                date_of_birth=step_date - dt.timedelta(days=age_days + 30),
                gender=rng.choice(list(Gender)),
                ethnicity="Kinh",
                religion="",
                education=Education.UPPER_SECONDARY,
                category=category,
                introduced_by=rng.choice(list(MassOrganization)),
                national_id="",
                notes="",
                step=step,
                step_date=step_date,
                outcome=outcome,
                outcome_date=step_date if outcome != Outcome.IN_PROGRESS else None,
                provincial_consent_on=None,
                archived_at=None,
                archive_reason="",
                created_at=now,
            )
            return pk, category

        last_day = min(dt.date(end_year, 12, 31), timezone.localdate())
        for year in range(first_year, end_year + 1):
            span = ((dt.date(year, 12, 31) if year < end_year else last_day) - dt.date(year, 1, 1)).days
            n_adm = size.admissions_per_year if year < end_year else int(size.admissions_per_year * span / 365)
            for _ in range(n_adm):
                org, sector = admitting[rng.randrange(len(admitting))]
                ceremony = dt.date(year, 1, 1) + dt.timedelta(days=rng.randint(0, span))
                recognized = ceremony + dt.timedelta(days=372) <= last_day
                step = Step.RECOGNITION if recognized else Step.CEREMONY
                cid_, category = add_candidate(org, sector, step, ceremony, Outcome.ADMITTED)
                decision = ceremony - dt.timedelta(days=rng.randint(5, 35))
                probation_due = (
                    ceremony.replace(year=ceremony.year + 1)
                    if not (ceremony.month == 2 and ceremony.day == 29)
                    else dt.date(ceremony.year + 1, 3, 1)
                )
                adm_sink.add(
                    id=cid_,
                    candidate_id=cid_,
                    organization_id=org,
                    category=category,
                    ceremony_date=ceremony,
                    decision_number=f"{rng.randint(1, 999)}-QĐ/ĐU",
                    decision_date=decision,
                    probation_due=probation_due,
                    recognized_on=ceremony + dt.timedelta(days=380) if recognized else None,
                    full_member_from=probation_due if recognized else None,
                    recognition_decision="",
                    struck_off_on=None,
                    archived_at=None,
                    archive_reason="",
                )
            cand_sink.flush()
            adm_sink.flush()
            say(f"admissions {year}: {n_adm} ({time.monotonic() - started:.0f} s)")
        for _ in range(size.candidates):
            org, sector = admitting[rng.randrange(len(admitting))]
            step = rng.choices(range(1, 10), [22, 20, 14, 12, 10, 8, 6, 5, 3])[0]
            outcome = (
                Outcome.IN_PROGRESS
                if rng.random() < 0.92
                else rng.choice([Outcome.WITHDRAWN, Outcome.NOT_QUALIFIED, Outcome.MOVED_AWAY])
            )
            add_candidate(org, sector, step, last_day - dt.timedelta(days=rng.randint(0, 700)), outcome)
        cand_sink.flush()
        say(f"candidates: {cand_sink.count} ({time.monotonic() - started:.0f} s)")
        _reset_sequences([Organization, Plan, Rule, Allocation, SubQuota, Candidate, Admission])

    # COPY and bulk_create bypass the signals that keep the tallies in step.
    rows = tally.rebuild()
    say(f"tallies: {rows} rows ({time.monotonic() - started:.0f} s)")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    say(f"done in {time.monotonic() - started:.0f} s")
    return {
        "organizations": org_sink.count,
        "member_counts": count_sink.count,
        "plans": plan_sink.count,
        "rules": rule_sink.count,
        "allocations": alloc_sink.count,
        "candidates": cand_sink.count,
        "admissions": adm_sink.count,
    }


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
