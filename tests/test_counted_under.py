"""Records under a scope in today's tree are found by their organizations' ids when the
scope is small (organizations.positions.counted_under), by a path prefix otherwise: both
find the same admissions and candidates, those of merged organizations included."""

import datetime as dt

import pytest

from admissions.categories import Category
from admissions.models import Admission, Step
from organizations import positions
from organizations.positions import counted_under
from organizations.services import organization_merge
from reports import periods
from reports.engine import attainment
from reports.serialize import attainment_json

from .conftest import takes_cells
from .test_reports_engine import admit, make_candidate

D = dt.date


@pytest.fixture
def merged_tree(tree):
    """The commune (with its cell) merged into the enterprise on 01/05/2025; admissions
    before and after, one after the reports' day; a candidate at the decision in the cell."""
    admit(tree.commune, D(2025, 2, 1))
    admit(tree.cell, D(2025, 3, 1), Category.PUPIL)
    admit(tree.enterprise, D(2025, 3, 5))
    admit(tree.enterprise, D(2025, 8, 10), Category.PUPIL)
    admit(tree.school, D(2025, 9, 1))
    admit(tree.enterprise, D(2025, 11, 20))  # after the reports' day
    make_candidate(tree.cell, step=Step.DECISION)
    tree.commune.refresh_from_db()
    tree.enterprise.refresh_from_db()
    takes_cells(tree.enterprise)
    organization_merge(source=tree.commune, target=tree.enterprise, on_date=D(2025, 5, 1), today=D(2025, 10, 1))
    for org in (tree.province, tree.district, tree.enterprise, tree.commune, tree.cell):
        org.refresh_from_db()
    return tree


def _reports(tree):
    """Every figure the engine reads from the records (months, the admissions after the
    day, the report period, the finishable candidates) for three scopes."""
    reports = {}
    for org in (tree.province, tree.district, tree.enterprise):
        report = attainment(scope=org, year=2025, as_of=D(2025, 10, 31), period=periods.parse("2025-Q3"))
        reports[org.code] = {**attainment_json(report), "months": report.months}
    return reports


def test_ids_and_path_prefix_give_the_same_figures_after_a_merger(merged_tree, monkeypatch):
    by_ids = _reports(merged_tree)
    monkeypatch.setattr(positions, "FEW_ORGANIZATIONS", 0)  # every scope read by its path
    by_path = _reports(merged_tree)
    assert by_ids == by_path

    enterprise = by_ids["LD.DD.DN"]
    # Its own three, the commune's and its cell's (merged), not the one after 31/10.
    assert enterprise["actual"] == 4
    assert enterprise["months"][:10] == [0, 1, 3, 3, 3, 3, 3, 4, 4, 4]
    assert enterprise["period_actual"] == 1  # 10/08, in the third quarter
    assert enterprise["forecast"] == 1  # the merged cell's candidate at the decision
    assert by_ids["LD.DD"]["actual"] == 5  # and the school


def test_a_small_scope_is_read_by_ids_with_the_organizations_merged_into_it(merged_tree, monkeypatch):
    tree = merged_tree
    counted = counted_under(tree.enterprise)
    assert counted.merged
    assert set(counted.ids) == {tree.enterprise.pk, tree.commune.pk, tree.cell.pk}
    records = counted.records(Admission.objects.all()).values_list("organization__code", "p")
    assert {code for code, _p in records} == {"LD.DD.DN", "LD.DD.KD", "LD.DD.KD.01"}
    # Counted where the successor stands: the merged commune's under the enterprise.
    assert {p[: len(tree.enterprise.path)] for _code, p in records} == {tree.enterprise.path}

    monkeypatch.setattr(positions, "FEW_ORGANIZATIONS", 2)
    large = counted_under(tree.enterprise)
    assert large.ids is None
    assert sorted(large.records(Admission.objects.all()).values_list("pk", flat=True)) == sorted(
        counted.records(Admission.objects.all()).values_list("pk", flat=True)
    )
