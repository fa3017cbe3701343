from decimal import Decimal

import pytest

from admissions.categories import Category
from organizations.models import GRASSROOTS_FORMS, OrgForm, Sector
from quotas.models import Plan, Rule, RuleKind
from quotas.sentences import allocation_notation, rule_sentence


@pytest.fixture
def plan(tree):
    return Plan.objects.create(issuer=tree.province, number="97", symbol="KH/TU", title="Kế hoạch", first_year=2024)


def make(plan, **fields):
    return Rule(plan=plan, **fields)


def test_every_high_school_at_least_one_pupil(plan):
    rule = make(
        plan,
        kind=RuleKind.COUNT,
        applies_to_each=True,
        sectors=[Sector.HIGH_SCHOOL],
        forms=list(GRASSROOTS_FORMS),
        category=Category.PUPIL,
        min_count=1,
    )
    assert rule_sentence(rule) == "Phấn đấu mỗi tổ chức cơ sở đảng trường THPT kết nạp ít nhất 01 học sinh"


def test_universities_directly_under_a_range(plan):
    rule = make(
        plan,
        kind=RuleKind.COUNT,
        applies_to_each=True,
        sectors=[Sector.UNIVERSITY],
        depth=1,
        category=Category.STUDENT,
        min_count=5,
        max_count=10,
        is_soft=False,
    )
    assert rule_sentence(rule) == (
        "Mỗi tổ chức đảng trường cao đẳng, đại học trực thuộc Tỉnh ủy Lâm Đồng kết nạp từ 05 đến 10 sinh viên"
    )


def test_share_for_each_district(plan):
    rule = make(
        plan,
        kind=RuleKind.SHARE_OF_ADMISSIONS,
        applies_to_each=True,
        forms=[OrgForm.DISTRICT],
        category=Category.NON_STATE_WORKER,
        min_percent=Decimal("2"),
        max_percent=Decimal("5.00"),
    )
    assert rule_sentence(rule) == (
        "Phấn đấu công nhân, người lao động trong doanh nghiệp ngoài Nhà nước chiếm từ 2% đến 5% trong tổng số "
        "đảng viên mới kết nạp của toàn đảng bộ (đối với mỗi thành ủy, huyện ủy)"
    )


def test_count_for_one_organization_keeps_its_capitals(plan, tree):
    rule = make(plan, kind=RuleKind.COUNT, target=tree.district, min_count=88)
    assert rule_sentence(rule) == "Phấn đấu Huyện ủy Đơn Dương kết nạp ít nhất 88 đảng viên"


def test_share_with_decimal_comma(plan, tree):
    rule = make(plan, kind=RuleKind.SHARE_OF_MEMBERSHIP, target=tree.district, min_percent=Decimal("3.50"))
    assert "từ 3,5% trở lên" in rule_sentence(rule)


def test_allocation_notation():
    assert allocation_notation(3, {Category.PUPIL: 1}) == "03 (01 HS)"
    assert allocation_notation(10) == "10"
    assert allocation_notation(180, {}) == "180"
