"""A report counted to a day before its period's end (a year's report sent on 22/12) does
not hold the admissions dated after that day: the review page says how many there are, so
that the level above does not read "the figures have not changed" as "the year is whole"."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from organizations.models import Organization

from .test_reports_engine import admit

D = dt.date


@pytest.fixture
def province_planner(reorganized_demo, client):
    client.force_login(get_user_model().objects.get(username="tinh.kehoach"))
    return client


def _review(client, code: str) -> str:
    province, child = Organization.objects.get(code="LD"), Organization.objects.get(code=code)
    url = reverse("submissions:review", kwargs={"org_pk": province.pk, "child_pk": child.pk, "period": "2025"})
    return client.get(url).content.decode()


def _later(html: str) -> str | None:
    if 'data-testid="admitted-later"' not in html:
        return None
    return html.split('data-testid="admitted-later">', 1)[1].split("</p>", 1)[0]


def test_the_review_counts_the_admissions_of_the_period_after_the_day_the_report_was_counted_to(province_planner):
    # Đơn Dương's report was counted to 22/12/2025; the demo holds one admission of 28/12 (Thạnh Mỹ 2).
    assert _later(_review(province_planner, "LD.X-DONDUONG")) == (
        "Có 1 đảng viên kết nạp sau ngày 22/12/2025 (ngày báo cáo này tính đến), vẫn trong kỳ nhưng không có"
        " trong báo cáo: số liệu hiện tại của kỳ đã tính."
    )
    admit(Organization.objects.get(code="LD.DD.DTNT"), D(2025, 12, 27))
    admit(Organization.objects.get(code="LD.DD.DTNT"), D(2025, 12, 22))  # on the day: in the report's span
    html = _review(province_planner, "LD.X-DONDUONG")
    assert _later(html).startswith("Có 2 đảng viên kết nạp sau ngày 22/12/2025")
    assert 'data-testid="admissions-changed"' in html  # the one of 22/12 changed what it counted


def test_a_report_counted_to_the_last_days_of_its_period_says_nothing(province_planner):
    # Đức Trọng's was counted to 30/12/2025: nothing was admitted on 31/12.
    assert _later(_review(province_planner, "LD.X-DUCTRONG")) is None
