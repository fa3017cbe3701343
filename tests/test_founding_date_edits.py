"""A founding date changed on an organization's page (organization_update) keeps the tree of
every past day possible: not before its parent's founding (its parent of that day), not
after its children's, a merger into it, its moves or its member counts, and not inside a
locked period."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from organizations import locks
from organizations.models import Organization, OrgForm, Sector
from organizations.services import organization_create, organization_merge, organization_move, organization_update

D = dt.date
TODAY = D(2025, 12, 31)
JULY = D(2025, 7, 1)


def _new(parent, code, founded_on, form=OrgForm.CELL):
    return organization_create(
        parent=parent, code=code, name=f"Chi bộ {code}", form=form, sector=Sector.OTHER, founded_on=founded_on
    )


def _refused(organization, founded_on) -> str:
    """The refusal's words; the founding date stored is unchanged."""
    before = Organization.objects.get(pk=organization.pk).founded_on
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        organization_update(organization=organization, founded_on=founded_on, today=TODAY)
    organization.refresh_from_db()
    assert organization.founded_on == before
    return " ".join(refused.value.messages)


@pytest.fixture
def commune(tree):
    """A commune committee founded on 01/07/2025 with a cell founded the same day."""
    commune = _new(tree.district, "LD.DD.XM", JULY, form=OrgForm.GRASSROOTS_COMMITTEE)
    commune.cell = _new(commune, "LD.DD.XM.01", JULY)
    return commune


def test_a_date_cleared_or_set_before_the_parents_founding_is_refused(commune):
    for founded_on in (None, D(2025, 6, 30)):
        assert _refused(commune.cell, founded_on).startswith("Chi bộ LD.DD.XM was founded on 01/07/2025")


def test_an_earlier_date_is_checked_against_the_parent_of_that_day(tree, commune):
    # Founded under the new commune, moved under Ka Đô (long-standing) in August.
    organization_move(organization=commune.cell, new_parent=tree.commune, on_date=D(2025, 8, 1), today=TODAY)
    assert _refused(commune.cell, D(2025, 6, 1)).startswith("Chi bộ LD.DD.XM was founded on 01/07/2025")
    # Founded under Ka Đô, moved under the new commune: any earlier date is fine.
    cell = _new(tree.commune, "LD.DD.KD.02", D(2025, 3, 1))
    organization_move(organization=cell, new_parent=commune, on_date=D(2025, 8, 1), today=TODAY)
    organization_update(organization=cell, founded_on=D(2020, 1, 1), today=TODAY)
    organization_update(organization=cell, founded_on=None, today=TODAY)
    cell.refresh_from_db()
    assert cell.founded_on is None


def test_a_parent_founded_after_its_child_is_refused(tree, commune):
    assert _refused(commune, D(2025, 8, 1)).startswith("Chi bộ LD.DD.XM.01 stood under Chi bộ LD.DD.XM from 01/07/2025")
    assert _refused(tree.commune, D(2025, 1, 1)).startswith(
        "Chi bộ Thôn Ka Đô Mới has stood under Đảng bộ xã Ka Đô since before the records began"
    )


def test_a_date_after_a_merger_into_it_is_refused(tree):
    organization_merge(source=tree.enterprise, target=tree.city_school, on_date=D(2025, 3, 1), today=TODAY)
    assert _refused(tree.city_school, D(2025, 4, 1)).startswith(
        "Chi bộ Công ty TNHH Đồng Thúy was merged into Chi bộ Trường THPT Trần Phú on 01/03/2025"
    )


def test_a_date_after_its_move_is_refused(tree):
    organization_move(organization=tree.enterprise, new_parent=tree.city, on_date=D(2025, 3, 1), today=TODAY)
    assert _refused(tree.enterprise, D(2025, 4, 1)).startswith("Chi bộ Công ty TNHH Đồng Thúy was moved on 01/03/2025")


def test_a_date_after_its_member_count_is_refused(tree):
    assert _refused(tree.school, D(2025, 2, 1)).startswith(
        "Chi bộ Trường THPT Đơn Dương has a member count on 01/01/2025"
    )


def test_a_date_in_a_locked_period_is_refused_in_either_direction(tree):
    organization_update(organization=tree.enterprise, founded_on=D(2025, 6, 1), today=TODAY)
    cell = _new(tree.commune, "LD.DD.KD.02", D(2024, 6, 1))
    locks.lock_period(organization=tree.district, start=D(2025, 1, 1), end=D(2025, 12, 31), user=None, reason="")
    locked = "The period 01/01/2025–31/12/2025 of Huyện ủy Đơn Dương is locked"
    for founded_on in (D(2025, 9, 1), D(2024, 1, 1), None):
        assert locked in _refused(tree.enterprise, founded_on)
    # Both dates before the locked year: no locked report changes.
    organization_update(organization=cell, founded_on=D(2024, 3, 1), today=TODAY)


def test_valid_edits_pass(tree, commune):
    # An earlier date under a long-standing parent, a later one with nothing before it.
    organization_update(organization=tree.enterprise, founded_on=D(2025, 5, 1), today=TODAY)
    organization_update(organization=tree.enterprise, founded_on=D(2010, 1, 1), today=TODAY)
    organization_update(organization=commune.cell, founded_on=D(2025, 9, 1), today=TODAY)
    tree.enterprise.refresh_from_db()
    commune.cell.refresh_from_db()
    assert (tree.enterprise.founded_on, commune.cell.founded_on) == (D(2010, 1, 1), D(2025, 9, 1))
