"""A member count or a historical result is refused for a day or a year its organization did
not stand in: they would be read as figures of an organization that was not there (a
district's count of 2026, a year after it was dissolved, in the province's 2026 report)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from common.xlsx import ImportFailed
from organizations.models import MemberCount, OrgForm, Sector
from organizations.services import (
    member_count_record,
    organization_create,
    organization_dissolve,
    organization_merge,
)
from reports.imports import historical_import
from reports.models import HistoricalResult
from reports.services import historical_result_record
from tests.test_historical_import import upload
from tests.xlsx_files import xlsx_upload

D = dt.date
TODAY = D(2026, 12, 2)


@pytest.fixture
def ended(tree):
    """The enterprise dissolved on 01/07/2025, the school merged into Đà Lạt's on 01/07/2025,
    and a cell of the commune founded on 01/03/2025."""
    organization_dissolve(organization=tree.enterprise, on_date=D(2025, 7, 1), today=TODAY)
    organization_merge(source=tree.school, target=tree.city_school, on_date=D(2025, 7, 1), today=TODAY)
    founded = organization_create(
        parent=tree.commune,
        code="LD.DD.KD.02",
        name="Chi bộ Thôn Ka Đô Cũ",
        form=OrgForm.CELL,
        sector=Sector.VILLAGE,
        founded_on=D(2025, 3, 1),
    )
    for org in (tree.enterprise, tree.school):
        org.refresh_from_db()
    return founded


def test_a_member_count_is_refused_on_a_day_the_organization_did_not_stand(tree, ended):
    for org, day, says in [
        (tree.enterprise, D(2026, 12, 1), "kết thúc hoạt động ngày 01/07/2025"),
        (tree.enterprise, D(2025, 7, 1), "kết thúc hoạt động ngày 01/07/2025"),  # the day it ended
        (tree.school, D(2025, 9, 1), "kết thúc hoạt động ngày 01/07/2025"),  # merged: its members are its successor's
        (ended, D(2025, 2, 28), "thành lập ngày 01/03/2025"),
    ]:
        with pytest.raises(ValidationError, match=says):
            member_count_record(organization=org, as_of=day, members=50, today=TODAY)
    assert not MemberCount.objects.filter(as_of__gte=D(2025, 7, 1)).exists() and not ended.member_counts.exists()
    # Its last day and its first are days it stood.
    member_count_record(organization=tree.enterprise, as_of=D(2025, 6, 30), members=12, today=TODAY)
    member_count_record(organization=ended, as_of=D(2025, 3, 1), members=4, today=TODAY)


def test_the_page_and_the_import_say_so_in_vietnamese_and_save_nothing(tree, ended, client_for):
    planner = client_for("district_planner")
    page = planner.post(
        reverse("organizations:add_count", kwargs={"org_pk": tree.enterprise.pk}),
        {"as_of": "01/12/2026", "members": "5000"},
    ).content.decode()
    assert "đã kết thúc hoạt động ngày 01/07/2025" in page
    page = planner.post(
        reverse("organizations:import_counts", kwargs={"org_pk": tree.district.pk}),
        {
            "file": xlsx_upload(
                [
                    ("Mã", "Tính đến ngày", "Số đảng viên"),
                    ("LD.DD.KD.01", "30/11/2026", 30),
                    ("LD.DD.DN", "30/11/2026", 9),
                ]
            )
        },
    ).content.decode()
    assert "đã kết thúc hoạt động ngày 01/07/2025" in page
    assert not MemberCount.objects.filter(as_of=D(2026, 11, 30)).exists()  # the good row neither
    page = planner.post(
        reverse("reports:history", kwargs={"org_pk": tree.district.pk}),
        {"organization": tree.enterprise.pk, "year": 2026, "category": "", "count": 7, "source": "sổ"},
    ).content.decode()
    assert "đã giải thể ngày 01/07/2025: không có đảng viên mới sau ngày đó" in page
    assert not HistoricalResult.objects.exists()


def test_a_historical_result_is_refused_for_years_the_organization_did_not_stand_in(users, tree, ended):
    for org, first, year, says in [
        (tree.enterprise, None, 2026, "giải thể ngày 01/07/2025"),
        (ended, None, 2024, "thành lập ngày 01/03/2025"),
        (ended, 2022, 2024, "thành lập ngày 01/03/2025"),
    ]:
        with pytest.raises(ValidationError, match=says):
            historical_result_record(organization=org, first_year=first, year=year, category="", count=7)
    with pytest.raises(ImportFailed) as failed:
        historical_import(
            upload=upload([("LD.DD.THPT", 2024, "", 2, "sổ"), ("LD.DD.DN", 2026, "", 7, "sổ")]),
            under=tree.district,
            user=users.district_planner,
        )
    (error,) = failed.value.errors
    assert error.row == 3 and "01/07/2025" in error.message
    assert not HistoricalResult.objects.exists()
    # Years it stood in, even in part; a merged one's later years count with its successor
    # (as its admissions do), so they are taken.
    historical_result_record(organization=tree.enterprise, year=2025, category="", count=1)
    historical_result_record(organization=ended, year=2025, category="", count=1)
    historical_result_record(organization=ended, first_year=2023, year=2025, category="pupil", count=2)
    historical_result_record(organization=tree.school, year=2026, category="", count=1)
    assert HistoricalResult.objects.count() == 4
