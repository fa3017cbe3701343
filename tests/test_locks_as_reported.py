"""A lock protects the figures its approved report signed: the records that report counts,
wherever their units stood on the record's day, and up to the day it was counted to."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from organizations import locks
from organizations.models import Organization, PeriodLock

D = dt.date


def _locked(code: str, day: dt.date) -> bool:
    try:
        locks.check_unlocked(organization=Organization.objects.get(code=code), day=day, today=timezone.localdate())
    except ValidationError:
        return True
    return False


def test_the_communes_approved_2025_report_locks_what_it_counts_and_only_up_to_its_day(reorganized_demo):
    # Đảng ủy xã Đơn Dương's 2025 report was sent on 22/12/2025 and approved: it counts, in
    # the tree of that day, the school that moved under it and the communes merged into it on
    # 01/07/2025, for the whole year.
    lock = PeriodLock.objects.get(organization__code="LD.X-DONDUONG")
    assert (lock.start, lock.end) == (D(2025, 1, 1), D(2025, 12, 22))
    assert _locked("LD.DD.DTNT", D(2025, 6, 28))  # moved in on 01/07/2025: under the district then
    assert _locked("LD.DD.TM", D(2025, 3, 15))  # merged into the commune on 01/07/2025
    assert _locked("LD.DD.DTNT", D(2025, 9, 1))  # under the commune that day
    # not what the report counts: a school that went to Ka Đô, a cell of Đức Trọng's past
    assert not _locked("LD.DD.THPT-HV", D(2025, 6, 28))
    # after the day the report was counted to, the year stays open for what it brings
    assert not _locked("LD.DD.DTNT", D(2025, 12, 27))
    assert not _locked("LD.DD.DTNT", D(2026, 1, 5))


def test_every_date_a_change_touches_is_checked_alike_and_an_import_reads_the_same(reorganized_demo):
    school = Organization.objects.get(code="LD.DD.DTNT")
    with pytest.raises(ValidationError, match="khóa"):
        locks.check_days_unlocked(
            organization=school, days=[D(2025, 6, 20), D(2025, 12, 27)], today=timezone.localdate()
        )
    # the same, read once as an import reads the locks
    with locks.read_once(today=timezone.localdate(), organizations=[school]):
        assert _locked("LD.DD.TM", D(2025, 3, 15)) and _locked("LD.DD.DTNT", D(2025, 6, 28))
        assert not _locked("LD.DD.THPT-HV", D(2025, 6, 28)) and not _locked("LD.DD.DTNT", D(2025, 12, 27))
