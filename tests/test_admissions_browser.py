"""A clerk walks one candidate from introduction to full member, in Chromium."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from admissions.models import Admission, Candidate, Step
from organizations.models import Membership, Role

from .test_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROAD = [
    (Step.CLASS, "2024-02-01", "GCN-112"),
    (Step.HELPERS, "2024-03-01", ""),
    (Step.APPLICATION, "2024-04-01", "1-KNĐ"),
    (Step.VERIFICATION, "2024-05-06", "TT-07"),
    (Step.INTRODUCTION, "2024-06-03", "3-KNĐ"),
    (Step.CELL_RESOLUTION, "2024-07-01", "06-NQ/CB"),
    # A grassroots cell: no committee resolution, the decision follows the cell's.
    (Step.DECISION, "2024-08-12", "123-QĐ/HU"),
]


@pytest.fixture
def clerk(tree):
    user = get_user_model().objects.create_user(username="bt.clerk", password="browser-pass-1")
    Membership.objects.create(user=user, organization=tree.school, role=Role.CLERK)
    return user


def submit(page):
    page.locator("main form button[type=submit].primary").click()


def test_a_clerk_walks_a_candidate_to_full_membership(page, live_server, clerk, tree):
    login(page, live_server, username="bt.clerk")
    page.get_by_role("link", name="Quần chúng ưu tú").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chi bộ Trường THPT Đơn Dương")
    page.get_by_role("link", name="Thêm quần chúng").click()
    page.fill("#id_full_name", "Hoàng Thị Thử Nghiệm")
    page.fill("#id_date_of_birth", "2005-03-04")
    page.select_option("#id_gender", "female")
    page.select_option("#id_education", "upper_secondary")
    page.select_option("#id_category", "pupil")
    page.select_option("#id_introduced_by", "youth_union")
    page.fill("#id_source_date", "2024-01-10")
    submit(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hoàng Thị Thử Nghiệm")

    # a date before the previous step is refused with a Vietnamese message, nothing saved
    page.get_by_role("link", name="Ghi bước tiếp theo").click()
    page.fill("#id_date", "2023-12-01")
    submit(page)
    expect(page.locator(".error").first).to_contain_text("không được trước bước trước")

    for step, day, number in ROAD:
        if not page.url.endswith("/advance/"):
            page.get_by_role("link", name="Ghi bước tiếp theo").click()
        page.select_option("#id_step", str(step.value))
        page.fill("#id_date", day)
        page.fill("#id_document_number", number)
        if step == Step.INTRODUCTION:
            page.fill("#id_introducer1_name", "Trần Văn Giới")
            page.fill("#id_introducer1_since", "2022-09-01")
            page.select_option("#id_introducer2_kind", "youth_union")
            page.fill("#id_introducer2_name", "Ban Chấp hành Đoàn trường")
        submit(page)
        expect(page.locator("[data-testid=step]")).to_contain_text("/20")
    expect(page.locator("[data-testid=step]")).to_contain_text("Quyết định kết nạp")

    page.get_by_role("link", name="Ghi kết nạp").click()
    page.fill("#id_ceremony_date", "2024-09-02")
    submit(page)
    expect(page.locator("[data-testid=outcome]")).to_have_text("Đã kết nạp")
    expect(page.locator("[data-testid=admission]")).to_contain_text("02/09/2025")  # probation ends

    page.get_by_role("link", name="Công nhận đảng viên chính thức").click()
    page.fill("#id_on_date", "2025-09-10")
    page.fill("#id_decision_number", "45-QĐ/HU")
    submit(page)
    expect(page.locator("[data-testid=step]")).to_contain_text("Công nhận đảng viên chính thức")

    candidate = Candidate.objects.get()
    assert candidate.step == Step.RECOGNITION
    assert candidate.steps.count() == 10
    assert Admission.objects.get().recognized_on.isoformat() == "2025-09-10"


def test_a_birth_date_typed_day_first_in_an_english_language_browser_is_stored_as_typed(page, live_server, clerk, tree):
    """The browser speaks en-US (conftest): its own date input would read 04/03 as 3 April."""
    assert page.evaluate("navigator.language") == "en-US"
    login(page, live_server, username="bt.clerk")
    page.goto(f"{live_server.url}/candidates/org/{tree.school.pk}/new/")
    birth = page.locator("#id_date_of_birth")
    expect(birth).to_have_attribute("placeholder", "dd/mm/yyyy")
    page.fill("#id_full_name", "Lê Thị Ngày Tháng")
    birth.press_sequentially("04/03/2005")
    page.select_option("#id_gender", "female")
    page.select_option("#id_education", "upper_secondary")
    page.select_option("#id_category", "pupil")
    page.select_option("#id_youth_union_member", "true")
    source = page.locator("#id_source_date")
    source.fill("")
    source.press_sequentially("10/01/2024")
    submit(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lê Thị Ngày Tháng")
    candidate = Candidate.objects.get(full_name="Lê Thị Ngày Tháng")
    assert candidate.date_of_birth.isoformat() == "2005-03-04"
    assert candidate.steps.get().date.isoformat() == "2024-01-10"
    assert candidate.youth_union_member is True
    expect(page.locator("main")).to_contain_text("04/03/2005")


def test_a_clerk_moves_a_candidate_to_another_organization_of_the_commune(page, live_server, tree):
    """The commune's clerk moves a candidate from its village cell to the commune committee:
    a date in the future is refused in Vietnamese; then the file is at the committee, and
    its history names both organizations."""
    from .test_reports_engine import make_candidate

    user = get_user_model().objects.create_user(username="kd.clerk", password="browser-pass-1")
    Membership.objects.create(user=user, organization=tree.commune, role=Role.CLERK)
    candidate = make_candidate(tree.cell, step=Step.CELL_RESOLUTION, name="Đinh Văn Chuyển")
    login(page, live_server, username="kd.clerk")
    page.goto(f"{live_server.url}/candidates/{candidate.pk}/")
    page.get_by_role("link", name="Chuyển nơi bồi dưỡng").click()
    page.select_option("#id_organization", label="Đảng bộ xã Ka Đô")
    page.fill("#id_on_date", "2999-01-01")
    submit(page)
    expect(page.locator(".error").first).to_contain_text("không được ở tương lai")
    page.fill("#id_on_date", "2025-06-01")
    page.fill("#id_reason", "Chuyển về đảng ủy xã")
    submit(page)
    expect(page.get_by_text("Đã lưu thay đổi.")).to_be_visible()
    moved = "Chi bộ bồi dưỡng: Chi bộ Thôn Ka Đô Mới → Đảng bộ xã Ka Đô"
    expect(page.locator("ul.changes li").first).to_have_text(moved)
    candidate.refresh_from_db()
    assert candidate.organization == tree.commune
