"""Plans, rules and allocations: the services and their failure paths."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from admissions.categories import Category
from organizations.models import OrgForm, Sector
from organizations.services import organization_move
from quotas import selectors, services
from quotas.models import Plan, PlanAmendment, PlanStatus, Rule, RuleKind

from .conftest import TODAY


@pytest.fixture
def plan(tree, users):
    return services.plan_create(
        issuer=tree.district,
        title="Kế hoạch 2025",
        symbol="KH/HU",
        first_year=2025,
        last_year=2025,
        user=users.district_planner,
    )


def _issued(plan, today=TODAY):
    services.rule_create(plan=plan, today=today, kind=RuleKind.COUNT, min_count=88)
    return services.plan_issue(plan=plan, number="12", issued_on=today, today=today)


# --- rules: validation ---------------------------------------------------------------


@pytest.mark.parametrize(
    "fields, field",
    [
        (dict(kind=RuleKind.COUNT, min_count=10, max_count=5), "max_count"),
        (
            dict(kind=RuleKind.SHARE_OF_ADMISSIONS, category=Category.NON_STATE_WORKER, min_percent=Decimal("101")),
            "min_percent",
        ),
        (
            dict(kind=RuleKind.SHARE_OF_ADMISSIONS, category=Category.NON_STATE_WORKER, min_percent=Decimal("-1")),
            "min_percent",
        ),
        (
            dict(kind=RuleKind.SHARE_OF_ADMISSIONS, category=Category.NON_STATE_WORKER, min_percent=5, max_percent=2),
            "max_percent",
        ),
        (dict(kind=RuleKind.SHARE_OF_ADMISSIONS, min_percent=2), "category"),
        (dict(kind=RuleKind.COUNT), "min_count"),
        (dict(kind=RuleKind.COUNT, min_count=1, min_percent=2), "min_percent"),
        (dict(kind=RuleKind.INACTIVITY, applies_to_each=True), "years_without"),
        (dict(kind=RuleKind.CELL_SIZE, applies_to_each=True), "min_count"),
        (dict(kind=RuleKind.ALLOCATION, applies_to_each=True, min_count=3), "applies_to_each"),
        (dict(kind=RuleKind.COUNT, min_count=1, applies_to_each=True, sectors=["nowhere"]), "sectors"),
    ],
)
def test_invalid_rules_are_refused_with_a_message_and_nothing_saved(plan, fields, field):
    with pytest.raises(ValidationError) as exc:
        services.rule_create(plan=plan, today=TODAY, **fields)
    assert field in exc.value.message_dict
    assert not plan.rules.exists()


def test_a_rule_cannot_target_an_organization_outside_the_issuer(plan, tree):
    with pytest.raises(ValidationError) as exc:
        services.rule_create(plan=plan, today=TODAY, kind=RuleKind.COUNT, min_count=1, target=tree.city_school)
    assert "Huyện ủy Đơn Dương" in exc.value.message_dict["target"][0]


def test_the_database_refuses_min_above_max_and_percent_above_100(plan):
    with transaction.atomic(), pytest.raises(IntegrityError):
        Rule.objects.create(plan=plan, kind=RuleKind.COUNT, min_count=5, max_count=1)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Rule.objects.create(plan=plan, kind=RuleKind.SHARE_OF_ADMISSIONS, min_percent=Decimal("120"))


def test_every_rule_form_of_the_seeds_is_accepted(plan, tree):
    rules = [
        dict(
            kind=RuleKind.COUNT,
            applies_to_each=True,
            forms=[OrgForm.GRASSROOTS_CELL],
            sectors=[Sector.HIGH_SCHOOL],
            category=Category.PUPIL,
            min_count=1,
        ),
        dict(kind=RuleKind.COUNT, target=tree.school, category=Category.PUPIL, min_count=5, max_count=10),
        dict(kind=RuleKind.SHARE_OF_ADMISSIONS, category=Category.NON_STATE_WORKER, min_percent=2, max_percent=5),
        dict(kind=RuleKind.SHARE_OF_MEMBERSHIP, min_percent=3),
        dict(kind=RuleKind.ALLOCATION, min_count=88),
        dict(kind=RuleKind.CELL_SIZE, applies_to_each=True, forms=[OrgForm.CELL], depth=2, min_count=10),
        dict(kind=RuleKind.INACTIVITY, applies_to_each=True, forms=[OrgForm.CELL], years_without=3),
    ]
    for fields in rules:
        services.rule_create(plan=plan, today=TODAY, **fields)
    assert plan.rules.count() == len(rules)
    sentences = [row.sentence for row in selectors.plan_rules(plan)]
    assert "Phấn đấu mỗi chi bộ cơ sở trường THPT kết nạp ít nhất 01 học sinh" in sentences


# --- issue and amend -----------------------------------------------------------------


def test_a_plan_without_rules_cannot_be_issued(plan):
    with pytest.raises(ValidationError):
        services.plan_issue(plan=plan, number="1", issued_on=TODAY, today=TODAY)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_issue_date_cannot_be_in_the_future(plan):
    services.rule_create(plan=plan, today=TODAY, kind=RuleKind.COUNT, min_count=1)
    with pytest.raises(ValidationError):
        services.plan_issue(plan=plan, number="1", issued_on=TODAY + dt.timedelta(days=1), today=TODAY)


def test_an_issued_plan_changes_only_with_a_reason_and_the_change_is_recorded(plan, users):
    _issued(plan)
    rule = plan.rules.get()
    with pytest.raises(ValidationError):
        services.rule_update(rule=rule, version=rule.version, today=TODAY, min_count=90)
    rule.refresh_from_db()
    assert rule.min_count == 88 and not PlanAmendment.objects.exists()

    services.rule_update(
        rule=rule,
        version=rule.version,
        today=TODAY,
        min_count=90,
        reason="Nghị quyết bổ sung",
        user=users.district_planner,
    )
    amendment = PlanAmendment.objects.get()
    assert amendment.made_by == users.district_planner and amendment.reason == "Nghị quyết bổ sung"
    assert "88" in amendment.changes[0]["old"] and "90" in amendment.changes[0]["new"]
    assert rule.history.first().history_user == users.district_planner


def test_a_rule_saved_meanwhile_is_not_overwritten(plan):
    rule = services.rule_create(plan=plan, today=TODAY, kind=RuleKind.COUNT, min_count=1)
    read_at = rule.version
    services.rule_update(rule=rule, version=read_at, today=TODAY, min_count=2)
    with pytest.raises(services.StaleVersion):
        services.rule_update(rule=rule, version=read_at, today=TODAY, min_count=3)
    rule.refresh_from_db()
    assert rule.min_count == 2


def test_rules_of_an_issued_plan_cannot_be_deleted(plan):
    _issued(plan)
    with pytest.raises(ValidationError):
        services.rule_delete(rule=plan.rules.get())
    assert plan.rules.count() == 1


def test_a_closed_plan_cannot_be_changed(plan):
    _issued(plan)
    services.plan_close(plan=plan, today=TODAY, reason="Hết hiệu lực")
    with pytest.raises(ValidationError):
        services.rule_create(plan=plan, today=TODAY, reason="x", kind=RuleKind.COUNT, min_count=1)


def test_plan_years_are_validated(tree):
    with pytest.raises(ValidationError):
        services.plan_create(issuer=tree.district, title="x", symbol="KH/HU", first_year=2025, last_year=2024)


def test_a_plan_can_only_implement_plans_of_committees_above(tree):
    other = services.plan_create(issuer=tree.city, title="Đà Lạt", symbol="KH/ThU", first_year=2025)
    with pytest.raises(ValidationError):
        services.plan_create(issuer=tree.district, title="x", symbol="KH/HU", first_year=2025, implements=[other])


# --- allocations ---------------------------------------------------------------------


@pytest.fixture
def table(plan):
    return services.rule_create(plan=plan, today=TODAY, kind=RuleKind.ALLOCATION, min_count=10)


def test_allocation_rows_with_sub_quotas_and_the_sum_against_the_target(table, tree):
    services.allocation_set(
        rule=table,
        rows=[services.RowInput(tree.school.pk, 3, {Category.PUPIL: 1}), services.RowInput(tree.commune.pk, 9, {})],
        today=TODAY,
    )
    grid = selectors.allocation_grid(table)
    assert grid.allocated == 12 and grid.target == 10 and grid.difference == 2  # over-allocation is allowed
    school = next(r for r in grid.rows if r.organization == tree.school)
    assert school.total == 3 and school.sub_quotas == {Category.PUPIL: 1}


def test_the_second_of_two_concurrent_saves_is_refused_and_nothing_is_lost(table, tree):
    services.allocation_set(rule=table, rows=[services.RowInput(tree.school.pk, 3, {})], today=TODAY)
    read = {r.organization.pk: r.version for r in selectors.allocation_grid(table).rows}
    services.allocation_set(
        rule=table, rows=[services.RowInput(tree.school.pk, 4, {}, read[tree.school.pk])], today=TODAY
    )
    with pytest.raises(services.StaleVersion):
        services.allocation_set(
            rule=table,
            rows=[
                services.RowInput(tree.school.pk, 5, {}, read[tree.school.pk]),
                services.RowInput(tree.commune.pk, 2, {}),
            ],
            today=TODAY,
        )
    rows = {r.organization.pk: r.total for r in selectors.allocation_grid(table).rows}
    assert rows[tree.school.pk] == 4 and rows[tree.commune.pk] is None


def test_allocation_outside_the_committee_or_with_a_sub_quota_above_the_total_is_refused(table, tree):
    with pytest.raises(ValidationError):
        services.allocation_set(rule=table, rows=[services.RowInput(tree.city_school.pk, 3, {})], today=TODAY)
    with pytest.raises(ValidationError):
        services.allocation_set(
            rule=table, rows=[services.RowInput(tree.school.pk, 1, {Category.PUPIL: 2})], today=TODAY
        )
    assert not table.allocations.exists()


def test_a_table_keeps_and_corrects_the_rows_of_organizations_moved_away_since(table, tree, plan):
    """A table issued before a reorganization (Đơn Dương's 2025 table, its schools under new
    communes since 01/07/2025) lists organizations no longer below its committee: their rows
    stay correctable; a new row must still be below it."""
    services.allocation_set(rule=table, rows=[services.RowInput(tree.school.pk, 3, {})], today=TODAY)
    services.plan_issue(plan=plan, number="5", issued_on=TODAY, today=TODAY)
    day = dt.date(2025, 7, 1)
    organization_move(organization=tree.school, new_parent=tree.city, on_date=day, today=day)
    (row,) = services.allocation_set(
        rule=table, rows=[services.RowInput(tree.school.pk, 4, {}, 1)], today=TODAY, reason="Sửa sai số liệu"
    )
    assert row.total == 4 and PlanAmendment.objects.get().changes[0]["new"] == "04"
    with pytest.raises(ValidationError, match="không trực thuộc cấp ủy"):
        services.allocation_set(
            rule=table, rows=[services.RowInput(tree.city_school.pk, 2, {})], today=TODAY, reason="Bổ sung"
        )


def test_allocation_changes_on_an_issued_plan_are_amendments(table, tree, plan):
    services.plan_issue(plan=plan, number="5", issued_on=TODAY, today=TODAY)
    with pytest.raises(ValidationError):
        services.allocation_set(rule=table, rows=[services.RowInput(tree.school.pk, 3, {})], today=TODAY)
    services.allocation_set(
        rule=table, rows=[services.RowInput(tree.school.pk, 3, {Category.PUPIL: 1})], today=TODAY, reason="Bổ sung"
    )
    change = PlanAmendment.objects.get().changes[0]
    assert change == {"what": tree.school.name, "old": "", "new": "03 (01 HS)"}


# --- copy and implement --------------------------------------------------------------


def test_copy_to_a_new_year_keeps_rules_allocations_and_milestones(table, tree, plan):
    services.allocation_set(rule=table, rows=[services.RowInput(tree.school.pk, 3, {Category.PUPIL: 1})], today=TODAY)
    services.milestone_create(plan=plan, title="Báo cáo", due_on=dt.date(2025, 10, 31), recurrence="once", today=TODAY)
    copy = services.plan_copy_to_year(plan=plan, year=2026)
    assert copy.status == PlanStatus.DRAFT and (copy.first_year, copy.last_year) == (2026, 2026)
    new_table = copy.rules.get(kind=RuleKind.ALLOCATION)
    assert new_table.allocations.get().sub_quotas.get().count == 1
    assert copy.milestones.get().due_on == dt.date(2026, 10, 31)


def test_implementing_a_provincial_plan_prefills_the_rules_that_apply(tree):
    province = services.plan_create(issuer=tree.province, title="97", symbol="KH/TU", first_year=2024)
    services.rule_create(
        plan=province,
        today=TODAY,
        kind=RuleKind.COUNT,
        applies_to_each=True,
        sectors=[Sector.HIGH_SCHOOL],
        category=Category.PUPIL,
        min_count=1,
    )
    services.rule_create(
        plan=province,
        today=TODAY,
        kind=RuleKind.SHARE_OF_ADMISSIONS,
        applies_to_each=True,
        forms=[OrgForm.DISTRICT],
        depth=1,
        category=Category.NON_STATE_WORKER,
        min_percent=2,
        max_percent=5,
    )
    services.rule_create(plan=province, today=TODAY, kind=RuleKind.COUNT, target=tree.city, min_count=50)
    services.rule_create(
        plan=province, today=TODAY, kind=RuleKind.COUNT, applies_to_each=True, sectors=[Sector.UNIVERSITY], min_count=5
    )
    with pytest.raises(ValidationError):  # a draft cannot be implemented
        services.plan_implement(parent=province, issuer=tree.district, title="x", symbol="KH/HU", first_year=2024)
    services.plan_issue(plan=province, number="97", issued_on=dt.date(2023, 11, 8), today=TODAY)
    district = services.plan_implement(
        parent=province, issuer=tree.district, title="159", symbol="KH/HU", first_year=2024
    )
    assert list(district.implements.all()) == [province]
    rules = list(district.rules.all())
    assert len(rules) == 2  # not Đà Lạt's count, not the university rule (no university below)
    share = next(r for r in rules if r.kind == RuleKind.SHARE_OF_ADMISSIONS)
    assert not share.applies_to_each and share.target is None and share.min_percent == 2


def test_cascade_flags_a_weaker_district_rule_and_committees_without_a_plan(tree):
    province = services.plan_create(issuer=tree.province, title="97", symbol="KH/TU", first_year=2024)
    services.rule_create(
        plan=province,
        today=TODAY,
        kind=RuleKind.SHARE_OF_ADMISSIONS,
        applies_to_each=True,
        forms=[OrgForm.DISTRICT],
        depth=1,
        category=Category.NON_STATE_WORKER,
        min_percent=2,
        max_percent=5,
    )
    services.plan_issue(plan=province, number="97", issued_on=dt.date(2023, 11, 8), today=TODAY)
    weak = services.plan_implement(parent=province, issuer=tree.district, title="x", symbol="KH/HU", first_year=2024)
    rule = weak.rules.get()
    services.rule_update(rule=rule, version=rule.version, today=TODAY, min_percent=1, max_percent=None)
    services.plan_issue(plan=weak, number="2", issued_on=TODAY, today=TODAY)
    _plans, rows = selectors.cascade(tree.province, year=2025)
    by_org = {r.organization: r for r in rows}
    assert by_org[tree.district].plans == [weak]
    assert by_org[tree.district].problems[0][0] == "weaker"
    assert by_org[tree.city].plans == []


# --- milestones ----------------------------------------------------------------------


def test_milestones_due_soon_include_the_next_quarterly_report(tree, users):
    plan = services.plan_create(issuer=tree.district, title="x", symbol="KH/HU", first_year=2025, last_year=2025)
    _issued(plan)
    services.milestone_create(
        plan=Plan.objects.get(pk=plan.pk),
        title="Báo cáo quý",
        due_on=dt.date(2025, 3, 31),
        recurrence="quarterly",
        today=TODAY,
        reason="bổ sung",
    )
    services.milestone_create(
        plan=Plan.objects.get(pk=plan.pk),
        title="Hồ sơ",
        due_on=dt.date(2025, 10, 31),
        recurrence="once",
        today=TODAY,
        reason="bổ sung",
    )
    due = selectors.milestones_due(users.district_planner, today=TODAY, days=30)
    assert [(d.milestone.title, d.due_on) for d in due] == [("Báo cáo quý", dt.date(2025, 6, 30))]
    assert selectors.milestones_due(users.outsider, today=TODAY) == []
