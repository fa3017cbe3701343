"""The attainment engine on the national dataset, against hand-written SQL.

For one year (default: last year) it times, each as the best of three runs:
* the engine's full report (`reports.engine.attainment`) for the national root and for
  one province, with its query count;
* the hand-written SQL limit of its main figures: the roll-up per child, "every high
  school ≥ 1 pupil" (who fails), the share of non-state workers for every commune
  committee. Each figure is written several ways over the data the database holds (the
  records joined with the tree, a better-shaped join, and the tallies the engine reads:
  admissions.Tally), every way checked to give the same answer, and the limit is the
  FASTEST of them, measured in the same run: a ratio against a slow query would flatter
  the engine (issue 18: the high-school limit was a LIKE join taking 1,993 ms where the
  tally answers in 3 ms);
and checks the engine and the SQL agree.
"""

import datetime as dt
import os

from bench.common import best_of, queries_of, raw, row
from organizations.models import Organization, OrgForm, Sector
from quotas.models import RuleKind
from reports.engine import attainment

YEAR = int(os.environ.get("BENCH_YEAR", dt.date.today().year - 1))
FIRST, LAST = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
AS_OF = LAST


def rollup_sql(scope):
    width = (scope.depth + 1) * 4
    return dict(
        raw(
            """SELECT substr(o.path, 1, %s), count(*) FROM admissions_admission a
           JOIN organizations_organization o ON o.id = a.organization_id
           WHERE a.ceremony_date BETWEEN %s AND %s AND a.archived_at IS NULL AND o.path LIKE %s
           GROUP BY 1""",
            (width, FIRST, LAST, scope.path + "%"),
        )
    )


def failing_high_schools_sql(scope):
    return {
        r[0]
        for r in raw(
            """WITH hs AS (
             SELECT id, path FROM organizations_organization
             WHERE sector = %s AND form IN (%s, %s) AND dissolved_on IS NULL AND path LIKE %s),
           pupils AS (
             SELECT substr(o.path, 1, length(hs.path)) AS p, count(*) AS n
             FROM admissions_admission a JOIN organizations_organization o ON o.id = a.organization_id
             JOIN hs ON o.path LIKE hs.path || '%%'
             WHERE a.ceremony_date BETWEEN %s AND %s AND a.category = 'pupil' AND a.archived_at IS NULL
             GROUP BY 1)
           SELECT hs.id FROM hs LEFT JOIN pupils ON pupils.p = hs.path WHERE coalesce(pupils.n, 0) < 1""",
            (Sector.HIGH_SCHOOL, OrgForm.GRASSROOTS_COMMITTEE, OrgForm.GRASSROOTS_CELL, scope.path + "%", FIRST, LAST),
        )
    }


def rollup_tally_sql(scope):
    """The same roll-up from the tallies (one row per child path, year and category)."""
    return {
        path: n
        for path, n in raw(
            """SELECT path, sum(n) FROM admissions_tally
           WHERE kind = 'a' AND depth = %s AND path LIKE %s AND year = %s GROUP BY path""",
            (scope.depth + 1, scope.path + "%", YEAR),
        )
        if n
    }


def failing_high_schools_grouped_sql(scope):
    """The LIKE join over admissions grouped per organization first (far fewer rows)."""
    return {
        r[0]
        for r in raw(
            """WITH hs AS (
             SELECT id, path FROM organizations_organization
             WHERE sector = %s AND form IN (%s, %s) AND dissolved_on IS NULL AND path LIKE %s),
           per_org AS (
             SELECT o.path, count(*) AS n
             FROM admissions_admission a JOIN organizations_organization o ON o.id = a.organization_id
             WHERE a.ceremony_date BETWEEN %s AND %s AND a.category = 'pupil' AND a.archived_at IS NULL
               AND o.path LIKE %s
             GROUP BY o.path)
           SELECT hs.id FROM hs LEFT JOIN per_org ON per_org.path LIKE hs.path || '%%'
           GROUP BY hs.id HAVING coalesce(sum(per_org.n), 0) < 1""",
            (
                Sector.HIGH_SCHOOL,
                OrgForm.GRASSROOTS_COMMITTEE,
                OrgForm.GRASSROOTS_CELL,
                scope.path + "%",
                FIRST,
                LAST,
                scope.path + "%",
            ),
        )
    }


def failing_high_schools_tally_sql(scope):
    """Each high school's pupils of the year: one tally row per school."""
    return {
        r[0]
        for r in raw(
            """SELECT hs.id FROM organizations_organization hs
           LEFT JOIN admissions_tally t
             ON t.kind = 'a' AND t.path = hs.path AND t.year = %s AND t.category = 'pupil'
           WHERE hs.sector = %s AND hs.form IN (%s, %s) AND hs.dissolved_on IS NULL AND hs.path LIKE %s
             AND coalesce(t.n, 0) < 1""",
            (YEAR, Sector.HIGH_SCHOOL, OrgForm.GRASSROOTS_COMMITTEE, OrgForm.GRASSROOTS_CELL, scope.path + "%"),
        )
    }


def commune_shares_tally_sql(scope, depth):
    return {
        r[0]: (r[1], r[2])
        for r in raw(
            """SELECT path, sum(CASE WHEN category = 'non_state_worker' THEN n ELSE 0 END), sum(n)
           FROM admissions_tally WHERE kind = 'a' AND year = %s AND depth = %s AND path LIKE %s
           GROUP BY path HAVING sum(n) > 0""",
            (YEAR, depth, scope.path + "%"),
        )
    }


SMALL_CELLS = """SELECT count(*) FROM organizations_organization o {join}
           WHERE o.form = 'cell' AND o.sector IN ('village', 'high_school') AND o.path LIKE %s
             AND (o.founded_on IS NULL OR o.founded_on <= %s) AND (o.dissolved_on IS NULL OR o.dissolved_on > %s)
             AND (m IS NULL OR m < 10)"""


def small_cells_sql(scope, way):
    """Cells (village and high-school cells, as the synthetic size rules select them) below
    ten members or without a count on the report's day, three ways: the latest count by a
    subquery per cell (what the engine read before issue 18), the latest per organization
    first (DISTINCT ON), and the stored end of each count (`until`: what it reads now)."""
    joins = {
        "subquery": """, LATERAL (SELECT (SELECT members FROM organizations_membercount c
             WHERE c.organization_id = o.id AND c.as_of <= %s ORDER BY as_of DESC LIMIT 1) AS m) x""",
        "latest first": """LEFT JOIN (SELECT DISTINCT ON (organization_id) organization_id, members AS m
             FROM organizations_membercount WHERE as_of <= %s ORDER BY organization_id, as_of DESC) c
             ON c.organization_id = o.id""",
        "until": """LEFT JOIN (SELECT organization_id, members AS m FROM organizations_membercount
             WHERE as_of <= %s AND (until IS NULL OR until > %s)) c ON c.organization_id = o.id""",
    }
    days = (AS_OF, AS_OF) if way == "until" else (AS_OF,)
    return raw(SMALL_CELLS.format(join=joins[way]), (*days, scope.path + "%", AS_OF, AS_OF))[0][0]


def fastest(label, ways):
    """Time every way of writing one figure (best of three each), check they agree, print
    them, and return the fastest time and its answer."""
    timed = []
    for name, fn in ways:
        seconds, answer = best_of(fn)
        timed.append((seconds, name, answer))
    answers = [answer for _s, _n, answer in timed]
    assert all(a == answers[0] for a in answers), f"{label}: the ways disagree"
    for seconds, name, _answer in timed:
        row(f"{label}: {name}", seconds)
    best = min(timed, key=lambda t: t[0])
    return best[0], best[2]


def commune_shares_sql(scope, depth):
    return {
        r[0]: (r[1], r[2])
        for r in raw(
            """SELECT substr(o.path, 1, %s), count(*) FILTER (WHERE a.category = 'non_state_worker'), count(*)
           FROM admissions_admission a JOIN organizations_organization o ON o.id = a.organization_id
           WHERE a.ceremony_date BETWEEN %s AND %s AND a.archived_at IS NULL AND o.path LIKE %s AND o.depth >= %s
           GROUP BY 1""",
            (depth * 4, FIRST, LAST, scope.path + "%", depth),
        )
    }


def measure(scope, label):
    engine_time, att = best_of(lambda: attainment(scope=scope, year=YEAR, as_of=AS_OF))
    queries = queries_of(lambda: attainment(scope=scope, year=YEAR, as_of=AS_OF))
    print(f"\n{label}: the SQL ways of each figure (the fastest is the limit)")
    t_roll, roll = fastest(
        f"{label} roll-up per child",
        [("records joined with the tree", lambda: rollup_sql(scope)), ("tallies", lambda: rollup_tally_sql(scope))],
    )
    t_hs, failing = fastest(
        f"{label} high schools without a pupil",
        [
            ("LIKE join per admission", lambda: failing_high_schools_sql(scope)),
            ("grouped per organization, then LIKE", lambda: failing_high_schools_grouped_sql(scope)),
            ("tallies", lambda: failing_high_schools_tally_sql(scope)),
        ],
    )
    commune_depth = (
        Organization.objects.filter(path__startswith=scope.path, form=OrgForm.COMMUNE)
        .values_list("depth", flat=True)
        .first()
    )
    t_share, shares = fastest(
        f"{label} non-state share per commune committee",
        [
            ("records joined with the tree", lambda: commune_shares_sql(scope, commune_depth)),
            ("tallies", lambda: commune_shares_tally_sql(scope, commune_depth)),
        ],
    )
    t_small, small = fastest(
        f"{label} cells below ten members",
        [(way, lambda way=way: small_cells_sql(scope, way)) for way in ("subquery", "latest first", "until")],
    )
    limit = t_roll + t_hs + t_share + t_small

    # The engine and the SQL must give the same answers.
    children = {c.org.path: c.actual for c in att.children}
    assert {p: n for p, n in roll.items() if p in children} == {p: n for p, n in children.items() if n}, "roll-up"
    hs_rules = [r for r in att.rules if r.rule.kind == RuleKind.COUNT and r.many and r.rule.category == "pupil"]
    engine_failing = {m.org.pk for r in hs_rules for m in r.failing}
    assert engine_failing == failing, f"high schools: engine {len(engine_failing)} vs SQL {len(failing)}"
    share_rules = [r for r in att.rules if r.rule.kind == RuleKind.SHARE_OF_ADMISSIONS and r.many]
    engine_shares = {m.org.path: (m.actual, m.base) for r in share_rules for m in r.measurements}
    sql_shares = {p: v for p, v in shares.items() if p in engine_shares}
    assert all(engine_shares[p] == sql_shares.get(p, (0, 0)) for p in engine_shares), "shares"
    size_rules = [r for r in att.rules if r.rule.kind == RuleKind.CELL_SIZE and r.many]
    assert sum(r.failing_count for r in size_rules) == small, f"small cells: engine vs SQL {small}"

    print(
        f"\n{label}: {len(att.rules)} rules, {len(att.allocations)} allocation tables, "
        f"{sum(len(t.rows) for t in att.allocations)} allocation rows, {len(failing)} failing high schools, "
        f"{small} cells below ten members"
    )
    row(f"{label}: engine, full report", engine_time, limit, queries)
    row(f"{label}: SQL limit, the fastest way of each of the four, together", limit)


def main():
    root = Organization.objects.filter(depth=1, form=OrgForm.CENTRAL).order_by("path").first()
    if root is None:
        raise SystemExit("No national root: run `manage.py generate_synthetic --scale national` first.")
    province = Organization.objects.filter(depth=2, path__startswith=root.path).order_by("path").first()
    print(f"Attainment {YEAR} as of {AS_OF}; {Organization.objects.count()} organizations")
    measure(province, "province")
    measure(root, "national")


if __name__ == "__main__":
    main()
