import datetime as dt

import pytest
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
    name = settings.DATABASES["default"]["NAME"]
    monkeypatch.setitem(settings.DATABASES["default"], "NAME", "elsewhere")
    assert answers.data_version() != stale_token
    monkeypatch.setitem(settings.DATABASES["default"], "NAME", name)
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


def test_the_version_moves_once_per_transaction_and_only_after_it_commits(
    tree, monkeypatch, django_capture_on_commit_callbacks
):
    """Bumping before the commit let a reader store old figures under the new version; an
    import of 2,000 rows bumped 8,000 times. Now: once, after the commit; never on rollback."""
    from django.db import transaction

    from reports import cache as answers

    monkeypatch.setattr(answers, "_after_commit", lambda func: transaction.on_commit(func, robust=True))
    before = answers.data_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            for day in (1, 2, 3):
                admit(tree.school, dt.date(2025, 5, day), Category.PUPIL)
            assert answers.data_version() == before  # not yet committed: nobody may store under a new version
    assert len(callbacks) == 1
    after = answers.data_version()
    assert after != before

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                admit(tree.school, dt.date(2025, 6, 1), Category.PUPIL)
                raise RuntimeError("the import failed")
        except RuntimeError:
            pass
    assert callbacks == [] and answers.data_version() == after  # rolled back: nothing changed


@pytest.mark.parametrize(
    "changed", ["templates/page.html", "reports/engine/rules.py", "reports/views.py", "locale/vi/LC_MESSAGES/django.po"]
)
def test_a_changed_template_or_module_makes_every_cached_page_stale(changed, tmp_path, settings, monkeypatch):
    """A deployment that changes a template, a module (one inside an app's package, as the
    engine's, too) or a translation never serves a page cached by the old code; a test
    file changes nothing a page shows."""
    from reports import cache as report_cache

    for name in (
        "templates/page.html",
        "reports/engine/rules.py",
        "reports/views.py",
        "locale/vi/LC_MESSAGES/django.po",
        "tests/test_x.py",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("old")
    settings.BASE_DIR = tmp_path
    report_cache.code_tag.cache_clear()
    monkeypatch.setattr(report_cache, "code_tag", report_cache.code_tag)
    before = report_cache.code_tag()
    (tmp_path / "tests/test_x.py").write_text("a new test")
    report_cache.code_tag.cache_clear()
    assert report_cache.code_tag() == before
    (tmp_path / changed).write_text("the new code")
    report_cache.code_tag.cache_clear()
    assert report_cache.code_tag() != before
    report_cache.code_tag.cache_clear()
