"""A count entered for a past year at a committee covers the organizations that stood under
it that year: their own part of it is not known, so their figure of that year is "no data",
not 0. That holds after they moved away or merged (the 2025 reorganization took Đà Lạt's
wards, whose 2023 admissions were entered as the city's 191, to committees of the province),
as it did before, whatever the report's day."""

import datetime as dt

from organizations.models import OrgForm, Sector
from organizations.services import organization_create, organization_merge, organization_move
from reports.engine import attainment
from reports.models import HistoricalResult

from .test_reports_engine import admit

D = dt.date
MOVED = D(2025, 7, 1)


def _years(org, **day):
    org.refresh_from_db()
    return {h.year: h.actual for h in attainment(scope=org, **day).history}


def _child(scope, child, **day):
    scope.refresh_from_db()
    (row,) = [c for c in attainment(scope=scope, **day).children if c.org.pk == child.pk]
    return row.last_year


def test_a_school_moved_out_of_a_city_keeps_no_data_for_the_year_the_city_entered(tree):
    HistoricalResult.objects.create(organization=tree.city, year=2023, count=191)
    admit(tree.school, D(2023, 5, 4))  # the records hold 2023 somewhere: elsewhere 0 is a figure
    admit(tree.city_school, D(2025, 9, 5))
    organization_move(organization=tree.city_school, new_parent=tree.province, on_date=MOVED, today=D(2025, 12, 31))

    before = _years(tree.city_school, year=2025, as_of=D(2025, 6, 30))
    after = _years(tree.city_school, year=2025, as_of=D(2025, 12, 31))
    assert before[2023] is None
    assert after[2023] is None  # was 0: nothing now above it has a count of 2023
    assert after[2024] is None  # no records of 2024 anywhere: no data either way
    assert _years(tree.city_school, year=2026, as_of=D(2026, 3, 31))[2023] is None
    # A school that was never under the city reads 0 for 2023, and the one that admitted, 1.
    assert _years(tree.enterprise, year=2025, as_of=D(2025, 12, 31))[2023] == 0
    assert _years(tree.school, year=2025, as_of=D(2025, 12, 31))[2023] == 1
    # The province holds the city's count and the records: 192.
    assert _years(tree.province, year=2025, as_of=D(2025, 12, 31))[2023] == 192


def test_a_successor_of_merged_wards_has_no_data_for_their_entered_year(tree):
    """Đà Lạt's school merged into the district's enterprise: the successor's 2023 is an
    unknown part of the city's 191, where before the merger the enterprise's own was 0."""
    HistoricalResult.objects.create(organization=tree.city, year=2023, count=191)
    admit(tree.school, D(2023, 5, 4))
    organization_merge(source=tree.city_school, target=tree.enterprise, on_date=MOVED, today=D(2025, 12, 31))

    assert _years(tree.enterprise, year=2025, as_of=D(2025, 6, 30))[2023] == 0  # before the merger
    assert _years(tree.enterprise, year=2025, as_of=D(2025, 12, 31))[2023] is None
    assert _child(tree.district, tree.enterprise, year=2024, as_of=D(2024, 12, 31)) == 0
    assert _years(tree.school, year=2025, as_of=D(2025, 12, 31))[2023] == 1  # never under the city


def test_a_new_committee_holding_a_covered_school_has_no_data_for_that_year(tree):
    """A commune committee founded on 01/07/2025 takes the city's school: its 2023 is the
    school's, an unknown part of the city's 191, not 0."""
    HistoricalResult.objects.create(organization=tree.city, year=2023, count=191)
    admit(tree.school, D(2023, 5, 4))
    commune = organization_create(
        parent=tree.province,
        code="LD.X-MOI",
        name="Đảng ủy xã Mới",
        form=OrgForm.COMMUNE,
        sector=Sector.COMMUNE,
        founded_on=MOVED,
        today=D(2025, 12, 31),
    )
    organization_move(organization=tree.city_school, new_parent=commune, on_date=MOVED, today=D(2025, 12, 31))

    assert _years(tree.city_school, year=2025, as_of=D(2025, 12, 31))[2023] is None
    assert _years(commune, year=2025, as_of=D(2025, 12, 31))[2023] is None
    assert _years(tree.province, year=2025, as_of=D(2025, 12, 31))[2023] == 192


def test_a_count_of_a_committee_merged_in_that_year_covers_what_its_successor_held(tree):
    """The city entered its 2023 and merged into the district on 01/07/2023: its school stood
    under the district at the end of 2023, under the count that is now the district's."""
    HistoricalResult.objects.create(organization=tree.city, year=2023, count=191)
    admit(tree.school, D(2023, 5, 4))
    organization_merge(source=tree.city, target=tree.district, on_date=D(2023, 7, 1), today=D(2023, 12, 31))
    tree.city_school.refresh_from_db()
    before = _years(tree.city_school, year=2025, as_of=D(2025, 6, 30))[2023]
    organization_move(organization=tree.city_school, new_parent=tree.province, on_date=MOVED, today=D(2025, 12, 31))

    assert before is None
    assert _years(tree.city_school, year=2025, as_of=D(2025, 12, 31))[2023] is None
    # The district's own school admitted in 2023: its figure is its records'.
    assert _years(tree.school, year=2025, as_of=D(2025, 12, 31))[2023] == 1
