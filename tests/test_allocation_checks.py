"""The checks of an allocation table's rows (sub-quotas sharing the row's quota, a maximum
per row) on the grid and in the import, and the plan page's table of allocations."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from organizations.services import organization_move
from quotas import services
from quotas.models import Allocation, RuleKind

from .conftest import TODAY


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("common.clock.today", lambda: TODAY)


@pytest.fixture
def plan(tree):
    return services.plan_create(
        issuer=tree.district, title="Kế hoạch 2025", symbol="KH/HU", first_year=2025, last_year=2025
    )


@pytest.fixture
def table(plan):
    return services.rule_create(plan=plan, today=TODAY, kind=RuleKind.ALLOCATION, min_count=30)


def _grid(tree, **cells):
    """The grid as posted: the school's row from `cells`, the other rows empty."""
    data = {"reason": ""}
    for org in (tree.school, tree.commune, tree.enterprise):
        data[f"total-{org.pk}"] = ""
        data[f"version-{org.pk}"] = 0
    for name, value in cells.items():
        data[f"total-{tree.school.pk}" if name == "total" else f"sub-{tree.school.pk}-{name}"] = value
    return data


def _xlsx(*rows):
    book = Workbook()
    sheet = book.active
    sheet.append(["STT", "TCCSĐ", "CHỈ TIÊU"])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "phan-bo.xlsx"
    return buffer


def test_the_grid_refuses_sub_quotas_adding_up_to_more_than_the_row(client_for, plan, table, tree):
    """03 (02 HS, 02 SV) is four people in a quota of three: each has one category."""
    url = reverse("quotas:allocations", args=[plan.pk, table.pk])
    response = client_for("district_planner").post(url, _grid(tree, total="3", pupil="2", student="2"))
    assert response.status_code == 200 and not Allocation.objects.exists()
    assert f"{tree.school.name}: tổng chỉ tiêu theo đối tượng là 4, lớn hơn chỉ tiêu của dòng (3)" in response.text
    # sharing the quota is fine
    response = client_for("district_planner").post(url, _grid(tree, total="3", pupil="2", student="1"))
    assert response.status_code == 302
    assert Allocation.objects.get().total == 3


def test_the_service_refuses_the_sum_whoever_calls_it(table, tree):
    row = services.RowInput(tree.school.pk, 3, {"pupil": 2, "student": 2})
    with pytest.raises(Exception, match="tổng chỉ tiêu theo đối tượng là 4"):
        services.allocation_set(rule=table, rows=[row], today=TODAY)
    assert not Allocation.objects.exists()


@pytest.mark.parametrize(
    "cells, message",
    [
        ({"total": "99999999999999999999"}, "chỉ tiêu không được lớn hơn 99999"),
        ({"total": "100000"}, "chỉ tiêu không được lớn hơn 99999"),
        ({"total": "3", "pupil": "99999999999999999999"}, "chỉ tiêu theo đối tượng không được lớn hơn 99999"),
    ],
)
def test_the_grid_refuses_a_huge_number_with_a_message(client_for, plan, table, tree, cells, message):
    url = reverse("quotas:allocations", args=[plan.pk, table.pk])
    response = client_for("district_planner").post(url, _grid(tree, **cells))
    assert response.status_code == 200 and not Allocation.objects.exists()
    assert f"{tree.school.name}: {message}" in response.text


def test_the_import_refuses_a_huge_number_and_an_over_full_row(client_for, plan, table, tree):
    upload = _xlsx(
        ("01", tree.school.name, 99999999999999999999),
        ("02", tree.commune.name, "03 (02 HS, 02 SV)"),
        ("03", tree.enterprise.name, "04"),
    )
    response = client_for("district_planner").post(
        reverse("quotas:allocation_import", args=[plan.pk, table.pk]), {"file": upload}
    )
    assert response.status_code == 200 and not Allocation.objects.exists()
    assert "chỉ tiêu không được lớn hơn 99999" in response.text
    assert "tổng chỉ tiêu theo đối tượng là 4, lớn hơn chỉ tiêu của dòng (3)" in response.text


def test_the_plan_page_footer_labels_the_allocated_sum_and_the_target(client_for, plan, table, tree):
    services.allocation_set(rule=table, rows=[services.RowInput(tree.school.pk, 10, {})], today=TODAY)
    page = client_for("district_planner").get(reverse("quotas:detail", args=[plan.pk])).text
    assert '<th>Đã phân bổ</th><th class="num" data-testid="allocated">10</th>' in page
    assert '<th>Chỉ tiêu của cấp ủy</th><th class="num" data-testid="target">30</th>' in page


def test_the_plan_page_says_how_many_rows_the_reader_cannot_see(client_for, plan, table, tree):
    services.allocation_set(
        rule=table,
        rows=[services.RowInput(tree.school.pk, 3, {}), services.RowInput(tree.commune.pk, 9, {})],
        today=TODAY,
    )
    organization_move(organization=tree.school, new_parent=tree.city, on_date=TODAY, today=TODAY)
    page = client_for("district_planner").get(reverse("quotas:detail", args=[plan.pk])).text
    assert tree.school.name not in page  # now under Đà Lạt: not the district planner's
    assert "1 tổ chức ngoài phạm vi của bạn (không hiển thị): 3" in page
    assert 'data-testid="allocated">12<' in page  # the total still counts it
