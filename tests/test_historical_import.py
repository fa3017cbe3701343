"""The historical-results import writes a file at once: the page's checks for every row,
the same queries for 10 rows as for 60, corrections with their history, tallies kept."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from admissions import tally
from admissions.models import Tally
from common.xlsx import ImportFailed
from reports.imports import historical_import
from reports.models import HistoricalResult
from reports.services import historical_result_record

HEADER = ("Mã tổ chức", "Năm", "Đối tượng", "Số đảng viên mới", "Nguồn")


def upload(rows):
    wb = Workbook()
    wb.active.append(HEADER)
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "history.xlsx"
    return buffer


def years(n):
    codes = ["LD.DD", "LD.DD.THPT", "LD.DD.KD", "LD.DD.KD.01"]
    return [(codes[i % 4], 1990 + i // 4, "", 1 + i % 3, "sổ theo dõi") for i in range(n)]


def queries_of_import(rows, users, tree) -> int:
    with CaptureQueriesContext(connection) as captured:
        historical_import(upload=upload(rows), under=tree.district, user=users.district_planner)
    return len(captured)


def test_the_queries_do_not_grow_with_the_rows(users, tree):
    queries_of_import(years(1), users, tree)  # what a process reads once
    HistoricalResult.objects.all().delete()
    few = queries_of_import(years(10), users, tree)
    HistoricalResult.objects.all().delete()
    many = queries_of_import(years(60), users, tree)
    assert many == few, (few, many)
    assert HistoricalResult.objects.count() == 60
    assert HistoricalResult.history.filter(history_type="+").count() >= 60


def test_a_file_corrects_what_was_entered_with_its_history_and_tallies(users, tree):
    entered = historical_result_record(organization=tree.school, year=2023, category="", count=2, source="sổ cũ")
    historical_result_record(organization=tree.cell, year=2022, category="", count=4)
    rows = [
        ("LD.DD.THPT", 2023, "", 5, "báo cáo tổng kết"),  # corrected
        ("LD.DD.KD.01", 2022, "", 0, "không kết nạp"),  # corrected to none
        ("LD.DD.KD", "2020-2023", "HS", 3, ""),  # a period, new
    ]
    historical_import(upload=upload(rows), under=tree.district, user=users.district_planner)
    entered.refresh_from_db()
    assert (entered.count, entered.source, entered.entered_by) == (5, "báo cáo tổng kết", users.district_planner)
    change = entered.history.order_by("-history_date", "-history_id").first()
    assert (change.history_type, change.count, change.history_user) == ("~", 5, users.district_planner)
    assert HistoricalResult.objects.get(organization=tree.commune).period == "2020–2023"

    def entered_rows(org, year):
        return sum(Tally.objects.filter(kind="h", path=org.path, year=year).values_list("n", flat=True))

    assert (entered_rows(tree.school, 2023), entered_rows(tree.cell, 2022), entered_rows(tree.district, 2022)) == (
        1,
        0,
        0,
    )
    assert entered_rows(tree.district, 2023) == 2  # the school's, and the commune's period ending in 2023
    kept = tally.current()
    tally.rebuild()
    assert tally.current() == kept


def test_a_row_the_page_would_refuse_is_a_row_error_and_nothing_is_saved(users, tree):
    """Every bad row is listed: those the file's reading refuses (an unknown organization)
    beside those the page's checks refuse (a source too long for the field)."""
    rows = [("LD.DD.THPT", 2023, "", 2, "ok"), ("LD.DD.KD", 2023, "", 1, "x" * 301), ("XX.99", 2023, "", 1, "")]
    with pytest.raises(ImportFailed) as failed:
        historical_import(upload=upload(rows), under=tree.district, user=users.district_planner)
    too_long, unknown = failed.value.errors
    assert too_long.row == 3 and "300" in too_long.message
    assert unknown.row == 4 and "XX.99" in unknown.message
    assert not HistoricalResult.objects.exists() and not Tally.objects.filter(kind="h").exists()
