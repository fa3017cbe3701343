"""The plans of the seed documents as data (../shared/seeds), loaded by `manage.py seed_demo`.

Idempotent: a plan already present (same issuer, title and first year) is left alone.
Where a seed does not give a plan's number or date, the plan is issued without them
and its note says so; nothing is invented beyond what the note states.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from admissions.categories import Category
from organizations.models import GRASSROOTS_FORMS, Organization, OrgForm, Sector

from . import services
from .models import Plan, PlanStatus, Recurrence, RuleKind

GRASSROOTS = [str(f) for f in GRASSROOTS_FORMS]


def _org(code: str) -> Organization:
    return Organization.objects.get(code=code)


def _plan(issuer_code: str, title: str, first_year: int, **fields) -> tuple[Plan, bool]:
    issuer = _org(issuer_code)
    existing = Plan.objects.filter(issuer=issuer, title=title, first_year=first_year).first()
    if existing:
        return existing, False
    return services.plan_create(issuer=issuer, title=title, first_year=first_year, **fields), True


def _rules(plan: Plan, today: dt.date, rules: list[dict]) -> None:
    for fields in rules:
        services.rule_create(plan=plan, today=today, **fields)


def _issue(plan: Plan, today: dt.date, number: str = "", issued_on: dt.date | None = None) -> None:
    if number and issued_on:
        services.plan_issue(plan=plan, number=number, issued_on=issued_on, today=today)
    else:  # the seed does not give the number or date: issued as the document stands
        Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.ISSUED, issued_on=issued_on)


def _province_97(today):
    plan, created = _plan(
        "LD",
        "Kế hoạch phát triển đảng viên trong học sinh, sinh viên, doanh nghiệp không có vốn Nhà nước",
        2024,
        symbol="KH/TU",
        note="Các thành ủy, huyện ủy, đảng ủy trực thuộc Tỉnh ủy xây dựng kế hoạch thực hiện từ năm 2024 (seed 000).",
    )
    if not created:
        return plan
    _rules(
        plan,
        today,
        [
            dict(
                kind=RuleKind.COUNT,
                applies_to_each=True,
                forms=GRASSROOTS,
                sectors=[Sector.HIGH_SCHOOL],
                category=Category.PUPIL,
                min_count=1,
                note="Mục II.1.1",
            ),
            dict(
                kind=RuleKind.COUNT,
                applies_to_each=True,
                forms=GRASSROOTS,
                sectors=[Sector.UNIVERSITY],
                category=Category.STUDENT,
                min_count=5,
                max_count=10,
                note="Tổ chức đảng các trường cao đẳng, đại học trực thuộc cấp ủy cấp trên cơ sở (mục II.1.1)",
            ),
            dict(
                kind=RuleKind.SHARE_OF_ADMISSIONS,
                applies_to_each=True,
                forms=[OrgForm.DISTRICT],
                depth=1,
                category=Category.NON_STATE_WORKER,
                min_percent=2,
                max_percent=5,
                note="Đối với các huyện ủy, thành ủy; hiện nay khoảng 0,5 - 1% (mục II.1.2)",
            ),
            dict(
                kind=RuleKind.SHARE_OF_ADMISSIONS,
                target=_org("LD.KDN"),
                category=Category.NON_STATE_WORKER,
                min_percent=15,
                note="Đảng ủy Khối doanh nghiệp tỉnh; hiện nay khoảng 15 - 16% (mục II.1.2)",
            ),
            dict(
                kind=RuleKind.COUNT,
                target=_org("LD.DHDL"),
                category=Category.STUDENT,
                min_count=15,
                max_count=20,
                note="Phấn đấu hằng năm kết nạp từ 15 - 20 đảng viên trở lên là sinh viên (mục II.2.8)",
            ),
        ],
    )
    services.milestone_create(
        plan=plan,
        title="Đánh giá việc thực hiện Kế hoạch, kết hợp tổng kết cuối năm",
        due_on=dt.date(2024, 12, 31),
        recurrence=Recurrence.YEARLY,
        responsible="Các thành ủy, huyện ủy, đảng ủy trực thuộc Tỉnh ủy",
        today=today,
    )
    _issue(plan, today, "97", dt.date(2023, 11, 8))
    return plan


def _da_lat(today, parent):
    plan, created = _plan(
        "LD.DL",
        "Kế hoạch phát triển Đảng trong học sinh, sinh viên, doanh nghiệp không có vốn Nhà nước",
        2024,
        symbol="KH/ThU",
        implements=[parent],
        note="Số và ngày ban hành không có trong bản trích của văn bản (seed 001).",
    )
    if not created:
        return plan
    _rules(
        plan,
        today,
        [
            dict(
                kind=RuleKind.COUNT,
                applies_to_each=True,
                forms=GRASSROOTS,
                sectors=[Sector.HIGH_SCHOOL],
                category=Category.PUPIL,
                min_count=1,
                note="Mục II.1.1",
            ),
            dict(
                kind=RuleKind.SHARE_OF_ADMISSIONS,
                category=Category.NON_STATE_WORKER,
                min_percent=2,
                note="Đảng viên mới kết nạp năm 2023: 191 đảng viên. Từ 2%: khoảng 4 đảng viên trở lên (chú thích 1)",
            ),
        ],
    )
    _issue(plan, today)
    return plan


def _duc_trong(today, parent):
    plan, created = _plan(
        "LD.DT",
        "Kế hoạch phát triển đảng viên trong học sinh, doanh nghiệp không có vốn Nhà nước",
        2024,
        symbol="KH/HU",
        implements=[parent],
    )
    if not created:
        return plan
    _rules(
        plan,
        today,
        [
            dict(
                kind=RuleKind.COUNT,
                applies_to_each=True,
                forms=GRASSROOTS,
                sectors=[Sector.HIGH_SCHOOL],
                category=Category.PUPIL,
                min_count=1,
            ),
            dict(kind=RuleKind.SHARE_OF_ADMISSIONS, category=Category.NON_STATE_WORKER, min_percent=2),
            dict(
                kind=RuleKind.COUNT,
                applies_to_each=True,
                forms=GRASSROOTS,
                sectors=[Sector.NON_STATE_ENTERPRISE],
                min_count=1,
                note="Mỗi doanh nghiệp ngoài Nhà nước có tổ chức đảng",
            ),
        ],
    )
    _issue(plan, today, "159", dt.date(2023, 12, 25))
    return plan


DON_DUONG_2025 = [
    # code, quota, pupils (seed 003, "PHÂN BỔ CHỈ TIÊU PHÁT TRIỂN ĐẢNG NĂM 2025")
    ("LD.DD.CA", 3, 0),
    ("LD.DD.TM", 10, 0),
    ("LD.DD.DR", 9, 0),
    ("LD.DD.DRO", 6, 0),
    ("LD.DD.KDO", 9, 0),
    ("LD.DD.KDN", 7, 0),
    ("LD.DD.LL", 6, 0),
    ("LD.DD.LX", 9, 0),
    ("LD.DD.QL", 9, 0),
    ("LD.DD.TT", 9, 0),
    ("LD.DD.THPT-DD", 3, 1),
    ("LD.DD.THPT-HV", 3, 1),
    ("LD.DD.THPT-LL", 3, 1),
    ("LD.DD.THPT-PRO", 3, 1),
    ("LD.DD.DTNT", 2, 0),
]


def _don_duong(today):
    plan, created = _plan(
        "LD.DD",
        "Kế hoạch phát triển đảng viên năm 2025",
        2025,
        last_year=2025,
        symbol="KH/HU",
        note="Ban hành tháng 01/2025; số và ngày không ghi trong văn bản (seed 003).",
    )
    if not created:
        return plan
    _rules(
        plan,
        today,
        [
            dict(kind=RuleKind.COUNT, min_count=88, note="Có phân bổ chi tiết kèm theo (mục II.1)"),
            dict(kind=RuleKind.ALLOCATION, min_count=88, note="Phân bổ chỉ tiêu phát triển đảng năm 2025"),
            dict(
                kind=RuleKind.CELL_SIZE,
                applies_to_each=True,
                forms=[OrgForm.CELL],
                sectors=[Sector.VILLAGE, Sector.HIGH_SCHOOL, Sector.SCHOOL],
                depth=2,
                min_count=10,
                note="Chi bộ thôn, tổ dân phố, trường học trực thuộc Đảng ủy xã, thị trấn",
            ),
            dict(
                kind=RuleKind.INACTIVITY,
                applies_to_each=True,
                forms=[OrgForm.CELL],
                depth=2,
                years_without=3,
                note="Chi bộ 03 năm trở lên không kết nạp đảng viên (nếu còn nguồn) (mục II.3.1)",
            ),
        ],
    )
    table = plan.rules.get(kind=RuleKind.ALLOCATION)
    orgs = {o.code: o.pk for o in Organization.objects.filter(code__in=[c for c, *_ in DON_DUONG_2025])}
    services.allocation_set(
        rule=table,
        rows=[
            services.RowInput(orgs[code], total, {Category.PUPIL: pupils} if pupils else {})
            for code, total, pupils in DON_DUONG_2025
        ],
        today=today,
    )
    _issue(plan, today, issued_on=None)
    return plan


CURRENT_YEAR_NOTE = (
    "Bản sao minh họa cho dữ liệu thử (demo) từ Kế hoạch năm 2025 (seed 003): "
    "cùng chỉ tiêu và bảng phân bổ 15 tổ chức; số và ngày ban hành không phải của văn bản thật."
)


def _don_duong_current_year(today, plan_2025: Plan) -> Plan | None:
    """The board's plan for the current year: a copy of the 2025 plan, issued (illustrative).

    Made with the services as a board would (copy to the year, then issue). Left alone
    when the issuer already has a plan starting this year, or when the year is 2025.
    """
    year = today.year
    if year == plan_2025.first_year:
        return None
    existing = Plan.objects.filter(issuer=plan_2025.issuer, first_year=year).first()
    if existing:
        return existing
    plan = services.plan_copy_to_year(plan=plan_2025, year=year)
    services.plan_update(plan=plan, today=today, note=CURRENT_YEAR_NOTE)
    for rule in plan.rules.filter(note__contains=str(plan_2025.first_year)):
        note = rule.note.replace(str(plan_2025.first_year), str(year))
        services.rule_update(rule=rule, version=rule.version, today=today, note=note)
    issued_on = min(today, dt.date(year, 1, 15))
    services.plan_issue(plan=plan, number="", issued_on=issued_on, today=today)
    return plan


def _phan_rang(today):
    plan, created = _plan(
        "NT.PR",
        "Kế hoạch phát triển đảng viên mới năm 2023",
        2023,
        last_year=2023,
        symbol="KH/ThU",
        note="Số và ngày ban hành không có trong bản trích; phụ lục phân bổ chỉ tiêu không kèm trong văn bản (seed 004).",
    )
    if not created:
        return plan
    _rules(
        plan,
        today,
        [
            dict(kind=RuleKind.COUNT, min_count=180, is_soft=False, note="Mục II.2"),
            dict(
                kind=RuleKind.ALLOCATION,
                min_count=180,
                is_soft=False,
                note="Phân bổ cho các tổ chức cơ sở đảng theo Phụ lục (phụ lục không có trong văn bản nguồn)",
            ),
        ],
    )
    for title, due_on, recurrence, responsible in [
        (
            "Báo cáo kết quả triển khai Kế hoạch về Ban Thường vụ Thành ủy",
            dt.date(2023, 3, 5),
            Recurrence.ONCE,
            "Các tổ chức cơ sở đảng",
        ),
        (
            "Tổng hợp, báo cáo Ban Thường vụ Thành ủy kết quả triển khai",
            dt.date(2023, 3, 15),
            Recurrence.ONCE,
            "Ban Tổ chức Thành ủy",
        ),
        (
            "Báo cáo Ban Thường vụ Thành ủy kết quả thực hiện (định kỳ hằng quý)",
            dt.date(2023, 3, 31),
            Recurrence.QUARTERLY,
            "Ban Tổ chức Thành ủy",
        ),
        (
            "Hoàn tất hồ sơ kết nạp Đảng theo chỉ tiêu được giao, gửi Ban Tổ chức Thành ủy",
            dt.date(2023, 10, 31),
            Recurrence.ONCE,
            "Các tổ chức cơ sở đảng",
        ),
    ]:
        services.milestone_create(
            plan=plan, title=title, due_on=due_on, recurrence=recurrence, responsible=responsible, today=today
        )
    _issue(plan, today)
    return plan


@transaction.atomic
def seed(stdout) -> None:
    today = timezone.localdate()
    province = _province_97(today)
    _da_lat(today, province)
    _duc_trong(today, province)
    don_duong = _don_duong(today)
    _don_duong_current_year(today, don_duong)
    _phan_rang(today)
    stdout.write(f"Plans: {Plan.objects.count()} (seed documents 000–004).")
