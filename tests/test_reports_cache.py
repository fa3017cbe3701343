import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from admissions.categories import Category
from reports.cache import attainment_cached
from tests.test_reports_engine import admit


def test_a_cached_answer_is_reused_until_an_admission_changes_it(tree):
    as_of = dt.date(2025, 12, 31)
    first = attainment_cached(scope=tree.district, year=2025, as_of=as_of)
    with CaptureQueriesContext(connection) as queries:
        again = attainment_cached(scope=tree.district, year=2025, as_of=as_of)
    assert len(queries) == 0
    assert again.actual == first.actual == 0

    admit(tree.school, dt.date(2025, 5, 1), Category.PUPIL)
    fresh = attainment_cached(scope=tree.district, year=2025, as_of=as_of)
    assert fresh.actual == 1


def test_answers_are_kept_apart_by_scope_year_and_date(tree):
    admit(tree.school, dt.date(2025, 5, 1), Category.PUPIL)
    assert attainment_cached(scope=tree.district, year=2025, as_of=dt.date(2025, 12, 31)).actual == 1
    assert attainment_cached(scope=tree.district, year=2025, as_of=dt.date(2025, 4, 30)).actual == 0
    assert attainment_cached(scope=tree.city, year=2025, as_of=dt.date(2025, 12, 31)).actual == 0
    assert attainment_cached(scope=tree.district, year=2024, as_of=dt.date(2024, 12, 31)).actual == 0


def test_answers_of_another_database_or_release_are_never_read(tree, settings, monkeypatch):
    """A file cache outlives a switch of DATABASE_URL and an upgrade of the code."""
    from reports import cache as answers

    as_of = dt.date(2025, 12, 31)
    assert attainment_cached(scope=tree.district, year=2025, as_of=as_of).actual == 0
    admit(tree.school, dt.date(2025, 5, 1), Category.PUPIL)
    stale_token = answers.data_version()
    # The same ids in another database: not this one's answer.
    settings.DATABASES = {**settings.DATABASES, "default": {**settings.DATABASES["default"], "NAME": "elsewhere"}}
    assert answers.data_version() != stale_token
    settings.DATABASES = {
        **settings.DATABASES,
        "default": {**settings.DATABASES["default"], "NAME": connection.settings_dict["NAME"]},
    }
    monkeypatch.setattr(answers, "ANSWERS_VERSION", answers.ANSWERS_VERSION + 1)
    assert answers.data_version() != stale_token
    assert attainment_cached(scope=tree.district, year=2025, as_of=as_of).actual == 1


def test_answers_too_big_to_be_worth_keeping_are_computed_each_time(tree, monkeypatch):
    """Pickling the national answer took longer than computing it again (bench/RESULTS.md)."""
    from quotas.models import RuleKind
    from reports import cache as answers
    from tests.test_reports_engine import make_plan, make_rule

    plan = make_plan(tree.district, number="160", symbol="KH/HU")
    make_rule(plan, RuleKind.COUNT, min_count=3)
    as_of = dt.date(2025, 12, 31)
    monkeypatch.setattr(answers, "STORE_UP_TO", 0)
    assert answers.answer_rows(attainment_cached(scope=tree.district, year=2025, as_of=as_of)) == 1
    with CaptureQueriesContext(connection) as queries:
        assert attainment_cached(scope=tree.district, year=2025, as_of=as_of).rules
    assert len(queries) > 0  # computed again, not read back
