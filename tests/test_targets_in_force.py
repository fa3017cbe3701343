"""A report of a day counts against the plan as it was in force that day: an amendment
takes effect from its day (by default the day it is made; an earlier one when it corrects
an entry error or records an earlier decision), and reports of the days before read what it
replaced. Before, a target amended on 01/10 changed the report "as of 30/06" with no sign."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from admissions.categories import Category
from organizations.services import organization_move
from quotas import services
from quotas.models import PlanAmendment, PlanStatus, RuleKind
from reports.engine import attainment
from reports.serialize import attainment_json
from tests.test_reports_engine import admit, make_plan

D = dt.date
JUNE, AMENDED, YEAR_END = D(2025, 6, 30), D(2025, 10, 1), D(2025, 12, 31)


def _district_plan(tree, table=False):
    """Huyện ủy Đơn Dương's plan, "at least 30", issued on 05/01/2025 (with `table`, an
    allocation table of 10: the school 05 (01 HS), the commune 02)."""
    plan = make_plan(tree.district, number="12", symbol="KH/HU", status=PlanStatus.DRAFT)
    count = services.rule_create(plan=plan, today=D(2025, 1, 5), kind=RuleKind.COUNT, min_count=30)
    if table:
        table = services.rule_create(plan=plan, today=D(2025, 1, 5), kind=RuleKind.ALLOCATION, min_count=10)
        services.allocation_set(
            rule=table,
            rows=[
                services.RowInput(tree.school.pk, 5, {Category.PUPIL: 1}),
                services.RowInput(tree.commune.pk, 2, {}),
            ],
            today=D(2025, 1, 5),
        )
    services.plan_issue(plan=plan, number="12", issued_on=D(2025, 1, 5), today=D(2025, 1, 5))
    count.refresh_from_db()
    return plan, (table or count)


def _target(tree, day):
    return attainment(scope=tree.district, year=2025, as_of=day).target


def test_a_target_amended_later_does_not_change_the_report_of_a_day_before(tree):
    plan, count = _district_plan(tree)
    for _ in range(3):
        admit(tree.school, D(2025, 5, 10))
    services.rule_update(rule=count, version=count.version, today=AMENDED, reason="Nghị quyết bổ sung", min_count=40)

    june = attainment(scope=tree.district, year=2025, as_of=JUNE)
    assert june.target == 30
    (sentence,) = [r.sentence for r in june.rules if r.rule.pk == count.pk]
    assert "30" in sentence and "40" not in sentence
    assert [(a.plan_id, a.in_force_from) for a in june.amended_after] == [(plan.pk, AMENDED)]
    assert attainment_json(june)["amended_after"] == [
        {"plan": "12-KH/HU", "title": plan.title, "made_on": "2025-10-01", "in_force_from": "2025-10-01"}
    ]
    assert attainment_json(june)["target"] == 30
    assert _target(tree, AMENDED) == 40  # in force from its day
    year_end = attainment(scope=tree.district, year=2025, as_of=YEAR_END)
    assert year_end.target == 40 and year_end.amended_after == []


def test_a_correction_in_force_from_an_earlier_day_changes_the_reports_from_that_day(tree):
    plan, count = _district_plan(tree)
    services.rule_update(
        rule=count,
        version=count.version,
        today=AMENDED,
        reason="Sửa lỗi nhập liệu: kế hoạch ghi 35",
        in_force_from=D(2025, 1, 1),
        min_count=35,
    )
    assert _target(tree, JUNE) == 35
    assert PlanAmendment.objects.get(plan=plan).in_force_from == D(2025, 1, 1)


def test_an_amendment_cannot_take_effect_after_today_nor_before_the_previous_one(tree):
    plan, count = _district_plan(tree)
    with pytest.raises(ValidationError) as refused:
        services.rule_update(
            rule=count, version=count.version, today=AMENDED, reason="x", in_force_from=D(2025, 10, 2), min_count=40
        )
    assert "in_force_from" in refused.value.error_dict
    count.refresh_from_db()
    assert count.min_count == 30 and not PlanAmendment.objects.exists()  # nothing saved

    services.rule_update(rule=count, version=count.version, today=AMENDED, reason="x", min_count=40)
    count.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.rule_update(
            rule=count, version=count.version, today=D(2025, 11, 1), reason="y", in_force_from=JUNE, min_count=45
        )
    assert "01/10/2025" in str(refused.value.error_dict["in_force_from"])
    count.refresh_from_db()
    assert count.min_count == 40 and PlanAmendment.objects.count() == 1


def test_a_change_of_title_does_not_hold_back_a_correction_of_the_targets(tree):
    plan, count = _district_plan(tree)
    services.plan_update(plan=plan, today=AMENDED, reason="Sửa trích yếu", title="Kế hoạch kết nạp đảng viên 2025")
    services.rule_update(
        rule=count, version=count.version, today=AMENDED, reason="Sửa lỗi", in_force_from=D(2025, 1, 1), min_count=33
    )
    assert _target(tree, JUNE) == 33


def test_a_rule_added_by_amendment_is_not_in_the_reports_before_its_day(tree):
    plan, _count = _district_plan(tree)
    added = services.rule_create(
        plan=plan, today=AMENDED, reason="Bổ sung chỉ tiêu học sinh", kind=RuleKind.COUNT,
        target=tree.school, min_count=2,
    )  # fmt: skip
    assert added.pk not in {r.rule.pk for r in attainment(scope=tree.district, year=2025, as_of=JUNE).rules}
    assert added.pk in {r.rule.pk for r in attainment(scope=tree.district, year=2025, as_of=AMENDED).rules}


def test_several_amendments_a_day_between_them_reads_the_version_of_that_day(tree):
    _plan, count = _district_plan(tree)
    services.rule_update(rule=count, version=count.version, today=D(2025, 4, 1), reason="a", min_count=35)
    count.refresh_from_db()
    services.rule_update(rule=count, version=count.version, today=AMENDED, reason="b", min_count=40)
    assert [_target(tree, day) for day in (D(2025, 3, 31), JUNE, AMENDED)] == [30, 35, 40]


def _rows(att):
    (table,) = att.allocations
    return {row.org.name: (row.total, row.sub_targets) for row in table.rows}


def test_an_allocation_table_amended_later_reads_its_rows_of_the_day(tree):
    _plan, table = _district_plan(tree, table=True)
    admit(tree.enterprise, D(2025, 5, 2))
    rows = {a.organization_id: a for a in table.allocations.all()}
    services.allocation_set(
        rule=table,
        rows=[
            services.RowInput(tree.school.pk, 8, {}, rows[tree.school.pk].version),
            services.RowInput(tree.commune.pk, None, {}, rows[tree.commune.pk].version),
            services.RowInput(tree.enterprise.pk, 3, {}),
        ],
        today=AMENDED,
        reason="Điều chỉnh phân bổ",
    )
    before = attainment(scope=tree.district, year=2025, as_of=JUNE)
    assert _rows(before) == {tree.school.name: (5, {Category.PUPIL: 1}), tree.commune.name: (2, {})}
    assert _rows(attainment(scope=tree.district, year=2025, as_of=AMENDED)) == {
        tree.school.name: (8, {}),
        tree.enterprise.name: (3, {}),
    }


def test_a_table_amended_after_the_tree_changed_reads_its_rows_where_they_stood(tree):
    """The school moved to the city on 01/07; the district's table was amended on 01/10
    (its row for the school removed). The report of 30/06 is counted in the tree of that day
    and against the table of that day: the school's row, with its admissions."""
    _plan, table = _district_plan(tree, table=True)
    admit(tree.school, D(2025, 3, 3))
    organization_move(organization=tree.school, new_parent=tree.city, on_date=D(2025, 7, 1), today=D(2025, 7, 1))
    rows = {a.organization_id: a for a in table.allocations.all()}
    services.allocation_set(
        rule=table,
        rows=[services.RowInput(tree.school.pk, None, {}, rows[tree.school.pk].version)],
        today=AMENDED,
        reason="Trường chuyển về Thành ủy Đà Lạt",
    )
    (june,) = attainment(scope=tree.district, year=2025, as_of=JUNE).allocations
    school = next(row for row in june.rows if row.org.pk == tree.school.pk)
    assert (school.total, school.actual) == (5, 1)
    (year_end,) = attainment(scope=tree.district, year=2025, as_of=YEAR_END).allocations
    assert tree.school.pk not in {row.org.pk for row in year_end.rows}


def test_a_rule_whose_subject_was_changed_later_measures_its_subject_of_the_day(tree):
    plan = make_plan(tree.province, status=PlanStatus.DRAFT)
    rule = services.rule_create(plan=plan, today=D(2025, 1, 5), kind=RuleKind.COUNT, target=tree.school, min_count=4)
    services.plan_issue(plan=plan, number="97", issued_on=D(2025, 1, 5), today=D(2025, 1, 5))
    rule.refresh_from_db()
    services.rule_update(
        rule=rule, version=rule.version, today=AMENDED, reason="Chuyển chỉ tiêu", target=tree.city_school
    )
    june = attainment(scope=tree.province, year=2025, as_of=JUNE)
    assert [r.subject.pk for r in june.rules if r.rule.pk == rule.pk] == [tree.school.pk]
    later = attainment(scope=tree.province, year=2025, as_of=AMENDED)
    assert [r.subject.pk for r in later.rules if r.rule.pk == rule.pk] == [tree.city_school.pk]


def test_an_amendment_cannot_reach_back_into_a_period_an_approved_report_locked(tree):
    """The commune's approved 2025 report (locked to 22/12/2025) read the school target 1;
    an amendment in force from 01/03/2025 rewrote it with no sign on the board."""
    from organizations.locks import lock_period

    _plan, count = _district_plan(tree)
    lock_period(organization=tree.commune, start=D(2025, 1, 1), end=D(2025, 12, 22), user=None, reason="Duyệt")
    with pytest.raises(ValidationError) as refused:
        services.rule_update(
            rule=count, version=count.version, today=D(2026, 1, 5), reason="x", in_force_from=D(2025, 3, 1),
            min_count=40,
        )  # fmt: skip
    message = str(refused.value.error_dict["in_force_from"])
    assert "Đảng bộ xã Ka Đô" in message and "22/12/2025" in message and "23/12/2025" in message
    assert _target(tree, YEAR_END) == 30
    services.rule_update(
        rule=count, version=count.version, today=D(2026, 1, 5), reason="x", in_force_from=D(2025, 12, 23),
        min_count=40,
    )  # fmt: skip
    assert [_target(tree, day) for day in (D(2025, 12, 22), YEAR_END)] == [30, 40]


def test_a_plan_whose_years_are_over_asks_for_a_day_its_reports_read(tree):
    """A correction of the 2025-only plan made in 2026, in force "from today", changed the
    grid and no report: refused, with the day to give."""
    plan, count = _district_plan(tree)
    type(plan).objects.filter(pk=plan.pk).update(last_year=2025)
    with pytest.raises(ValidationError) as refused:
        services.rule_update(rule=count, version=count.version, today=D(2026, 2, 1), reason="x", min_count=40)
    assert "31/12/2025" in str(refused.value.error_dict["in_force_from"])
    count.refresh_from_db()
    assert count.min_count == 30


def test_a_correction_of_one_rule_is_not_held_back_by_a_later_amendment_of_another(tree):
    plan, count = _district_plan(tree)
    other = services.rule_create(plan=plan, today=D(2025, 2, 1), reason="Bổ sung", kind=RuleKind.COUNT,
                                 target=tree.school, min_count=2)  # fmt: skip
    services.rule_update(rule=count, version=count.version, today=AMENDED, reason="a", min_count=40)
    other.refresh_from_db()
    services.rule_update(
        rule=other, version=other.version, today=AMENDED, reason="Sửa lỗi", in_force_from=D(2025, 2, 1), min_count=3
    )
    june = attainment(scope=tree.district, year=2025, as_of=JUNE)
    assert june.target == 30
    assert [m.target_min for r in june.rules if r.rule.pk == other.pk for m in r.measurements] == [3]


def test_a_change_the_sentence_does_not_show_is_an_amendment_read_back_too(tree):
    """A depth changed from any level to 3 kept the sentence: no amendment was recorded and
    every past report lost the rule."""
    plan = make_plan(tree.province, status=PlanStatus.DRAFT)
    each = services.rule_create(plan=plan, today=D(2025, 1, 5), kind=RuleKind.COUNT, applies_to_each=True,
                                sectors=["high_school"], min_count=1)  # fmt: skip
    services.plan_issue(plan=plan, number="97", issued_on=D(2025, 1, 5), today=D(2025, 1, 5))
    each.refresh_from_db()
    services.rule_update(rule=each, version=each.version, today=AMENDED, reason="Chỉ cấp 3", depth=3)
    (amendment,) = PlanAmendment.objects.filter(plan=plan)
    assert amendment.changes[0]["old"] == "" and amendment.changes[0]["new"] == "3"
    june = attainment(scope=tree.province, year=2025, as_of=JUNE)
    assert {m.org.pk for r in june.rules if r.rule.pk == each.pk for m in r.measurements} == {
        tree.school.pk,
        tree.city_school.pk,
    }


def test_an_issued_plans_years_change_only_for_the_years_to_come(tree):
    plan, _count = _district_plan(tree)
    with pytest.raises(ValidationError) as refused:
        services.plan_update(plan=plan, today=AMENDED, reason="Từ năm 2024", first_year=2024)
    assert "last_year" in refused.value.error_dict
    plan.refresh_from_db()
    assert (plan.first_year, plan.last_year) == (2025, None)
    services.plan_update(plan=plan, today=AMENDED, reason="Kế hoạch đến năm 2030", last_year=2030)  # years to come
    plan.refresh_from_db()
    assert plan.last_year == 2030


def test_a_row_an_amendment_removed_can_be_put_back_for_an_organization_ended_since(tree):
    """A row removed by mistake from 01/03/2025, of a school dissolved on 01/07: the grid
    refused to put it back ("not below the committee"), the mistake was for good."""
    from organizations.services import organization_dissolve

    _plan, table = _district_plan(tree, table=True)
    rows = {a.organization_id: a for a in table.allocations.all()}
    services.allocation_set(
        rule=table, rows=[services.RowInput(tree.school.pk, None, {}, rows[tree.school.pk].version)],
        today=D(2025, 3, 1), reason="Nhầm",
    )  # fmt: skip
    organization_dissolve(organization=tree.school, on_date=D(2025, 7, 1), today=D(2025, 7, 1))
    services.allocation_set(
        rule=table, rows=[services.RowInput(tree.school.pk, 5, {})], today=AMENDED, reason="Khôi phục",
        in_force_from=D(2025, 3, 1),
    )  # fmt: skip
    assert table.allocations.filter(organization=tree.school).exists()


def test_a_report_sent_then_corrected_reads_on_review_as_its_target_changed(tree):
    """A correction in force before the day a sent report counted to changes its target; the
    review listed it as one rule gone ("4 → —") and another come ("— → 4"), as if the
    admissions had changed."""
    from submissions.selectors import differences

    _plan, count = _district_plan(tree)
    admit(tree.school, D(2025, 5, 10))
    sent = {"attainment": attainment_json(attainment(scope=tree.district, year=2025, as_of=JUNE))}
    services.rule_update(
        rule=count, version=count.version, today=AMENDED, reason="Sửa lỗi", in_force_from=D(2025, 1, 1), min_count=40
    )
    now = {"attainment": attainment_json(attainment(scope=tree.district, year=2025, as_of=JUNE))}
    changed = {(d.label, d.submitted, d.now) for d in differences(sent, now=now)}
    assert ("Chỉ tiêu của cấp ủy", 30, 40) in changed
    (rule_change,) = [c for c in changed if c[0].endswith("— chỉ tiêu")]
    assert rule_change[1:] == (30, 40) and "ít nhất 30" in rule_change[0]
    assert len(changed) == 2  # the admissions counted are the same


def test_a_locked_report_of_a_commune_formed_by_a_merger_is_protected_too(tree):
    """xã Đơn Dương (formed on 01/07/2025, under the province) shows the rows of its merged
    communes in the dissolved district's 2025 table: a backdated amendment of that table
    rewrote its approved report, as the lock looked only under the district's path today."""
    from organizations.locks import lock_period
    from organizations.models import OrgForm, Sector
    from organizations.services import organization_create, organization_merge

    _plan, table = _district_plan(tree, table=True)
    new = organization_create(
        parent=tree.province, code="LD.X-MOI", name="Đảng ủy xã Mới", form=OrgForm.GRASSROOTS_COMMITTEE,
        sector=Sector.COMMUNE, founded_on=D(2025, 7, 1),
    )  # fmt: skip
    organization_merge(source=tree.commune, target=new, on_date=D(2025, 7, 1), today=D(2025, 7, 1))
    lock_period(organization=new, start=D(2025, 1, 1), end=D(2025, 12, 22), user=None, reason="Duyệt")
    rows = {a.organization_id: a for a in table.allocations.all()}
    with pytest.raises(ValidationError) as refused:
        services.allocation_set(
            rule=table, rows=[services.RowInput(tree.commune.pk, 4, {}, rows[tree.commune.pk].version)],
            today=D(2026, 1, 5), reason="Sửa lỗi", in_force_from=D(2025, 3, 1),
        )  # fmt: skip
    assert "Đảng ủy xã Mới" in str(refused.value.error_dict["in_force_from"])


def test_a_row_for_an_organization_founded_after_the_amendment_s_day_is_refused(tree):
    """Xã Đơn Dương's commune committee was formed on 01/07/2025. A correction giving it a
    row "from 01/03/2025" put a row for it in the reports of March to June, before it stood:
    refused, in Vietnamese, nothing saved; from its founding day it is taken."""
    from django.utils import translation

    from organizations.models import Organization, OrgForm, Sector
    from quotas.models import Allocation
    from tests.conftest import _org

    new_commune = _org(tree.district, "LD.DD.XDD", "Đảng ủy xã Đơn Dương", OrgForm.GRASSROOTS_COMMITTEE, Sector.COMMUNE)
    Organization.objects.filter(pk=new_commune.pk).update(founded_on=D(2025, 7, 1))
    plan, table = _district_plan(tree, table=True)
    row = services.RowInput(new_commune.pk, 3, {})
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        services.allocation_set(rule=table, rows=[row], today=AMENDED, reason="Bổ sung", in_force_from=D(2025, 3, 1))
    assert "Đảng ủy xã Đơn Dương: thành lập ngày 01/07/2025, sau ngày sửa đổi có hiệu lực (01/03/2025)" in " ".join(
        refused.value.messages
    )
    assert not Allocation.objects.filter(organization=new_commune).exists() and not PlanAmendment.objects.exists()
    services.allocation_set(rule=table, rows=[row], today=AMENDED, reason="Bổ sung", in_force_from=D(2025, 7, 1))
    assert Allocation.objects.get(organization=new_commune).total == 3
    # Rows of organizations standing before the day are taken as before (the school's, changed).
    school = Allocation.objects.get(organization=tree.school)
    services.allocation_set(
        rule=table,
        rows=[services.RowInput(tree.school.pk, 6, {Category.PUPIL: 1}, school.version)],
        today=AMENDED,
        reason="Sửa lỗi",
        in_force_from=D(2025, 7, 1),
    )
