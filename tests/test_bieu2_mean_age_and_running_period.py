"""Biểu 2's mean age rounds a half up from the exact sum, on the form and in its file; its
drill-down list of a running period says the day it is counted to."""

import datetime as dt
import json
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from pathlib import Path

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation
from lxml import html as lxml_html
from openpyxl import load_workbook

from admissions.models import Admission
from admissions.services import age_on
from organizations.models import Organization
from reports import periods
from reports.bieu2 import bieu2
from reports.bieu2.form import mean_age

from .test_reports_engine import admit

D = dt.date
ROOT = Path(__file__).resolve().parent.parent


def test_the_mean_age_rounds_a_half_up_from_the_exact_sum():
    # 573 / 20 = 28.65 exactly; the float 28.65 is 28.649999… and round() gave 28.6.
    assert mean_age([28] * 7 + [29] * 13) == 28.7
    assert mean_age([28, 29]) == 28.5
    assert mean_age([20, 21, 21, 21]) == 20.8  # 20.75
    assert mean_age([20, 20, 20, 21]) == 20.3  # 20.25: round() gave 20.2 (half to even)
    assert mean_age([30, 31, 31, 31, 31, 31, 31, 31]) == 30.9  # 30.875
    assert mean_age([1, 2]) == 1.5
    assert mean_age([18, 19, 19, 19, 19, 19, 19, 19, 19, 19, 19, 19, 19, 19, 19, 19, 19, 19, 19, 19]) == 19.0
    assert mean_age([]) is None


def test_don_duong_s_form_of_2025_shows_the_mean_age_rounded_half_up_on_every_surface(reorganized_demo, client):
    """Huyện ủy Đơn Dương's 2025: 20 admitted, a mean age of exactly 28.65 years, shown "28,6"."""
    district = Organization.objects.get(code="LD.DD")
    form = bieu2(organization=district, period=periods.parse("2025"), today=timezone.localdate(), with_ids=True)
    ids = form.ids[("total", "this")]
    ages = [age_on(a.candidate.date_of_birth, a.ceremony_date) for a in Admission.objects.filter(pk__in=ids)]
    exact = Decimal(sum(ages)) / Decimal(len(ages))
    expected = float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    assert form.row("mean_age").this_period == expected
    assert (len(ages), exact, expected) == (20, Decimal("28.65"), 28.7)

    client.force_login(get_user_model().objects.get(username="tinh.kehoach"))
    response = client.get(reverse("reports:bieu2_xlsx", args=[district.pk]), {"year": 2025})
    sheet = load_workbook(BytesIO(response.content)).worksheets[0]
    values = [row for row in sheet.iter_rows(values_only=True) if 28.6 in row or 28.7 in row]
    assert values and all(28.7 in row and 28.6 not in row for row in values)


def test_the_drill_down_of_a_running_period_says_the_day_it_is_counted_to(tree, client_for, monkeypatch):
    """On 03/12/2026 the year 2026 runs: its list of admissions headed "từ 01/01/2026 đến
    31/12/2026", the form "tính đến ngày 03/12/2026". Last year's column ends on 03/12/2025
    (its own span), and a period that is over says no such day."""
    monkeypatch.setattr("common.clock.today", lambda: D(2026, 12, 3))
    admit(tree.school, D(2025, 5, 1))
    admit(tree.school, D(2026, 2, 10))
    admit(tree.school, D(2026, 11, 30))
    client = client_for("district_planner")
    url = reverse("reports:bieu2_admissions", args=[tree.district.pk])

    def heading(params):
        with translation.override("vi"):
            response = client.get(url, params)
        assert response.status_code == 200
        (p,) = lxml_html.fromstring(response.content.decode()).xpath('//p[@data-testid="admissions-total"]')
        return " ".join(p.text_content().split())

    this = heading({"period": "2026", "row": "total"})
    assert this.startswith("2 ") and "01/01/2026" in this and "03/12/2026" in this, this
    assert "tính đến ngày 03/12/2026" in this, this  # the catalogue's Vietnamese
    last = heading({"period": "2026", "row": "total", "column": "last"})
    assert last.startswith("1 ") and "01/01/2025" in last and "03/12/2025" in last, last
    over = heading({"period": "2025", "row": "total"})
    assert over.startswith("1 ") and "31/12/2025" in over and "03/12" not in over, over


def test_the_drill_down_sentence_has_its_vietnamese():
    """The page's new sentence is in the reports' catalogue source (scripts/i18n.sh compiles it)."""
    source = json.loads((ROOT / "locale" / "vi-reports.json").read_text(encoding="utf-8"))
    vi = source[
        "%(n)s admitted from %(start)s to %(end)s, counted to %(day)s, by ceremony date, counted where their"
        " organization stood at admission."
    ]
    assert "tính đến ngày %(day)s" in vi
    template = (ROOT / "templates" / "reports" / "bieu2_admissions.html").read_text(encoding="utf-8")
    assert "{{ n }} admitted from {{ start }} to {{ end }}, counted to {{ day }}, by ceremony date" in template


def test_the_workbook_names_the_span_of_last_year_s_column_as_the_page_does(reorganized_demo, client):
    """A running year: last year's column counts 01/01–today's day a year before; the page and
    the PDF said so, the workbook's period line did not."""
    province = Organization.objects.get(code="LD")
    today = timezone.localdate()
    client.force_login(get_user_model().objects.get(username="tinh.kehoach"))
    response = client.get(reverse("reports:bieu2_xlsx", args=[province.pk]), {"year": today.year})
    lines = [
        c for row in load_workbook(BytesIO(response.content)).worksheets[0].iter_rows(values_only=True) for c in row
    ]
    last = bieu2(organization=province, period=periods.parse(str(today.year)), today=today).last_period
    assert last.start == D(today.year - 1, 1, 1) and last.end.year == today.year - 1
    expected = f"cùng kỳ năm trước: {last.start:%d/%m/%Y} – {last.end:%d/%m/%Y}"
    assert any(isinstance(c, str) and c.endswith(expected) for c in lines)
