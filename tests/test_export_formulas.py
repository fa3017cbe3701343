"""Every .xlsx the app writes stores user text as text, never as a formula, whatever it starts
with: names, codes, titles and notes set to formulas are read back as the same text (type s)."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from admissions.categories import Category
from admissions.models import Candidate
from organizations.models import Organization
from quotas.models import Plan, Rule
from tests.test_reports_engine import admit, plans  # noqa: F401  (plans is a fixture)

PAYLOADS = ["=1+1", "+1", "-1", "@SUM(1)", '=HYPERLINK("http://x","y")', "\t=1+1", "\r=1+1", "=1+1\t"]
# The formulas the report workbook writes itself (totals and rates).
OWN_FORMULAS = ("=SUM(", "=IF(")


@pytest.fixture
def hostile(tree, plans):  # noqa: F811
    """Every text a user types that an export writes, set to a formula."""
    names = {
        "district": "@SUM(1)",
        "school": '=HYPERLINK("http://x","y")',
        "commune": "\r=1+1",
        "enterprise": "+1",
        "cell": "-1",
    }
    for key, name in names.items():
        Organization.objects.filter(pk=getattr(tree, key).pk).update(name=name)
    Organization.objects.filter(pk=tree.school.pk).update(code="=LD.DD.THPT")
    Organization.objects.filter(pk=tree.district.pk).update(code="+LD.DD")
    for name in PAYLOADS:
        admit(tree.school, dt.date(2025, 3, 1), Category.PUPIL, name=name)
    Candidate.objects.filter(full_name="=1+1").update(ethnicity="-1")
    Plan.objects.filter(pk=plans["plan"].pk).update(title="=1+1", symbol="-KH/HU")
    Rule.objects.filter(plan=plans["plan"]).update(note="@SUM(1)")
    for org in vars(tree).values():
        org.refresh_from_db()
    return plans


def _cells(content: bytes):
    book = load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def _check(response, expected: set[str]):
    assert response.status_code == 200, response.status_code
    texts = set()
    for cell in _cells(response.content):
        if cell.data_type == "f":
            assert str(cell.value).startswith(OWN_FORMULAS), f"{cell.coordinate}: {cell.value!r} became a formula"
        elif cell.data_type == "s":
            texts.add(cell.value)
    missing = {text for text in expected if text not in texts}
    assert not missing, f"not written as text: {missing}"


def test_the_candidate_export(client_for, tree, hostile):
    response = client_for("district_planner").get(reverse("admissions:export", args=[tree.district.pk]))
    _check(response, {*PAYLOADS, "=LD.DD.THPT"})


def test_the_allocation_template(client_for, tree, hostile):
    table = hostile["table"]
    response = client_for("district_planner").get(reverse("quotas:allocation_template", args=[table.plan_id, table.pk]))
    _check(response, {'=HYPERLINK("http://x","y")', "\r=1+1", "+1"})


def test_the_report_workbook(client_for, tree, hostile):
    response = client_for("district_planner").get(
        reverse("reports:export_xlsx", args=[tree.district.pk]) + "?year=2025&as_of=2025-06-30"
    )
    _check(response, {"@SUM(1)", '=HYPERLINK("http://x","y")', "\r=1+1", "+1"})


@pytest.mark.parametrize(
    ("route", "org", "user", "expected"),
    [
        ("organizations:import_template", "district", "admin", {"+LD.DD"}),
        ("organizations:reorganize_template", "district", "district_planner", {"+LD.DD"}),
        ("admissions:import_template", "school", "clerk", {"=LD.DD.THPT"}),
        ("reports:history_template", "district", "district_planner", set()),
    ],
)
def test_the_templates(client_for, tree, hostile, route, org, user, expected):
    response = client_for(user).get(reverse(route, args=[getattr(tree, org).pk]))
    _check(response, expected)
