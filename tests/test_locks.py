"""Closed periods (organizations.locks): what a lock covers, and a reopening that ends by itself."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from organizations import locks

YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def _lock(tree, users, org="district"):
    return locks.lock_period(
        organization=getattr(tree, org),
        start=YEAR[0],
        end=YEAR[1],
        user=users.province_planner,
        reason="Báo cáo năm 2025 đã duyệt",
    )


def test_a_lock_covers_the_subtree_inside_its_dates_only(tree, users):
    _lock(tree, users)
    today = dt.date(2026, 3, 1)
    with pytest.raises(ValidationError) as refused:
        locks.check_unlocked(organization=tree.cell, day=dt.date(2025, 5, 10), today=today)
    assert "Huyện ủy Đơn Dương" in str(refused.value) and "01/01/2025" in str(refused.value)
    locks.check_unlocked(organization=tree.cell, day=dt.date(2026, 1, 2), today=today)  # next year: open
    locks.check_unlocked(organization=tree.city_school, day=dt.date(2025, 5, 10), today=today)  # another district
    locks.check_unlocked(organization=tree.province, day=dt.date(2025, 5, 10), today=today)  # the level above


def test_the_same_span_locked_twice_is_one_lock(tree, users):
    assert _lock(tree, users) == _lock(tree, users)


def test_a_reopening_needs_a_reason_and_locks_again_after_its_last_day(tree, users):
    lock = _lock(tree, users)
    with pytest.raises(ValidationError):
        locks.reopen(lock=lock, until=dt.date(2026, 3, 10), reason="  ", user=users.admin, today=dt.date(2026, 3, 1))
    locks.reopen(
        lock=lock,
        until=dt.date(2026, 3, 10),
        reason="Sửa số liệu xã Ka Đô",
        user=users.admin,
        today=dt.date(2026, 3, 1),
    )
    day = dt.date(2025, 5, 10)
    locks.check_unlocked(organization=tree.cell, day=day, today=dt.date(2026, 3, 10))
    with pytest.raises(ValidationError):
        locks.check_unlocked(organization=tree.cell, day=day, today=dt.date(2026, 3, 11))
