"""The dashboard of a big scope: rules set below it summarized per child, and the previous
figures shown (dated) while the task worker renders the new ones."""

import datetime as dt

import pytest
from django.urls import reverse

from admissions.categories import Category
from reports import dashboard
from tests.test_reports_engine import admit, plans  # noqa: F401  (plans is a fixture)

Q = "?year=2025&as_of=2025-06-30"


@pytest.fixture
def data(tree, plans):  # noqa: F811
    admit(tree.school, dt.date(2025, 3, 1), Category.PUPIL)
    admit(tree.enterprise, dt.date(2025, 5, 1), Category.NON_STATE_WORKER)
    return tree


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def dummy_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    from django.tasks import default_task_backend

    default_task_backend.clear()
    return default_task_backend


def _get(client, org):
    response = client.get(reverse("reports:dashboard", args=[org.pk]) + Q)
    assert response.status_code == 200
    return response.content.decode()


def test_few_rules_below_are_shown_one_by_one(client_for, data):
    html = _get(client_for("province_planner"), data.province)
    assert "Phấn đấu mỗi" in html  # the district's rule, as a card
    assert 'data-testid="below"' not in html


def test_many_rules_below_are_counted_per_child(client_for, data, monkeypatch):
    monkeypatch.setattr(dashboard, "BELOW_SHOWN_UP_TO", 1)
    html = _get(client_for("province_planner"), data.province)
    below = html.split('data-testid="below"', 1)[1].split("</section>", 1)[0]
    # The district issued three rules; its row links to its own dashboard, where they are shown.
    district_url = reverse("reports:dashboard", args=[data.district.pk])
    assert district_url in below and data.district.name in below
    assert '<td class="num">3</td>' in below
    assert "Phấn đấu mỗi" not in html  # no card for a rule set below
    assert 'data-testid="allocation-check"' not in html  # nor the district's allocation table
    assert "Phấn đấu mỗi" in _get(client_for("province_planner"), data.district)


def _slow(monkeypatch):
    """Every rendering counts as slow (the national root's takes ~3 s)."""
    monkeypatch.setattr(dashboard, "SLOW_SECONDS", -1.0)


def test_slow_dashboard_shows_previous_figures_and_refreshes_in_the_background(
    client_for, data, monkeypatch, immediate_tasks
):
    _slow(monkeypatch)
    client = client_for("district_planner")
    first = _get(client, data.district)
    assert 'data-testid="stale"' not in first
    assert '<dd data-testid="actual"><a href="' in first and ">2</a>" in first.split('data-testid="actual"')[1][:200]

    admit(data.commune, dt.date(2025, 4, 1), Category.FARMER)  # a new record: the data version changes
    stale = _get(client, data.district)
    assert 'data-testid="stale"' in stale  # the previous figures, dated
    assert ">2</a>" in stale.split('data-testid="actual"')[1][:200]

    fresh = _get(client, data.district)  # the task (run at once here) rendered the new ones
    assert 'data-testid="stale"' not in fresh
    assert ">3</a>" in fresh.split('data-testid="actual"')[1][:200]


def test_refresh_is_enqueued_once_while_readers_wait(client_for, data, monkeypatch, dummy_tasks):
    _slow(monkeypatch)
    client = client_for("district_planner")
    _get(client, data.district)
    admit(data.commune, dt.date(2025, 4, 1), Category.FARMER)
    for _ in range(3):
        assert 'data-testid="stale"' in _get(client, data.district)
    assert len(dummy_tasks.results) == 1
    assert dummy_tasks.results[0].args[0] == data.district.pk


def test_figures_too_old_are_not_shown(client_for, data, monkeypatch, dummy_tasks):
    """Without a worker the previous figures would stay forever: past MAX_STALE the reader waits."""
    _slow(monkeypatch)
    monkeypatch.setattr(dashboard, "MAX_STALE", dt.timedelta(0))
    client = client_for("district_planner")
    _get(client, data.district)
    admit(data.commune, dt.date(2025, 4, 1), Category.FARMER)
    html = _get(client, data.district)
    assert 'data-testid="stale"' not in html
    assert ">3</a>" in html.split('data-testid="actual"')[1][:200]
    assert dummy_tasks.results == []


def test_fast_dashboard_is_rendered_again_at_once(client_for, data, dummy_tasks):
    client = client_for("district_planner")
    _get(client, data.district)
    admit(data.commune, dt.date(2025, 4, 1), Category.FARMER)
    html = _get(client, data.district)
    assert 'data-testid="stale"' not in html and ">3</a>" in html.split('data-testid="actual"')[1][:200]
    assert dummy_tasks.results == []


def test_previous_figures_are_per_reader_rights(client_for, data, monkeypatch, dummy_tasks):
    """A viewer never gets the body rendered for a reader who may see names (and links)."""
    _slow(monkeypatch)
    _get(client_for("district_planner"), data.district)
    admit(data.commune, dt.date(2025, 4, 1), Category.FARMER)
    html = _get(client_for("viewer"), data.district)
    assert 'data-testid="stale"' not in html
    assert reverse("reports:admissions", args=[data.district.pk]) not in html


def test_scope_without_own_targets_does_not_say_no_plan_sets_targets(client_for, data, monkeypatch):
    monkeypatch.setattr(dashboard, "BELOW_SHOWN_UP_TO", 1)
    html = _get(client_for("province_planner"), data.province)
    assert 'data-testid="below"' in html
    assert "No issued plan sets targets" not in html and "Chưa có kế hoạch đã ban hành" not in html


def _names(backend):
    return [result.task.name for result in backend.results]


def test_writes_schedule_one_refresh_of_the_slow_dashboards(
    client_for, data, monkeypatch, dummy_tasks, django_capture_on_commit_callbacks
):
    _slow(monkeypatch)
    _get(client_for("district_planner"), data.district)
    with django_capture_on_commit_callbacks(execute=True):
        admit(data.commune, dt.date(2025, 4, 1), Category.FARMER)
        admit(data.commune, dt.date(2025, 4, 2), Category.FARMER)
    assert _names(dummy_tasks) == ["refresh_after_writes"]  # one for the burst
    assert dummy_tasks.results[0].task.run_after is not None  # a little later


def test_the_refresh_after_writes_gives_the_next_reader_current_figures(
    client_for, data, monkeypatch, immediate_tasks, django_capture_on_commit_callbacks
):
    _slow(monkeypatch)
    client = client_for("district_planner")
    _get(client, data.district)
    with django_capture_on_commit_callbacks(execute=True):
        admit(data.commune, dt.date(2025, 4, 1), Category.FARMER)  # the refresh runs at once here
    html = _get(client, data.district)
    assert 'data-testid="stale"' not in html
    assert ">3</a>" in html.split('data-testid="actual"')[1][:200]


def test_writes_schedule_nothing_without_slow_dashboards(
    client_for, data, dummy_tasks, django_capture_on_commit_callbacks
):
    _get(client_for("district_planner"), data.district)  # fast: not remembered
    with django_capture_on_commit_callbacks(execute=True):
        admit(data.commune, dt.date(2025, 4, 1), Category.FARMER)
    assert dummy_tasks.results == []


def test_bodies_no_reader_asked_for_lately_are_not_re_rendered(
    client_for, data, monkeypatch, immediate_tasks, django_capture_on_commit_callbacks
):
    _slow(monkeypatch)
    monkeypatch.setattr(dashboard, "READ_WITHIN", dt.timedelta(0))
    client = client_for("district_planner")
    _get(client, data.district)
    rendered = []
    monkeypatch.setattr(dashboard, "_render", lambda org, view: rendered.append(view) or "body")
    with django_capture_on_commit_callbacks(execute=True):
        admit(data.commune, dt.date(2025, 4, 1), Category.FARMER)
    assert rendered == []


def test_an_organization_whose_only_target_is_its_allocation_row_is_not_told_it_has_none(client_for, tree):
    """Ka Đơn's page read "0 / 7 (chỉ tiêu)" beside "Chưa có kế hoạch đã ban hành đặt chỉ
    tiêu cho tổ chức và năm này."."""
    from django.urls import reverse

    from quotas.models import RuleKind
    from tests.test_reports_engine import allocate, make_plan, make_rule

    table = make_rule(make_plan(tree.district, number="12", symbol="KH/HU"), RuleKind.ALLOCATION, min_count=10)
    allocate(table, tree.school, 5)
    client = client_for("district_planner")
    page = client.get(reverse("reports:dashboard", args=[tree.school.pk]), {"year": "2025"}).content.decode()
    assert "Chỉ tiêu 5 là chỉ tiêu được phân bổ tại bảng phân bổ của cấp ủy cấp trên" in page
    assert "Chưa có kế hoạch đã ban hành đặt chỉ tiêu" not in page
    cell = client.get(reverse("reports:dashboard", args=[tree.cell.pk]), {"year": "2025"}).content.decode()
    assert "Chưa có kế hoạch đã ban hành đặt chỉ tiêu cho tổ chức và năm này." in cell
