"""The province dashboard answers first: the committees under the scope with their targets,
then the targets grouped by plan; the allocation table shows the pipeline behind its statuses."""

import datetime as dt

import pytest
from django.urls import reverse

from admissions.categories import Category
from admissions.models import Step
from quotas.models import RuleKind
from tests.test_reports_engine import admit, allocate, make_candidate, make_plan, make_rule

Q = "?year=2025&as_of=2025-06-30"
MAX_QUERIES = 26  # the engine's (tests/test_reports_engine.py: of an earlier day), the page's own, the user's


@pytest.fixture
def province_plan(tree):
    """The province allocates 6 to Đơn Dương and 4 to Đà Lạt; Đơn Dương has no plan of its own."""
    plan = make_plan(tree.province, number="97", symbol="KH/TU")
    table = make_rule(plan, RuleKind.ALLOCATION, min_count=10)
    allocate(table, tree.district, 6)
    allocate(table, tree.city, 4)
    make_rule(plan, RuleKind.COUNT, min_count=10)
    admit(tree.school, dt.date(2025, 3, 1), Category.PUPIL)
    make_candidate(tree.cell, step=Step.CELL_RESOLUTION)
    make_candidate(tree.school, step=Step.COMMITTEE_RESOLUTION)
    return table


def _page(client, org):
    response = client.get(reverse("reports:dashboard", args=[org.pk]) + Q)
    assert response.status_code == 200
    return response.content.decode()


def _row(html, testid, name):
    table = html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    return table.split(name, 1)[1].split("</tr>", 1)[0]


def test_the_committees_come_first_with_the_target_given_by_the_allocation(client_for, tree, province_plan):
    html = _page(client_for("province_planner"), tree.province)
    assert html.index('data-testid="committees"') < html.index('data-testid="rule"')
    district = _row(html, "committees", tree.district.name)
    assert '<td class="num">6</td>' in district  # the target the province's allocation gives it
    assert "badge" in district  # and its status


def test_the_allocation_table_shows_the_pipeline(client_for, tree, province_plan):
    html = _page(client_for("province_planner"), tree.province)
    table = html.split(f'data-testid="allocation-{province_plan.pk}"', 1)[1].split("</table>", 1)[0]
    assert "Dự kiến" in table.split("</thead>", 1)[0]
    district = _row(html, f"allocation-{province_plan.pk}", tree.district.name)
    assert '<td class="num">2</td>' in district  # two candidates past the cell's resolution


def test_targets_are_grouped_by_plan(client_for, tree, province_plan):
    html = _page(client_for("province_planner"), tree.province)
    groups = html.split('data-testid="plan-group"')[1:]
    assert len(groups) == 1 and "97-KH/TU" in groups[0].split("</summary>", 1)[0]


def test_committees_without_a_target_are_explained_and_the_page_reads_a_fixed_number_of_queries(
    client_for, tree, django_assert_max_num_queries
):
    plan = make_plan(tree.province, number="97", symbol="KH/TU")
    allocate(make_rule(plan, RuleKind.ALLOCATION, min_count=6), tree.district, 6)  # Đà Lạt gets nothing
    admit(tree.city_school, dt.date(2025, 3, 1), Category.PUPIL)
    client = client_for("province_planner")
    with django_assert_max_num_queries(MAX_QUERIES):
        html = _page(client, tree.province)
    city = _row(html, "committees", tree.city.name)
    assert "badge" not in city and '<td class="num"><a' in city  # no target, no status; its admission counts
    note = html.split('data-testid="without-target"', 1)[1].split("</p>", 1)[0]
    # The year the report is of, and who gives no quota (it said "năm nay: Tỉnh ủy … chưa phân
    # bổ", as if the province had allocated nothing, and "this year" of a past year).
    assert f"1 tổ chức chưa có chỉ tiêu năm 2025: chưa được {tree.province.name} phân bổ chỉ tiêu" in note
    # The period's comparison comes after the committees and their targets.
    if 'data-testid="period-table"' in html:
        assert html.index('data-testid="committees"') < html.index('data-testid="period-table"')


def test_a_long_list_of_laggards_opens_on_a_click_a_short_one_is_open(client_for, tree):
    plan = make_plan(tree.province, number="97", symbol="KH/TU")
    make_rule(plan, RuleKind.COUNT, min_count=1, applies_to_each=True, depth=2)  # every committee's cell: many fail
    make_rule(plan, RuleKind.COUNT, min_count=1, applies_to_each=True, depth=1)  # the two committees
    html = _page(client_for("province_planner"), tree.province)
    lists = [part.split(">", 1)[0] for part in html.split('<details class="laggards"')[1:]]
    counts = [part.split(")", 1)[0] for part in html.split("Chưa đạt (")[1:]]
    assert len(lists) == 2 and sorted(int(c) > 3 for c in counts) == [False, True], counts
    for opening, count in zip(lists, counts, strict=True):
        assert ("open" in opening) == (int(count) <= 3), (opening, count)
