"""A rename is dated: a report of a day before it names the organization as it was then
called (a signed report of 2025 says "Đảng bộ xã Ka Đô", not the name it took on 01/07/2025),
and changes no figure."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import OrgForm, PastName
from organizations.positions import tree_state
from organizations.services import organization_update
from quotas.models import RuleKind
from reports import periods
from reports.bieu2 import bieu2, form_json
from reports.bieu2_exports import heading
from reports.engine import attainment
from reports.pdf import document_parts
from reports.serialize import attainment_json

from .test_past_kinds import school_cell_rules
from .test_reorganize import _file
from .test_reports_engine import make_plan, make_rule

D = dt.date
TODAY = D(2026, 3, 1)
OLD_DAY, NEW_DAY = D(2025, 12, 31), TODAY


@pytest.fixture
def each_school_cell(tree):
    return school_cell_rules(tree)


def _json(org, day, **options):
    org.refresh_from_db()
    return attainment_json(attainment(scope=org, year=day.year, as_of=day, **options))


def _rename(org, name, day):
    organization_update(organization=org, name=name, changes_from=day, today=TODAY)
    org.refresh_from_db()


def _names(figures) -> set[str]:
    """Every organization name an answer's JSON shows."""
    found = {figures["org"]}
    found.update(c["org"] for c in figures["children"])
    for rule in figures["rules"]:
        found.update([rule["org"]] if rule["org"] else rule["failing"])
    for table in figures["allocations"]:
        found.add(table["org"])
        found.update(row["org"] for row in table["children"])
    return found


def test_a_report_of_a_day_before_a_rename_shows_the_old_names_and_the_same_figures(each_school_cell):
    tree = each_school_cell
    orgs = (tree.province, tree.district, tree.school)
    before = {(org.code, day): _json(org, day) for org in orgs for day in (D(2025, 6, 30), OLD_DAY)}
    assert "Chi bộ Công ty TNHH Đồng Thúy" in before[("LD.DD", OLD_DAY)]["rules"][0]["failing"]

    _rename(tree.district, "Đảng ủy huyện Đơn Dương", D(2026, 1, 1))
    _rename(tree.enterprise, "Chi bộ Công ty Cổ phần Đồng Thúy", D(2026, 1, 1))
    assert not tree_state(OLD_DAY).changed and tree_state(OLD_DAY).renamed  # the tallies still answer

    after = {(org.code, day): _json(org, day) for org in orgs for day in (D(2025, 6, 30), OLD_DAY)}
    assert after == before  # names and figures alike
    now = _json(tree.district, NEW_DAY)
    assert now["org"] == "Đảng ủy huyện Đơn Dương"
    assert "Chi bộ Công ty Cổ phần Đồng Thúy" in _names(now)
    assert "Huyện ủy Đơn Dương" not in _names(_json(tree.province, NEW_DAY))


def test_a_rename_read_with_the_records_after_a_move_shows_the_old_names(each_school_cell):
    """The tree changed after the day as well (a move): the report is counted from the
    records (reports/past.py), and still names every organization as it was then."""
    from organizations.services import organization_move

    tree = each_school_cell
    before = _json(tree.district, OLD_DAY)
    organization_move(organization=tree.enterprise, new_parent=tree.city, on_date=D(2026, 1, 1), today=TODAY)
    _rename(tree.enterprise, "Chi bộ Công ty Cổ phần Đồng Thúy", D(2026, 1, 1))
    assert tree_state(OLD_DAY).changed
    assert _json(tree.district, OLD_DAY) == before


def test_the_failing_rows_of_a_size_rule_name_themselves_and_their_parents_as_then(tree):
    """Rows read from the database when listed (a FailingList), on the page and in the
    exports alike: the cell and its commune by their names of the day."""
    plan = make_plan(tree.province, first_year=2025, last_year=2026, number="01", symbol="KH/TU")
    make_rule(plan, RuleKind.CELL_SIZE, applies_to_each=True, forms=[OrgForm.CELL], min_count=10)
    _rename(tree.commune, "Đảng ủy xã Ka Đô", D(2025, 7, 1))
    _rename(tree.cell, "Chi bộ thôn Ka Đô", D(2025, 7, 1))

    for list_failing in (False, True):
        answer = attainment(scope=tree.province, year=2025, as_of=D(2025, 6, 30), list_failing=list_failing)
        (row,) = [m.org for m in answer.rules[0].failing]
        assert (row.name, row.parent) == ("Chi bộ Thôn Ka Đô Mới", "Đảng bộ xã Ka Đô")
        answer = attainment(scope=tree.province, year=2025, as_of=D(2025, 7, 1), list_failing=list_failing)
        (row,) = [m.org for m in answer.rules[0].failing]
        assert (row.name, row.parent) == ("Chi bộ thôn Ka Đô", "Đảng ủy xã Ka Đô")


def test_the_document_header_and_form_2_name_the_organizations_as_on_their_day(tree):
    _rename(tree.province, "Đảng bộ tỉnh Lâm Đồng (mới)", D(2025, 7, 1))
    _rename(tree.district, "Đảng ủy huyện Đơn Dương", D(2025, 7, 1))

    parts = document_parts(attainment(scope=tree.district, year=2025, as_of=D(2025, 6, 30)))
    assert parts["issuer"] == "HUYỆN ỦY ĐƠN DƯƠNG"
    assert "Ban Thường vụ Tỉnh ủy Lâm Đồng (báo cáo)" in parts["recipients"]
    parts = document_parts(attainment(scope=tree.district, year=2025, as_of=D(2025, 12, 31)))
    assert "Ban Thường vụ Đảng bộ tỉnh Lâm Đồng (mới) (báo cáo)" in parts["recipients"]

    first_half = bieu2(organization=tree.district, period=periods.parse("2025-6M"), today=TODAY)
    assert form_json(first_half)["org"] == "Huyện ủy Đơn Dương"
    assert heading(first_half)["issuer"] == "HUYỆN ỦY ĐƠN DƯƠNG"
    whole_year = bieu2(organization=tree.district, period=periods.parse("2025"), today=TODAY)
    assert form_json(whole_year)["org"] == "Đảng ủy huyện Đơn Dương"
    tree.district.refresh_from_db()
    assert tree.district.name == "Đảng ủy huyện Đơn Dương"  # the caller's instance is left alone


def test_a_rename_costs_a_report_of_an_earlier_day_one_query(each_school_cell):
    tree = each_school_cell

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            attainment(scope=tree.district, year=2025, as_of=OLD_DAY, list_failing=True)
        return len(captured)

    before = queries()
    _rename(tree.enterprise, "Chi bộ Công ty Cổ phần Đồng Thúy", D(2026, 1, 1))
    assert queries() == before + 1
    assert attainment(scope=tree.district, year=2026, as_of=NEW_DAY)  # and today's report none:
    with CaptureQueriesContext(connection) as captured:
        attainment(scope=tree.district, year=2026, as_of=NEW_DAY, list_failing=True)
    today_queries = len(captured)
    PastName.objects.all().delete()
    with CaptureQueriesContext(connection) as captured:
        attainment(scope=tree.district, year=2026, as_of=NEW_DAY, list_failing=True)
    assert len(captured) == today_queries


def test_the_dates_of_a_rename_are_checked(tree):
    school = tree.school
    with pytest.raises(ValidationError, match="tương lai|future"):
        organization_update(organization=school, name="Chi bộ A", changes_from=D(2026, 3, 2), today=TODAY)
    organization_update(organization=school, name="Chi bộ B", changes_from=D(2026, 1, 1), today=TODAY)
    with pytest.raises(ValidationError, match="01/01/2026"):
        organization_update(organization=school, name="Chi bộ C", changes_from=D(2025, 12, 1), today=TODAY)
    assert list(PastName.objects.values_list("name", "valid_until")) == [
        ("Chi bộ Trường THPT Đơn Dương", D(2026, 1, 1))
    ]
    # Undated: from today; a second rename the same day keeps the name before that day.
    organization_update(organization=school, name="Chi bộ D", today=TODAY)
    organization_update(organization=school, name="Chi bộ E", today=TODAY)
    assert list(PastName.objects.order_by("valid_until").values_list("name", "valid_until")) == [
        ("Chi bộ Trường THPT Đơn Dương", D(2026, 1, 1)),
        ("Chi bộ B", TODAY),
    ]


def test_a_correction_dated_at_the_founding_renames_every_report(tree):
    school = tree.school
    school.founded_on = D(2010, 9, 1)
    school.save()
    organization_update(organization=school, name="Chi bộ Trường THPT Đơn Dương (sửa)", changes_from=D(2010, 9, 1))
    assert not PastName.objects.exists()
    assert _json(school, OLD_DAY)["org"] == "Chi bộ Trường THPT Đơn Dương (sửa)"


def test_a_misspelt_name_is_corrected_in_every_report_without_a_founding_date(client_for, tree, monkeypatch):
    """The edit page's "corrects a mistake": no former name is kept, a report of an earlier
    day shows the corrected name, and the edit's history keeps what it was."""
    monkeypatch.setattr("common.clock.today", lambda: TODAY)
    school = tree.school
    assert school.founded_on is None
    url = reverse("organizations:edit", kwargs={"org_pk": school.pk})
    data = {"name": "Chi bộ Trường THPT Đơn Dương", "code": school.code, "form": school.form, "sector": school.sector}
    corrected = {**data, "name": "Chi bộ Trường THPT Đơn Dương 2", "name_correction": "on"}
    assert client_for("admin").post(url, corrected).status_code == 302
    assert not PastName.objects.exists()
    assert _json(school, OLD_DAY)["org"] == "Chi bộ Trường THPT Đơn Dương 2"
    assert "Chi bộ Trường THPT Đơn Dương" in school.history.values_list("name", flat=True)
    # Without it, the same edit is a rename from today: earlier reports keep the old name.
    client_for("admin").post(url, {**data, "name": "Chi bộ Trường THPT Đơn Dương 3"})
    assert list(PastName.objects.values_list("name", "valid_until")) == [("Chi bộ Trường THPT Đơn Dương 2", TODAY)]


def test_a_reorganization_row_dates_its_new_name(users, tree):
    from organizations.reorganize import reorganization_apply

    upload = _file(("đổi tên", "01/07/2025", "LD.DD.KD", "", "Đảng ủy xã Ka Đô", "", ""))
    reorganization_apply(upload=upload, user=users.admin, today=TODAY)
    assert list(PastName.objects.values_list("organization__code", "name", "valid_until")) == [
        ("LD.DD.KD", "Đảng bộ xã Ka Đô", D(2025, 7, 1))
    ]
    assert "Đảng bộ xã Ka Đô" in _names(_json(tree.district, D(2025, 6, 30)))
    assert "Đảng ủy xã Ka Đô" in _names(_json(tree.district, D(2025, 7, 1)))


def test_the_edit_page_dates_a_rename(client_for, tree, monkeypatch):
    monkeypatch.setattr("common.clock.today", lambda: TODAY)
    school = tree.school
    url = reverse("organizations:edit", kwargs={"org_pk": school.pk})
    page = client_for("admin").get(url).content.decode()
    assert "Tên, loại hình, lĩnh vực mới có hiệu lực từ ngày" in page
    data = {"name": "Chi bộ Trường THPT Đơn Dương mới", "code": school.code, "form": school.form}
    data["sector"] = school.sector
    response = client_for("admin").post(url, {**data, "changes_from": "2026-01-15"})
    assert response.status_code == 302
    assert list(PastName.objects.values_list("name", "valid_until")) == [
        ("Chi bộ Trường THPT Đơn Dương", D(2026, 1, 15))
    ]
    response = client_for("admin").post(url, {**data, "name": "Chi bộ X", "changes_from": "2026-04-01"})
    assert response.status_code == 200
    assert "Tên mới không thể có hiệu lực từ một ngày trong tương lai" in response.content.decode()
    assert PastName.objects.count() == 1


def test_the_organization_page_lists_its_former_names(client_for, tree):
    _rename(tree.school, "Chi bộ Trường THPT Đơn Dương mới", D(2026, 1, 1))
    page = client_for("admin").get(reverse("organizations:detail", kwargs={"org_pk": tree.school.pk}))
    assert "Tên trước đây" in page.content.decode()
    assert 'Chi bộ Trường THPT Đơn Dương <span class="muted">(đến ngày 31/12/2025)</span>' in page.content.decode()


def test_an_export_s_file_is_named_as_its_document_is_headed(tree):
    """The district's report of 2025, made after its rename: the file's name is the one its
    header and title give (the name of 31/12/2025), as a board files it; today's report's
    file carries the new name."""
    from reports.exports import render_export

    _rename(tree.district, "Đảng ủy huyện Đơn Dương", D(2026, 1, 1))
    _content, name, _type = render_export(organization=tree.district, year=2025, as_of=OLD_DAY, fmt="xlsx")
    assert name == "bao-cao-2025-huyen-uy-don-duong.xlsx"
    _content, name, _type = render_export(organization=tree.district, year=2026, as_of=TODAY, fmt="xlsx")
    assert name == "bao-cao-2026-dang-uy-huyen-don-duong.xlsx"
