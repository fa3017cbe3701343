"""A commune committee founded on 01/07/2025 holds, in Biểu 2's column of the same period
last year, only the days since its founding: no percentage compares the columns (it had
printed "1100,0 %" for 22 against 2), and the founding note says so. A committee standing
through last year's column keeps its percentages."""

import datetime as dt
import io

import openpyxl
from django.urls import reverse

from organizations.models import Organization
from reports import periods
from reports.bieu2 import bieu2, form_json, founded_note
from reports.bieu2_exports import render_pdf_html, render_xlsx

TODAY = dt.date(2026, 12, 3)


def _form(code: str, key: str):
    return bieu2(organization=Organization.objects.get(code=code), period=periods.parse(key), today=TODAY)


def test_a_committee_founded_during_last_year_s_column_compares_no_percentage(reorganized_demo, client):
    form = _form("LD.X-DONDUONG", "2026-9M")
    total = form.row("total")
    assert total.this_period > total.same_period_last_year > 0  # last year: 01/07–30/09/2025 only
    assert not form.comparable
    assert {row["percent"] for row in form_json(form)["rows"]} == {"—"}
    assert form.percent(total.this_period, total.same_period_last_year) == "—"
    assert founded_note(form).endswith("Không tính tỷ lệ so sánh giữa hai kỳ.")  # Vietnamese by default

    client.force_login(form.organization.memberships.first().user)
    page = client.get(reverse("reports:bieu2", args=[form.organization.pk]), {"period": "2026-9M"}).content.decode()
    assert "1100,0" not in page and "Không tính tỷ lệ so sánh giữa hai kỳ." in page
    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(form, today=TODAY)))
    values = [c.value for sheet in book for row in sheet.iter_rows() for c in row]
    assert 1100.0 not in values and "—" in values
    assert "1100,0" not in render_pdf_html(form, today=TODAY)


def test_a_committee_standing_through_last_year_keeps_its_percentages(reorganized_demo):
    form = _form("LD", "2026-9M")
    assert form.comparable and founded_note(form) == ""
    total = form.row("total")
    assert isinstance(total.percent, float) and total.percent == round(
        total.this_period * 100 / total.same_period_last_year, 1
    )
