"""A renamed organization's report pages of a day before the rename name it as it was then
called, in their title and their own headings and sentences (as the exports already do):
the dashboard (its H1 and the note on the committees without a target), the admissions
behind a figure, and Biểu 2. The breadcrumbs (the organization in the tree now) keep
today's name."""

import datetime as dt

import pytest
from django.urls import reverse
from lxml import html as lxml_html

from admissions.categories import Category
from organizations.services import organization_update
from quotas.models import RuleKind

from .test_reports_engine import admit, allocate, make_plan, make_rule

D = dt.date
OLD, NEW = "Huyện ủy Đơn Dương", "Huyện ủy Đơn Dương mới"


@pytest.fixture
def renamed(tree, monkeypatch):
    """Đơn Dương, renamed from 01/10/2025; a plan of its own allocating the school only (its
    commune and enterprise have no target: the dashboard's note), and one admission per half."""
    monkeypatch.setattr("common.clock.today", lambda: D(2026, 3, 1))
    allocate(make_rule(make_plan(tree.district, number="159", symbol="KH/HU"), RuleKind.ALLOCATION), tree.school, 3)
    admit(tree.school, D(2025, 5, 1), Category.PUPIL)
    admit(tree.school, D(2025, 11, 1), Category.PUPIL)
    organization_update(organization=tree.district, name=NEW, changes_from=D(2025, 10, 1), today=D(2025, 12, 31))
    tree.district.refresh_from_db()
    assert tree.district.name == NEW
    return tree


def _get(client, view: str, org, params: dict):
    response = client.get(reverse(f"reports:{view}", kwargs={"org_pk": org.pk}), params)
    assert response.status_code == 200
    return lxml_html.fromstring(response.content.decode())


def _text(page, xpath: str) -> str:
    (element,) = page.xpath(xpath)
    return " ".join(element.text_content().split())


def _named(text: str, name: str, phrase: str = "{}") -> bool:
    """Whether `text` names the district `name` in `phrase`, and not by its other name (the
    old name is a prefix of the new one)."""
    return phrase.format(name) in text and (NEW in text) == (name == NEW)


@pytest.mark.parametrize(("as_of", "name"), [("2025-06-30", OLD), ("2025-09-30", OLD), ("2025-12-31", NEW)])
def test_the_dashboard_names_the_organization_as_on_its_day(renamed, client_for, as_of, name):
    page = _get(client_for("admin"), "dashboard", renamed.district, {"year": 2025, "as_of": as_of})
    assert _named(_text(page, "/html/head/title"), name)
    assert _named(_text(page, "//h1"), name)
    note = _text(page, '//*[@data-testid="without-target"]')
    assert "2 tổ chức chưa có chỉ tiêu năm 2025" in note and _named(note, name, "chưa được {} phân bổ")


def test_a_past_year_dashboard_is_named_as_on_its_last_day(renamed, client_for):
    page = _get(client_for("admin"), "dashboard", renamed.district, {"year": 2024})
    assert _named(_text(page, "/html/head/title"), OLD) and _named(_text(page, "//h1"), OLD)


@pytest.mark.parametrize(("as_of", "name"), [("2025-06-30", OLD), ("2025-12-31", NEW)])
def test_the_admissions_behind_a_figure_name_the_organization_as_on_the_lists_day(renamed, client_for, as_of, name):
    page = _get(client_for("admin"), "admissions", renamed.district, {"year": 2025, "as_of": as_of})
    assert _named(_text(page, "/html/head/title"), name)
    assert _named(_text(page, "//h1"), name, "Đảng viên mới của {} năm 2025")
    assert NEW in _text(page, '//nav[@class="breadcrumbs"]')


@pytest.mark.parametrize(("period", "name"), [("2025-Q2", OLD), ("2025-Q3", OLD), ("2025-Q4", NEW)])
def test_form_2_names_the_organization_as_on_its_periods_day(renamed, client_for, period, name):
    client = client_for("admin")
    page = _get(client, "bieu2", renamed.district, {"period": period})
    assert _named(_text(page, "/html/head/title"), name)
    assert _named(_text(page, "//h1"), name, "Biểu 2: đảng viên mới kết nạp của {}")
    assert NEW in _text(page, '//nav[@class="breadcrumbs"]')
    if period != "2025-Q3":  # a cell with admissions behind it: its list is titled as the form
        cell = _get(client, "bieu2_admissions", renamed.district, {"period": period, "row": "total"})
        assert _named(_text(cell, "/html/head/title"), name)


def test_a_period_that_runs_is_named_as_today(renamed, client_for, monkeypatch):
    """Counted to today: the form of the year 2025 read on 15/11/2025 is after the rename."""
    monkeypatch.setattr("common.clock.today", lambda: D(2025, 11, 15))
    page = _get(client_for("admin"), "bieu2", renamed.district, {"period": "2025"})
    assert _named(_text(page, "//h1"), NEW)


def test_a_rename_shows_at_once_on_a_dashboard_rendered_before_it(tree, client_for, monkeypatch):
    """The heading is in the cached body now: a rename must not leave the old name there."""
    monkeypatch.setattr("common.clock.today", lambda: D(2026, 3, 1))
    client = client_for("admin")
    params = {"year": 2025, "as_of": "2025-12-31"}
    assert _named(_text(_get(client, "dashboard", tree.district, params), "//h1"), OLD)
    organization_update(organization=tree.district, name=NEW, changes_from=D(2025, 10, 1), today=D(2025, 12, 31))
    tree.district.refresh_from_db()
    page = _get(client, "dashboard", tree.district, params)
    assert _named(_text(page, "//h1"), NEW) and _named(_text(page, "/html/head/title"), NEW)
    assert _named(_text(_get(client, "dashboard", tree.district, {"year": 2025, "as_of": "2025-06-30"}), "//h1"), OLD)


def test_the_dashboard_title_repeats_its_heading_whole(renamed, client_for):
    """The <title> names the organization as the (cached) body's heading does, with no query
    of its own (the province page's count, tests/test_province_dashboard.py): a name with
    characters HTML escapes comes through whole."""
    odd = 'Huyện ủy "Đơn Dương" & <Lạc Dương>'
    organization_update(organization=renamed.district, name=odd, changes_from=D(2026, 1, 1), today=D(2026, 3, 1))
    client = client_for("admin")
    for as_of, name in (("2025-12-31", NEW), ("2026-02-01", odd)):
        renamed.district.refresh_from_db()
        page = _get(client, "dashboard", renamed.district, {"year": int(as_of[:4]), "as_of": as_of})
        assert _text(page, "/html/head/title") == f"Kết quả thực hiện chỉ tiêu — {name} · Kế hoạch phát triển đảng viên"
        assert _text(page, "//h1") == f"{name}: chỉ tiêu năm {as_of[:4]}"
