"""The edges of scope: every list a detail page shows next to its object goes through the
user's scope, and no template handed out names what lies outside it."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from organizations.models import Organization
from quotas import services
from quotas.models import RuleKind

TODAY = dt.date(2025, 6, 30)


@pytest.fixture
def cascade(tree):
    """The province's issued plan with an allocation table (Đơn Dương 30, Đà Lạt 45),
    implemented by an issued plan of each district and a draft of Đà Lạt."""
    province = services.plan_create(issuer=tree.province, title="KH tỉnh", symbol="KH/TU", first_year=2025)
    table = services.rule_create(plan=province, today=TODAY, kind=RuleKind.ALLOCATION, min_count=75)
    services.allocation_set(
        rule=table,
        rows=[services.RowInput(tree.district.pk, 30, {}), services.RowInput(tree.city.pk, 45, {})],
        today=TODAY,
    )
    services.plan_issue(plan=province, number="97", issued_on=TODAY, today=TODAY)
    plans = {"province": province, "table": table}
    for key, issuer, number in [("district", tree.district, "159"), ("city", tree.city, "06")]:
        plan = services.plan_implement(
            parent=province, issuer=issuer, title=f"KH {key}", symbol="KH/HU", first_year=2025
        )
        services.plan_issue(plan=plan, number=number, issued_on=TODAY, today=TODAY)
        plans[key] = plan
    plans["city_draft"] = services.plan_implement(
        parent=province, issuer=tree.city, title="Dự thảo Đà Lạt bí mật", symbol="KH/ThU", first_year=2025
    )
    return plans


def test_implementing_plans_are_listed_within_the_scope_only(client_for, cascade):
    url = reverse("quotas:detail", args=[cascade["province"].pk])
    page = client_for("district_planner").get(url).content.decode()
    assert reverse("quotas:detail", args=[cascade["district"].pk]) in page
    for hidden in ("city", "city_draft"):
        assert reverse("quotas:detail", args=[cascade[hidden].pk]) not in page
    assert "Thành ủy Đà Lạt" not in page and "Dự thảo Đà Lạt" not in page
    # The province's planner sees every issued implementing plan and the draft below.
    page = client_for("province_planner").get(url).content.decode()
    for key in ("district", "city", "city_draft"):
        assert reverse("quotas:detail", args=[cascade[key].pk]) in page


def test_an_implementing_plan_lists_the_plans_it_implements_as_far_as_visible(client_for, cascade):
    page = client_for("district_planner").get(reverse("quotas:detail", args=[cascade["district"].pk]))
    assert reverse("quotas:detail", args=[cascade["province"].pk]) in page.content.decode()


def test_allocation_rows_outside_the_scope_are_not_shown(client_for, cascade):
    province, table = cascade["province"], cascade["table"]
    client = client_for("viewer")  # the viewer of Đơn Dương
    for url in (
        reverse("quotas:detail", args=[province.pk]),
        reverse("quotas:allocations", args=[province.pk, table.pk]),
    ):
        page = client.get(url).content.decode()
        assert "Huyện ủy Đơn Dương" in page and "Thành ủy Đà Lạt" not in page, url
        assert ">75<" in page.replace(" ", "")  # the table's total is still the plan's
    workbook = client.get(reverse("quotas:allocation_template", args=[province.pk, table.pk]))
    names = [
        row[1] for row in load_workbook(io.BytesIO(workbook.content)).active.iter_rows(min_row=2, values_only=True)
    ]
    assert names == ["Huyện ủy Đơn Dương"]
    page = client_for("province_planner").get(reverse("quotas:allocations", args=[province.pk, table.pk]))
    assert "Thành ủy Đà Lạt" in page.content.decode()


TEMPLATES = [
    "organizations:import_template",
    "organizations:reorganize_template",
    "admissions:import_template",
    "reports:history_template",
]


@pytest.mark.parametrize("name", TEMPLATES)
def test_import_templates_name_nothing_outside_the_organization(client_for, tree, name):
    """Every import template's example rows are made up, or the user's own organization."""
    response = client_for("admin").get(reverse(name, args=[tree.school.pk]))
    assert response.status_code == 200
    cells = {
        str(value).strip()
        for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
        for value in row
        if value not in (None, "")
    }
    elsewhere = Organization.objects.exclude(path__startswith=tree.school.path)
    leaked = {o.code for o in elsewhere if o.code in cells} | {o.name for o in elsewhere if o.name in cells}
    assert not leaked
    assert "191" not in cells


def test_mergers_across_subtrees_name_only_what_the_user_sees(client_for, tree):
    """Đà Lạt's school merged into Đơn Dương's: Đơn Dương's users do not learn the name of
    the merged school (outside their scope); the province's do. And the other way round."""
    from organizations.services import organization_merge

    organization_merge(source=tree.city_school, target=tree.school, on_date=dt.date(2025, 1, 1), today=TODAY)
    url = reverse("organizations:detail", args=[tree.school.pk])
    assert "Chi bộ Trường THPT Trần Phú" not in client_for("district_planner").get(url).content.decode()
    assert "Chi bộ Trường THPT Trần Phú" in client_for("province_planner").get(url).content.decode()


def test_a_successor_outside_the_scope_is_not_named(client_for, tree, users):
    from organizations.models import Membership, Role
    from organizations.services import organization_merge

    Membership.objects.create(user=users.viewer, organization=tree.city, role=Role.VIEWER)
    users.viewer.refresh_from_db()
    Membership.objects.filter(user=users.viewer, organization=tree.district).delete()
    organization_merge(source=tree.city_school, target=tree.school, on_date=dt.date(2025, 1, 1), today=TODAY)
    page = client_for("viewer").get(reverse("organizations:detail", args=[tree.city_school.pk])).content.decode()
    assert "Chi bộ Trường THPT Đơn Dương" not in page
    page = client_for("admin").get(reverse("organizations:detail", args=[tree.city_school.pk])).content.decode()
    assert "Chi bộ Trường THPT Đơn Dương" in page
