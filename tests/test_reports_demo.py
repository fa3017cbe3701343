"""The seeds' figures in the demo: past years entered as counts."""

import datetime as dt
from io import StringIO

from django.core.management import call_command

from admissions.categories import Category
from organizations.models import Organization
from quotas.models import RuleKind
from reports.engine import _admission_counts, _after_count_day, _historical_counts, attainment
from reports.models import HistoricalResult


def test_demo_historical_results_are_idempotent_and_sourced(db):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    assert HistoricalResult.objects.count() == 3
    dalat = HistoricalResult.objects.get(organization__code="LD.DL")
    assert (dalat.year, dalat.category, dalat.count) == (2023, "", 191)
    assert "191" in dalat.source
    pupils = HistoricalResult.objects.get(organization__code="LD.DT", category=Category.PUPIL)
    assert pupils.count == 1 and "Chu Văn An" in pupils.source


def test_seed_001_share_implies_about_four_from_191(db):
    """“Từ 2%: khoảng 4 đảng viên trở lên” against the 191 admitted in 2023, on the demo plan of Đà Lạt."""
    call_command("seed_demo", stdout=StringIO())
    dalat = Organization.objects.get(code="LD.DL")
    result = attainment(scope=dalat, year=2024, as_of=dt.date(2024, 12, 31))
    own = [r for r in result.rules if r.plan.issuer_id == dalat.pk]
    share = next(r for r in own if r.kind == RuleKind.SHARE_OF_ADMISSIONS).single
    assert (share.planned_total, share.implied_min) == (191, 4)
    schools = next(r for r in own if r.kind == RuleKind.COUNT)
    assert {m.org.code for m in schools.measurements} == {"LD.DL.TP", "LD.DL.BTX", "LD.DL.TL"}


def test_seed_002_years_2020_to_2023_add_up_to_3_pupils_and_5_workers(db):
    call_command("seed_demo", stdout=StringIO())
    ductrong = Organization.objects.get(code="LD.DT")
    cva = Organization.objects.get(code="LD.DT.CVA")
    # The admissions demo seeds Chu Văn An's two pupils of 2023 as records.
    assert cva.admissions.filter(ceremony_date__year=2023, category=Category.PUPIL).count() == 2
    result = attainment(scope=ductrong, year=2023, as_of=dt.date(2023, 12, 31))
    pupils = workers = 0
    counts = _admission_counts(
        ductrong,
        {ductrong.depth},
        {ductrong.depth: {ductrong.path}},
        {ductrong.depth: 2020},
        2023,
        _after_count_day(ductrong, 2023, dt.date(2023, 12, 31)),
    )
    _historical_counts(ductrong, {ductrong.depth}, {ductrong.depth: {ductrong.path}}, 2020, 2023, counts)
    for year in range(2020, 2024):
        pupils += counts.get(ductrong.path, year, Category.PUPIL)
        workers += counts.get(ductrong.path, year, Category.NON_STATE_WORKER)
    assert (pupils, workers) == (3, 5)
    assert result.actual == 2
