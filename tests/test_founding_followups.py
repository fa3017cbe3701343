"""Follow-ups of the founding date edits (organization_update): a move dated back before
the founding of an organization under the moved one writes no past path for it; a later
founding date is refused while historical results of earlier years are entered; the
refusals' words fit an edit."""

import datetime as dt
import json
from pathlib import Path

import pytest

from organizations.models import Organization, OrganizationPath, OrgForm
from organizations.positions import children_on, path_on
from organizations.services import organization_move, organization_update
from reports.services import historical_result_record

from .test_founding_and_mergers_on_past_days import _new
from .test_founding_date_edits import _refused

D = dt.date
TODAY = D(2025, 12, 31)
MOVE_DAY = D(2025, 7, 1)
LOCALE = Path(__file__).resolve().parent.parent / "locale"


def _accepted(organization, founded_on) -> None:
    organization_update(organization=organization, founded_on=founded_on, today=TODAY)
    organization.refresh_from_db()
    assert organization.founded_on == founded_on


def _vietnamese(catalogue: str, english: str) -> str:
    return json.loads((LOCALE / f"vi-{catalogue}.json").read_text(encoding="utf-8"))[english]


@pytest.fixture
def moved(tree):
    """A committee founded in 2024 with three cells (founded 01/03/2025, on the move day and
    01/09/2025), moved from Đơn Dương to Đà Lạt dated 01/07/2025."""
    committee = _new(tree.district, "LD.DD.XM", D(2024, 1, 1), form=OrgForm.GRASSROOTS_COMMITTEE)
    committee.before = _new(committee, "LD.DD.XM.01", D(2025, 3, 1), form=OrgForm.CELL)
    committee.same_day = _new(committee, "LD.DD.XM.02", MOVE_DAY, form=OrgForm.CELL)
    committee.after = _new(committee, "LD.DD.XM.03", D(2025, 9, 1), form=OrgForm.CELL)
    committee.old_path = Organization.objects.get(pk=committee.pk).path
    organization_move(organization=committee, new_parent=tree.city, on_date=MOVE_DAY, today=TODAY)
    for organization in (committee, committee.before, committee.same_day, committee.after):
        organization.refresh_from_db()
    return committee


def test_a_move_dated_before_a_cells_founding_writes_no_past_path_for_it(moved):
    assert list(moved.past_paths.values_list("path", "valid_until")) == [(moved.old_path, MOVE_DAY)]
    assert moved.before.past_paths.get().valid_until == MOVE_DAY
    # Founded at the new place (on the move day or later): it never stood at the old one.
    assert not OrganizationPath.objects.filter(organization__in=[moved.same_day, moved.after]).exists()
    # Its path of every day from its founding is today's, under the committee where it stands.
    for cell in (moved.same_day, moved.after):
        assert path_on(cell, D(2025, 10, 1)) == cell.path
        assert cell.path.startswith(moved.path)
    assert set(children_on(moved, D(2025, 10, 1))) == {moved.before, moved.same_day, moved.after}
    assert set(children_on(moved, D(2025, 6, 30))) == {moved.before}


def test_a_later_founding_of_a_cell_founded_after_the_move_is_accepted(moved):
    _accepted(moved.after, D(2025, 9, 15))
    _accepted(moved.same_day, D(2025, 7, 15))
    assert not OrganizationPath.objects.filter(organization__in=[moved.same_day, moved.after]).exists()


def test_a_cell_carried_by_the_move_cannot_be_founded_after_it(tree, moved):
    message = _refused(moved.before, D(2025, 8, 1))
    assert message == (
        "Chi bộ LD.DD.XM.01 was moved with Chi bộ LD.DD.XM, the organization above it, on 01/07/2025:"
        " it cannot be founded later than that day."
    )
    _accepted(moved.before, D(2025, 7, 1))  # up to the move day itself
    # A cell moved on its own: the plain words.
    organization_move(organization=moved.after, new_parent=tree.commune, on_date=D(2025, 10, 1), today=TODAY)
    assert _refused(moved.after, D(2025, 11, 1)) == (
        "Chi bộ LD.DD.XM.03 was moved on 01/10/2025: it cannot be founded later than that day."
    )
    english = (
        "%(name)s was moved with %(above)s, the organization above it, on %(day)s:"
        " it cannot be founded later than that day."
    )
    assert _vietnamese("organizations", english).startswith("%(name)s đã được chuyển cùng %(above)s")


def test_a_later_founding_is_refused_while_results_of_earlier_years_are_entered(tree):
    commune = _new(tree.district, "LD.DD.XM", D(2020, 1, 1), form=OrgForm.GRASSROOTS_COMMITTEE)
    historical_result_record(organization=commune, year=2023, category="", count=5)
    historical_result_record(organization=commune, year=2022, first_year=2020, category="", count=4)
    assert _refused(commune, D(2025, 1, 1)) == (
        "Chi bộ LD.DD.XM has historical results of 2022, 2023, before 01/01/2025: it was founded by then."
        " Correct or delete those results first."
    )
    # The founding year itself is fine: it stood part of it (a period counts as its last year).
    assert _refused(commune, D(2023, 6, 1)).startswith("Chi bộ LD.DD.XM has historical results of 2022, before")
    commune.historical_results.filter(year=2022).delete()
    _accepted(commune, D(2023, 6, 1))
    english = (
        "%(org)s has historical results of %(years)s, before %(date)s: it was founded by then."
        " Correct or delete those results first."
    )
    assert _vietnamese("reports", english).startswith("%(org)s có số liệu nhập của năm %(years)s")


def test_an_edit_before_the_parents_founding_says_it_cannot_be_founded_before(tree):
    commune = _new(tree.district, "LD.DD.XM", MOVE_DAY, form=OrgForm.GRASSROOTS_COMMITTEE)
    cell = _new(commune, "LD.DD.XM.01", D(2025, 8, 1), form=OrgForm.CELL)
    assert _refused(cell, D(2025, 6, 30)) == (
        "Chi bộ LD.DD.XM was founded on 01/07/2025: an organization under it cannot be founded before that day."
    )
    # Cleared, the founding's advice fits: it needs one.
    assert _refused(cell, None).endswith(" Enter its founding date.")
    english = "%(parent)s was founded on %(day)s: an organization under it cannot be founded before that day."
    assert _vietnamese("organizations", english).startswith("%(parent)s thành lập ngày %(day)s")
