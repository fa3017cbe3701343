"""The roll-up of a year's admissions over every child of a scope, three ways.

1. The project's selector (one query grouped by path prefix).
2. The same answer in hand-written SQL (the limit).
3. The anti-pattern: one LIKE join per organization (bounded by a statement timeout).
"""

import datetime as dt

from bench.common import best_of, queries_of, raw, row  # first: sets Django up before any model is imported

# isort: split
from admissions.models import Admission
from organizations.models import Organization, OrgForm
from organizations.selectors import subtree_counts

YEAR = int(__import__("os").environ.get("BENCH_YEAR", dt.date.today().year - 1))


def main():
    # The first province (depth 2 under the national root), not the root itself.
    province = Organization.objects.filter(form=OrgForm.PROVINCIAL).order_by("path").first()
    if province is None:
        raise SystemExit("No province: run `manage.py generate_synthetic` first.")
    print(
        f"Roll-up of {YEAR} admissions; {Organization.objects.count()} organizations, "
        f"{Admission.objects.filter(ceremony_date__year=YEAR).count()} admissions that year"
    )
    rows = Admission.objects.filter(
        ceremony_date__gte=dt.date(YEAR, 1, 1), ceremony_date__lte=dt.date(YEAR, 12, 31), archived_at__isnull=True
    )
    width = (province.depth + 1) * 4
    sql = """
        SELECT substr(o.path, 1, %s), count(*) FROM admissions_admission a
        JOIN organizations_organization o ON o.id = a.organization_id
        WHERE a.ceremony_date BETWEEN %s AND %s AND a.archived_at IS NULL AND o.path LIKE %s
        GROUP BY 1"""
    params = (width, dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31), province.path + "%")
    limit, expected = best_of(lambda: dict(raw(sql, params)))
    ours, answer = best_of(lambda: subtree_counts(rows, province))
    assert answer == expected, "the selector and the SQL disagree"
    row(f"province ({len(answer)} children): selector", ours, limit, queries_of(lambda: subtree_counts(rows, province)))
    row("province: hand-written SQL (limit)", limit)

    # National: every province at once, grouped by the first path step.
    sql_nat = """
        SELECT substr(o.path, 1, 4), count(*) FROM admissions_admission a
        JOIN organizations_organization o ON o.id = a.organization_id
        WHERE a.ceremony_date BETWEEN %s AND %s AND a.archived_at IS NULL GROUP BY 1"""
    limit_nat, _ = best_of(lambda: raw(sql_nat, params[1:3]))
    row("national, per province: hand-written SQL", limit_nat)

    # Every commune committee of the province, one LIKE join per organization.
    per_org = """
        SELECT c.id, count(a.id) FROM organizations_organization c
        JOIN organizations_organization o ON o.path LIKE c.path || '%%'
        JOIN admissions_admission a ON a.organization_id = o.id
             AND a.ceremony_date BETWEEN %s AND %s
        WHERE c.path LIKE %s AND c.depth >= %s GROUP BY c.id"""
    from django.db import connection, transaction

    def like_join():
        with transaction.atomic():
            if connection.vendor == "postgresql":
                raw("SET LOCAL statement_timeout = '120s'")
            return raw(per_org, (dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31), province.path + "%", province.depth + 1))

    try:
        slow, _ = best_of(like_join, repeat=1)
        row("province, every descendant: LIKE join per organization", slow, limit)
    except Exception as exc:  # the anti-pattern may exceed the timeout
        print(f"LIKE join per organization: gave up ({exc.__class__.__name__}: {exc})")


if __name__ == "__main__":
    main()
