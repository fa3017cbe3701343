"""A phone (390 × 844): no page is wider than the screen; wide tables scroll inside their card,
the candidate filters fold behind one button and the board stacks its columns. In Chromium."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from admissions.models import Step
from organizations.models import Membership, Role
from quotas import services as quota_services
from quotas.models import RuleKind

from .admissions_helpers import make_candidate, walk
from .test_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
D = dt.date


@pytest.fixture
def phone_world(tree):
    User = get_user_model()
    for username, org, role in [
        ("bt.planner", tree.district, Role.PLANNER),
        ("bt.clerk", tree.school, Role.CLERK),
        ("bt.viewer", tree.district, Role.VIEWER),
    ]:
        user = User.objects.create_user(username=username, password="browser-pass-1")
        Membership.objects.create(user=user, organization=org, role=role)
    year = dt.date.today().year
    plan = quota_services.plan_create(
        issuer=tree.district, title="Kế hoạch phát triển đảng viên", symbol="KH/HU", first_year=year, last_year=year
    )
    table = quota_services.rule_create(plan=plan, today=dt.date.today(), kind=RuleKind.ALLOCATION, min_count=12)
    quota_services.allocation_set(
        rule=table,
        rows=[
            quota_services.RowInput(tree.school.pk, 4, {}),
            quota_services.RowInput(tree.commune.pk, 5, {}),
            quota_services.RowInput(tree.enterprise.pk, 3, {}),
        ],
        today=dt.date.today(),
    )
    quota_services.plan_issue(plan=plan, number="5", issued_on=dt.date(year, 1, 15), today=dt.date.today())
    for i, org in enumerate([tree.school, tree.school, tree.school, tree.enterprise]):
        person = make_candidate(
            org, full_name=f"Nguyễn Thị Hoàng Phương Thảo {i}", date_of_birth=D(2005, 1, 1) + dt.timedelta(days=i)
        )
        walk(person, until=[Step.CLASS, Step.APPLICATION, Step.CELL_RESOLUTION, Step.CLASS][i])
    return {"plan": plan, "table": table}


def _pages(tree, world):
    plan, table = world["plan"], world["table"]
    return {
        "bt.planner": [
            "/",
            reverse("reports:dashboard", args=[tree.district.pk]),
            reverse("quotas:detail", args=[plan.pk]),
            reverse("quotas:allocations", args=[plan.pk, table.pk]),
            reverse("organizations:detail", args=[tree.district.pk]),
            reverse("admissions:list", args=[tree.district.pk]),
        ],
        "bt.clerk": [
            "/",
            reverse("admissions:list", args=[tree.school.pk]),
            reverse("admissions:board", args=[tree.school.pk]),
            reverse("organizations:detail", args=[tree.school.pk]),
        ],
        "bt.viewer": ["/", reverse("reports:dashboard", args=[tree.district.pk])],
    }


def test_no_page_is_wider_than_a_phone(page, live_server, tree, phone_world):
    page.set_viewport_size(PHONE)
    for username, urls in _pages(tree, phone_world).items():
        page.context.clear_cookies()
        login(page, live_server, username=username)
        page.wait_for_url(f"{live_server.url}/")
        for url in urls:
            response = page.goto(f"{live_server.url}{url}")
            assert response.status == 200 and "/login/" not in page.url, url
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{username} {url}: {width} px wide"


def test_the_filters_fold_on_a_phone_and_stay_open_on_a_wide_screen(page, live_server, tree, phone_world):
    login(page, live_server, username="bt.clerk")
    page.wait_for_url(f"{live_server.url}/")
    url = f"{live_server.url}{reverse('admissions:list', args=[tree.school.pk])}"
    page.set_viewport_size(PHONE)
    page.goto(url)
    fold = page.locator("details.filter-fold")
    expect(fold.locator("summary")).to_have_text("Bộ lọc")
    expect(page.locator("#id_q")).to_be_hidden()
    fold.locator("summary").click()
    expect(page.locator("#id_q")).to_be_visible()

    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(url)
    expect(fold.locator("summary")).to_be_hidden()
    expect(page.locator("#id_q")).to_be_visible()


def test_the_board_stacks_its_columns_on_a_phone(page, live_server, tree, phone_world):
    login(page, live_server, username="bt.clerk")
    page.wait_for_url(f"{live_server.url}/")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{reverse('admissions:board', args=[tree.school.pk])}")
    boxes = [page.locator(".board-column").nth(i).bounding_box() for i in range(2)]
    assert boxes[1]["y"] > boxes[0]["y"] + boxes[0]["height"] - 1  # one under the other
    assert boxes[0]["x"] == boxes[1]["x"]
