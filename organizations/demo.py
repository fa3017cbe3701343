"""The demo tree, from the seed documents (../shared/seeds).

Named in the seeds: the committees, Đức Trọng's Chu Văn An and Đức Trọng high-school
cells and Công ty TNHH Đồng Thúy (Lado Taxi), and Đơn Dương's 15 grassroots
organizations of the 2025 allocation table (seed 003). Everything marked
invented=True is plausible filler and says so on its page.
Member counts are illustrative (note "số liệu minh họa").
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Membership, Organization, OrgForm, Role, Sector
from .services import member_count_record, organization_create

F, S = OrgForm, Sector
COUNT_DATE = dt.date(2025, 1, 1)
DEMO_PASSWORD = "demo-2025"


@dataclass
class Node:
    code: str
    name: str
    form: str
    sector: str
    members: int | None = None
    invented: bool = False
    note: str = ""
    children: list["Node"] = field(default_factory=list)


def _cells(prefix: str, names: list[tuple[str, str, int]]) -> list[Node]:
    return [
        Node(f"{prefix}.{i:02d}", name, F.CELL, sector, members, invented=True)
        for i, (name, sector, members) in enumerate(names, start=1)
    ]


def _school(code, name, members, invented=False, form=F.GRASSROOTS_CELL):
    return Node(code, name, form, S.HIGH_SCHOOL, members, invented)


TREE = [
    Node(
        "LD",
        "Tỉnh ủy Lâm Đồng",
        F.PROVINCIAL,
        S.OTHER,
        children=[
            Node(
                "LD.DL",
                "Thành ủy Đà Lạt",
                F.DISTRICT,
                S.OTHER,
                children=[
                    Node(
                        "LD.DL.P1",
                        "Đảng bộ Phường 1",
                        F.GRASSROOTS_COMMITTEE,
                        S.COMMUNE,
                        310,
                        True,
                        children=_cells(
                            "LD.DL.P1",
                            [
                                ("Chi bộ Tổ dân phố 1", S.VILLAGE, 24),
                                ("Chi bộ Tổ dân phố 2", S.VILLAGE, 9),
                                ("Chi bộ Tổ dân phố 3", S.VILLAGE, 17),
                            ],
                        ),
                    ),
                    Node(
                        "LD.DL.P8",
                        "Đảng bộ Phường 8",
                        F.GRASSROOTS_COMMITTEE,
                        S.COMMUNE,
                        265,
                        True,
                        children=_cells(
                            "LD.DL.P8",
                            [("Chi bộ Tổ dân phố Đa Thành", S.VILLAGE, 14), ("Chi bộ Tổ dân phố Đa Lộc", S.VILLAGE, 8)],
                        ),
                    ),
                    _school("LD.DL.TP", "Chi bộ Trường THPT Trần Phú", 28, True),
                    _school("LD.DL.BTX", "Chi bộ Trường THPT Bùi Thị Xuân", 31, True),
                    _school("LD.DL.TL", "Chi bộ Trường THPT Chuyên Thăng Long", 26, True),
                    Node(
                        "LD.DL.DN1",
                        "Chi bộ Công ty Cổ phần Du lịch Langbiang Xanh",
                        F.GRASSROOTS_CELL,
                        S.NON_STATE_ENTERPRISE,
                        7,
                        True,
                    ),
                    Node(
                        "LD.DL.DN2",
                        "Chi bộ Công ty TNHH Hoa Đà Lạt Việt",
                        F.GRASSROOTS_CELL,
                        S.NON_STATE_ENTERPRISE,
                        5,
                        True,
                    ),
                ],
            ),
            Node(
                "LD.DT",
                "Huyện ủy Đức Trọng",
                F.DISTRICT,
                S.OTHER,
                children=[
                    _school("LD.DT.CVA", "Chi bộ Trường THPT Chu Văn An", 22),
                    _school("LD.DT.DTR", "Chi bộ Trường THPT Đức Trọng", 30),
                    _school("LD.DT.NT", "Chi bộ Trường THPT Nguyễn Trãi", 25, True),
                    _school("LD.DT.HHT", "Chi bộ Trường THPT Hoàng Hoa Thám", 19, True),
                    _school("LD.DT.LTV", "Chi bộ Trường THPT Lương Thế Vinh", 21, True),
                    _school("LD.DT.NBN", "Chi bộ Trường THPT Nguyễn Bỉnh Khiêm", 18, True),
                    Node(
                        "LD.DT.LADO",
                        "Chi bộ Công ty TNHH Đồng Thúy (Lado Taxi)",
                        F.GRASSROOTS_CELL,
                        S.NON_STATE_ENTERPRISE,
                        9,
                    ),
                    Node(
                        "LD.DT.DN2",
                        "Chi bộ Công ty TNHH Cà phê Liên Khương",
                        F.GRASSROOTS_CELL,
                        S.NON_STATE_ENTERPRISE,
                        6,
                        True,
                    ),
                    Node(
                        "LD.DT.DN3",
                        "Chi bộ Công ty Cổ phần Rau sạch Hiệp Thạnh",
                        F.GRASSROOTS_CELL,
                        S.NON_STATE_ENTERPRISE,
                        5,
                        True,
                    ),
                    Node(
                        "LD.DT.LN",
                        "Đảng bộ thị trấn Liên Nghĩa",
                        F.GRASSROOTS_COMMITTEE,
                        S.COMMUNE,
                        420,
                        True,
                        children=_cells(
                            "LD.DT.LN",
                            [
                                ("Chi bộ Tổ dân phố 5", S.VILLAGE, 21),
                                ("Chi bộ Tổ dân phố 12", S.VILLAGE, 8),
                                ("Chi bộ Trường Tiểu học Liên Nghĩa", S.SCHOOL, 12),
                            ],
                        ),
                    ),
                ],
            ),
            Node(
                "LD.DD",
                "Huyện ủy Đơn Dương",
                F.DISTRICT,
                S.OTHER,
                children=[
                    Node("LD.DD.CA", "Đảng bộ Công an huyện", F.GRASSROOTS_COMMITTEE, S.POLICE, 96),
                    Node(
                        "LD.DD.TM",
                        "Đảng bộ thị trấn Thạnh Mỹ",
                        F.GRASSROOTS_COMMITTEE,
                        S.COMMUNE,
                        285,
                        children=_cells(
                            "LD.DD.TM",
                            [
                                ("Chi bộ Tổ dân phố Thạnh Mỹ 1", S.VILLAGE, 16),
                                ("Chi bộ Tổ dân phố Thạnh Mỹ 2", S.VILLAGE, 7),
                                ("Chi bộ Trường THCS Thạnh Mỹ", S.SCHOOL, 11),
                            ],
                        ),
                    ),
                    Node(
                        "LD.DD.DR",
                        "Đảng bộ thị trấn D’Ran",
                        F.GRASSROOTS_COMMITTEE,
                        S.COMMUNE,
                        240,
                        children=_cells(
                            "LD.DD.DR",
                            [("Chi bộ Tổ dân phố Lâm Tuyền", S.VILLAGE, 13), ("Chi bộ Thôn Đường Mới", S.VILLAGE, 6)],
                        ),
                    ),
                    Node("LD.DD.DRO", "Đảng bộ xã Đạ Ròn", F.GRASSROOTS_COMMITTEE, S.COMMUNE, 150),
                    Node(
                        "LD.DD.KDO",
                        "Đảng bộ xã Ka Đô",
                        F.GRASSROOTS_COMMITTEE,
                        S.COMMUNE,
                        205,
                        children=_cells(
                            "LD.DD.KDO",
                            [("Chi bộ Thôn Ka Đô Mới", S.VILLAGE, 12), ("Chi bộ Thôn Ka Đô Cũ", S.VILLAGE, 9)],
                        ),
                    ),
                    Node("LD.DD.KDN", "Đảng bộ xã Ka Đơn", F.GRASSROOTS_COMMITTEE, S.COMMUNE, 170),
                    Node("LD.DD.LL", "Đảng bộ xã Lạc Lâm", F.GRASSROOTS_COMMITTEE, S.COMMUNE, 160),
                    Node("LD.DD.LX", "Đảng bộ xã Lạc Xuân", F.GRASSROOTS_COMMITTEE, S.COMMUNE, 198),
                    Node("LD.DD.QL", "Đảng bộ xã Quảng Lập", F.GRASSROOTS_COMMITTEE, S.COMMUNE, 190),
                    Node("LD.DD.TT", "Đảng bộ xã Tu Tra", F.GRASSROOTS_COMMITTEE, S.COMMUNE, 201),
                    _school("LD.DD.THPT-DD", "Chi bộ Trường THPT Đơn Dương", 27),
                    _school("LD.DD.THPT-HV", "Chi bộ Trường THPT Hùng Vương", 20),
                    _school("LD.DD.THPT-LL", "Chi bộ Trường THPT Lê Lợi", 19),
                    _school("LD.DD.THPT-PRO", "Chi bộ Trường THPT Pró", 16),
                    Node(
                        "LD.DD.DTNT",
                        "Chi bộ Trường Phổ thông Dân tộc Nội trú THCS Đơn Dương",
                        F.GRASSROOTS_CELL,
                        S.SCHOOL,
                        14,
                        note="Trường THCS nội trú: không thuộc khối THPT.",
                    ),
                ],
            ),
            Node(
                "LD.KDN",
                "Đảng ủy Khối doanh nghiệp tỉnh",
                F.BLOC,
                S.OTHER,
                children=[
                    Node(
                        "LD.KDN.01",
                        "Đảng bộ Công ty Cổ phần Chè Cầu Đất",
                        F.GRASSROOTS_COMMITTEE,
                        S.NON_STATE_ENTERPRISE,
                        48,
                        True,
                    ),
                    Node(
                        "LD.KDN.02",
                        "Chi bộ Công ty TNHH Dệt may Lộc Sơn",
                        F.GRASSROOTS_CELL,
                        S.NON_STATE_ENTERPRISE,
                        12,
                        True,
                    ),
                    Node(
                        "LD.KDN.03",
                        "Đảng bộ Công ty Điện lực Lâm Đồng",
                        F.GRASSROOTS_COMMITTEE,
                        S.STATE_ENTERPRISE,
                        130,
                        True,
                    ),
                ],
            ),
            Node(
                "LD.KCQ",
                "Đảng ủy Khối các cơ quan tỉnh",
                F.BLOC,
                S.AGENCY,
                children=[
                    Node("LD.KCQ.01", "Chi bộ Sở Giáo dục và Đào tạo", F.GRASSROOTS_CELL, S.AGENCY, 35, True),
                ],
            ),
            Node(
                "LD.DHDL",
                "Đảng ủy Trường Đại học Đà Lạt",
                F.GRASSROOTS_COMMITTEE,
                S.UNIVERSITY,
                260,
                children=_cells(
                    "LD.DHDL", [("Chi bộ Sinh viên", S.UNIVERSITY, 18), ("Chi bộ Khoa Luật", S.UNIVERSITY, 15)]
                ),
            ),
        ],
    ),
    Node(
        "NT",
        "Tỉnh ủy Ninh Thuận",
        F.PROVINCIAL,
        S.OTHER,
        children=[
            Node(
                "NT.PR",
                "Thành ủy Phan Rang – Tháp Chàm",
                F.DISTRICT,
                S.OTHER,
                children=[
                    Node(f"NT.PR.{i:02d}", f"Đảng bộ phường {name}", F.GRASSROOTS_COMMITTEE, S.COMMUNE, members, True)
                    for i, (name, members) in enumerate(
                        [
                            ("Đài Sơn", 260),
                            ("Kinh Dinh", 240),
                            ("Phủ Hà", 300),
                            ("Mỹ Hương", 210),
                            ("Thanh Sơn", 230),
                            ("Đạo Long", 190),
                            ("Tấn Tài", 250),
                            ("Văn Hải", 280),
                        ],
                        start=1,
                    )
                ]
                + [
                    Node(
                        "NT.PR.THPT",
                        "Chi bộ Trường THPT Chu Văn An (Phan Rang)",
                        F.GRASSROOTS_CELL,
                        S.HIGH_SCHOOL,
                        24,
                        True,
                    ),
                    Node("NT.PR.CA", "Đảng bộ Công an thành phố", F.GRASSROOTS_COMMITTEE, S.POLICE, 140, True),
                ],
            ),
        ],
    ),
]

USERS = [
    # username, full name, organization code, role, what they show
    ("quantri", "Quản trị Tỉnh ủy Lâm Đồng", "LD", Role.ADMIN, "board administrator of the province"),
    ("tinh.kehoach", "Ban Tổ chức Tỉnh ủy", "LD", Role.PLANNER, "province planner"),
    ("donduong.kehoach", "Ban Tổ chức Huyện ủy Đơn Dương", "LD.DD", Role.PLANNER, "district planner"),
    ("chibo.ductrong", "Văn thư Chi bộ THPT Đức Trọng", "LD.DT.DTR", Role.CLERK, "school-cell clerk"),
    ("xem.ductrong", "Theo dõi Huyện ủy Đức Trọng", "LD.DT", Role.VIEWER, "read-only viewer"),
    ("ninhthuan", "Ban Tổ chức Tỉnh ủy Ninh Thuận", "NT", Role.PLANNER, "outsider from Ninh Thuận"),
]


def _ensure(node: Node, parent: Organization | None) -> int:
    org = Organization.objects.filter(code=node.code).first()
    created = 0
    if org is None:
        if parent is not None:
            parent.refresh_from_db()
        org = organization_create(
            parent=parent,
            name=node.name,
            code=node.code,
            form=node.form,
            sector=node.sector,
            is_invented=node.invented,
            note=node.note,
        )
        created = 1
    if node.members is not None and not org.member_counts.filter(as_of=COUNT_DATE).exists():
        member_count_record(organization=org, as_of=COUNT_DATE, members=node.members, note="số liệu minh họa")
    for child in node.children:
        created += _ensure(child, org)
    return created


@transaction.atomic
def seed_organizations() -> int:
    """Create whatever part of the demo tree is missing; return how many were created."""
    return sum(_ensure(node, None) for node in TREE)


@transaction.atomic
def seed_users() -> list[tuple[str, str, str]]:
    User = get_user_model()
    logins = []
    for username, full_name, code, role, description in USERS:
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.first_name = full_name
            user.save()
        org = Organization.objects.get(code=code)
        Membership.objects.update_or_create(user=user, organization=org, defaults={"role": role})
        logins.append((username, description, org.name))
    admin, created = User.objects.get_or_create(username="admin", defaults={"is_staff": True, "is_superuser": True})
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    logins.append(("admin", "superuser (Django admin at /admin/)", "—"))
    return logins


# ------------------------------------------------------------ the 2025 reorganization
#
# `seed_demo --reorganized`: the shape of Lâm Đồng after 1 July 2025, made through the
# reorganization service from fixtures/reorganization-2025.xlsx (written from the rows
# below by `reorganization_2025_workbook`). In reality Lâm Đồng merged with Đắk Nông and
# Bình Thuận: the two are seeded here as small invented provinces, only in this variant.
# The district committees are dissolved; their communes merge into new commune committees
# directly under the province, which receive the schools and enterprises. The new names
# follow the 2025 communes; which old unit went where is illustrative.

REORGANIZATION_FILE = "fixtures/reorganization-2025.xlsx"
REORGANIZATION_DECISION = "Quyết định số 1234-QĐ/TW (số minh họa)"
REORGANIZATION_DECISION_DATE = dt.date(2025, 6, 30)
REORGANIZATION_DAY = "01/07/2025"

ABSORBED_PROVINCES = [
    Node(
        "DNO",
        "Tỉnh ủy Đắk Nông",
        F.PROVINCIAL,
        S.OTHER,
        invented=True,
        children=[
            Node(
                "DNO.GN",
                "Thành ủy Gia Nghĩa",
                F.DISTRICT,
                S.OTHER,
                invented=True,
                children=[
                    Node("DNO.GN.ND", "Đảng bộ phường Nghĩa Đức", F.GRASSROOTS_COMMITTEE, S.COMMUNE, 180, True),
                    Node("DNO.GN.NT", "Đảng bộ phường Nghĩa Thành", F.GRASSROOTS_COMMITTEE, S.COMMUNE, 210, True),
                    _school("DNO.GN.THPT", "Chi bộ Trường THPT Gia Nghĩa", 24, True),
                ],
            )
        ],
    ),
    Node(
        "BTH",
        "Tỉnh ủy Bình Thuận",
        F.PROVINCIAL,
        S.OTHER,
        invented=True,
        children=[
            Node(
                "BTH.PT",
                "Thành ủy Phan Thiết",
                F.DISTRICT,
                S.OTHER,
                invented=True,
                children=[
                    Node("BTH.PT.PTR", "Đảng bộ phường Phú Trinh", F.GRASSROOTS_COMMITTEE, S.COMMUNE, 260, True),
                    Node("BTH.PT.DNG", "Đảng bộ phường Đức Nghĩa", F.GRASSROOTS_COMMITTEE, S.COMMUNE, 230, True),
                    _school("BTH.PT.PBC", "Chi bộ Trường THPT Phan Bội Châu", 35, True),
                ],
            )
        ],
    ),
]

# new commune committee: code, name, merged communes, moved schools and enterprises
_NEW_COMMUNES = {
    "LD.DD": [
        (
            "LD.X-DONDUONG",
            "Đảng ủy xã Đơn Dương",
            ["LD.DD.TM", "LD.DD.DRO", "LD.DD.TT"],
            ["LD.DD.THPT-DD", "LD.DD.DTNT"],
        ),
        ("LD.X-KADO", "Đảng ủy xã Ka Đô", ["LD.DD.KDO", "LD.DD.LL"], ["LD.DD.THPT-HV"]),
        ("LD.X-QUANGLAP", "Đảng ủy xã Quảng Lập", ["LD.DD.QL", "LD.DD.KDN"], ["LD.DD.THPT-PRO"]),
        ("LD.X-DRAN", "Đảng ủy xã D’Ran", ["LD.DD.DR", "LD.DD.LX"], ["LD.DD.THPT-LL"]),
    ],
    "LD.DT": [
        ("LD.X-DUCTRONG", "Đảng ủy xã Đức Trọng", ["LD.DT.LN"], ["LD.DT.CVA", "LD.DT.DTR", "LD.DT.NT"]),
        ("LD.X-HIEPTHANH", "Đảng ủy xã Hiệp Thạnh", [], ["LD.DT.LTV", "LD.DT.LADO", "LD.DT.DN2", "LD.DT.DN3"]),
        ("LD.X-TANHOI", "Đảng ủy xã Tân Hội", [], ["LD.DT.NBN"]),
        ("LD.X-NINHGIA", "Đảng ủy xã Ninh Gia", [], ["LD.DT.HHT"]),
    ],
    "LD.DL": [
        ("LD.P-XUANHUONG", "Đảng ủy phường Xuân Hương – Đà Lạt", ["LD.DL.P1"], ["LD.DL.TP", "LD.DL.BTX"]),
        ("LD.P-LAMVIEN", "Đảng ủy phường Lâm Viên – Đà Lạt", ["LD.DL.P8"], ["LD.DL.TL", "LD.DL.DN2"]),
        ("LD.P-LANGBIANG", "Đảng ủy phường Lang Biang – Đà Lạt", [], ["LD.DL.DN1"]),
    ],
    "DNO.GN": [
        ("LD.P-BACGIANGHIA", "Đảng ủy phường Bắc Gia Nghĩa", ["DNO.GN.ND", "DNO.GN.NT"], ["DNO.GN.THPT"]),
    ],
    "BTH.PT": [
        ("LD.P-PHANTHIET", "Đảng ủy phường Phan Thiết", ["BTH.PT.PTR", "BTH.PT.DNG"], ["BTH.PT.PBC"]),
    ],
}
# what else a district leaves behind: dissolved before the district itself
_DISSOLVED_FIRST = {"LD.DD": ["LD.DD.CA"]}  # district police were reorganized into commune police


def reorganization_2025_rows() -> list[tuple[str, str, str, str, str, str, str]]:
    """The rows of fixtures/reorganization-2025.xlsx (without the header)."""
    day, rows = REORGANIZATION_DAY, []
    commune_form, commune_sector = "Đảng ủy xã, phường trực thuộc tỉnh", "Xã, phường, thị trấn"
    for district, communes in _NEW_COMMUNES.items():
        for code, name, merged, moved in communes:
            rows.append(("thành lập", day, code, "LD", name, commune_form, commune_sector))
            rows += [("sáp nhập", day, old, code, "", "", "") for old in merged]
            rows += [("chuyển", day, unit, code, "", "", "") for unit in moved]
        rows += [("giải thể", day, code, "", "", "", "") for code in _DISSOLVED_FIRST.get(district, [])]
        rows.append(("giải thể", day, district, "", "", "", ""))
    rows += [("sáp nhập", day, province.code, "LD", "", "", "") for province in ABSORBED_PROVINCES]
    return rows


def reorganization_2025_workbook() -> bytes:
    """fixtures/reorganization-2025.xlsx as it should be (tests compare the stored file)."""
    import io

    from openpyxl import Workbook

    from .reorganize import COLUMNS

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sap xep 2025"
    sheet.append([titles[0] for titles in COLUMNS.values()])
    for row in reorganization_2025_rows():
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def seed_reorganized(stdout, today: dt.date) -> None:
    """Apply the 2025 reorganization once (a second run finds it applied and does nothing)."""
    from pathlib import Path

    from django.conf import settings

    from .models import Reorganization
    from .reorganize import reorganization_apply

    if Reorganization.objects.filter(decision=REORGANIZATION_DECISION).exists():
        stdout.write("Reorganization 2025: already applied.")
        return
    with transaction.atomic():
        for node in ABSORBED_PROVINCES:
            _ensure(node, None)
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
