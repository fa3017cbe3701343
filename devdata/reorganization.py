"""`seed_demo --reorganized`: the shape of Lâm Đồng after 1 July 2025, made through the
reorganization service from fixtures/reorganization-2025.xlsx, whose rows are written from
fixtures/reorganization-2025.json (`reorganization_2025_rows`; a test compares the stored file)."""

import datetime as dt
import io
from pathlib import Path

from django.conf import settings
from django.db import transaction

from organizations.models import Organization, Reorganization
from organizations.reorganize import COLUMNS, reorganization_apply

from . import fixtures
from .tree import USERS, demo_user, ensure

PLAN = fixtures.load("reorganization-2025")
REORGANIZATION_FILE = PLAN["file"]
REORGANIZATION_DECISION = PLAN["decision"]
REORGANIZATION_DECISION_DATE = fixtures.date(PLAN["decision_date"])
REORGANIZATION_DAY = PLAN["day"]
REORGANIZED_ON = dt.datetime.strptime(REORGANIZATION_DAY, "%d/%m/%Y").date()
ABSORBED_PROVINCES = PLAN["absorbed_provinces"]


def reorganization_2025_rows() -> list[tuple[str, str, str, str, str, str, str]]:
    """The rows of fixtures/reorganization-2025.xlsx (without the header)."""
    day, parent, rows = REORGANIZATION_DAY, PLAN["parent"], []
    form, sector = PLAN["commune_form"], PLAN["commune_sector"]
    for unit in PLAN["provincial_units"]:
        rows.append(("thành lập", day, unit["code"], parent, unit["name"], unit["form"], unit["sector"]))
        rows += [("chuyển", day, moved, unit["code"], "", "", "") for moved in unit["moved"]]
    rows += [("đổi tên", day, unit["code"], "", unit["name"], "", "") for unit in PLAN["renamed"]]
    for district in PLAN["districts"]:
        for commune in district["new_communes"]:
            code = commune["code"]
            rows.append(("thành lập", day, code, parent, commune["name"], form, sector))
            rows += [("sáp nhập", day, old, code, "", "", "") for old in commune["merged"]]
            rows += [("chuyển", day, unit, code, "", "", "") for unit in commune["moved"]]
        rows.append(("giải thể", day, district["code"], "", "", "", ""))
    rows += [("sáp nhập", day, province["code"], parent, "", "", "") for province in ABSORBED_PROVINCES]
    return rows


def merged_codes() -> list[str]:
    """The codes of the organizations the reorganization merges into another (on REORGANIZED_ON)."""
    return [row[2] for row in reorganization_2025_rows() if row[0] == "sáp nhập"]


def reorganization_2025_workbook() -> bytes:
    """fixtures/reorganization-2025.xlsx as it should be."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sap xep 2025"
    sheet.append([titles[0] for titles in COLUMNS.values()])
    for row in reorganization_2025_rows():
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def reopen_for_reorganization(today: dt.date) -> list:
    """A demo seeded without `--reorganized` has its 2025 year reports approved, which locks
    2025 for their districts; a reorganization dated inside 2025 changes those figures, so (as
    a board would) the locks covering its day are reopened first, with the decision as the
    reason, through today. (`seed_demo --reorganized` on an empty database reorganizes before
    any report is sent: nothing to reopen.)"""
    from organizations import locks

    day = REORGANIZED_ON
    reason = f"Sắp xếp tổ chức theo {REORGANIZATION_DECISION}"
    return [
        locks.reopen(lock=lock, until=today, reason=reason, user=None, today=today)
        for lock in locks.locks_in_force(today=today, day=day)
    ]


def seed_reorganized(stdout, today: dt.date) -> None:
    """Apply the 2025 reorganization once (a second run finds it applied and does nothing)."""
    if Reorganization.objects.filter(decision=REORGANIZATION_DECISION).exists():
        stdout.write("Reorganization 2025: already applied.")
        return
    with transaction.atomic():
        reopen_for_reorganization(today)
        for node in ABSORBED_PROVINCES:
            ensure(node, None)
        path = Path(settings.BASE_DIR) / REORGANIZATION_FILE
        with path.open("rb") as upload:
            record = reorganization_apply(
                upload=upload,
                today=today,
                decision=REORGANIZATION_DECISION,
                decision_date=REORGANIZATION_DECISION_DATE,
                file_name=path.name,
            )
    stdout.write(
        f"Reorganization 2025: {len(record.summary['operations'])} operations applied ({record.summary['counts']})."
    )


def seed_logins(logins: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The demo logins of dissolved districts (PLAN["logins"]) also hold their role in the
    commune committee that took their district's place, as its staff did from 1 July 2025
    (their district's membership stays: its past reports are theirs to read). Returns the
    logins to print (idempotent: every run of seed_demo --reorganized)."""
    moved = {row["username"]: row for row in PLAN["logins"]}
    roles = {row["username"]: row["role"] for row in USERS["users"]}
    result = []
    for username, description, organization in logins:
        row = moved.get(username)
        if row is None:
            result.append((username, description, organization))
            continue
        new = Organization.objects.get(code=row["to"])
        user = demo_user(username=username, full_name=row["full_name"], organization=new, role=roles[username])
        user.first_name = row["full_name"]  # demo_user names a login only when it creates it
        user.save(update_fields=["first_name"])
        result.append((username, row["description"], f"{new.name} (and {organization}, dissolved)"))
    return result
