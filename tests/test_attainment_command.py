"""`manage.py attainment --format json` lists every failing organization of the size and
inactivity rules: read with the answer (one query per kind), not counted and then read
again per rule (nationally 68 more queries, 5.2 s: bench/RESULTS.md)."""

import datetime as dt
import json
from io import StringIO

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organizations.models import Organization, OrgForm, Sector
from organizations.services import organization_create
from quotas.models import RuleKind
from reports.engine import attainment
from reports.serialize import attainment_json
from tests.test_reports_engine import make_plan, make_rule


def _run(code: str) -> tuple[dict, int]:
    out = StringIO()
    with CaptureQueriesContext(connection) as queries:
        call_command("attainment", "--org", code, "--year", "2025", "--as-of", "2025-12-31", stdout=out)
    return json.loads(out.getvalue()), len(queries)


def _failing(answer) -> int:
    return sum(len(r["failing"]) for r in answer["rules"] if r["kind"] in (RuleKind.CELL_SIZE, RuleKind.INACTIVITY))


def test_the_query_count_does_not_grow_with_the_failing_organizations(seeded_demo):
    answer, before = _run("LD")
    failing = _failing(answer)
    assert failing > 0
    # More failing cells (no member count, no admission) under two districts, and a size
    # and an inactivity rule of Đơn Dương's own over them: more lists, more rows.
    for district in ("LD.DD", "LD.DT"):
        parent = Organization.objects.get(code=district)
        for i in range(6):
            parent.refresh_from_db()
            organization_create(
                parent=parent,
                code=f"{district}.NEW{i}",
                name=f"Chi bộ thôn mới {i}",
                form=OrgForm.CELL,
                sector=Sector.VILLAGE,
            )
    plan = make_plan(Organization.objects.get(code="LD.DD"), number="900", symbol="KH/HU")
    make_rule(plan, RuleKind.CELL_SIZE, applies_to_each=True, forms=[OrgForm.CELL], min_count=20)
    make_rule(plan, RuleKind.INACTIVITY, applies_to_each=True, forms=[OrgForm.CELL], years_without=2)
    answer, after = _run("LD")
    assert _failing(answer) >= failing + 2 * 6  # at least Đơn Dương's 6 new cells under its two rules
    assert after == before


def test_the_listed_answer_is_the_answer_read_per_rule(seeded_demo):
    for code in ("LD", "LD.DD", "NT"):
        scope = Organization.objects.get(code=code)
        for day in (dt.date(2025, 12, 31), dt.date(2025, 6, 30)):
            per_rule = attainment_json(attainment(scope=scope, year=day.year, as_of=day))
            listed = attainment_json(attainment(scope=scope, year=day.year, as_of=day, list_failing=True))
            assert listed == per_rule
