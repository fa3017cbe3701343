"""End to end: the district's planner submits its 2025 report, the province's planner returns
it with a comment, the district corrects it and submits again, the province approves, and the
status board shows it approved and the year locked; the province's administrator reopens it."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.test_reports_engine import admit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(browser, live_server, username):
    page = browser.new_page(locale="en-US")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit].primary").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


def test_submit_return_resubmit_approve_lock(browser, live_server, tree, users):
    admit(tree.school, dt.date(2025, 5, 10))
    district = _login(browser, live_server, "district_planner")
    district.goto(f"{live_server.url}/orgs/{tree.district.pk}/")
    district.get_by_test_id("submission-link").click()
    district.goto(f"{live_server.url}/submissions/{tree.district.pk}/2025/")
    district.fill("#id_results", "Năm 2025 kết nạp 1 đảng viên là học sinh.")
    district.get_by_test_id("submit").click()
    expect(district.locator(".messages")).to_contain_text("Đã gửi báo cáo lên cấp trên")
    expect(district.get_by_test_id("status-submitted")).to_be_visible()
    expect(district.get_by_test_id("submitted-pdf")).to_be_visible()

    province = _login(browser, live_server, "province_planner")
    province.goto(f"{live_server.url}/submissions/{tree.province.pk}/2025/board/")
    expect(province.get_by_test_id("count-submitted")).to_contain_text("1")
    province.get_by_role("link", name="Huyện ủy Đơn Dương").click()
    province.fill("#id_comment", "Bổ sung phần hạn chế, nguyên nhân.")
    province.get_by_test_id("return").click()
    expect(province.get_by_test_id("status-returned")).to_be_visible()

    district.reload()
    expect(district.get_by_test_id("step-return")).to_contain_text("Bổ sung phần hạn chế, nguyên nhân.")
    expect(district.get_by_test_id("unread")).to_have_text("1")
    district.fill("#id_limitations", "Kết nạp trong doanh nghiệp còn ít.")
    district.get_by_test_id("submit").click()
    expect(district.get_by_test_id("status-submitted")).to_be_visible()

    province.reload()
    province.get_by_test_id("approve").click()
    expect(province.get_by_test_id("status-approved")).to_be_visible()
    expect(province.get_by_test_id("step-approve")).to_be_visible()
    province.goto(f"{live_server.url}/submissions/{tree.province.pk}/2025/board/")
    row = province.locator("[data-testid=board-row][data-code='LD.DD']")
    expect(row.get_by_test_id("status-approved")).to_be_visible()
    expect(row.get_by_test_id("locked")).to_be_visible()
    expect(province.get_by_test_id("count-approved")).to_contain_text("1")

    # The province's administrator reopens the locked year, with a reason and an end date:
    # the board no longer shows the district locked; it locks itself again after that day.
    admin = _login(browser, live_server, "admin")
    admin.goto(f"{live_server.url}/orgs/{tree.district.pk}/")
    admin.get_by_role("link", name="Kỳ đã khóa").click()
    until = (timezone.localdate() + dt.timedelta(days=5)).strftime("%d/%m/%Y")
    admin.locator("form.reopen input[name=until]").fill(until)
    admin.locator("form.reopen textarea[name=reason]").fill("Bổ sung hồ sơ kết nạp còn thiếu")
    admin.locator("form.reopen button[type=submit]").click()
    expect(admin.locator(".messages")).to_contain_text(until)
    province.goto(f"{live_server.url}/submissions/{tree.province.pk}/2025/board/")
    row = province.locator("[data-testid=board-row][data-code='LD.DD']")
    expect(row.get_by_test_id("status-approved")).to_be_visible()
    expect(row.get_by_test_id("locked")).to_have_count(0)
