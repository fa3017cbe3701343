"""A count entered for a past year ("kết quả các năm trước") belongs to every report of that
year, whatever its day: a year an approved report locked refuses it, on the page and in a
file, as admissions and member counts dated in it are refused. An auditor entered 3, then
5, for a school's 2025 after xã Đơn Dương's 2025 report was approved: the signed 15 read 20,
and the dissolved district's closing report of 30/06/2025 went from 20 to 25."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from common.xlsx import ImportFailed
from organizations.locks import lock_period
from reports.engine import attainment
from reports.imports import historical_import
from reports.models import HistoricalResult
from reports.services import historical_result_record

from .test_historical_import import upload

D = dt.date


@pytest.fixture
def locked(tree, users):
    """Đơn Dương's 2025 approved and locked up to 22/12/2025."""
    return lock_period(
        organization=tree.district, start=D(2025, 1, 1), end=D(2025, 12, 22), user=users.admin, reason="Báo cáo năm"
    )


def test_a_count_for_a_locked_year_is_refused_and_changes_nothing(locked, tree):
    before = attainment(scope=tree.district, year=2025, as_of=D(2025, 6, 30)).actual
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        historical_result_record(organization=tree.school, year=2025, category="", count=3)
    assert "01/01/2025–22/12/2025" in " ".join(refused.value.messages)
    with pytest.raises(ValidationError):  # a total over several years reaching into it
        historical_result_record(organization=tree.school, year=2025, first_year=2023, category="", count=3)
    assert not HistoricalResult.objects.exists()
    assert attainment(scope=tree.district, year=2025, as_of=D(2025, 6, 30)).actual == before
    # A year no lock covers is entered as before.
    historical_result_record(organization=tree.school, year=2024, category="", count=3)
    assert HistoricalResult.objects.get().count == 3


def test_a_correction_moving_a_total_into_a_locked_year_is_refused(locked, tree):
    """A total entered for 2022–2024 may not be corrected to 2022–2025: a different key, so
    refused as a new entry; nor can an entry of 2024 be corrected once 2024 is locked."""
    historical_result_record(organization=tree.school, year=2024, first_year=2022, category="", count=3)
    lock_period(organization=tree.district, start=D(2024, 1, 1), end=D(2024, 12, 31), user=None, reason="Năm 2024")
    with pytest.raises(ValidationError):
        historical_result_record(organization=tree.school, year=2024, category="", first_year=2023, count=4)
    assert HistoricalResult.objects.get().count == 3


def test_a_file_with_a_row_of_a_locked_year_writes_nothing(locked, tree, users):
    rows = [("LD.DD.THPT", 2024, "", 2, "sổ cũ"), ("LD.DD.THPT", 2025, "", 5, "sổ cũ")]
    with translation.override("vi"), pytest.raises(ImportFailed) as failed:
        historical_import(upload=upload(rows), under=tree.district, user=users.district_planner)
    (error,) = failed.value.errors
    assert error.row == 3 and "01/01/2025–22/12/2025" in error.message
    assert not HistoricalResult.objects.exists()


def test_the_page_says_why_in_vietnamese(locked, tree, client_for):
    page = client_for("district_planner").post(
        f"/reports/{tree.district.pk}/history/",
        {"organization": tree.school.pk, "year": 2025, "category": "", "count": 3, "source": ""},
    )
    assert page.status_code == 200 and "01/01/2025–22/12/2025" in page.content.decode()
    assert not HistoricalResult.objects.exists()
