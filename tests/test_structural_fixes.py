"""Size, inactivity and share-of-membership figures read alike on every road (today's
tree and its tallies, the tree of a past day recounted from the records, an issuer that
ended before the report's day):

* a total entered for a period of several years ("2021–2024: 2") is an admission of its
  last year for an inactivity rule, whatever the road (reports/entered.py);
* an organization younger than an inactivity rule's K years cannot fail it ("no admission
  for K years or more"): it meets it, unless an organization merged into it stood by the
  window's first day;
* a committee above the grassroots with its own member count is that count in the base of
  the committees above it, as on its own report."""

import datetime as dt
from decimal import Decimal

import pytest

from organizations.models import Organization, OrgForm, Sector
from organizations.positions import tree_state
from organizations.services import member_count_record, organization_create, organization_merge, organization_move
from quotas.models import RuleKind
from reports.engine import attainment
from reports.services import historical_result_record
from tests.test_reports_engine import admit, make_plan, make_rule

D = dt.date


def _unrelated_move(tree, day: dt.date) -> None:
    """A move in the other province on `day`: nothing of Lâm Đồng changes, but every report
    of an earlier day is read in the tree of that day (reports/past.py)."""
    parent = organization_create(
        parent=tree.other_province, code="NT.NM", name="Huyện ủy Ninh Phước", form=OrgForm.DISTRICT, sector=Sector.OTHER
    )
    organization_move(organization=tree.other_city, new_parent=parent, on_date=day, today=day)
    assert tree_state(day - dt.timedelta(days=1)).changed


def _inactivity(result) -> dict:
    """{years: (matched, meeting, [(failing organization, latest year counted)])}."""
    return {
        r.rule.years_without: (r.matched, r.meeting, [(m.org.pk, m.last_admission_year) for m in r.failing])
        for r in result.rules
        if r.kind == RuleKind.INACTIVITY and r.many
    }


# --- 1. a period's total is an admission of its last year, on every road ----------------------


@pytest.fixture
def period_total(tree):
    """Đơn Dương asks every grassroots cell to admit within 1 and within 3 years; the
    enterprise entered "2021–2024: 2", the school admitted in 2025, the city's school nothing."""
    plan = make_plan(tree.district, number="5", symbol="KH/HU")
    for years in (1, 3):
        make_rule(plan, RuleKind.INACTIVITY, applies_to_each=True, forms=[OrgForm.GRASSROOTS_CELL], years_without=years)
    make_rule(plan, RuleKind.INACTIVITY, target=tree.enterprise, years_without=3)
    historical_result_record(organization=tree.enterprise, year=2024, first_year=2021, category="", count=2)
    admit(tree.school, D(2025, 3, 1))
    return plan


def test_a_period_total_reads_as_its_last_year_before_and_after_an_unrelated_move(tree, period_total):
    day = D(2025, 12, 31)
    before = attainment(scope=tree.district, year=2025, as_of=day)
    listed = attainment(scope=tree.district, year=2025, as_of=day, list_failing=True)
    expected = {
        1: (2, 1, [(tree.enterprise.pk, 2024)]),  # 2024 is not 2025
        3: (2, 2, []),  # 2023–2025 holds 2024: the period's last year
    }
    assert _inactivity(before) == _inactivity(listed) == expected

    _unrelated_move(tree, D(2026, 3, 1))
    after = attainment(scope=tree.district, year=2025, as_of=day)
    assert _inactivity(after) == expected
    # The enterprise's own rule ("Chi bộ Công ty … 03 năm"), on both roads.
    for result in (before, after):
        (own,) = [r for r in result.rules if r.kind == RuleKind.INACTIVITY and not r.many]
        assert (own.single.status, own.single.last_admission_year) == ("met", 2024)


def test_a_period_total_counts_for_the_matches_of_an_issuer_that_ended(tree, period_total):
    """The district merged into the city on 01/07/2025: the province's report of 31/12/2025
    measures its rules over what it held on 30/06/2025 (ended._Ended)."""
    organization_merge(source=tree.district, target=tree.city, on_date=D(2025, 7, 1), today=D(2025, 7, 1))
    result = attainment(scope=tree.province, year=2025, as_of=D(2025, 12, 31))
    figures = _inactivity(result)
    assert figures[3] == (2, 2, [])
    assert figures[1] == (2, 1, [(tree.enterprise.pk, 2024)])


# --- 2. an organization younger than the rule's years meets it ---------------------------------


@pytest.fixture
def young(tree):
    """Under the commune (cells: "03 năm trở lên không kết nạp", and within 1 year): the old
    cell (8 members, no admission), "Thôn Kiểm Tra" founded on 01/08/2025, and "Thôn Hợp Nhất"
    founded on 01/08/2025 from an old village merged into it that day. None admitted."""
    plan = make_plan(tree.district, number="6", symbol="KH/HU")
    for years in (1, 3):
        make_rule(plan, RuleKind.INACTIVITY, applies_to_each=True, forms=[OrgForm.CELL], years_without=years)
    new = organization_create(
        parent=tree.commune,
        code="LD.DD.KD.KT",
        name="Chi bộ Thôn Kiểm Tra",
        form=OrgForm.CELL,
        sector=Sector.VILLAGE,
        founded_on=D(2025, 8, 1),
    )
    old_village = organization_create(
        parent=tree.commune, code="LD.DD.KD.CU", name="Chi bộ Thôn Cũ", form=OrgForm.CELL, sector=Sector.VILLAGE
    )
    merged = organization_create(
        parent=tree.commune,
        code="LD.DD.KD.HN",
        name="Chi bộ Thôn Hợp Nhất",
        form=OrgForm.CELL,
        sector=Sector.VILLAGE,
        founded_on=D(2025, 8, 1),
    )
    organization_merge(source=old_village, target=merged, on_date=D(2025, 8, 1), today=D(2025, 8, 1))
    admit(tree.school, D(2025, 11, 3))  # after the report's day, elsewhere: that day's road reads it apart
    return Organization.objects.get(pk=new.pk), Organization.objects.get(pk=merged.pk)


def _check_young(tree, young, result, road: str) -> None:
    new, merged = young
    figures = _inactivity(result)
    # Three cells measured; the young one meets both rules (it is younger than one year
    # too), the merged one is as old as the village merged into it and fails both.
    for years in (1, 3):
        matched, meeting, failing = figures[years]
        assert [pk for pk, _last in failing] == [tree.cell.pk, merged.pk], f"{road}, {years} years"
        assert (matched, meeting) == (3, 1), f"{road}, {years} years"


@pytest.mark.parametrize("list_failing", [False, True])
@pytest.mark.parametrize("as_of", [D(2025, 9, 15), D(2025, 12, 31)])
def test_a_cell_founded_inside_the_window_is_not_listed_as_inactive_in_todays_tree(tree, young, as_of, list_failing):
    """Today's tree: counted in the database (FailingList, listed lazily), listed with the
    answer, and, on 15/09 with an admission after the day, the rows read and checked."""
    result = attainment(scope=tree.district, year=2025, as_of=as_of, list_failing=list_failing)
    _check_young(tree, young, result, f"today's tree, {as_of}")
    # The lazy list's pages read the same rows.
    for r in result.rules:
        if r.kind == RuleKind.INACTIVITY:
            assert [m.org.pk for m in r.failing[:5]] == [m.org.pk for m in r.failing]


@pytest.mark.parametrize("as_of", [D(2025, 9, 15), D(2025, 12, 31)])
def test_a_cell_founded_inside_the_window_is_not_listed_as_inactive_in_a_past_days_tree(tree, young, as_of):
    _unrelated_move(tree, D(2026, 3, 1))
    result = attainment(scope=tree.district, year=2025, as_of=as_of)
    _check_young(tree, young, result, f"tree of {as_of}")


def test_a_cell_founded_inside_the_window_is_not_inactive_for_an_issuer_that_ended(tree, young):
    organization_merge(source=tree.district, target=tree.city, on_date=D(2025, 10, 1), today=D(2025, 10, 1))
    result = attainment(scope=tree.province, year=2025, as_of=D(2025, 12, 31))
    _check_young(tree, young, result, "the district's last day")


def test_a_cell_stops_being_young_once_the_window_starts_after_its_founding(tree, young):
    new, merged = young
    # 2026: the one-year window starts on 01/01/2026, after its founding (it fails); the
    # three-year one on 01/01/2024, before it (still younger: it meets it).
    result = attainment(scope=tree.district, year=2026, as_of=D(2026, 6, 30))
    figures = _inactivity(result)
    assert new.pk not in [pk for pk, _last in figures[3][2]]
    assert new.pk in [pk for pk, _last in figures[1][2]]


# --- 3. a committee's own member count, in the base of the committees above it -------------------


@pytest.fixture
def commune_committee(tree):
    """A commune committee directly under the province (as since 2025) with two village cells
    of 40 and 35 members, and 900 members entered for the committee itself on 01/01/2026;
    each has "at least 1% of the members at the start of the year"."""
    commune = organization_create(
        parent=tree.province, code="LD.XA", name="Đảng ủy xã Lạc Dương", form=OrgForm.COMMUNE, sector=Sector.COMMUNE
    )
    for i, members in enumerate((40, 35), start=1):
        cell = organization_create(
            parent=commune, code=f"LD.XA.{i}", name=f"Chi bộ Thôn {i}", form=OrgForm.CELL, sector=Sector.VILLAGE
        )
        member_count_record(organization=cell, as_of=D(2025, 12, 1), members=members, today=D(2026, 1, 1))
    member_count_record(organization=commune, as_of=D(2026, 1, 1), members=900, today=D(2026, 1, 1))
    plan = make_plan(tree.province, first_year=2026)
    make_rule(plan, RuleKind.SHARE_OF_MEMBERSHIP, min_percent=Decimal(1))
    make_rule(plan, RuleKind.SHARE_OF_MEMBERSHIP, target=commune, min_percent=Decimal(1))
    return Organization.objects.get(pk=commune.pk)


def _bases(result) -> dict[int, int | None]:
    return {r.subject.pk: r.single.base for r in result.rules if r.kind == RuleKind.SHARE_OF_MEMBERSHIP}


def test_a_committees_own_member_count_is_its_members_in_the_base_above_it(tree, commune_committee):
    # The province has no count: its grassroots organizations' (the school's 27; the
    # enterprise, the city's school and Ka Đô have none) and the commune committee's 900,
    # which stands for its cells' 75 (they are in it).
    expected = {commune_committee.pk: 900, tree.province.pk: 27 + 900}
    assert _bases(attainment(scope=commune_committee, year=2026, as_of=D(2026, 6, 30))) == {commune_committee.pk: 900}
    assert _bases(attainment(scope=tree.province, year=2026, as_of=D(2026, 6, 30))) == expected
    # The same in the tree of 1 January, read when something moved since.
    _unrelated_move(tree, D(2026, 3, 1))
    assert _bases(attainment(scope=tree.province, year=2026, as_of=D(2026, 6, 30))) == expected


def test_a_district_count_stands_for_every_count_under_it(tree, commune_committee):
    """A district with its own count: the province's base reads it, not its grassroots
    organizations' (the school's 27), beside the commune committee's 900."""
    member_count_record(organization=tree.district, as_of=D(2025, 6, 1), members=300, today=D(2026, 1, 1))
    expected = {commune_committee.pk: 900, tree.province.pk: 300 + 900}
    assert _bases(attainment(scope=tree.province, year=2026, as_of=D(2026, 6, 30))) == expected
    _unrelated_move(tree, D(2026, 3, 1))
    assert _bases(attainment(scope=tree.province, year=2026, as_of=D(2026, 6, 30))) == expected
