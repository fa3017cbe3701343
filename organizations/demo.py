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
