"""A report goes to the board above the organization at its period's end, the board whose
status lists it: a school's report of the first half of 2025 to the district it stood under
on 30/06/2025 (dissolved on 01/07/2025), not to the commune committee it has stood under
since. Its page says so and links that board's review; that board's planners review it,
and the planners of today's parent do not."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from lxml import html as lxml_html

from organizations.models import Membership, Organization, Role
from submissions import services
from submissions.models import Status

SCHOOL, DISTRICT, COMMUNE = "LD.DT.HHT", "LD.DT", "LD.X-NINHGIA"
HALF = "2025-6M"


def _org(code: str) -> Organization:
    return Organization.objects.get(code=code)


def _planner(username: str, code: str):
    user = get_user_model().objects.create_user(username=username, password="x")
    Membership.objects.create(user=user, organization=_org(code), role=Role.PLANNER)
    return user


def _page(client, period: str):
    response = client.get(reverse("submissions:detail", args=[_org(SCHOOL).pk, period]))
    assert response.status_code == 200
    return lxml_html.fromstring(response.content.decode())


def _sent(period: str = HALF):
    province_planner = get_user_model().objects.get(username="tinh.kehoach")
    return services.submit(organization=_org(SCHOOL), period=period, user=province_planner, results="Đã kết nạp.")


def test_the_page_names_the_board_of_the_period_s_end_and_its_review_opens(reorganized_demo, client):
    client.force_login(get_user_model().objects.get(username="tinh.kehoach"))
    district, commune = _org(DISTRICT), _org(COMMUNE)
    assert district.dissolved_on.isoformat() == "2025-07-01" and commune.founded_on.isoformat() == "2025-07-01"

    page = _page(client, HALF)
    text = " ".join(page.text_content().split())
    assert "Gửi Huyện ủy Đức Trọng" in text
    assert f"Gửi {commune.name}" not in text
    (review,) = page.xpath('//a[@data-testid="to-review"]/@href')
    assert review == reverse(
        "submissions:review", kwargs={"org_pk": district.pk, "child_pk": _org(SCHOOL).pk, "period": HALF}
    )
    assert client.get(review).status_code == 200  # was the commune's review: 404, the school was not under it then

    # The year 2025 ends under the commune committee: its report goes there.
    page = _page(client, "2025")
    assert f"Gửi {commune.name}" in " ".join(page.text_content().split())
    (review,) = page.xpath('//a[@data-testid="to-review"]/@href')
    assert client.get(review).status_code == 200


def test_the_district_s_planner_approves_and_today_s_parent_s_planner_may_not(reorganized_demo):
    submission = _sent()
    commune_planner = _planner("ke.hoach.ninhgia", COMMUNE)
    with pytest.raises(ValidationError) as refused:
        services.approve(submission=submission, user=commune_planner)
    assert "Huyện ủy Đức Trọng" in str(refused.value)
    submission.refresh_from_db()
    assert submission.status == Status.SUBMITTED

    district_planner = _planner("ke.hoach.ductrong.cu", DISTRICT)
    services.approve(submission=submission, user=district_planner)
    submission.refresh_from_db()
    assert submission.status == Status.APPROVED and submission.approved_by == district_planner


def test_the_year_s_report_is_the_commune_s_to_review(reorganized_demo):
    submission = _sent("2025")
    with pytest.raises(ValidationError):
        services.return_submission(submission=submission, user=_planner("ke.hoach.ductrong.cu", DISTRICT), comment="x")
    services.return_submission(submission=submission, user=_planner("ke.hoach.ninhgia", COMMUNE), comment="Bổ sung.")
    submission.refresh_from_db()
    assert submission.status == Status.RETURNED
