"""A plan's default symbol follows its issuer's form as the reports' does (KH/ĐU for a
commune's Đảng ủy, not the district's KH/HU), and the plan pages show candidate
categories by their labels and ranges as the plan's sentences write them, never raw codes."""

import datetime as dt
import html
import re

import pytest
from django.urls import reverse

from admissions.categories import Category
from organizations.models import OrgForm, Sector
from organizations.services import organization_create
from quotas import services
from quotas.models import RuleKind
from quotas.view_helpers import plan_symbol
from reports.pdf import document_symbol

from .conftest import TODAY


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("common.clock.today", lambda: TODAY)


@pytest.fixture
def commune(tree):
    """A commune committee standing directly under the province (since the 2025 reorganization)."""
    tree.province.refresh_from_db()
    return organization_create(
        parent=tree.province, code="LD.XDD", name="Đảng ủy xã Đơn Dương", form=OrgForm.COMMUNE, sector=Sector.COMMUNE
    )


@pytest.fixture
def provincial_plan(tree, commune):
    """An issued provincial plan whose count, share (2–5%) and allocation rules bind the commune."""
    plan = services.plan_create(issuer=tree.province, title="Kế hoạch 97", symbol="KH/TU", first_year=2025)
    services.rule_create(
        plan=plan,
        today=TODAY,
        kind=RuleKind.COUNT,
        applies_to_each=True,
        forms=[OrgForm.COMMUNE],
        category=Category.PUPIL,
        min_count=1,
    )
    services.rule_create(
        plan=plan,
        today=TODAY,
        kind=RuleKind.SHARE_OF_ADMISSIONS,
        applies_to_each=True,
        forms=[OrgForm.COMMUNE],
        depth=1,
        category=Category.NON_STATE_WORKER,
        min_percent=2,
        max_percent=5,
    )
    table = services.rule_create(plan=plan, today=TODAY, kind=RuleKind.ALLOCATION, min_count=10)
    services.allocation_set(rule=table, rows=[services.RowInput(commune.pk, 5, {Category.PUPIL: 3})], today=TODAY)
    services.plan_issue(plan=plan, number="97", issued_on=dt.date(2025, 1, 8), today=TODAY)
    return plan


def _symbol_field(page: str) -> str:
    match = re.search(r'<input[^>]*name="symbol"[^>]*>', page)
    assert match, "no symbol field on the page"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return html.unescape(value.group(1)) if value else ""


def _text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


# --- Bug 1: the default symbol --------------------------------------------------------


def test_the_plan_symbol_follows_the_issuers_form_as_the_report_symbol_does(tree, commune):
    assert plan_symbol(tree.province) == "KH/TU"
    assert plan_symbol(tree.district) == "KH/HU"
    assert plan_symbol(tree.city) == "KH/ThU"  # Thành ủy Đà Lạt
    assert plan_symbol(commune) == "KH/ĐU"
    assert plan_symbol(tree.commune) == "KH/ĐU"  # a grassroots committee
    assert plan_symbol(tree.school) == "KH/CB"
    assert plan_symbol(tree.cell) == "KH/CB"
    for org in (tree.province, tree.district, tree.city, commune, tree.commune, tree.school, tree.cell):
        assert plan_symbol(org).split("/")[1:] == document_symbol(org).split("/")[1:]


def test_the_implement_page_of_a_commune_prefills_kh_du(client_for, commune, provincial_plan):
    page = client_for("admin").get(reverse("quotas:implement", args=[commune.pk, provincial_plan.pk]))
    assert page.status_code == 200
    assert _symbol_field(page.content.decode()) == "KH/ĐU"


def test_the_implement_page_of_a_district_still_prefills_kh_hu(client_for, tree, provincial_plan):
    page = client_for("district_planner").get(reverse("quotas:implement", args=[tree.district.pk, provincial_plan.pk]))
    assert page.status_code == 200
    assert _symbol_field(page.content.decode()) == "KH/HU"


def test_the_new_plan_form_prefills_the_issuers_symbol(client_for, tree, commune):
    client = client_for("admin")
    for org, symbol in ((commune, "KH/ĐU"), (tree.district, "KH/HU"), (tree.city, "KH/ThU"), (tree.province, "KH/TU")):
        page = client.get(reverse("quotas:create", args=[org.pk]))
        assert page.status_code == 200
        assert _symbol_field(page.content.decode()) == symbol, org.name


def test_a_commune_plan_created_from_the_prefilled_form_prints_kh_du(client_for, commune, provincial_plan):
    client = client_for("admin")
    url = reverse("quotas:implement", args=[commune.pk, provincial_plan.pk])
    symbol = _symbol_field(client.get(url).content.decode())
    response = client.post(url, {"title": "Kế hoạch 05", "symbol": symbol, "first_year": 2025})
    assert response.status_code == 302
    new = commune.plans.get()
    assert new.symbol == "KH/ĐU" and "KH/HU" not in new.label


# --- Bug 2: categories by their labels, ranges as the sentences write them ------------


def test_the_implement_page_shows_category_labels_and_the_range_not_raw_codes(client_for, commune, provincial_plan):
    page = client_for("admin").get(reverse("quotas:implement", args=[commune.pk, provincial_plan.pk]))
    content = page.content.decode()
    listing = _text(re.search(r'<ul data-testid="derived-rules">.*?</ul>', content, re.S).group(0))
    assert str(Category(Category.PUPIL).label) in listing
    assert "học sinh" in listing.lower()
    assert str(Category(Category.NON_STATE_WORKER).label) in listing
    assert "từ 2% đến 5%" in listing  # as the rule's sentence writes it
    assert "ít nhất 01" in listing and "ít nhất 03" in listing  # the count rule, the allocation's sub-quota
    for code in ("pupil", "non_state_worker"):
        assert code not in listing
    assert "≥" not in listing
    assert "2,00" not in listing


def test_the_allocation_grid_labels_its_cells_with_category_labels(client_for, commune, provincial_plan):
    table = provincial_plan.rules.get(kind=RuleKind.ALLOCATION)
    page = client_for("admin").get(reverse("quotas:allocations", args=[provincial_plan.pk, table.pk]))
    assert page.status_code == 200
    labels = [html.unescape(label) for label in re.findall(r'aria-label="([^"]*)"', page.content.decode())]
    pupil = str(Category(Category.PUPIL).label)
    assert f"{pupil} — Đảng ủy xã Đơn Dương" in labels
    assert not any(label.startswith(("pupil ", "student ", "non_state_worker ")) for label in labels)
