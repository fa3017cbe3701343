"""An issued plan prints as it was signed: the organizations named as on its day of issue,
under the party organization above the issuer then, to the organizations under it then.
A draft prints as of today."""

import datetime as dt

from django.utils import timezone

from organizations.models import Organization
from organizations.services import organization_update
from quotas import document, services
from quotas.models import Plan, RuleKind

D = dt.date


def _document(plan) -> document.PlanDocument:
    return document.plan_document(Plan.objects.select_related("issuer").get(pk=plan.pk))


def _text(doc) -> str:
    return "\n".join(
        [c.text for row in doc.header for c in row]
        + [p.text for p in doc.body]
        + doc.recipients
        + [cell for a in doc.appendices for row in a.rows for cell in row]
        + [a.attached_to for a in doc.appendices]
    )


def _plan(issuer, rows, title="Kế hoạch phát triển đảng viên năm 2025"):
    plan = services.plan_create(issuer=issuer, title=title, symbol="KH/HU", first_year=2025, last_year=2025)
    table = services.rule_create(plan=plan, today=D(2025, 2, 1), kind=RuleKind.ALLOCATION, min_count=5)
    services.allocation_set(rule=table, rows=[services.RowInput(o.pk, 2, {}) for o in rows], today=D(2025, 2, 1))
    return plan


def test_an_issued_plan_names_the_organizations_as_on_its_day_of_issue(tree):
    plan = _plan(tree.district, [tree.school, tree.commune])
    services.plan_issue(plan=plan, number="12", issued_on=D(2025, 2, 1), today=D(2025, 2, 1))
    draft = _plan(tree.district, [tree.commune], title="Kế hoạch bổ sung")
    organization_update(
        organization=tree.commune, name="Đảng bộ xã Ka Đô Mới", changes_from=D(2025, 7, 1), today=D(2025, 7, 1)
    )
    organization_update(
        organization=Organization.objects.get(pk=tree.district.pk),
        name="Huyện ủy Đơn Dương Mới",
        changes_from=D(2025, 7, 1),
        today=D(2025, 7, 1),
    )

    issued = _text(_document(plan))
    assert "Đảng bộ xã Ka Đô\n" in issued + "\n" and "Ka Đô Mới" not in issued
    assert "HUYỆN ỦY ĐƠN DƯƠNG\n" in issued and "Mới" not in issued
    assert "Huyện ủy Đơn Dương xây dựng Kế hoạch" in issued

    drafted = _text(_document(draft))  # not signed yet: as of today
    assert "Đảng bộ xã Ka Đô Mới" in drafted and "HUYỆN ỦY ĐƠN DƯƠNG MỚI" in drafted


def test_a_plan_of_a_dissolved_district_is_sent_to_the_organizations_it_held(reorganized_demo):
    """Đức Trọng's 159-KH/HU (25/12/2023): the district ended on 01/07/2025, its units
    stand under communes since; the plan was sent to them all the same."""
    plan = Plan.objects.get(issuer__code="LD.DT", issued_on__isnull=False)
    assert "Các tổ chức đảng trực thuộc Huyện ủy Đức Trọng" in _document(plan).recipients


def test_a_plan_issued_before_the_reorganization_is_headed_by_the_board_above_then(reorganized_demo):
    """A school's plan of March 2025 stood under the district: its header says so, not the
    commune committee founded on 01/07/2025 that holds the school now."""
    school = Organization.objects.get(code="LD.DT.HHT")
    plan = services.plan_create(issuer=school, title="Kế hoạch năm 2025", symbol="KH/CB", first_year=2025)
    services.rule_create(plan=plan, today=D(2025, 3, 1), kind=RuleKind.COUNT, min_count=2)
    services.plan_issue(plan=plan, number="3", issued_on=D(2025, 3, 1), today=timezone.localdate())
    doc = _document(plan)
    assert doc.header[0][0].text == "ĐẢNG BỘ HUYỆN ĐỨC TRỌNG"
    assert doc.recipients[0] == "Ban Thường vụ Huyện ủy Đức Trọng (báo cáo)"
    assert "NINH GIA" not in _text(doc).upper()
