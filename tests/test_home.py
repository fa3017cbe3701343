"""The start page is the day's work: this year's figures, one click into the allocation grid,
the report to export, the committees behind; "Add a plan" on the list of plans."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from quotas import services
from quotas.models import RuleKind

from .conftest import TODAY

HOME_QUERIES = 50  # the first reader of the day computes the figures (cached after); 1 is the unread notifications


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("partyplans.views.timezone.localdate", lambda: TODAY)


@pytest.fixture
def allocation(tree):
    plan = services.plan_create(
        issuer=tree.district, title="Kế hoạch năm", symbol="KH/HU", first_year=TODAY.year, last_year=TODAY.year
    )
    table = services.rule_create(plan=plan, today=TODAY, kind=RuleKind.ALLOCATION, min_count=12)
    services.allocation_set(
        rule=table,
        rows=[services.RowInput(tree.school.pk, 4, {}), services.RowInput(tree.commune.pk, 8, {})],
        today=TODAY,
    )
    services.plan_issue(plan=plan, number="5", issued_on=dt.date(TODAY.year, 1, 15), today=TODAY)
    return table


def test_a_planner_goes_from_the_start_page_to_this_years_grid_in_one_click(client_for, allocation):
    client = client_for("district_planner")
    page = client.get("/").content.decode()
    grid = reverse("quotas:allocations", args=[allocation.plan.pk, allocation.pk])
    assert f"Phân bổ năm {TODAY.year}" in page and f'href="{grid}"' in page
    assert client.get(grid).status_code == 200


def test_the_start_page_shows_the_target_progress_exports_and_committees_behind(client_for, tree, allocation):
    page = client_for("district_planner").get("/").content.decode()
    assert 'data-testid="home-target">12<' in page
    query = f"year={TODAY.year}&amp;as_of={TODAY.isoformat()}"
    assert f"{reverse('reports:export_pdf', args=[tree.district.pk])}?{query}" in page
    assert f"{reverse('reports:export_xlsx', args=[tree.district.pk])}?{query}" in page
    assert "Xuất báo cáo" in page
    # Nothing admitted by mid-year: both committees with a quota are behind, linked to their dashboards.
    assert 'data-testid="home-behind"' in page
    assert reverse("reports:dashboard", args=[tree.commune.pk]) in page


def test_a_clerk_gets_no_allocation_button(client_for, allocation):
    page = client_for("clerk").get("/").content.decode()
    assert "Phân bổ năm" not in page


def test_the_plan_list_offers_add_a_plan_to_planners_only(client_for, tree):
    page = client_for("district_planner").get(reverse("quotas:list")).content.decode()
    assert "Thêm kế hoạch" in page and reverse("quotas:create", args=[tree.district.pk]) in page
    assert "Thêm kế hoạch" not in client_for("viewer").get(reverse("quotas:list")).content.decode()


def test_the_planners_day_comes_in_this_order_and_the_clerks_candidates_first(
    client_for, allocation, django_assert_max_num_queries
):
    with django_assert_max_num_queries(HOME_QUERIES):
        page = client_for("district_planner").get("/").content.decode()
    order = ["reports-home", "allocate-now", "reports-next", "milestones-due"]
    positions = [page.index(f'data-testid="{testid}"') for testid in order]
    assert positions == sorted(positions)
    assert 'data-testid="home-behind"' in page.split('data-testid="reports-next"', 1)[1]
    with django_assert_max_num_queries(HOME_QUERIES):
        page = client_for("clerk").get("/").content.decode()
    assert page.index('data-testid="admissions-alerts"') < page.index('data-testid="reports-home"')


def test_a_plan_without_an_allocation_table_is_one_click_from_adding_it(client_for, tree):
    plan = services.plan_create(
        issuer=tree.district, title="Kế hoạch năm", symbol="KH/HU", first_year=TODAY.year, last_year=TODAY.year
    )
    page = client_for("district_planner").get("/").content.decode()
    url = reverse("quotas:rule_create", args=[plan.pk]) + "?kind=allocation"
    assert f'href="{url}"' in page and "Thêm bảng phân bổ chỉ tiêu" in page
    form = client_for("district_planner").get(url).content.decode()
    assert '<option value="allocation" selected>' in form
    assert "Thêm bảng phân bổ" not in client_for("clerk").get("/").content.decode()


def test_the_start_page_counts_a_target_of_two_plans_once_and_its_percent_as_the_report(client_for, tree):
    """Đức Trọng's card read "5 / 5" behind where its report lists 4 targets (97-KH/TU and
    159-KH/HU ask the same), and 22% where the report says 22,7%."""
    from reports.home import standing
    from tests.test_reports_engine import admit, make_plan, make_rule

    for n in range(5):
        admit(tree.school, dt.date(TODAY.year, 3, 1 + n))
    district = make_plan(tree.district, first_year=TODAY.year, number="12", symbol="KH/HU")
    make_rule(district, RuleKind.COUNT, min_count=22)
    for plan in (make_plan(tree.province, first_year=TODAY.year), district):
        make_rule(plan, RuleKind.COUNT, applies_to_each=True, sectors=["high_school"], min_count=1, category="pupil")
    figures = standing(tree.district, TODAY)
    assert figures["rules"] == 2 and figures["percent"] == Decimal("22.7")
    page = client_for("district_planner").get("/").content.decode()
    assert "22,7%" in page
