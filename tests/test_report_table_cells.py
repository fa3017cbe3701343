"""The cells of a report table on the dashboard (`{% cells %}`, one tag per row): the
organization links to its dashboard, the achieved figures to the admissions behind them
only for a reader who may see names, statuses as badges, numbers right-aligned."""

from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from reports.engine import Status
from reports.report import INT, PERCENT, STATUS, TEXT
from reports.report.table import Column
from reports.templatetags.reports import cells

COLUMNS = [
    Column("No.", INT),
    Column("Organization", TEXT),
    Column("Target", INT),
    Column("Achieved", INT),
    Column("Rate", PERCENT),
    Column("Status", STATUS),
]
ROW = [1, "Chi bộ <A>", 10, 7, 0.7, Status.BEHIND]
QUERY = "year=2025&as_of=2025-06-30"


def _cells(row=ROW, link=None, can_see_names=True):
    with translation.override("en"):
        return str(cells(row, COLUMNS, link, QUERY, can_see_names))


def test_a_row_links_its_organization_and_its_achieved_figure_for_a_reader_of_names():
    html = _cells(link={"org": 42, "category": "pupil"})
    dashboard = reverse("reports:dashboard", args=[42]) + "?" + QUERY
    admissions = reverse("reports:admissions", args=[42]) + "?" + QUERY + "&category=pupil"
    assert html == (
        '<td class="num">1</td>'
        f'<td><a href="{escape(dashboard)}">Chi bộ &lt;A&gt;</a></td>'
        '<td class="num">10</td>'
        f'<td class="num"><a href="{escape(admissions)}">7</a></td>'
        '<td class="num">70,0%</td>'
        '<td><span class="badge warn">Behind</span></td>'
    )


def test_a_reader_without_names_gets_no_link_to_the_admissions():
    html = _cells(link={"org": 42}, can_see_names=False)
    assert reverse("reports:dashboard", args=[42]) in html
    assert reverse("reports:admissions", args=[42]) not in html
    assert '<td class="num">7</td>' in html


def test_a_totals_row_has_no_links_and_an_empty_status_stays_empty():
    html = _cells(row=[None, "Total", 10, 7, None, None], link=None)
    assert "<a " not in html
    assert html.endswith('<td class="num"></td><td></td>')
    assert '<td class="num">7</td>' in html


def test_an_achieved_figure_without_a_value_is_not_a_link():
    html = _cells(row=[1, "Chi bộ", 10, None, None, Status.MET], link={"org": 42})
    assert reverse("reports:admissions", args=[42]) not in html
    assert '<td><span class="badge ok">Met</span></td>' in html
