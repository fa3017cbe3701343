"""A change of form or sector is dated, like a move: rules select organizations by them,
so the reports of the days before the change keep the old kind and their figures."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from admissions.categories import Category
from organizations.models import OrgForm, PastKind, Sector
from organizations.positions import tree_state
from organizations.services import organization_update
from quotas.models import RuleKind
from reports.engine import attainment
from reports.serialize import attainment_json

from .test_reorganize import _file
from .test_reports_engine import admit, make_plan, make_rule

D = dt.date
TODAY = D(2026, 3, 1)


@pytest.fixture
def each_school_cell(tree):
    return school_cell_rules(tree)


def school_cell_rules(tree):
    """Đơn Dương asks every grassroots cell for one admission a year, 2025 and 2026; the
    school (a grassroots cell of a high school) admits one in 2025, the enterprise none."""
    plan = make_plan(tree.district, first_year=2025, last_year=2026, number="159", symbol="KH/HU")
    make_rule(plan, RuleKind.COUNT, applies_to_each=True, forms=[OrgForm.GRASSROOTS_CELL], min_count=1)
    pupils = dict(sectors=[Sector.HIGH_SCHOOL], category=Category.PUPIL, min_count=1)
    make_rule(plan, RuleKind.COUNT, applies_to_each=True, **pupils)
    admit(tree.school, D(2025, 10, 1), Category.PUPIL)
    return tree


def _figures(org, year, day):
    org.refresh_from_db()
    return attainment_json(attainment(scope=org, year=year, as_of=day))


def _past_days(tree) -> dict:
    return {
        (org.code, day): _figures(org, day.year, day)
        for org in (tree.province, tree.district, tree.school)
        for day in (D(2025, 6, 30), D(2025, 12, 31))
    }


def _rule(figures, text):
    return next((r for r in figures["rules"] if text in r["rule"]), None)


def test_a_dated_change_of_form_and_sector_moves_no_figure_of_a_day_before_it(each_school_cell):
    tree = each_school_cell
    before = _past_days(tree)
    cells = _rule(before[("LD.DD", D(2025, 12, 31))], "chi bộ cơ sở")
    assert (cells["matched"], len(cells["failing"])) == (2, 1)  # the school and the enterprise

    # From 01/02/2026 the school is a grassroots committee of a college.
    organization_update(
        organization=tree.school,
        form=OrgForm.GRASSROOTS_COMMITTEE,
        sector=Sector.UNIVERSITY,
        changes_from=D(2026, 2, 1),
        today=TODAY,
    )
    assert list(PastKind.objects.values_list("form", "sector", "valid_until")) == [
        (OrgForm.GRASSROOTS_CELL, Sector.HIGH_SCHOOL, D(2026, 2, 1))
    ]
    assert tree_state(D(2025, 12, 31)).changed and not tree_state(D(2026, 2, 1)).changed
    assert _past_days(tree) == before

    # 2026, after the change: the school is neither a grassroots cell nor a high school.
    now = _figures(tree.district, 2026, TODAY)
    assert _rule(now, "chi bộ cơ sở")["matched"] == 1  # the enterprise alone
    assert _rule(now, "THPT") is None  # a rule over no organization is not reported


def test_undated_it_takes_effect_today_and_the_dates_are_checked(each_school_cell):
    school = each_school_cell.school
    with pytest.raises(ValidationError, match="tương lai"):
        organization_update(organization=school, sector=Sector.UNIVERSITY, changes_from=D(2026, 3, 2), today=TODAY)
    organization_update(organization=school, sector=Sector.UNIVERSITY, today=TODAY)
    assert PastKind.objects.get().valid_until == TODAY
    with pytest.raises(ValidationError, match="đã được thay đổi ngày 01/03/2026"):
        organization_update(organization=school, sector=Sector.SCHOOL, changes_from=D(2026, 1, 1), today=TODAY)
    school.refresh_from_db()
    assert school.sector == Sector.UNIVERSITY  # the refused change left it as it was
    # A name or a note is no change of kind: nothing is kept.
    organization_update(organization=school, name="Chi bộ Trường Cao đẳng Đơn Dương", today=TODAY)
    assert PastKind.objects.count() == 1


def test_a_change_dated_on_the_founding_keeps_no_old_kind(each_school_cell):
    school = each_school_cell.school
    organization_update(organization=school, founded_on=D(2020, 1, 1), today=TODAY)
    organization_update(organization=school, sector=Sector.UNIVERSITY, changes_from=D(2020, 1, 1), today=TODAY)
    assert not PastKind.objects.exists()  # it never was a high school's cell


def test_the_edit_page_dates_the_change(client_for, each_school_cell, monkeypatch):
    monkeypatch.setattr("common.clock.today", lambda: TODAY)
    school = each_school_cell.school
    url = reverse("organizations:edit", kwargs={"org_pk": school.pk})
    page = client_for("admin").get(url).content.decode()
    assert 'name="changes_from"' in page
    data = {"name": school.name, "code": school.code, "form": school.form, "sector": Sector.UNIVERSITY}
    response = client_for("admin").post(url, {**data, "changes_from": "2026-01-15"})
    assert response.status_code == 302
    assert PastKind.objects.get().valid_until == D(2026, 1, 15)


def test_a_reorganization_row_dates_its_new_form(users, tree):
    from organizations.reorganize import reorganization_apply

    upload = _file(("đổi tên", "01/07/2025", "LD.DD.KD", "", "Đảng ủy xã Ka Đô", "", "Khác"))
    reorganization_apply(upload=upload, user=users.admin, today=TODAY)
    tree.commune.refresh_from_db()
    assert (tree.commune.name, tree.commune.sector) == ("Đảng ủy xã Ka Đô", Sector.OTHER)
    assert list(PastKind.objects.values_list("organization__code", "sector", "valid_until")) == [
        ("LD.DD.KD", Sector.COMMUNE, D(2025, 7, 1))
    ]


def test_a_change_dated_inside_a_locked_year_is_refused(each_school_cell):
    from organizations import locks

    school = each_school_cell.school
    locks.lock_period(
        organization=each_school_cell.district, start=D(2025, 1, 1), end=D(2025, 12, 31), user=None, reason="Đã duyệt"
    )
    with pytest.raises(ValidationError, match="2025"):
        organization_update(organization=school, sector=Sector.UNIVERSITY, changes_from=D(2025, 9, 1), today=TODAY)
    assert not PastKind.objects.exists()
    organization_update(organization=school, sector=Sector.UNIVERSITY, changes_from=D(2026, 1, 1), today=TODAY)
    assert PastKind.objects.get().valid_until == D(2026, 1, 1)


def test_the_edit_page_says_why_a_date_is_refused_and_changes_nothing(client_for, each_school_cell, monkeypatch):
    monkeypatch.setattr("common.clock.today", lambda: TODAY)
    school = each_school_cell.school
    url = reverse("organizations:edit", kwargs={"org_pk": school.pk})
    data = {"name": school.name, "code": school.code, "form": school.form, "sector": Sector.UNIVERSITY}
    response = client_for("admin").post(url, {**data, "changes_from": "2026-04-01"})
    assert response.status_code == 200
    assert "không thể có hiệu lực từ một ngày trong tương lai" in response.content.decode()
    school.refresh_from_db()
    assert school.sector == Sector.HIGH_SCHOOL and not PastKind.objects.exists()
