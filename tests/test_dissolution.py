"""A dissolution leaves no records where no organization stands: admissions dated from its
day and candidates still on the road refuse it (a merger takes them over instead). After
it, the start page reads the organization's last year to its last day, and the calendar
asks it only for reports on periods it stood through to their end."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from admissions.categories import Category
from admissions.models import Outcome, Step
from organizations.models import Membership, Role
from organizations.services import organization_dissolve, organization_merge
from quotas.models import Milestone, Recurrence, RuleKind
from quotas.selectors import creatable_issuers
from reports.calendar import reports_due
from reports.engine import attainment

from .conftest import TODAY
from .test_reorganize import _errors, _file
from .test_reports_engine import admit, allocate, make_candidate, make_plan, make_rule

D = dt.date


def _refusal(organization, on_date) -> str:
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        organization_dissolve(organization=organization, on_date=on_date, today=TODAY)
    organization.refresh_from_db()
    assert organization.dissolved_on is None  # nothing changed
    return " ".join(refused.value.messages)


def test_admissions_dated_from_the_day_refuse_a_dissolution_until_it_is_dated_after_them(tree):
    admit(tree.enterprise, D(2025, 3, 5))
    admit(tree.enterprise, D(2025, 5, 20))
    admit(tree.enterprise, D(2025, 6, 2))
    text = _refusal(tree.enterprise, D(2025, 5, 1))
    assert "has 2 admission(s) dated on or after 01/05/2025 (the first on 20/05/2025)" in text
    assert "merge it into its successor" in text

    organization_dissolve(organization=tree.enterprise, on_date=D(2025, 6, 3), today=TODAY)
    tree.enterprise.refresh_from_db()
    assert tree.enterprise.dissolved_on == D(2025, 6, 3)


def test_candidates_on_the_road_refuse_a_dissolution_those_who_left_do_not(tree):
    make_candidate(tree.enterprise, step=Step.DECISION)
    make_candidate(tree.enterprise, step=Step.CELL_RESOLUTION, outcome=Outcome.WITHDRAWN)
    text = _refusal(tree.enterprise, D(2025, 5, 1))
    assert "has 1 candidate(s) still in progress" in text
    assert "admission(s)" not in text


def test_a_merger_takes_the_records_over_where_a_dissolution_is_refused(tree):
    admit(tree.city_school, D(2025, 5, 20))
    make_candidate(tree.city_school, step=Step.DECISION)
    tree.city_school.refresh_from_db()
    tree.school.refresh_from_db()
    organization_merge(source=tree.city_school, target=tree.school, on_date=D(2025, 5, 1), today=TODAY)
    tree.school.refresh_from_db()
    report = attainment(scope=tree.school, year=2025, as_of=TODAY)
    assert (report.actual, report.forecast) == (1, 1)


def test_the_page_and_a_reorganization_file_say_why_in_vietnamese(client_for, users, tree):
    admit(tree.enterprise, D(2025, 5, 20))
    url = reverse("organizations:dissolve", kwargs={"org_pk": tree.enterprise.pk})
    response = client_for("admin").post(url, {"on_date": "2025-05-01"})
    assert response.status_code == 200
    errors = str(response.context["form"].non_field_errors())
    assert "có 1 đảng viên được kết nạp từ ngày 01/05/2025 trở đi (người đầu tiên ngày 20/05/2025)" in errors
    tree.enterprise.refresh_from_db()
    assert tree.enterprise.dissolved_on is None

    errors = _errors(_file(("giải thể", "01/05/2025", "LD.DD.DN", "", "", "", "")), users.admin)
    assert "có 1 đảng viên được kết nạp từ ngày 01/05/2025 trở đi" in errors[2]
    assert "sáp nhập tổ chức này vào tổ chức kế thừa" in errors[2]


@pytest.fixture
def dissolved_school(tree, monkeypatch):
    """The school has 4 to admit in 2025; it admits one on 10/02 and is dissolved on 01/03."""
    monkeypatch.setattr("partyplans.views.timezone.localdate", lambda: TODAY)
    allocate(make_rule(make_plan(tree.district), RuleKind.ALLOCATION, min_count=4), tree.school, 4)
    admit(tree.school, D(2025, 2, 10))
    organization_dissolve(organization=tree.school, on_date=D(2025, 3, 1), today=TODAY)
    tree.school.refresh_from_db()
    return tree.school


def test_the_start_page_reads_a_dissolved_organization_to_its_last_day(client_for, dissolved_school):
    page = client_for("clerk").get("/").content.decode()  # the clerk of the school
    assert 'data-testid="home-ended"' in page
    assert "Đã kết thúc hoạt động từ ngày 01/03/2025: số liệu năm 2025, đến ngày 28/02/2025" in page
    assert 'data-testid="home-actual">1<' in page
    pdf = reverse("reports:export_pdf", args=[dissolved_school.pk])
    assert f"{pdf}?year=2025&amp;as_of=2025-02-28" in page


def test_the_report_of_a_dissolved_organization_s_last_day_is_its_closing_one(client_for, dissolved_school):
    """The school admitted 1 of its 4 by 28/02/2025, its last day: it will admit no more, so
    its report of that day is final (not met, no forecast), as the district's allocation
    table reads its row. A report of an earlier day keeps its pace."""
    closing = attainment(scope=dissolved_school, year=2025, as_of=D(2025, 2, 28))
    assert (closing.year_over, closing.forecast) == (True, None)
    assert [(row.actual, row.status) for row in closing.allocations[0].rows] == [(1, "not_met")]
    # A later day reads as its last day (in the tree of that day nothing counts under it).
    later = attainment(scope=dissolved_school, year=2025, as_of=D(2025, 12, 31))
    assert (later.as_of, later.actual, later.allocations[0].rows[0].actual) == (D(2025, 2, 28), 1, 1)
    earlier = attainment(scope=dissolved_school, year=2025, as_of=D(2025, 1, 31))
    assert not earlier.year_over and earlier.allocations[0].rows[0].status not in ("met", "not_met")

    # The documents say so: the PDF under "I. KẾT QUẢ CHUNG", the workbook under the title.
    from reports.pdf import render_pdf_html
    from reports.report import build_report

    with translation.override("vi"):
        report = build_report(closing)
        html = render_pdf_html(report)
        assert not build_report(earlier).closing
    note = "Đã giải thể từ ngày 01/03/2025: năm công tác của tổ chức kết thúc ở ngày hoạt động cuối cùng"
    assert report.closing.startswith(note) and note in report.summary.caption
    assert f'data-testid="closing">{report.closing}<' in html

    client = client_for("clerk")
    page = client.get(reverse("reports:dashboard", args=[dissolved_school.pk])).content.decode()
    assert "Năm công tác của tổ chức kết thúc ở ngày đó" in page and 'data-testid="closing"' in page
    page = client.get(reverse("reports:dashboard", args=[dissolved_school.pk]) + "?year=2025&as_of=2025-01-31")
    assert 'data-testid="ended"' in page.content.decode() and 'data-testid="closing"' not in page.content.decode()


def test_an_active_organization_has_no_ended_note(client_for, tree, monkeypatch):
    monkeypatch.setattr("partyplans.views.timezone.localdate", lambda: TODAY)
    page = client_for("clerk").get("/").content.decode()
    assert 'data-testid="home-ended"' not in page
    assert f"year=2025&amp;as_of={TODAY.isoformat()}" in page


def test_a_dissolved_organization_owes_reports_only_on_periods_it_stood_through(tree):
    """As the province's board of reports lists the committees standing at a period's end:
    the period an organization ended in is reported by those above it."""
    plan = make_plan(tree.district, first_year=2025, last_year=2026, number="12", symbol="KH/HU")
    Milestone.objects.create(plan=plan, title="Báo cáo quý", due_on=D(2025, 3, 31), recurrence=Recurrence.QUARTERLY)
    Milestone.objects.create(plan=plan, title="Tổng kết năm", due_on=D(2025, 12, 31), recurrence=Recurrence.YEARLY)
    organization_dissolve(organization=tree.enterprise, on_date=D(2025, 5, 1), today=TODAY)
    tree.enterprise.refresh_from_db()

    owed = [(d.due_on, d.period.key) for d in reports_due(tree.enterprise, D(2025, 3, 10), limit=None)]
    assert owed == [(D(2025, 3, 31), "2025-Q1")]  # it stood through the first quarter
    for day in (D(2025, 6, 10), D(2025, 7, 10), D(2026, 1, 10)):  # not Q2 nor the year: it ended in them
        assert reports_due(tree.enterprise, day, limit=None) == []
    from submissions import selectors

    board = selectors.board(tree.district, period=selectors.parse_period("2025-Q2"), today=D(2025, 7, 10))[0]
    assert tree.enterprise.pk not in {row.organization.pk for row in board}
    # An organization still standing owes them all.
    assert len(reports_due(tree.school, D(2025, 7, 10), limit=None)) == 2


def test_a_dissolved_organization_is_offered_no_new_plan_or_allocation(tree, django_user_model):
    planner = django_user_model.objects.create_user(username="dn.planner", password="x")
    Membership.objects.create(user=planner, organization=tree.enterprise, role=Role.PLANNER)
    assert list(creatable_issuers(planner)) == [tree.enterprise]
    organization_dissolve(organization=tree.enterprise, on_date=D(2025, 5, 1), today=TODAY)
    assert list(creatable_issuers(planner)) == []  # the plan service would refuse it


def test_an_ended_organization_lists_no_committees_behind_nor_a_forecast(client, tree, django_user_model, monkeypatch):
    """Its committees were behind on its last day, not now: the list is of this year's work;
    and it admits no one any more (its candidates went on with its successor)."""
    from .conftest import takes_cells

    monkeypatch.setattr("partyplans.views.timezone.localdate", lambda: TODAY)
    planner = django_user_model.objects.create_user(username="kd.planner", password="x")
    Membership.objects.create(user=planner, organization=tree.commune, role=Role.PLANNER)
    allocate(make_rule(make_plan(tree.commune), RuleKind.ALLOCATION, min_count=5), tree.cell, 5)
    make_candidate(tree.commune, step=Step.CELL_RESOLUTION)
    client.force_login(planner)
    page = client.get("/").content.decode()
    assert 'data-testid="home-behind"' in page  # the cell, with nothing admitted
    # A cell is no committee: the heading said "Các cấp ủy trực thuộc … đang chậm".
    assert f"Các tổ chức trực thuộc {tree.commune.name} đang chậm" in page
    assert 'data-testid="home-forecast">+1<' in page

    tree.commune.refresh_from_db()
    tree.enterprise.refresh_from_db()
    takes_cells(tree.enterprise)
    organization_merge(source=tree.commune, target=tree.enterprise, on_date=D(2025, 5, 1), today=TODAY)
    page = client.get("/").content.decode()
    assert 'data-testid="home-ended"' in page
    assert 'data-testid="home-behind"' not in page
    assert 'data-testid="home-forecast"><' in page


def test_check_dissolved_lists_what_a_database_holds_from_before_the_check(tree):
    """A dissolution written before the refusal existed (here: straight in the table)."""
    from io import StringIO

    from django.core.management import CommandError, call_command

    from organizations.models import Organization

    admit(tree.enterprise, D(2025, 5, 20))
    out = StringIO()
    call_command("check_dissolved", stdout=out)
    assert "No dissolved organization holds records" in out.getvalue()

    Organization.objects.filter(pk=tree.enterprise.pk).update(dissolved_on=D(2025, 5, 1))
    out = StringIO()
    with translation.override("en"), pytest.raises(CommandError, match="1 dissolved organization"):
        call_command("check_dissolved", stdout=out)
    assert "LD.DD.DN: " in out.getvalue() and "1 admission(s) dated on or after 01/05/2025" in out.getvalue()


def test_check_dissolved_lists_member_counts_and_results_from_after_the_end(tree):
    """Written before the pages refused them (here: straight in the tables): a member count
    dated after a merger, a dissolved organization's count and its result of a later year."""
    from io import StringIO

    from django.core.management import CommandError, call_command

    from organizations.models import MemberCount
    from organizations.services import organization_dissolve, organization_merge
    from reports.models import HistoricalResult

    organization_dissolve(organization=tree.enterprise, on_date=D(2025, 7, 1), today=D(2025, 7, 1))
    organization_merge(source=tree.school, target=tree.city_school, on_date=D(2025, 7, 1), today=D(2025, 7, 1))
    HistoricalResult.objects.create(organization=tree.enterprise, year=2025, count=3)  # it stood half of 2025
    HistoricalResult.objects.create(organization=tree.school, year=2026, count=3)  # merged: its successor's
    out = StringIO()
    call_command("check_dissolved", stdout=out)
    assert "No dissolved organization holds records" in out.getvalue()

    MemberCount.objects.create(organization=tree.school, as_of=D(2025, 9, 1), members=30)
    MemberCount.objects.create(organization=tree.enterprise, as_of=D(2025, 7, 1), members=12)
    HistoricalResult.objects.create(organization=tree.enterprise, year=2026, count=7)
    out = StringIO()
    with translation.override("en"), pytest.raises(CommandError, match="2 dissolved organization"):
        call_command("check_dissolved", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines == [
        "LD.DD.THPT: Chi bộ Trường THPT Đơn Dương has 1 member count(s) dated on or after 01/07/2025.",
        "LD.DD.DN: Chi bộ Công ty TNHH Đồng Thúy has 1 member count(s) dated on or after 01/07/2025."
        " Chi bộ Công ty TNHH Đồng Thúy has historical results of years after its dissolution: 2026.",
    ]


def test_a_dissolved_committee_sets_no_target_for_a_year_it_never_stood_in(tree):
    """Thành ủy Đà Lạt's plan for 2025–2026 allocates 2 to its school; the city is
    dissolved on 01/07/2025 (its school moved under Đơn Dương). The province's 2025 report
    still shows the city's table, the school's row to the day; its 2026 report has no rule
    of a committee that stood no day of 2026."""
    from organizations.services import organization_move

    plan = make_plan(tree.city, first_year=2025, last_year=2026, number="12", symbol="KH/ThU")
    allocate(make_rule(plan, RuleKind.ALLOCATION, min_count=2), tree.city_school, 2)
    admit(tree.city_school, D(2025, 3, 1))
    today = D(2026, 3, 1)
    organization_move(organization=tree.city_school, new_parent=tree.district, on_date=D(2025, 7, 1), today=today)
    organization_dissolve(organization=tree.city, on_date=D(2025, 7, 1), today=today)

    def city_rules(year, day):
        answer = attainment(scope=tree.province, year=year, as_of=day)
        return [r for r in answer.rules if r.plan == plan], [t for t in answer.allocations if t.plan == plan]

    rules, tables = city_rules(2025, D(2025, 12, 31))
    assert len(rules) == 1 and [row.actual for row in tables[0].rows] == [1]
    assert city_rules(2026, today) == ([], [])


def test_a_rule_over_each_school_of_a_committee_dissolved_in_the_year_measures_its_schools_to_its_last_day(
    tree, client_for
):
    """Thành ủy Đà Lạt asks each of its high schools for a pupil in 2025. The city is
    dissolved on 01/07/2025, its school moved under Đơn Dương. The province's year-end
    report still shows the rule, over the school it held, counted up to 30/06/2025: the
    school's admission of September was under Đơn Dương. In the tree of 31/12 nothing stands
    under the city, and the rule vanished from the report."""
    from organizations.services import organization_move

    plan = make_plan(tree.city, first_year=2025, number="12", symbol="KH/ThU")
    make_rule(plan, RuleKind.COUNT, applies_to_each=True, sectors=["high_school"], min_count=2)
    admit(tree.city_school, D(2025, 3, 1))
    today = D(2026, 3, 1)
    organization_move(organization=tree.city_school, new_parent=tree.district, on_date=D(2025, 7, 1), today=today)
    admit(tree.city_school, D(2025, 9, 1))
    organization_dissolve(organization=tree.city, on_date=D(2025, 7, 1), today=today)

    answer = attainment(scope=tree.province, year=2025, as_of=D(2025, 12, 31))
    (rule,) = [r for r in answer.rules if r.plan == plan]
    assert [(m.org.pk, m.actual, m.ended_on, m.status) for m in rule.measurements] == [
        (tree.city_school.pk, 1, D(2025, 7, 1), "not_met")  # its year over: 1 of 2
    ]
    assert (rule.matched, rule.meeting, rule.status) == (1, 0, "not_met")
    # It was the city's school then: the committees of today do not list it as theirs; the
    # comparison keeps it in a row of the city, named with its last day.
    from reports.report.compare import compare_rows

    assert [
        (row["org"].pk, row["plan"], row["meeting"], row["measured"]) for row in compare_rows(answer, "count:")
    ] == [(tree.city.pk, plan.label, 0, 1)]
    assert "30/06/2025" in compare_rows(answer, "count:")[0]["name"]
    # The page says to which day the school is counted.
    page = client_for("province_planner").get(f"/reports/{tree.province.pk}/?year=2025&as_of=2025-12-31")
    assert (
        'Chi bộ Trường THPT Trần Phú</a> <span class="muted" data-testid="failing-until">(đến 30/06/2025)</span>'
        in page.content.decode()
    )
    # The city's own report of its last day said the same, on pace then.
    own = attainment(scope=tree.city, year=2025, as_of=D(2025, 6, 30))
    (then,) = [r for r in own.rules if r.plan == plan]
    assert [(m.org.pk, m.actual) for m in then.measurements] == [(tree.city_school.pk, 1)]


def test_a_school_dissolved_in_the_year_stays_in_a_rule_over_each_school_with_its_figures(tree):
    """The province asks each high school for a pupil in 2025; Trường THPT Đơn Dương admits
    one in March and is dissolved on 01/07/2025. The year-end report lists it, met, counted
    up to 30/06/2025 and saying so; Trần Phú, standing, is not met."""
    plan = make_plan(tree.province, first_year=2025)
    make_rule(plan, RuleKind.COUNT, applies_to_each=True, sectors=["high_school"], min_count=1)
    admit(tree.school, D(2025, 3, 1))
    organization_dissolve(organization=tree.school, on_date=D(2025, 7, 1), today=D(2026, 3, 1))

    answer = attainment(scope=tree.province, year=2025, as_of=D(2025, 12, 31))
    (rule,) = [r for r in answer.rules if r.plan == plan]
    assert [(m.org.pk, m.actual, m.ended_on, m.status) for m in rule.measurements] == [
        (tree.school.pk, 1, D(2025, 7, 1), "met"),
        (tree.city_school.pk, 0, None, "not_met"),
    ]
    # Before the dissolution, as before.
    answer = attainment(scope=tree.province, year=2025, as_of=D(2025, 6, 30))
    (rule,) = [r for r in answer.rules if r.plan == plan]
    assert [(m.org.pk, m.ended_on) for m in rule.measurements] == [(tree.school.pk, None), (tree.city_school.pk, None)]


def test_a_school_merged_in_the_year_is_not_a_row_of_a_rule_over_each_school(tree):
    """Trần Phú is merged into Trường THPT Đơn Dương on 01/07/2025: its admission of March
    counts with its successor, the one row of the province's rule over each high school."""
    plan = make_plan(tree.province, first_year=2025)
    make_rule(plan, RuleKind.COUNT, applies_to_each=True, sectors=["high_school"], min_count=1)
    admit(tree.city_school, D(2025, 3, 1))
    organization_merge(source=tree.city_school, target=tree.school, on_date=D(2025, 7, 1), today=D(2026, 3, 1))

    answer = attainment(scope=tree.province, year=2025, as_of=D(2025, 12, 31))
    (rule,) = [r for r in answer.rules if r.plan == plan]
    assert [(m.org.pk, m.actual, m.ended_on, m.status) for m in rule.measurements] == [(tree.school.pk, 1, None, "met")]


def test_size_and_inactivity_rules_of_a_committee_dissolved_in_the_year_are_checked_on_its_last_day(tree):
    """Thành ủy Đà Lạt asks its cells for 10 members and an admission a year. Its school had
    8 members and no admission up to 30/06/2025, the city's last day; under Đơn Dương it
    reached 12 and admitted one in September. The province's year-end report checks the
    city's rules on its last day: the school fails both, its year over."""
    from organizations.services import member_count_record, organization_move

    plan = make_plan(tree.city, first_year=2025, number="12", symbol="KH/ThU")
    make_rule(plan, RuleKind.CELL_SIZE, applies_to_each=True, forms=["grassroots_cell"], min_count=10)
    make_rule(plan, RuleKind.INACTIVITY, applies_to_each=True, forms=["grassroots_cell"], years_without=1)
    member_count_record(organization=tree.city_school, as_of=D(2025, 1, 1), members=8)
    today = D(2026, 3, 1)
    organization_move(organization=tree.city_school, new_parent=tree.district, on_date=D(2025, 7, 1), today=today)
    member_count_record(organization=tree.city_school, as_of=D(2025, 9, 1), members=12)
    admit(tree.city_school, D(2025, 9, 1))
    organization_dissolve(organization=tree.city, on_date=D(2025, 7, 1), today=today)

    answer = attainment(scope=tree.province, year=2025, as_of=D(2025, 12, 31))
    size, idle = sorted((r for r in answer.rules if r.plan == plan), key=lambda r: r.kind)
    assert (size.kind, size.matched, size.meeting, size.status) == ("cell_size", 1, 0, "not_met")
    (row,) = size.failing
    assert (row.org.pk, row.members, row.ended_on, row.org.parent) == (
        tree.city_school.pk,
        8,
        D(2025, 7, 1),
        "Thành ủy Đà Lạt",
    )
    assert (idle.kind, idle.matched, idle.meeting, idle.status) == ("inactivity", 1, 0, "not_met")
    (row,) = idle.failing
    assert (row.org.pk, row.last_admission_year, row.forecast) == (tree.city_school.pk, None, None)


def test_the_committee_and_the_school_that_hold_a_dissolved_city_s_school_report_its_rules_over_each_school(
    tree, client_for
):
    """Thành ủy Đà Lạt asked each of its high schools for two admissions, and its cells
    for 10 members, in 2025; dissolved on 01/07/2025, its school moved under Huyện ủy Đơn
    Dương. The province's year-end report lists the school failing both, counted to
    30/06/2025. Đơn Dương's report and the school's own said nothing of either rule: the
    committee that holds the school now signs a report silent on a target the province
    marks as missed. They list the same row, with the same figures; a committee that never
    held the school does not."""
    from organizations.models import OrgForm
    from organizations.services import member_count_record, organization_move

    plan = make_plan(tree.city, first_year=2025, number="12", symbol="KH/ThU")
    make_rule(plan, RuleKind.COUNT, applies_to_each=True, sectors=["high_school"], min_count=2)
    make_rule(plan, RuleKind.CELL_SIZE, applies_to_each=True, forms=[OrgForm.GRASSROOTS_CELL], min_count=10)
    enterprises = make_rule(plan, RuleKind.COUNT, applies_to_each=True, sectors=["non_state_enterprise"], min_count=1)
    member_count_record(organization=tree.city_school, as_of=D(2025, 1, 1), members=8)
    admit(tree.city_school, D(2025, 3, 1))
    today = D(2026, 3, 1)
    organization_move(organization=tree.city_school, new_parent=tree.district, on_date=D(2025, 7, 1), today=today)
    admit(tree.city_school, D(2025, 9, 1))
    organization_dissolve(organization=tree.city, on_date=D(2025, 7, 1), today=today)

    def rows(scope, day=None):
        answer = attainment(scope=scope, year=2025, as_of=day or D(2025, 12, 31), list_failing=True)
        # The city's rule over enterprises is nothing of theirs: not said to apply to none.
        assert enterprises.pk not in [note.rule.pk for note in answer.not_applying] or scope == tree.province
        by_kind = {r.rule.kind: r for r in answer.rules if r.plan == plan}
        count, size = by_kind[RuleKind.COUNT], by_kind[RuleKind.CELL_SIZE]
        return (
            [(m.org.pk, m.actual, m.ended_on, m.status) for m in count.measurements],
            (size.matched, [(m.org.pk, m.members, m.ended_on) for m in size.failing], size.status),
        )

    expected = (
        [(tree.city_school.pk, 1, D(2025, 7, 1), "not_met")],
        (1, [(tree.city_school.pk, 8, D(2025, 7, 1))], "not_met"),
    )
    assert rows(tree.province) == expected
    assert rows(tree.district) == expected
    # The JSON says where the city's rules stop counting (it said nothing: "ended_on" is a
    # rule's one subject's).
    from reports.serialize import attainment_json

    data = attainment_json(attainment(scope=tree.district, year=2025, as_of=D(2025, 12, 31)))
    city_rules = [r for r in data["rules"] if r["plan"] == plan.reference]
    assert len(city_rules) == 2 and {r["issuer_ended_on"] for r in city_rules} == {"2025-07-01"}
    own = [r for r in data["rules"] if r["plan"] != plan.reference]
    assert all(r["issuer_ended_on"] is None for r in own)
    assert rows(tree.city_school) == expected
    assert rows(tree.district, D(2025, 9, 30)) == expected  # its year is over on the city's last day
    # The committee's page lists it under the city's plan.
    page = client_for("district_planner").get(f"/reports/{tree.district.pk}/?year=2025&as_of=2025-12-31")
    assert page.status_code == 200
    assert "Chi bộ Trường THPT Trần Phú" in page.content.decode() and plan.label in page.content.decode()
    # Before the city's last day the school was not Đơn Dương's: its rules are not there.
    answer = attainment(scope=tree.district, year=2025, as_of=D(2025, 6, 30))
    assert not [r for r in answer.rules if r.plan == plan]
    # The same once the tree changed after the day (the reports read the tree of 31/12/2025).
    organization_move(organization=tree.enterprise, new_parent=tree.province, on_date=D(2026, 2, 1), today=today)
    assert rows(tree.district) == rows(tree.city_school) == expected
    # Renamed in 2026: the reports of 2025 name the school as it was then, in every list.
    from organizations.services import organization_update

    old_name = tree.city_school.name
    new_name = "Chi bộ THPT Trần Phú (mới)"
    organization_update(organization=tree.city_school, name=new_name, changes_from=today, today=today)
    for scope in (tree.province, tree.district, tree.city_school):
        answer = attainment(scope=scope, year=2025, as_of=D(2025, 12, 31), list_failing=True)
        names = {m.org.name for r in answer.rules if r.plan == plan for m in [*r.measurements, *r.failing]}
        assert names == {old_name}, scope


def test_the_province_page_says_to_which_day_a_dissolved_city_s_own_target_is_counted(tree, client_for):
    """Thành ủy Đà Lạt's own target of 3 for 2025, the city dissolved on 01/07/2025: the
    province's year-end page reads its 1 admission up to 30/06 and says so on the rule card."""
    plan = make_plan(tree.city, first_year=2025, number="12", symbol="KH/ThU")
    make_rule(plan, RuleKind.COUNT, min_count=3)
    from organizations.services import organization_move

    admit(tree.city_school, D(2025, 3, 1))
    today = D(2026, 3, 1)
    organization_move(organization=tree.city_school, new_parent=tree.district, on_date=D(2025, 7, 1), today=today)
    organization_dissolve(organization=tree.city, on_date=D(2025, 7, 1), today=today)

    page = client_for("province_planner").get(f"/reports/{tree.province.pk}/?year=2025&as_of=2025-12-31")
    assert (
        '<span class="muted" data-testid="rule-ended">(Thành ủy Đà Lạt tính đến ngày 30/06/2025, '
        "ngày hoạt động cuối cùng)</span>" in page.content.decode()
    )


def test_the_same_target_counted_to_the_city_s_last_day_is_a_line_of_its_own(tree, client_for):
    """The province and Thành ủy Đà Lạt both ask each high school for one pupil in 2025. The
    city is dissolved on 01/07/2025, its school moved under Đơn Dương; the school admitted a
    pupil in March and one in September: 1 to 30/06 for the city's plan, 2 by 31/12 for the
    province's, both met. The two were one line "97-KH/TU · 12-KH/ThU" showing 2 for both."""
    from organizations.services import organization_move
    from reports.report.rule_tables import group_same_targets

    province_plan = make_plan(tree.province, first_year=2025, number="97", symbol="KH/TU")
    make_rule(province_plan, RuleKind.COUNT, applies_to_each=True, sectors=["high_school"], min_count=1)
    city_plan = make_plan(tree.city, first_year=2025, number="12", symbol="KH/ThU")
    make_rule(city_plan, RuleKind.COUNT, applies_to_each=True, sectors=["high_school"], min_count=1)
    admit(tree.city_school, D(2025, 3, 1), Category.PUPIL)
    today = D(2026, 3, 1)
    organization_move(organization=tree.city_school, new_parent=tree.district, on_date=D(2025, 7, 1), today=today)
    admit(tree.city_school, D(2025, 9, 1), Category.PUPIL)
    organization_dissolve(organization=tree.city, on_date=D(2025, 7, 1), today=today)

    answer = attainment(scope=tree.city_school, year=2025, as_of=D(2025, 12, 31))
    lines = [
        ([p.label for p in plans], [(m.actual, m.status) for m in r.measurements])
        for r, plans in group_same_targets(answer.rules)
    ]
    assert lines == [([province_plan.label], [(2, "met")]), ([city_plan.label], [(1, "met")])]


def test_an_idle_school_counted_to_the_city_s_last_day_says_so_and_links_that_day(tree, client_for):
    """Thành ủy Đà Lạt asks its cells for an admission every year; its school admitted none
    up to 30/06/2025, the city's last day, and one in September under Đơn Dương. The
    province's year-end page said "(đến 30/06/2025) — chưa có đảng viên mới được ghi nhận"
    beside a children table counting the September admission, and linked the school's
    report of 31/12. It says to which day nobody was admitted and links that day."""
    from organizations.services import organization_move

    plan = make_plan(tree.city, first_year=2025, number="12", symbol="KH/ThU")
    make_rule(plan, RuleKind.INACTIVITY, applies_to_each=True, forms=["grassroots_cell"], years_without=2)
    today = D(2026, 3, 1)
    organization_move(organization=tree.city_school, new_parent=tree.district, on_date=D(2025, 7, 1), today=today)
    admit(tree.city_school, D(2025, 9, 1))
    organization_dissolve(organization=tree.city, on_date=D(2025, 7, 1), today=today)

    page = client_for("province_planner").get(f"/reports/{tree.province.pk}/?year=2025&as_of=2025-12-31")
    html = page.content.decode()
    row = html.split('data-testid="failing-until"', 1)[1].split("</li>", 1)[0]
    assert "không kết nạp đảng viên nào từ năm 2024 đến ngày 30/06/2025" in row
    link = html.split('data-testid="failing-until"', 1)[0].rsplit("<a href=", 1)[1]
    assert f'"/reports/{tree.city_school.pk}/?year=2025&amp;as_of=2025-06-30"' in link
    # The report of 30/06/2025 itself counts everyone to that day: no "(đến …)" that would
    # read as if the school had ended (it moved), and "since 2024" as for any cell.
    html = client_for("province_planner").get(f"/reports/{tree.province.pk}/?year=2025&as_of=2025-06-30").text
    failing = html.split("Chi bộ Trường THPT Trần Phú</a>", 1)[1].split("</li>", 1)[0]
    assert 'data-testid="failing-until"' not in failing and "30/06/2025" not in failing
    # … nor its workbook's table of the rule, which the 31/12 one names with the day.
    for day, named in (("2025-06-30", False), ("2025-12-31", True)):
        url = f"/reports/{tree.province.pk}/export.xlsx?year=2025&as_of={day}"
        book = openpyxl.load_workbook(io.BytesIO(client_for("province_planner").get(url).content))
        cells = [str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value]
        school = [c for c in cells if c.startswith("Chi bộ Trường THPT Trần Phú")]
        assert school and all(("(đến 30/06/2025)" in c) == named for c in school), (day, school)


def test_a_committee_founded_after_a_period_ended_is_not_told_of_its_report(tree, django_user_model):
    """A commune committee founded on 01/07/2025 owes nothing of the first half of 2025 (the
    committees standing on 30/06 report it): neither its calendar nor `notify_due` of
    03/07/2025 tells its planners of the report due on 08/07; the third quarter's is its own."""
    from io import StringIO

    from django.core.management import call_command

    from organizations.services import organization_create
    from submissions.models import Notification

    plan = make_plan(tree.province, first_year=2025, last_year=2026, number="5", symbol="KH/TU")
    Milestone.objects.create(plan=plan, title="Báo cáo 6 tháng", due_on=D(2025, 7, 8), recurrence=Recurrence.YEARLY)
    Milestone.objects.create(plan=plan, title="Báo cáo 9 tháng", due_on=D(2025, 10, 8), recurrence=Recurrence.YEARLY)
    new = organization_create(
        parent=tree.province,
        code="LD.X-MOI",
        name="Đảng ủy xã Mới",
        form=tree.commune.form,
        sector=tree.commune.sector,
        founded_on=D(2025, 7, 1),
    )
    planner = django_user_model.objects.create_user(username="xa.moi", password="x")
    Membership.objects.create(user=planner, organization=new, role=Role.PLANNER)

    assert [d.due_on for d in reports_due(new, D(2025, 7, 3), limit=None)] == [D(2025, 10, 8)]
    assert [d.due_on for d in reports_due(tree.district, D(2025, 7, 3), limit=None)][0] == D(2025, 7, 8)
    call_command("notify_due", "--today", "2025-07-03", stdout=StringIO())
    assert not Notification.objects.filter(user=planner).exists()


def test_notify_due_reminds_of_a_half_year_owed_to_the_board_of_its_end(tree, django_user_model):
    """On 01/07/2025 the school moved under the city and the enterprise was dissolved: the
    school's half year is owed on its district's milestone (05/07) too, which its place
    today does not read; the enterprise, ended that day, still owes its own half year and
    is reminded of it."""
    from io import StringIO

    from django.core.management import call_command

    from organizations.services import organization_move
    from submissions.models import Notification

    district_plan = make_plan(tree.district, first_year=2025, last_year=2026, number="7", symbol="KH/HU")
    Milestone.objects.create(
        plan=district_plan, title="Báo cáo 6 tháng", due_on=D(2025, 7, 5), recurrence=Recurrence.YEARLY
    )
    province_plan = make_plan(tree.province, first_year=2025, last_year=2026, number="5", symbol="KH/TU")
    Milestone.objects.create(
        plan=province_plan, title="Báo cáo 6 tháng", due_on=D(2025, 7, 8), recurrence=Recurrence.YEARLY
    )
    planners = {}
    for key in ("school", "enterprise"):
        planners[key] = django_user_model.objects.create_user(username=f"kh.{key}", password="x")
        Membership.objects.create(user=planners[key], organization=getattr(tree, key), role=Role.PLANNER)
    organization_move(organization=tree.school, new_parent=tree.city, on_date=D(2025, 7, 1), today=D(2025, 7, 1))
    organization_dissolve(organization=tree.enterprise, on_date=D(2025, 7, 1), today=D(2025, 7, 1))

    call_command("notify_due", "--today", "2025-07-01", stdout=StringIO())
    # Both plans above them on 30/06 ask for the half year: the district's by 05/07, the
    # province's by 08/07 (before, the school heard of the 08/07 only, the enterprise nothing).
    told = {key: sorted(n.text for n in Notification.objects.filter(user=user)) for key, user in planners.items()}
    assert told == {
        key: [
            f"Báo cáo 6 tháng đầu năm 2025 của {getattr(tree, key).name} đến hạn ngày {day}/07/2025."
            for day in ("05", "08")
        ]
        for key in planners
    }
    # The school's home page lists the same two, the district's first.
    from reports.home import reports_calendar

    (calendar,) = reports_calendar(planners["school"], D(2025, 7, 1))
    assert [(due.due_on, due.period.key) for due in calendar["owed"]][:2] == [
        (D(2025, 7, 5), "2025-6M"),
        (D(2025, 7, 8), "2025-6M"),
    ]


def test_an_ended_committee_s_planners_hear_of_no_late_children(tree, users):
    """The district was dissolved on 15/01/2026, its units moved under the city: its planners
    no longer review its children's 2025 reports, so notify_due of 10/03/2026 tells them of
    none late (it still reminds an ended organization of its own reports)."""
    from io import StringIO

    from django.core.management import call_command

    from organizations.services import organization_move
    from submissions.models import Notification

    plan = make_plan(tree.province, first_year=2025, last_year=2026, number="5", symbol="KH/TU")
    Milestone.objects.create(plan=plan, title="Tổng kết năm", due_on=D(2025, 12, 31), recurrence=Recurrence.YEARLY)
    day = D(2026, 1, 15)
    for unit in (tree.school, tree.commune, tree.enterprise):
        organization_move(organization=unit, new_parent=tree.city, on_date=day, today=day)
    tree.district.refresh_from_db()
    organization_dissolve(organization=tree.district, on_date=day, today=day)

    call_command("notify_due", "--today", "2026-03-10", stdout=StringIO())
    assert not Notification.objects.filter(user=users.district_planner).exists()
