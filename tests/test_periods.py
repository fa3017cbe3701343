import datetime as dt

import pytest
from django.utils import translation

from reports.periods import between, named_periods, parse

D = dt.date


@pytest.mark.parametrize(
    "key, start, end",
    [
        ("2025", D(2025, 1, 1), D(2025, 12, 31)),
        ("2025-Q1", D(2025, 1, 1), D(2025, 3, 31)),
        ("2025-Q2", D(2025, 4, 1), D(2025, 6, 30)),
        ("2025-Q3", D(2025, 7, 1), D(2025, 9, 30)),
        ("2025-Q4", D(2025, 10, 1), D(2025, 12, 31)),
        ("2025-6M", D(2025, 1, 1), D(2025, 6, 30)),
        ("2024-9M", D(2024, 1, 1), D(2024, 9, 30)),
        ("2025-02-01..2025-04-30", D(2025, 2, 1), D(2025, 4, 30)),
    ],
)
def test_a_period_is_its_span(key, start, end):
    period = parse(key)
    assert (period.start, period.end, period.key, period.year) == (start, end, key, end.year)


def test_a_span_that_is_a_named_period_takes_its_name():
    assert parse("2025-04-01..2025-06-30").key == "2025-Q2"
    assert between(D(2025, 1, 1), D(2025, 12, 31)).is_year


@pytest.mark.parametrize("text", ["", "2025-Q5", "2025-5M", "25", "2025-02-30..2025-03-01", "2025-03-01..2025-02-01"])
def test_what_is_not_a_period_says_so_in_vietnamese(text):
    with translation.override("vi"), pytest.raises(ValueError) as error:
        parse(text)
    assert "kỳ báo cáo" in str(error.value).lower()


def test_the_same_period_last_year():
    assert parse("2025-Q3").same_period_last_year().key == "2024-Q3"
    assert parse("2025-6M").same_period_last_year().key == "2024-6M"
    leap = parse("2024-02-10..2024-02-29").same_period_last_year()
    assert (leap.start, leap.end) == (D(2023, 2, 10), D(2023, 2, 28))


def test_labels_read_as_reports_print_them():
    with translation.override("vi"):
        assert [p.label for p in named_periods(2025)] == [
            "Quý I năm 2025",
            "6 tháng đầu năm 2025",
            "Quý II năm 2025",
            "9 tháng đầu năm 2025",
            "Quý III năm 2025",
            "Quý IV năm 2025",
            "Năm 2025",
        ]
        assert parse("2025-02-01..2025-04-30").label == "Từ ngày 01/02/2025 đến ngày 30/04/2025"


def test_a_running_period_is_read_as_of_today():
    q4 = parse("2025-Q4")
    assert q4.as_of(D(2025, 11, 29)) == D(2025, 11, 29)
    assert q4.as_of(D(2026, 1, 5)) == D(2025, 12, 31)
    assert not q4.is_over(D(2025, 12, 31)) and q4.is_over(D(2026, 1, 1))
    assert D(2025, 10, 1) in q4 and D(2025, 9, 30) not in q4
