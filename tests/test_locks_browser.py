"""An administrator of the province reopens Đơn Dương's locked 2025 on its page; a clerk
then saves a 2025 admission, refused before. In Chromium."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from admissions.models import Admission
from organizations import locks
from organizations.models import LockReopening, Membership, Role

from .admissions_helpers import make_candidate, walk
from .test_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cast(tree):
    User = get_user_model()
    made = {}
    for username, org, role in [("bt.admin", tree.province, Role.ADMIN), ("bt.clerk", tree.school, Role.CLERK)]:
        made[username] = User.objects.create_user(username=username, password="browser-pass-1")
        Membership.objects.create(user=made[username], organization=org, role=role)
    return made


def test_the_province_reopens_a_locked_district_year_and_a_clerk_saves_into_it(page, browser, live_server, tree, cast):
    candidate = walk(make_candidate(tree.school, full_name="Nguyễn Văn Mở Khóa", date_of_birth=dt.date(2005, 1, 2)))
    locks.lock_period(
        organization=tree.district,
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
        user=cast["bt.admin"],
        reason="Báo cáo năm 2025 đã duyệt",
    )

    # The clerk is warned on the form, and the 2025 ceremony is refused, naming the lock.
    login(page, live_server, username="bt.clerk")
    page.goto(f"{live_server.url}/candidates/{candidate.pk}/admit/")
    expect(page.get_by_test_id("lock-banner")).to_contain_text("Năm 2025 đã khóa đối với Huyện ủy Đơn Dương")
    page.fill("#id_ceremony_date", "10/05/2025")
    page.locator("main form button[type=submit].primary").click()
    expect(page.locator("div.error")).to_contain_text("Huyện ủy Đơn Dương đã khóa")
    assert not Admission.objects.exists()
    page.screenshot(path="/tmp/lock-refused.png", full_page=True)

    # The province's administrator opens the district's page, then its locked periods.
    admin = browser.new_context(locale="vi-VN").new_page()
    login(admin, live_server, username="bt.admin")
    admin.goto(f"{live_server.url}/orgs/{tree.district.pk}/")
    admin.get_by_role("link", name="Kỳ đã khóa").click()
    expect(admin.get_by_role("heading", level=1)).to_contain_text("Kỳ đã khóa · Huyện ủy Đơn Dương")
    expect(admin.locator("section.card h2").first).to_contain_text("đã khóa")
    # no reason: refused with a Vietnamese message, nothing recorded
    until = (timezone.localdate() + dt.timedelta(days=7)).strftime("%d/%m/%Y")
    admin.locator("form.reopen input[name=until]").fill(until)
    admin.locator("form.reopen button[type=submit]").click()
    expect(admin.locator(".error").first).to_be_visible()
    assert not LockReopening.objects.exists()
    admin.locator("form input[name=until]").fill(until)
    admin.locator("form textarea[name=reason]").fill("Bổ sung hồ sơ kết nạp của chi bộ Trường THPT")
    admin.locator("main form button[type=submit].primary").click()
    expect(admin.locator(".messages")).to_contain_text(f"đã được mở lại đến hết ngày {until}")
    expect(admin.locator("section.card h2").first).to_contain_text("đang mở lại")
    admin.screenshot(path="/tmp/lock-reopened.png", full_page=True)

    # Now the clerk's 2025 admission goes through, and the lock page lists it among the changes.
    page.goto(f"{live_server.url}/candidates/{candidate.pk}/admit/")
    page.fill("#id_ceremony_date", "10/05/2025")
    page.locator("main form button[type=submit].primary").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nguyễn Văn Mở Khóa")
    assert Admission.objects.get().ceremony_date == dt.date(2025, 5, 10)
    admin.reload()
    expect(admin.locator("table.changes").first).to_contain_text("Kết nạp")
    expect(admin.locator("table.changes").first).to_contain_text("bt.clerk")
    admin.screenshot(path="/tmp/lock-changes.png", full_page=True)
