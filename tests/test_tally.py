"""The tallies reports read (admissions.Tally) follow every change to the records."""

import datetime as dt
import io

from django.core.management import call_command

from admissions import tally
from admissions.categories import Category
from admissions.models import Outcome, Step, Tally
from organizations.services import organization_merge, organization_move
from tests.conftest import takes_cells
from tests.test_reports_engine import admit, make_candidate


def n(kind, org, year=0, category=Category.OTHER):
    row = Tally.objects.filter(kind=kind, path=org.path, year=year, category=category).first()
    return row.n if row else 0


def assert_matches_a_rebuild():
    """What the signals kept is exactly what a recount from the records gives."""
    kept = tally.current()
    tally.rebuild()
    assert tally.current() == kept


def test_an_admission_counts_at_its_organization_and_every_ancestor(tree):
    admit(tree.school, dt.date(2025, 3, 1), Category.PUPIL)
    for org in (tree.school, tree.district, tree.province):
        assert n("a", org, 2025, Category.PUPIL) == 1
    assert n("a", tree.city, 2025, Category.PUPIL) == 0
    assert_matches_a_rebuild()


def test_edits_archive_and_delete_move_the_count(tree):
    a = admit(tree.school, dt.date(2025, 3, 1), Category.PUPIL)
    a.category = Category.STUDENT
    a.save()
    assert (n("a", tree.district, 2025, Category.PUPIL), n("a", tree.district, 2025, Category.STUDENT)) == (0, 1)
    a.ceremony_date = dt.date(2024, 12, 30)
    a.decision_date = dt.date(2024, 12, 30)
    a.save()
    assert (n("a", tree.district, 2025, Category.STUDENT), n("a", tree.district, 2024, Category.STUDENT)) == (0, 1)
    a.archived_at = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    a.save()
    assert n("a", tree.province, 2024, Category.STUDENT) == 0
    a.archived_at = None
    a.save()
    assert n("a", tree.province, 2024, Category.STUDENT) == 1
    a.delete()
    assert n("a", tree.province, 2024, Category.STUDENT) == 0
    assert_matches_a_rebuild()


def test_pipeline_counts_candidates_past_the_cell_resolution_in_progress(tree):
    c = make_candidate(tree.cell, step=Step.INTRODUCTION)
    assert n("p", tree.commune) == 0
    c.step = Step.CELL_RESOLUTION
    c.save()
    assert n("p", tree.commune) == n("p", tree.province) == 1
    c.outcome = Outcome.WITHDRAWN
    c.save()
    assert n("p", tree.commune) == 0
    assert_matches_a_rebuild()


def test_a_move_takes_the_organizations_counts_along(tree):
    """The tallies hold today's tree: a moved school's admissions of every year, and its
    pipeline, count under its new parent (a report of a day before the move recounts
    from the records: reports/past.py)."""
    admit(tree.school, dt.date(2024, 9, 1))
    admit(tree.school, dt.date(2025, 2, 1))
    admit(tree.school, dt.date(2025, 6, 1))
    make_candidate(tree.school, step=Step.DECISION)
    old_path = tree.school.path
    organization_move(
        organization=tree.school, new_parent=tree.city, on_date=dt.date(2025, 5, 1), today=dt.date(2025, 7, 1)
    )
    tree.school.refresh_from_db()
    assert Tally.objects.get(kind="a", path=old_path, year=2025, category=Category.OTHER).n == 0
    assert (n("a", tree.district, 2025), n("a", tree.city, 2025), n("a", tree.school, 2025)) == (0, 2, 2)
    assert (n("a", tree.district, 2024), n("a", tree.city, 2024)) == (0, 1)
    assert (n("p", tree.district), n("p", tree.city)) == (0, 1)
    admit(tree.school, dt.date(2025, 4, 1))  # recorded later, dated before the move
    assert (n("a", tree.district, 2025), n("a", tree.city, 2025)) == (0, 3)
    assert_matches_a_rebuild()


def test_a_merge_moves_the_children_counts_and_its_own_to_the_successor(tree):
    admit(tree.cell, dt.date(2025, 6, 1))
    admit(tree.commune, dt.date(2025, 3, 1))  # the commune's own admission
    make_candidate(tree.commune, step=Step.DECISION)
    takes_cells(tree.enterprise)
    organization_merge(source=tree.commune, target=tree.enterprise, on_date=dt.date(2025, 5, 1), today=TODAY_2025)
    tree.cell.refresh_from_db()
    assert (n("a", tree.commune, 2025), n("a", tree.enterprise, 2025), n("a", tree.district, 2025)) == (0, 2, 2)
    assert (n("p", tree.commune), n("p", tree.enterprise)) == (0, 1)
    # Recorded after the merger, on the merged commune: counted with its successor.
    admit(tree.commune, dt.date(2025, 4, 1))
    assert n("a", tree.enterprise, 2025) == 3
    assert_matches_a_rebuild()


def test_counts_follow_a_successor_that_moves_later(tree):
    admit(tree.commune, dt.date(2025, 3, 1))
    takes_cells(tree.enterprise)
    organization_merge(source=tree.commune, target=tree.enterprise, on_date=dt.date(2025, 5, 1), today=TODAY_2025)
    tree.enterprise.refresh_from_db()
    organization_move(organization=tree.enterprise, new_parent=tree.city, on_date=dt.date(2025, 6, 1), today=TODAY_2025)
    tree.enterprise.refresh_from_db()
    assert (n("a", tree.district, 2025), n("a", tree.city, 2025), n("a", tree.enterprise, 2025)) == (0, 1, 1)
    assert_matches_a_rebuild()


TODAY_2025 = dt.date(2025, 7, 1)


def test_retally_command_recounts_bulk_loads(tree):
    admit(tree.school, dt.date(2025, 3, 1))
    Tally.objects.all().delete()  # as after a COPY, which bypasses the signals
    call_command("retally", stdout=io.StringIO())
    assert n("a", tree.province, 2025) == 1


def entered(org, year, category=""):
    return n("h", org, year, category)


def test_a_historical_result_counts_at_its_organization_and_every_ancestor(tree):
    """Results of more than 0 new members count (how many rows) where their organization
    stands and above it, by their last year; a correction to 0, a change of year and a
    deletion move the count."""
    from reports.models import HistoricalResult
    from reports.services import historical_result_record

    result = historical_result_record(organization=tree.cell, year=2023, category="", count=5)
    historical_result_record(organization=tree.cell, year=2023, category=Category.PUPIL, count=2)
    historical_result_record(organization=tree.school, year=2023, category="", count=0)  # entered: none
    historical_result_record(organization=tree.school, year=2022, first_year=2020, category="", count=3)
    assert (entered(tree.cell, 2023), entered(tree.cell, 2023, Category.PUPIL)) == (1, 1)
    assert (entered(tree.province, 2023), entered(tree.province, 2022)) == (1, 1)  # a period by its last year
    assert entered(tree.school, 2023) == 0
    assert_matches_a_rebuild()

    historical_result_record(organization=tree.cell, year=2023, category="", count=0)  # corrected to none
    assert (entered(tree.cell, 2023), entered(tree.province, 2023)) == (0, 0)
    result.refresh_from_db()
    result.count, result.year = 4, 2024
    result.save()
    assert (entered(tree.province, 2023), entered(tree.province, 2024)) == (0, 1)
    HistoricalResult.objects.filter(pk=result.pk).delete()
    assert entered(tree.province, 2024) == 0
    assert_matches_a_rebuild()


def test_historical_results_follow_moves_and_mergers(tree):
    """A merged commune's results count with its successor, those entered for it after the
    merger too, and follow the successor when it moves."""
    from reports.services import historical_result_record

    historical_result_record(organization=tree.commune, year=2023, category="", count=2)
    historical_result_record(organization=tree.cell, year=2024, category="", count=1)
    takes_cells(tree.enterprise)
    organization_merge(source=tree.commune, target=tree.enterprise, on_date=dt.date(2025, 5, 1), today=TODAY_2025)
    tree.commune.refresh_from_db()
    tree.enterprise.refresh_from_db()
    assert (entered(tree.commune, 2023), entered(tree.enterprise, 2023)) == (0, 1)
    historical_result_record(organization=tree.commune, year=2022, category="", count=1)  # entered later
    assert entered(tree.enterprise, 2022) == 1
    assert_matches_a_rebuild()

    organization_move(organization=tree.enterprise, new_parent=tree.city, on_date=dt.date(2025, 6, 1), today=TODAY_2025)
    tree.enterprise.refresh_from_db()
    assert (entered(tree.district, 2023), entered(tree.city, 2023), entered(tree.enterprise, 2023)) == (0, 1, 1)
    assert (entered(tree.city, 2022), entered(tree.province, 2022)) == (1, 1)
    assert_matches_a_rebuild()


def test_retally_recounts_the_historical_results(tree):
    from reports.services import historical_result_record

    historical_result_record(organization=tree.cell, year=2023, category="", count=5)
    Tally.objects.all().delete()
    call_command("retally", stdout=io.StringIO())
    assert entered(tree.province, 2023) == 1
