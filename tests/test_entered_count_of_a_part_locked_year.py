"""A count entered for a whole year is refused when a lock covers any part of that year for
the organization: also the part it stood under a committee whose approved report locked
it. The school stood under the city from 01/04 to 30/09/2025, whose year is locked; it
stood under the district (unlocked) on 01/01 and 31/12, the only days checked before."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from organizations.locks import lock_period
from organizations.services import organization_move
from reports.models import HistoricalResult
from reports.services import historical_result_record

D = dt.date


@pytest.fixture
def moved_through_the_city(tree, users):
    organization_move(organization=tree.school, new_parent=tree.city, on_date=D(2025, 4, 1), today=D(2025, 4, 1))
    tree.school.refresh_from_db()
    organization_move(organization=tree.school, new_parent=tree.district, on_date=D(2025, 10, 1), today=D(2025, 10, 1))
    tree.school.refresh_from_db()
    # From 2024: the school's 2024, all of it under the district, is outside it all the same.
    lock_period(organization=tree.city, start=D(2024, 1, 1), end=D(2025, 12, 31), user=users.admin, reason="2024–2025")
    return tree


def test_a_count_of_a_year_partly_locked_for_it_is_refused(moved_through_the_city):
    tree = moved_through_the_city
    with pytest.raises(ValidationError, match="Thành ủy Đà Lạt"):
        historical_result_record(organization=tree.school, year=2025, category="", count=3)
    assert not HistoricalResult.objects.filter(organization=tree.school).exists()


def test_a_year_it_never_stood_under_the_lock_is_not_refused(moved_through_the_city):
    tree = moved_through_the_city
    assert historical_result_record(organization=tree.school, year=2024, category="", count=3).count == 3
    # An organization that never stood under the city: its 2025 is open.
    assert historical_result_record(organization=tree.enterprise, year=2025, category="", count=1).count == 1
