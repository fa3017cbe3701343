"""End-to-end in Debian's Chromium, driven by Playwright, against a live server."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from organizations.models import Membership, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def planner(tree):
    user = get_user_model().objects.create_user(username="bt.planner", password="browser-pass-1")
    Membership.objects.create(user=user, organization=tree.province, role=Role.PLANNER)
    return user


def login(page, live_server, username="bt.planner", password="browser-pass-1"):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form button[type=submit].primary").click()


def test_login_search_without_diacritics_and_open_an_organization(page, live_server, planner):
    login(page, live_server)
    expect(page.get_by_role("heading", name=re.compile("Xin chào"))).to_be_visible()
    page.get_by_role("link", name="Tổ chức đảng").first.click()
    page.get_by_role("searchbox").fill("don duong")
    page.get_by_role("button", name="Tìm").click()
    results = page.locator(".results li")
    expect(results.first).to_be_visible()
    expect(page.locator(".results")).to_contain_text("Huyện ủy Đơn Dương")
    page.get_by_role("link", name="Chi bộ Trường THPT Đơn Dương").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chi bộ Trường THPT Đơn Dương")
    expect(page.locator("[data-testid=members]")).to_contain_text("27")
    expect(page.locator(".breadcrumbs")).to_contain_text("Huyện ủy Đơn Dương")


def test_expand_and_collapse_the_tree(page, live_server, planner):
    login(page, live_server)
    page.goto(f"{live_server.url}/orgs/")
    # The tree opens at the user's own level (the planner's province) with its children shown.
    district = page.locator("li.node[data-org='LD.DD']")
    expect(district).to_be_visible()
    district.locator("> details > summary").click()
    expect(page.locator("li.node[data-org='LD.DD.KD']")).to_be_visible()
    page.get_by_role("button", name="Thu gọn tất cả").click()
    expect(district).to_be_hidden()


def test_switching_to_english_is_remembered(page, live_server, planner):
    login(page, live_server)
    page.locator("button[data-lang=en]").click()
    expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()
    page.goto(f"{live_server.url}/orgs/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Organizations")
    page.locator("button[data-lang=vi]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tổ chức đảng")
