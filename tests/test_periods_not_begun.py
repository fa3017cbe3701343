"""A report is never counted to a day that has not come, and a period that has not begun has
no report yet: a board must not sign figures dated in the future, nor a year "from 01/01/2027
to 02/12/2026" compared with the whole of 2026. Today's candidates are this year's forecast,
not next year's too."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from quotas.models import RuleKind
from reports.engine import attainment
from tests.test_reports_engine import admit, make_candidate, make_plan, make_rule

TODAY = dt.date(2026, 12, 2)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("common.clock.today", lambda: TODAY)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


@pytest.fixture
def planned(tree):
    plan = make_plan(tree.district, first_year=2026, last_year=2027, number="9", symbol="KH/HU")
    make_rule(plan, RuleKind.COUNT, min_count=10)
    admit(tree.school, dt.date(2026, 3, 1))
    return plan


def test_next_year_has_its_targets_but_no_figure_nor_forecast_yet(tree, planned):
    att = attainment(scope=tree.district, year=2027, as_of=TODAY)
    assert att.actual == 0 and att.target == 10
    assert att.forecast is None and att.period_figure is None
    assert all(c.forecast is None and c.period is None for c in att.children)
    this_year = attainment(scope=tree.district, year=2026, as_of=TODAY)
    assert this_year.period_figure.actual == 1


def test_the_pages_count_to_today_at_the_latest_and_say_the_period_has_not_begun(tree, planned, client_for):
    planner = client_for("district_planner")
    page = planner.get(reverse("reports:dashboard", args=[tree.district.pk]) + "?period=2027-Q1").content.decode()
    assert "Quý I năm 2027 bắt đầu từ ngày 01/01/2027" in page and 'data-testid="not-begun"' in page
    assert "02/12/2026" in page and "31/03/2027" not in page  # counted to today, not the quarter's end
    assert 'data-testid="period-actual"' not in page  # no "01/01/2027–02/12/2026"
    page = planner.get(reverse("reports:dashboard", args=[tree.district.pk]) + "?year=2026&as_of=2027-03-15")
    assert page.status_code == 200 and "15/03/2027" not in page.content.decode()
    this_year = planner.get(reverse("reports:dashboard", args=[tree.district.pk])).content.decode()
    assert 'data-testid="not-begun"' not in this_year


@pytest.mark.parametrize(
    "name", ["reports:export_xlsx", "reports:export_pdf", "reports:bieu2_xlsx", "reports:bieu2_pdf"]
)
def test_no_report_of_a_period_not_begun_is_exported(tree, planned, client_for, name):
    planner = client_for("district_planner")
    response = planner.get(reverse(name, args=[tree.district.pk]) + "?period=2027-Q1", follow=True)
    assert response.redirect_chain and "bắt đầu từ ngày 01/01/2027" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


def test_the_commands_refuse_it_too(tree, planned, tmp_path):
    with pytest.raises(CommandError, match="bắt đầu từ ngày 01/01/2027"):
        call_command(
            "export_report", org=tree.district.code, period="2027-Q1", format="pdf", output=str(tmp_path / "a")
        )
    with pytest.raises(CommandError, match="bắt đầu từ ngày 01/01/2027"):
        call_command("bieu2", org=tree.district.code, period="2027", format="json")
    assert not (tmp_path / "a").exists()


def test_the_report_of_next_year_prints_no_forecast_anywhere(tree, planned):
    """Today's candidate at the village cell (inactive for years) is this year's forecast: the
    report of next year prints none for it, in the rule's rows or the organizations' total."""
    from admissions.models import Step
    from organizations.models import OrgForm
    from reports.report import build_report

    make_rule(planned, RuleKind.INACTIVITY, applies_to_each=True, forms=[OrgForm.CELL], years_without=3)
    make_candidate(tree.cell, step=Step.DECISION)
    this_year = build_report(attainment(scope=tree.district, year=2026, as_of=TODAY))
    idle = next(t for t in this_year.rule_tables if "03 năm" in t.title)
    assert [row[5] for row in idle.rows] == [1]  # the cell's forecast, this year
    report = build_report(attainment(scope=tree.district, year=2027, as_of=TODAY))
    idle = next(t for t in report.rule_tables if "03 năm" in t.title)
    assert [row[5] for row in idle.rows] == [None]
    assert report.children.totals[5] is None and 5 not in report.children.sum_columns


def test_biểu_2_of_days_to_come_is_refused_for_any_span(tree, planned, client_for):
    """Dates typed by hand (from/to) as well as a named period."""
    planner = client_for("district_planner")
    url = reverse("reports:bieu2_xlsx", args=[tree.district.pk]) + "?from=01/02/2027&to=28/02/2027"
    response = planner.get(url, follow=True)
    assert response.redirect_chain and "bắt đầu từ ngày 01/02/2027" in response.content.decode()
    page = planner.get(reverse("reports:bieu2", args=[tree.district.pk]) + "?from=01/02/2027&to=28/02/2027")
    assert "bắt đầu từ ngày 01/02/2027" in page.content.decode()
