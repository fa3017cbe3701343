"""The calendar of reports due: plans' milestones as what each organization reports next,
for which period and to whom, on past and future days; on the home page for planners."""

import datetime as dt

import pytest

from organizations.models import Organization
from quotas.models import Milestone, PlanStatus, Recurrence
from reports.calendar import period_reported, reports_due, reports_expected

from .test_reports_engine import make_plan

D = dt.date


@pytest.mark.parametrize(
    ("due_on", "recurrence", "key"),
    [
        (D(2025, 3, 5), Recurrence.ONCE, "2024"),  # grassroots report on last year by 05/03
        (D(2025, 3, 15), Recurrence.YEARLY, "2024"),  # the board to the standing committee by 15/03
        (D(2025, 3, 31), Recurrence.QUARTERLY, "2025-Q1"),
        (D(2025, 6, 30), Recurrence.QUARTERLY, "2025-Q2"),
        (D(2025, 1, 10), Recurrence.QUARTERLY, "2024-Q4"),
        (D(2025, 4, 15), Recurrence.ONCE, "2025-Q1"),
        (D(2025, 7, 20), Recurrence.ONCE, "2025-6M"),
        (D(2025, 10, 31), Recurrence.ONCE, "2025-9M"),  # dossiers by 31/10
        (D(2025, 12, 31), Recurrence.YEARLY, "2025"),  # the year-end review
    ],
)
def test_the_period_a_report_due_on_a_day_covers(due_on, recurrence, key):
    assert period_reported(due_on, recurrence).key == key


@pytest.fixture
def milestones(tree):
    """The province asks every committee for a year-end review (yearly, 31/12 from 2024);
    the district asks its grassroots organizations for quarterly reports and a March report."""
    province = make_plan(tree.province, first_year=2024)
    Milestone.objects.create(
        plan=province,
        title="Đánh giá, tổng kết cuối năm",
        due_on=D(2024, 12, 31),
        recurrence=Recurrence.YEARLY,
        responsible="Các huyện ủy",
    )
    district = make_plan(tree.district, first_year=2025, last_year=2025, number="12", symbol="KH/HU")
    for title, due_on, recurrence in [
        ("Báo cáo kết quả năm trước", D(2025, 3, 5), Recurrence.ONCE),
        ("Báo cáo tiến độ hằng quý", D(2025, 3, 31), Recurrence.QUARTERLY),
        ("Hoàn tất hồ sơ kết nạp", D(2025, 10, 31), Recurrence.ONCE),
    ]:
        Milestone.objects.create(plan=district, title=title, due_on=due_on, recurrence=recurrence)
    draft = make_plan(tree.district, first_year=2025, status=PlanStatus.DRAFT, number="13", symbol="KH/HU")
    Milestone.objects.create(plan=draft, title="Bản nháp", due_on=D(2025, 2, 1))
    return tree


def summary(items):
    return [(d.due_on, d.title, d.period.key, d.recipient.code) for d in items]


def test_a_school_owes_the_district_its_reports_next_due(milestones):
    school = milestones.school
    assert summary(reports_due(school, D(2025, 1, 20))) == [
        (D(2025, 3, 5), "Báo cáo kết quả năm trước", "2024", "LD.DD"),
        (D(2025, 3, 31), "Báo cáo tiến độ hằng quý", "2025-Q1", "LD.DD"),
        (D(2025, 10, 31), "Hoàn tất hồ sơ kết nạp", "2025-9M", "LD.DD"),
    ]
    # Later in the year: the March report is past, the dossiers and the year-end review come.
    assert summary(reports_due(school, D(2025, 9, 10), limit=None)) == [
        (D(2025, 9, 30), "Báo cáo tiến độ hằng quý", "2025-Q3", "LD.DD"),  # each milestone: its next date
        (D(2025, 10, 31), "Hoàn tất hồ sơ kết nạp", "2025-9M", "LD.DD"),
        (D(2025, 12, 31), "Đánh giá, tổng kết cuối năm", "2025", "LD.DD"),
    ]
    # The district's plan is for 2025: in 2026 only the province's yearly review is left.
    assert summary(reports_due(school, D(2026, 2, 1))) == [
        (D(2026, 12, 31), "Đánh giá, tổng kết cuối năm", "2026", "LD.DD"),
    ]
    first = reports_due(school, D(2025, 3, 5))[0]
    assert (first.due_on, first.days) == (D(2025, 3, 5), 0)  # due today is still due


def test_the_district_owes_the_province_and_expects_its_own_milestones_from_below(milestones):
    district = milestones.district
    owed = reports_due(district, D(2025, 11, 1), limit=None)
    assert summary(owed) == [(D(2025, 12, 31), "Đánh giá, tổng kết cuối năm", "2025", "LD")]
    assert reports_due(milestones.province, D(2025, 11, 1)) == []  # nobody above it
    expected = reports_expected(district, D(2025, 1, 20))
    assert [(e.due.title, e.due.period.key, e.senders) for e in expected] == [
        ("Báo cáo kết quả năm trước", "2024", 3),
        ("Báo cáo tiến độ hằng quý", "2025-Q1", 3),
        ("Hoàn tất hồ sơ kết nạp", "2025-9M", 3),
    ]
    assert all(e.due.recipient == district for e in expected)
    assert reports_expected(milestones.cell, D(2025, 1, 20)) == []  # nobody under a cell


def test_the_home_page_shows_planners_the_reports_due(client_for, milestones, monkeypatch):
    monkeypatch.setattr("partyplans.views.timezone.localdate", lambda: D(2025, 1, 20))
    page = client_for("district_planner").get("/").content.decode()
    assert 'data-testid="reports-due"' in page
    assert "<th>Đơn vị báo cáo</th><th>Gửi đến</th>" in page  # organizations, not dates
    assert "Báo cáo kết quả năm trước" in page and "05/03/2025" in page
    assert "?period=2024" in page and 'data-testid="due-expected"' in page
    owed = page.split('data-testid="due-owed"', 1)[1].split("</tr>", 1)[0]
    assert "31/12/2025" in owed and "Tỉnh ủy Lâm Đồng" in owed and "?period=2025" in owed
    # Clerks and viewers plan nothing: no calendar.
    assert 'data-testid="reports-due"' not in client_for("viewer").get("/").content.decode()


def test_the_demo_calendar_of_phan_rang_on_past_days(seeded_demo):
    """Seed 004: grassroots organizations report by 05/03, dossiers by 31/10, quarterly reports."""
    city = Organization.objects.get(name__startswith="Thành ủy Phan Rang")
    grassroots = Organization.objects.filter(path__startswith=city.path, depth=city.depth + 1).first()
    owed = reports_due(grassroots, D(2023, 3, 1), limit=None)
    assert [(d.due_on, d.period.key, d.recipient.pk) for d in owed][:2] == [
        (D(2023, 3, 5), "2022", city.pk),
        (D(2023, 3, 15), "2022", city.pk),
    ]
    later = reports_due(grassroots, D(2023, 10, 1), limit=None)
    # Dossiers by 31/10 is a deadline of its own (milestone kind "dossiers"), not a report on
    # the first nine months: the next report due is the quarter's.
    assert (D(2023, 10, 31), "2023-9M") not in [(d.due_on, d.period.key) for d in later]
    assert [(d.due_on, d.period.key) for d in later][:1] == [(D(2023, 12, 31), "2023-Q4")]
    # The city's plan was for 2023: nothing of it is due afterwards.
    assert all(d.plan.issuer_id != city.pk for d in reports_due(grassroots, D(2024, 1, 2), limit=None))


def test_reports_expected_come_from_the_organizations_under_it_at_the_period_s_end(milestones):
    """Last year's report is owed by those that stood under the district on 31/12/2024 (the
    enterprise moved to Đà Lạt since included, the cells founded in January not); this
    quarter's, by those under it today."""
    from organizations.models import OrgForm, Sector
    from organizations.services import organization_create, organization_move

    tree = milestones
    organization_move(organization=tree.enterprise, new_parent=tree.city, on_date=D(2025, 1, 10), today=D(2025, 1, 10))
    for n in (1, 2):
        tree.district.refresh_from_db()
        organization_create(
            parent=tree.district,
            code=f"LD.DD.NEW{n}",
            name=f"Chi bộ thôn mới {n}",
            form=OrgForm.GRASSROOTS_CELL,
            sector=Sector.VILLAGE,
            founded_on=D(2025, 1, 15),
        )
    tree.district.refresh_from_db()
    expected = reports_expected(tree.district, D(2025, 2, 1))
    assert [(e.due.period.key, e.senders) for e in expected][:2] == [("2024", 3), ("2025-Q1", 4)]
    assert expected[0].due.organization.code == "LD.DD.THPT"  # the first of them then
