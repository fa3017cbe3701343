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
