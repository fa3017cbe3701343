"""One date input for the whole app and Vietnamese empty choices, through the pages."""

import datetime as dt

import pytest
from django import forms
from django.urls import reverse

from common.forms import DateField
from quotas import services
from quotas.models import Milestone

from .conftest import TODAY


class _Form(forms.Form):
    day = DateField(required=False)


@pytest.mark.parametrize(
    "typed, expected",
    [("30/06/2026", dt.date(2026, 6, 30)), ("1/7/2026", dt.date(2026, 7, 1)), ("2026-06-30", dt.date(2026, 6, 30))],
)
def test_the_date_field_reads_day_first_and_the_iso_form_of_old_links(typed, expected):
    form = _Form({"day": typed})
    assert form.is_valid() and form.cleaned_data["day"] == expected


def test_a_month_first_date_is_refused_in_vietnamese():
    form = _Form({"day": "06/30/2026"})
    assert not form.is_valid()
    assert "ngày/tháng/năm" in form.errors["day"][0]


def test_the_date_input_shows_day_month_year():
    html = str(_Form(initial={"day": dt.date(2026, 6, 5)})["day"])
    assert 'type="text"' in html and 'value="05/06/2026"' in html and 'placeholder="dd/mm/yyyy"' in html


def test_a_milestone_due_date_typed_day_first_is_saved(client_for, tree):
    plan = services.plan_create(issuer=tree.district, title="Kế hoạch", symbol="KH/HU", first_year=2025)
    client = client_for("district_planner")
    page = client.get(reverse("quotas:milestone_create", args=[plan.pk])).content.decode()
    assert 'placeholder="dd/mm/yyyy"' in page and 'type="date"' not in page
    client.post(
        reverse("quotas:milestone_create", args=[plan.pk]),
        {"title": "Báo cáo 6 tháng", "due_on": "05/06/2025", "recurrence": "once"},
    )
    assert Milestone.objects.get().due_on == dt.date(2025, 6, 5)


def test_report_links_with_an_iso_date_keep_working(client_for, tree):
    page = client_for("district_planner").get(
        reverse("reports:dashboard", args=[tree.district.pk]), {"year": 2025, "as_of": "2025-06-30"}
    )
    assert page.status_code == 200 and 'value="30/06/2025"' in page.content.decode()


def test_selects_offer_chon_and_filters_tat_ca(client_for, tree):
    plan = services.plan_create(issuer=tree.district, title="Kế hoạch", symbol="KH/HU", first_year=TODAY.year)
    client = client_for("district_planner")
    editor = client.get(reverse("quotas:rule_create", args=[plan.pk])).content.decode()
    assert "— Chọn —" in editor and "Select an option" not in editor and "---------" not in editor
    plans = client.get(reverse("quotas:list")).content.decode()
    assert "Tất cả" in plans and "---------" not in plans
