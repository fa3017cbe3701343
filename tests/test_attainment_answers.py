"""`manage.py attainment`'s JSON is stored when slow to compute (the national root: ~3.5 s)
and printed again only for the data it was computed from (reports/answers.py)."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from admissions.categories import Category
from reports import answers
from tests.test_dashboard_body import dummy_tasks  # noqa: F401  (a fixture)
from tests.test_reports_engine import admit, plans  # noqa: F401  (plans is a fixture)


@pytest.fixture
def engine_runs(monkeypatch):
    """How many times the engine computed a document."""
    runs = []
    real = answers.attainment

    def counting(**kwargs):
        runs.append(kwargs["scope"].pk)
        return real(**kwargs)

    monkeypatch.setattr(answers, "attainment", counting)
    return runs


@pytest.fixture
def slow(monkeypatch):
    """Every document counts as slow (the national root's takes ~3.5 s)."""
    monkeypatch.setattr(answers, "SLOW_SECONDS", -1.0)


def _run(org, *options) -> dict:
    out = StringIO()
    call_command("attainment", "--org", org.code, "--year", "2025", "--as-of", "2025-06-30", *options, stdout=out)
    return json.loads(out.getvalue())


def _actual(answer) -> int:
    return answer["actual"]


def test_a_slow_document_is_printed_again_without_computing(tree, plans, slow, engine_runs):  # noqa: F811
    admit(tree.school, dt.date(2025, 3, 1), Category.PUPIL)
    first = _run(tree.district)
    second = _run(tree.district)
    assert second == first and _actual(first) == 1
    assert engine_runs == [tree.district.pk]


def test_a_write_inside_the_scope_is_never_hidden_by_the_stored_document(tree, plans, slow, engine_runs):  # noqa: F811
    admit(tree.school, dt.date(2025, 3, 1), Category.PUPIL)
    assert _actual(_run(tree.district)) == 1
    admit(tree.commune, dt.date(2025, 4, 1), Category.FARMER)
    assert _actual(_run(tree.district)) == 2
    assert engine_runs == [tree.district.pk] * 2


def test_a_write_in_another_district_keeps_the_stored_document(tree, plans, slow, engine_runs):  # noqa: F811
    admit(tree.school, dt.date(2025, 3, 1), Category.PUPIL)
    _run(tree.district)
    admit(tree.city_school, dt.date(2025, 4, 1), Category.PUPIL)
    assert _actual(_run(tree.district)) == 1
    assert engine_runs == [tree.district.pk]
    # The province holds both districts: its document shows the write.
    assert _actual(_run(tree.province)) == 2


def test_each_period_and_count_day_has_its_own_document(tree, plans, slow, engine_runs):  # noqa: F811
    admit(tree.school, dt.date(2025, 3, 1), Category.PUPIL)
    admit(tree.school, dt.date(2025, 5, 1), Category.PUPIL)
    assert _actual(_run(tree.district)) == 2
    out = StringIO()
    call_command("attainment", "--org", tree.district.code, "--as-of", "2025-03-31", stdout=out)
    assert json.loads(out.getvalue())["actual"] == 1
    quarter = _run(tree.district, "--period", "2025-Q1")
    assert quarter["period"]["key"] == "2025-Q1" and quarter["period_actual"] == 1
    assert len(engine_runs) == 3


def test_a_fast_document_is_not_stored(tree, plans, engine_runs):  # noqa: F811
    _run(tree.district)
    _run(tree.district)
    assert engine_runs == [tree.district.pk] * 2
    assert not answers.asked_lately()


def test_a_document_of_another_today_is_computed_again(tree, plans, slow, engine_runs):  # noqa: F811
    """A count day before today reads "so far" until that day is over: today is part of the key."""
    period, day = answers.periods.parse("2025"), dt.date(2025, 6, 30)
    first = answers.document(tree.district, period, day, dt.date(2025, 6, 30))
    assert answers.document(tree.district, period, day, dt.date(2025, 6, 30)) == first
    answers.document(tree.district, period, day, dt.date(2025, 7, 1))
    assert len(engine_runs) == 2


def test_writes_after_a_slow_document_schedule_one_refresh(
    tree,
    plans,  # noqa: F811
    slow,
    dummy_tasks,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    _run(tree.district)
    with django_capture_on_commit_callbacks(execute=True):
        admit(tree.commune, dt.date(2025, 4, 1), Category.FARMER)
        admit(tree.commune, dt.date(2025, 4, 2), Category.FARMER)
    assert [result.task.name for result in dummy_tasks.results] == ["refresh_after_writes"]


def test_the_refresh_after_writes_stores_the_document_of_the_new_data(
    tree,
    plans,  # noqa: F811
    slow,
    engine_runs,
    settings,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    # The worker runs on the day the document was asked on.
    today = dt.date(2025, 6, 30)
    monkeypatch.setattr(answers.timezone, "localdate", lambda: today)
    monkeypatch.setattr("reports.management.commands.attainment.timezone.localdate", lambda: today)
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    assert _actual(_run(tree.district)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        admit(tree.commune, dt.date(2025, 4, 1), Category.FARMER)  # the refresh runs at once here
    assert engine_runs == [tree.district.pk] * 2
    assert _actual(_run(tree.district)) == 1
    assert engine_runs == [tree.district.pk] * 2  # printed from what the refresh stored


def test_the_refresh_skips_documents_of_an_earlier_day(tree, plans, slow, engine_runs, monkeypatch):  # noqa: F811
    answers.document(tree.district, answers.periods.parse("2025"), dt.date(2025, 6, 30), dt.date(2025, 6, 30))
    admit(tree.commune, dt.date(2025, 4, 1), Category.FARMER)
    monkeypatch.setattr(answers.timezone, "localdate", lambda: dt.date(2025, 7, 1))
    answers.refresh()
    assert engine_runs == [tree.district.pk]


def test_the_refresh_leaves_a_document_a_run_is_computing(tree, plans, slow, engine_runs, monkeypatch):  # noqa: F811
    """A run holding the document's lock computes and stores it: the worker does not compute
    it a second time (4.5 s each for the national root)."""
    from django.core.cache import cache

    from common.cache import LOCK, key

    today = dt.date(2025, 6, 30)
    monkeypatch.setattr(answers.timezone, "localdate", lambda: today)
    answers.document(tree.district, answers.periods.parse("2025"), today, today)
    admit(tree.commune, dt.date(2025, 4, 1), Category.FARMER)
    asked = answers.Asked(tree.district.pk, "2025", today.isoformat(), today.isoformat())
    cache.add(key(*asked.parts(), answers.data_version(tree.district), LOCK), 1, timeout=30)
    answers.refresh()
    assert engine_runs == [tree.district.pk]


def test_writes_schedule_nothing_for_documents_of_an_earlier_day(tree, plans, slow, dummy_tasks, monkeypatch):  # noqa: F811
    answers.document(tree.district, answers.periods.parse("2025"), dt.date(2025, 6, 30), dt.date(2025, 6, 30))
    monkeypatch.setattr(answers.timezone, "localdate", lambda: dt.date(2025, 7, 1))
    assert not answers.asked_lately()
