"""The demo's 2025 reorganization, run through the import, moves no figure of a day before it."""

import datetime as dt
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from devdata import reorganization as demo
from organizations.models import Organization
from organizations.reorganize import reorganization_apply
from reports.engine import attainment
from reports.models import HistoricalResult
from reports.serialize import attainment_json

from .test_reports_across_time import figures_only, statuses_in

D = dt.date


def snapshot() -> dict:
    """The `attainment` JSON of every organization alive on 31/12/2024 for 2023 and 2024,
    and of every organization that existed on 30/06/2025 for 2025 as of that day."""
    figures = {}
    with translation.override("vi"):
        for org in Organization.objects.order_by("path"):
            days = [(2025, D(2025, 6, 30))] if org.existed_on(D(2025, 6, 30)) else []
            if org.existed_on(D(2024, 12, 31)):
                days += [(2023, D(2023, 12, 31)), (2024, D(2024, 12, 31))]
            for year, day in days:
                figures[(org.code, year)] = attainment_json(attainment(scope=org, year=year, as_of=day))
    return figures


def appendix(code: str, year: int, day: dt.date) -> tuple[int, int]:
    result = attainment(scope=Organization.objects.get(code=code), year=year, as_of=day)
    table = next(t for t in result.allocations if t.subject.code == "LD.DD")
    return len(table.rows), table.allocated


def year_end(code: str) -> int:
    return attainment(scope=Organization.objects.get(code=code), year=2025, as_of=D(2025, 12, 31)).actual


def reorganize() -> None:
    """The demo's reorganization file, applied as `seed_demo --reorganized` does."""
    demo.reopen_for_reorganization(timezone.localdate())  # 2025 is locked for the approved districts
    path = Path(settings.BASE_DIR) / demo.REORGANIZATION_FILE
    with path.open("rb") as upload:
        reorganization_apply(
            upload=upload,
            today=timezone.localdate(),
            decision=demo.REORGANIZATION_DECISION,
            decision_date=demo.REORGANIZATION_DECISION_DATE,
            file_name=path.name,
        )


def test_the_2025_reorganization_moves_no_past_figure(seeded_demo):
    with transaction.atomic():
        for node in demo.ABSORBED_PROVINCES:  # the provinces Lâm Đồng absorbs, as they stood
            demo.ensure(node, None)
    before = snapshot()
    assert appendix("LD.DD", 2025, D(2025, 6, 30)) == (15, 91)
    totals = {code: year_end(code) for code in ("LD", "DNO", "BTH")}
    codes = Organization.objects.filter(sector="high_school", path__startswith=Organization.objects.get(code="LD").path)
    schools = {code: year_end(code) for code in codes.values_list("code", flat=True)}
    assert sum(schools.values()) > 0

    reorganize()
    assert not Organization.objects.get(code="LD.DD").is_active

    after = snapshot()
    assert len(before) > 150
    changed = sorted(key for key in before if after.get(key) != before[key])
    # Only reports of 30/06/2025. Those of the organizations that ended on 01/07/2025 (the
    # districts, the merged communes and towns, the absorbed provinces) became their
    # closing reports, their year over; those that show their rows that day (the
    # province's; the schools', which hold a district's allocation row for themselves)
    # read those rows closed alike. No figure moved.
    ended = {
        (org.code, 2025)
        for org in Organization.objects.filter(dissolved_on=D(2025, 7, 1))
        if org.existed_on(D(2025, 6, 30))
    }
    assert ended <= set(changed) and len(ended) > 20
    showing = set(changed) - ended
    assert ("LD", 2025) in showing and all(Organization.objects.get(code=code).is_active for code, _ in showing)
    for key in changed:
        assert figures_only(after[key]) == figures_only(before[key]), key
        if key in showing:
            assert after[key]["forecast"] == before[key]["forecast"], key
            continue
        assert (after[key]["forecast"], before[key]["forecast"] is None) == (None, False), key
        assert statuses_in(after[key]) <= {"exceeded", "met", "not_met"}, key  # no pace
    assert any(statuses_in(before[key]) & {"on_track", "behind", "at_risk"} for key in changed)
    # Đơn Dương's issued appendix keeps its 15 rows / 91, in its own report up to its last
    # day and in the province's report of the year's end.
    assert appendix("LD.DD", 2025, D(2025, 6, 30)) == (15, 91)
    assert appendix("LD", 2025, D(2025, 12, 31)) == (15, 91)
    # The 2025 report of the merged province spans both trees: its year is the three
    # provinces' years together, and every moved school keeps its own year.
    assert year_end("LD") == sum(totals.values())
    assert {code: year_end(code) for code in schools} == schools


def test_after_the_reorganization_the_tallies_and_the_records_agree_to_the_unit(seeded_demo, monkeypatch):
    """From 1 July 2025 the tree is today's: every organization standing on a day after the
    reorganization has the same figures from the tallies (today's tree, mergers followed
    to the successor) as from the records placed in the tree of that day (reports/past.py)."""
    import dataclasses

    from reports import engine

    today = timezone.localdate()
    demo.seed_reorganized(StringIO(), today=today)  # as `seed_demo --reorganized` does
    days = [(2025, D(2025, 7, 1)), (2025, D(2025, 12, 31)), (today.year, today)]
    with translation.override("vi"):
        standing = [o for o in Organization.objects.order_by("path") if o.is_active]
        tallied = {
            (o.code, day): attainment_json(attainment(scope=o, year=year, as_of=day))
            for o in standing
            for year, day in days
        }
        real = engine.tree_state
        monkeypatch.setattr(engine, "tree_state", lambda day: dataclasses.replace(real(day), changed=True))
        recounted = {
            (o.code, day): attainment_json(attainment(scope=o, year=year, as_of=day))
            for o in standing
            for year, day in days
        }
    assert sorted(key for key in tallied if recounted[key] != tallied[key]) == []
    assert len(tallied) > 100 and tallied[("LD.X-DONDUONG", D(2025, 12, 31))]["actual"] > 0


def test_after_the_reorganization_every_report_s_rows_add_up_to_its_total(seeded_demo):
    """A commune of 1 July 2025 holds its merged predecessors' admissions of the year: the
    row of what counts at the organization itself names them, and with it the children's
    rows add up to the total, the forecast and last year's figure, in every report."""
    today = timezone.localdate()
    demo.seed_reorganized(StringIO(), today=today)
    with translation.override("vi"):
        for org in [o for o in Organization.objects.order_by("path") if o.is_active]:
            for year, day in ((2025, D(2025, 12, 31)), (today.year, today)):
                data = attainment_json(attainment(scope=org, year=year, as_of=day))
                rows = [*data["children"], *([data["own"]] if data["own"] else [])]
                if not rows:
                    continue
                assert sum(r["actual"] for r in rows) == data["actual"], (org.code, day)
                if data["forecast"] is not None:
                    assert sum(r["forecast"] or 0 for r in rows) == data["forecast"], (org.code, day)
        commune = Organization.objects.get(code="LD.X-DONDUONG")
        result = attainment(scope=commune, year=2025, as_of=D(2025, 12, 31))
    assert result.own.merged == ["Đảng bộ thị trấn Thạnh Mỹ", "Đảng bộ xã Tu Tra", "Đảng bộ xã Đạ Ròn"]
    assert result.own.actual == result.actual - sum(c.actual for c in result.children) > 0
    # The provinces merged into Lâm Đồng on 01/07/2025 are named from that day, not before
    # (its row of what counts at it: its 2024 entered as a count).
    province = Organization.objects.get(code="LD")
    HistoricalResult.objects.create(organization=province, year=2024, count=85, source="Báo cáo tổng kết 2024")
    before, after = (attainment(scope=province, year=2025, as_of=day) for day in (D(2025, 6, 30), D(2025, 7, 1)))
    assert "Tỉnh ủy Bình Thuận" in after.own.merged
    assert before.own.merged == []


def test_a_plan_of_a_district_dissolved_in_the_year_counts_its_admissions_to_its_last_day(seeded_demo):
    """Đơn Dương's own 2025 plan (88 new members) in the province's report of the year's
    end: the district admitted 20 up to 30/06/2025, its last day; in the tree of 31/12 it
    holds nothing, which read 0 of 88. The figure is its own report's, its year over."""
    demo.seed_reorganized(StringIO(), today=timezone.localdate())
    district = Organization.objects.get(code="LD.DD")
    own = attainment(scope=district, year=2025, as_of=D(2025, 6, 30))
    (own_rule,) = [r for r in own.rules if r.rule.kind == "count" and r.rule.min_count == 88]
    assert own_rule.single.actual == own.actual == 20
    with translation.override("vi"):
        data = attainment_json(attainment(scope=Organization.objects.get(code="LD"), year=2025, as_of=D(2025, 12, 31)))
    rows = [r for r in data["rules"] if r["org"] == district.name and r["target_min"] == 88]
    assert [(r["actual"], r["ended_on"], r["status"], r["history"]) for r in rows] == [
        (20, "2025-07-01", "not_met", []),
        (20, "2025-07-01", "not_met", []),
    ]  # the count and the allocation of the same 88
    # Đà Lạt's 2 % of its new members: 1 of its 3 up to its last day. Its last year is no
    # base: today's tree holds nothing under it.
    dalat = Organization.objects.get(code="LD.DL")
    (share,) = [r for r in data["rules"] if r["org"] == dalat.name]
    assert (share["actual"], share["base"], share["planned_total"], share["ended_on"]) == (1, 3, None, "2025-07-01")
    # The rules over many organizations of the districts' plans measure what each district
    # held on its last day, up to that day: Đức Trọng's "each high school" lists the six
    # schools of its own report of 30/06 with the same figures (they vanished in the tree
    # of 31/12); 97-KH/TU's "each city or district committee" lists the three districts.
    province = attainment(scope=Organization.objects.get(code="LD"), year=2025, as_of=D(2025, 12, 31))
    ductrong = Organization.objects.get(code="LD.DT")
    last_day = attainment(scope=ductrong, year=2025, as_of=D(2025, 6, 30))

    def each(answer, issuer, kind):
        return [r for r in answer.rules if r.plan.issuer.pk == issuer.pk and r.many and r.kind == kind]

    for then, now in zip(each(last_day, ductrong, "count"), each(province, ductrong, "count"), strict=True):
        assert sorted((m.org.pk, m.actual) for m in now.measurements) == sorted(
            (m.org.pk, m.actual) for m in then.measurements
        )
        assert {m.ended_on for m in now.measurements} == {D(2025, 7, 1)}
    assert len(each(province, ductrong, "count")) == 2  # high schools, non-state enterprises
    # Đơn Dương's size and inactivity rules, on its last day: its own report's rows.
    dondung = Organization.objects.get(code="LD.DD")
    own_rules = {r.rule.pk: r for r in own.rules if r.rule.kind in ("cell_size", "inactivity")}
    now_rules = {r.rule.pk: r for r in each(province, dondung, "cell_size") + each(province, dondung, "inactivity")}
    assert set(now_rules) == set(own_rules) and len(own_rules) == 2
    for pk, now in now_rules.items():
        then = own_rules[pk]
        assert (now.matched, now.meeting) == (then.matched, then.meeting) == (7, 4 if now.kind == "cell_size" else 3)
        assert sorted((m.org.pk, m.members, m.last_admission_year) for m in now.failing) == sorted(
            (m.org.pk, m.members, m.last_admission_year) for m in then.failing
        )
        assert {(m.status, m.ended_on) for m in now.failing} == {("not_met", D(2025, 7, 1))}  # its year over
        assert not any(m.forecast for m in now.failing)
    (districts,) = [r for r in province.rules if r.many and "district" in r.rule.forms]
    assert sorted((m.org.code, m.actual, m.status) for m in districts.measurements) == [
        ("LD.DD", 0, "not_met"),
        ("LD.DL", 1, "exceeded"),
        ("LD.DT", 0, "not_met"),
    ]


def test_the_allocation_of_a_district_dissolved_in_the_year_counts_every_row_to_its_last_day(seeded_demo):
    """Đơn Dương's 2025 allocation in the province's report of the year's end: its quota
    applied to its organizations until 30/06/2025. Every row counts up to that day (the
    schools and the police kept admitting under other committees afterwards), so the rows
    add up to the district's own 20."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    demo.seed_reorganized(StringIO(), today=timezone.localdate())
    with CaptureQueriesContext(connection) as queries:
        result = attainment(scope=Organization.objects.get(code="LD"), year=2025, as_of=D(2025, 12, 31))
    # One read for the rows that stood to the district's last day, the nine communes and
    # towns ended with it included, and one for the three districts' own plans; the
    # districts' rules over many organizations, from the province's tree of that day, each
    # district's organizations (3), member counts (1), latest admission years (2): 107
    # queries when each ended organization read its own tree of the day. The years with counts
    # entered before the reorganization, the organizations that moved since and where they
    # stood then, the counts above them and those committees' paths then (4: entered_over).
    assert len(queries) <= 37
    table = next(t for t in result.allocations if t.subject.code == "LD.DD")
    own = attainment(scope=table.subject, year=2025, as_of=D(2025, 6, 30))
    own_table = next(t for t in own.allocations if t.subject.code == "LD.DD")
    assert {r.org.code: r.actual for r in table.rows} == {r.org.code: r.actual for r in own_table.rows}
    assert sum(r.actual for r in table.rows) == table.actual == own.actual == 20
    assert all(r.status == "met" or r.status == "not_met" for r in table.rows)  # its year is over


def test_on_a_districts_last_day_the_province_reads_its_year_as_over_as_its_own_report_does(seeded_demo):
    """30/06/2025, Đơn Dương's last day: its own report is its closing one (final statuses,
    no forecast). The province's report of that day reads it alike: its row among the
    province's organizations, its own plan's rule, its allocation table (the province's
    copy of the rows under it) and the rows of the province's own table; the figures do
    not change, and the rows still show their period beside last year's."""
    demo.seed_reorganized(StringIO(), today=timezone.localdate())
    day = D(2025, 6, 30)
    district = Organization.objects.get(code="LD.DD")
    own = attainment(scope=district, year=2025, as_of=day)
    province = attainment(scope=Organization.objects.get(code="LD"), year=2025, as_of=day)
    assert own.year_over and not province.year_over
    (row,) = [c for c in province.children if c.org.pk == district.pk]
    (own_rule,) = [r for r in own.rules if r.rule.kind == "count" and r.rule.min_count == 88]
    (rule,) = [r for r in province.rules if r.rule.pk == own_rule.rule.pk]
    assert (row.actual, row.target, row.status) == (own.actual, 88, "not_met") == (20, 88, own_rule.status)
    assert (rule.single.actual, rule.status, rule.single.forecast) == (20, "not_met", None)
    assert row.forecast is not None  # its candidates go on under the new communes: still in the province's pipeline
    table = next(t for t in province.allocations if t.subject.pk == district.pk)
    own_table = next(t for t in own.allocations if t.subject.pk == district.pk)
    assert [(r.org.pk, r.actual, r.status) for r in table.rows] == [
        (r.org.pk, r.actual, r.status) for r in own_table.rows
    ]
    assert all(r.status in ("met", "not_met") for r in table.rows)  # its year is over
    assert all(r.period is not None for r in table.rows)
    # The day before, both read a running year.
    before = attainment(scope=Organization.objects.get(code="LD"), year=2025, as_of=D(2025, 6, 29))
    (row,) = [c for c in before.children if c.org.pk == district.pk]
    assert row.status != "not_met" and not attainment(scope=district, year=2025, as_of=D(2025, 6, 29)).year_over
