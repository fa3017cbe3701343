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
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from admissions import tally
from admissions.categories import Category
from admissions.models import Admission, Candidate, Education, Gender, MassOrganization, Outcome, Step
from common.text import fold
from organizations.models import GRASSROOTS_FORMS, MemberCount, Organization, OrgForm, Sector
from quotas.models import Allocation, Plan, PlanStatus, Rule, RuleKind, SubQuota

from .synthetic_parts import (  # noqa: F401  (SCALES: the command's choices)
    ALPHABET,
    CATEGORY_BY_SECTOR,
    DEFAULT_CATEGORIES,
    FAMILY,
    GIVEN,
    GRASSROOTS_SECTORS,
    MIDDLE,
    SCALES,
    SECTOR_NAME,
    STEP,
    SYLLABLES,
    Scale,
    Sink,
    _next_id,
    _people_through_services,
    _reset_sequences,
    member_counts_over_years,
    pick,
    segment,
)


def generate(*, scale: str, seed: int = 2025, end_year: int = 2025, years: int = 5, stdout=None) -> dict:
    """Create the dataset; returns the counts of rows written."""
    size = SCALES[scale]
    rng = random.Random(seed)
    say = (lambda msg: stdout.write(msg)) if stdout else (lambda msg: None)
    started = time.monotonic()
    now = timezone.now()
    # The member counts drift on their own generator: the rest of the data stays what a seed gave.
    drift = random.Random(f"member-counts-{seed}")

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
                for as_of, n in member_counts_over_years(drift, members, end_year=end_year, years=years):
                    count_sink.add(organization_id=pk, as_of=as_of, members=n, note="synthetic")
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
        MemberCount.objects.refresh_until()  # COPY bypasses MemberCount.save: each count's end
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
