"""Figures grouped by depth count each organization once, however many organizations a
depth holds.

The engine groups rows by their path cut to each depth. When a depth holds few wanted
organizations it asks for those; when it holds more than BUCKET_FILTER_LIMIT (2,000: a
real province's cells) it takes every bucket. A grassroots cell with no cells under it
then came back a second time among the cells, its own path as its bucket, and its
candidates who can still be admitted this year, its admissions of a quarter or of last
year's same days and its entered results were counted twice (found on the national
dataset: 31 grassroots cells of one province). Here the limit is set to 0, so every depth
takes the second road, and every figure must be the one the first road gives.
"""

import datetime as dt

import pytest

from organizations.models import Organization
from reports import periods
from reports.engine import attainment, rows
from reports.serialize import attainment_json

TODAY = dt.date.today()


def _answers(scopes, reports):
    return {
        (scope.code, key): attainment_json(attainment(scope=scope, year=year, as_of=as_of, period=period))
        for scope in scopes
        for key, (year, as_of, period) in reports.items()
    }


@pytest.mark.django_db
def test_every_figure_is_the_same_whether_a_depth_is_asked_for_its_paths_or_taken_whole(seeded_demo, monkeypatch):
    year = TODAY.year
    reports = {
        "the running year": (year, TODAY, None),
        "its first quarter": (year, TODAY, periods.parse(f"{year}-Q1")),
        "last year, as of 30/06": (year - 1, dt.date(year - 1, 6, 30), None),
    }
    scopes = list(Organization.objects.filter(depth__lte=2, dissolved_on__isnull=True).order_by("path"))
    asked = _answers(scopes, reports)
    monkeypatch.setattr(rows, "BUCKET_FILTER_LIMIT", 0)
    taken_whole = _answers(scopes, reports)
    assert len(asked) >= 6
    for key in asked:
        assert taken_whole[key] == asked[key], key
