"""Indexes that only help when a query matches them exactly (PostgreSQL's plans).

An expression index serves a query only while the query's expression is the index's,
to the letter: a change to the candidate lists' order would silently bring back a sort
of every live candidate of a province (650 ms a page on the national dataset). These
tests ask the planner, with sorts and table scans priced out, whether it can still use
the index at all; on a small test database it would otherwise prefer a scan anyway.
"""

import datetime as dt

import pytest
from django.db import connection

from admissions import selectors
from organizations.positions import tree_state

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's query plans")


def _plan(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_candidate_list_reads_its_order_from_the_index(tree, users):
    page = selectors.followed_first(selectors.candidates(users.province_planner, organization=tree.province))[:25]
    plan = _plan(*page.query.sql_with_params())
    assert "candidate_followed" in plan
    assert "Sort" not in plan


def test_asking_whether_anything_was_dissolved_reads_the_dissolved_index(tree):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    explain = _Explain()
    with connection.execute_wrapper(explain):
        tree_state(dt.date(2025, 12, 31))
    assert "org_dissolved" in explain.plan


class _Explain:
    """Runs EXPLAIN for the query instead of the query (one query: tree_state's)."""

    plan = ""

    def __call__(self, execute, sql, params, many, context):
        execute("EXPLAIN " + sql, params, many, context)
        self.plan = "\n".join(row[0] for row in context["cursor"].fetchall())
        execute(sql, params, many, context)


def test_the_pipeline_of_a_past_day_reads_the_road_indexes(tree):
    """Whether the pipeline changed after a day, and the pipeline of that day, read the
    partial indexes of those on the road and those who left it (not every candidate)."""
    from admissions import counting
    from admissions.models import Candidate

    day = dt.date(2025, 6, 30)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plans = []
    explain = _Explain()

    def each(execute, sql, params, many, context):
        explain(execute, sql, params, many, context)
        plans.append(explain.plan)

    with connection.execute_wrapper(each):
        counting.pipeline_changed_after(day)
    assert "candidate_left_road" in plans[0] and "candidate_on_road" in plans[1]
    plan = _plan(*counting.pipeline_on(Candidate.objects.all(), day).query.sql_with_params())
    # On the national data the two ORed; on this empty one the index of those past the
    # resolution alone (it holds those on the road too) is the cheapest.
    assert "candidate_left_road" in plan or "candidate_on_road" in plan
