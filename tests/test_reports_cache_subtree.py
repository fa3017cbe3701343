"""Cached reports are versioned by subtree (reports/cache.py): a write in one province
leaves another province's pages warm, and every page showing the written figure (the
organization's own, its ancestors', an ancestor's allocation table, a past report after a
move or merger) shows the new figure at once."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from admissions.categories import Category
from organizations.services import member_count_record, organization_merge, organization_move
from quotas.models import RuleKind
from reports import cache as answers
from reports import dashboard
from reports.cache import attainment_cached
from tests.test_reports_engine import admit, allocate, make_plan, make_rule

YEAR, AS_OF = 2025, dt.date(2025, 12, 31)
Q = "?year=2025&as_of=2025-12-31"


@pytest.fixture
def computed(monkeypatch):
    """Counts of engine runs and dashboard renderings, by scope."""
    runs, renders = [], []
    real_engine, real_render = answers.attainment, dashboard._render

    def engine(**kwargs):
        runs.append(kwargs["scope"].code)
        return real_engine(**kwargs)

    def render(organization, view):
        renders.append(organization.code)
        return real_render(organization, view)

    monkeypatch.setattr(answers, "attainment", engine)
    monkeypatch.setattr(dashboard, "_render", render)
    return runs, renders


@pytest.fixture
def province_table(tree):
    """Lâm Đồng's allocation table: Đơn Dương 10 (2 pupils), Đà Lạt 20; shown (Đơn Dương's row
    only) on Đơn Dương's page."""
    plan = make_plan(tree.province, number="97", symbol="KH/TU")
    table = make_rule(plan, RuleKind.ALLOCATION, min_count=30)
    district = allocate(table, tree.district, 10, pupil=2)
    allocate(table, tree.city, 20)
    return district


def _get(client, org):
    response = client.get(reverse("reports:dashboard", args=[org.pk]) + Q)
    assert response.status_code == 200
    return response.content.decode()


def _row(att, org):
    (table,) = att.allocations
    (row,) = [r for r in table.rows if r.org.pk == org.pk]
    return row


def test_a_write_in_another_province_leaves_the_dashboard_warm(tree, users, client_for, province_table, computed):
    runs, renders = computed
    client = client_for("province_planner")
    _get(client, tree.province)
    assert runs == ["LD"] and renders == ["LD"]
    with CaptureQueriesContext(connection) as warm:
        _get(client, tree.province)

    # Ninh Thuận records an admission and a member count; its own report changes at once.
    admit(tree.other_city, dt.date(2025, 5, 1), Category.PUPIL)
    member_count_record(organization=tree.other_city, as_of=dt.date(2025, 6, 1), members=300)
    with CaptureQueriesContext(connection) as after:
        _get(client, tree.province)
    assert runs == ["LD"] and renders == ["LD"]  # nothing computed again for Lâm Đồng
    assert len(after) == len(warm)
    assert attainment_cached(scope=tree.other_province, year=YEAR, as_of=AS_OF).actual == 1

    # Đà Lạt's write cools Lâm Đồng but not Đơn Dương (a sibling's subtree).
    runs[:] = ["LD"]
    attainment_cached(scope=tree.district, year=YEAR, as_of=AS_OF)
    admit(tree.city_school, dt.date(2025, 5, 1), Category.PUPIL)
    assert attainment_cached(scope=tree.district, year=YEAR, as_of=AS_OF).actual == 0
    assert runs == ["LD", "LD.DD"]
    assert attainment_cached(scope=tree.province, year=YEAR, as_of=AS_OF).actual == 1
    assert runs == ["LD", "LD.DD", "LD"]


def test_a_write_in_don_duong_shows_at_once_on_every_page_that_shows_it(tree, users, client_for, province_table):
    client = client_for("province_planner")  # who may see both
    before = {org.code: _get(client, org) for org in (tree.province, tree.district)}
    assert _row(attainment_cached(scope=tree.province, year=YEAR, as_of=AS_OF), tree.district).actual == 0
    assert _row(attainment_cached(scope=tree.district, year=YEAR, as_of=AS_OF), tree.district).actual == 0

    admit(tree.school, dt.date(2025, 5, 1), Category.PUPIL)

    for org in (tree.province, tree.district):
        att = attainment_cached(scope=org, year=YEAR, as_of=AS_OF)
        assert att.actual == 1
        assert (_row(att, tree.district).actual, _row(att, tree.district).sub_actual) == (1, {Category.PUPIL: 1})
        assert _get(client, org) != before[org.code]


def test_the_province_editing_its_table_shows_on_the_district_page_at_once(tree, users, client_for, province_table):
    """The table is the province's; Đơn Dương's page shows its row: the province's own rows
    are part of every version below it."""
    assert _row(attainment_cached(scope=tree.district, year=YEAR, as_of=AS_OF), tree.district).total == 10
    html = _get(client_for("district_planner"), tree.district)
    province_table.total = 12
    province_table.save()
    assert _row(attainment_cached(scope=tree.district, year=YEAR, as_of=AS_OF), tree.district).total == 12
    assert _get(client_for("district_planner"), tree.district) != html
    # Sub-quotas and rules too.
    province_table.sub_quotas.update(count=2)  # (a bulk update: no signal) ...
    sub = province_table.sub_quotas.get()
    sub.count = 3
    sub.save()  # ... the save does
    assert _row(attainment_cached(scope=tree.district, year=YEAR, as_of=AS_OF), tree.district).sub_targets == {
        Category.PUPIL: 3
    }
    rule = province_table.rule
    rule.min_count = 40
    rule.save()
    assert attainment_cached(scope=tree.province, year=YEAR, as_of=AS_OF).allocations[0].target == 40


def test_after_a_move_both_sides_and_the_past_report_follow_the_writes(tree, computed):
    """The enterprise moved from Đơn Dương to Đà Lạt on 1 July: a write in it is shown by
    Đà Lạt and by Đơn Dương's report of a day before the move (its past path)."""
    before_move = dt.date(2025, 6, 30)
    organization_move(
        organization=tree.enterprise, new_parent=tree.city, on_date=dt.date(2025, 7, 1), today=dt.date(2025, 7, 1)
    )
    tree.enterprise.refresh_from_db()
    past = attainment_cached(scope=tree.district, year=YEAR, as_of=before_move)
    now_city = attainment_cached(scope=tree.city, year=YEAR, as_of=AS_OF)
    assert past.actual == now_city.actual == 0
    other = attainment_cached(scope=tree.other_province, year=YEAR, as_of=AS_OF)

    admit(tree.enterprise, dt.date(2025, 5, 1), Category.NON_STATE_WORKER)  # before the move: Đơn Dương's then
    assert attainment_cached(scope=tree.district, year=YEAR, as_of=before_move).actual == 1
    assert attainment_cached(scope=tree.city, year=YEAR, as_of=AS_OF).actual == 1  # today's tree: Đà Lạt's
    runs = computed[0][:]
    assert attainment_cached(scope=tree.other_province, year=YEAR, as_of=AS_OF) == other
    assert computed[0] == runs  # Ninh Thuận stays warm


def test_after_a_merger_the_successor_shows_the_merged_organizations_writes(tree):
    organization_merge(
        source=tree.school, target=tree.enterprise, on_date=dt.date(2025, 7, 1), today=dt.date(2025, 7, 1)
    )
    tree.enterprise.refresh_from_db()
    assert attainment_cached(scope=tree.enterprise, year=YEAR, as_of=AS_OF).actual == 0
    assert attainment_cached(scope=tree.district, year=YEAR, as_of=AS_OF).actual == 0
    admit(tree.school, dt.date(2025, 3, 1), Category.PUPIL)  # recorded late, before the merger
    assert attainment_cached(scope=tree.enterprise, year=YEAR, as_of=AS_OF).actual == 1
    assert attainment_cached(scope=tree.district, year=YEAR, as_of=AS_OF).actual == 1


def test_writes_are_placed_after_the_commit_in_a_few_queries(
    tree, province_table, django_capture_on_commit_callbacks, monkeypatch
):
    """One bump per transaction, after its commit, placing every row written in a few
    queries (not per row), and only the subtrees written."""
    from django.db import transaction

    monkeypatch.setattr(answers, "_after_commit", lambda func: transaction.on_commit(func, robust=True))
    other = answers.data_version(tree.other_province)
    district = answers.data_version(tree.district)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            for day in range(1, 21):
                admit(tree.school, dt.date(2025, 5, day), Category.PUPIL)
            admit(tree.cell, dt.date(2025, 5, 1), Category.FARMER)
    assert len(callbacks) == 1
    assert answers.data_version(tree.district) == district  # not before the commit
    with CaptureQueriesContext(connection) as placing:
        callbacks[0]()
    assert len(placing) <= 4
    assert answers.data_version(tree.district) != district
    assert answers.data_version(tree.other_province) == other


def test_an_unplaceable_write_and_the_tree_itself_make_everything_stale(tree):
    from organizations.services import organization_update

    scopes = (tree.district, tree.other_province)
    versions = [answers.data_version(o) for o in scopes]
    organization_update(organization=tree.other_city, name="Thành ủy Phan Rang")  # a name shown above it
    after = [answers.data_version(o) for o in scopes]
    assert all(a != b for a, b in zip(versions, after, strict=True))


def test_bulk_writes_name_their_organizations(tree):
    """A set-based import sends no signals: it says which organizations it wrote."""
    from admissions.models import Admission
    from admissions.tally import rebuild

    admission = admit(tree.school, dt.date(2025, 5, 1), Category.PUPIL)
    assert attainment_cached(scope=tree.district, year=YEAR, as_of=AS_OF).actual == 1  # cached
    assert attainment_cached(scope=tree.district, year=2024, as_of=dt.date(2024, 12, 31)).actual == 0  # cached
    other = answers.data_version(tree.other_province)
    Admission.objects.filter(pk=admission.pk).update(  # no signal
        ceremony_date=dt.date(2024, 5, 1), decision_date=dt.date(2024, 5, 1)
    )
    rebuild()  # the tallies, as an import writing in bulk keeps them
    answers.organizations_changed([tree.school.pk])
    assert attainment_cached(scope=tree.district, year=YEAR, as_of=AS_OF).actual == 0
    assert attainment_cached(scope=tree.district, year=2024, as_of=dt.date(2024, 12, 31)).actual == 1
    assert answers.data_version(tree.other_province) == other


def test_a_bump_that_cannot_be_placed_makes_everything_stale(tree, monkeypatch):
    versions = [answers.data_version(o) for o in (tree.district, tree.other_province)]
    monkeypatch.setattr(answers.Changes, "_paths", lambda self: 1 / 0)  # e.g. the database went away
    admit(tree.school, dt.date(2025, 5, 1), Category.PUPIL)
    after = [answers.data_version(o) for o in (tree.district, tree.other_province)]
    assert all(a != b for a, b in zip(versions, after, strict=True))
