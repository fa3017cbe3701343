"""A report of a past day shows the tree of that day: an organization founded under a new
committee has a founding date (without one it would stand in every report before its
committee did), and the organizations a page names as merged into its organization are
those merged by the report's day (not through a committee that joined it later) and
standing on it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from organizations.models import Organization, OrgForm, Sector
from organizations.services import organization_create, organization_merge
from reports.engine import attainment

from .test_reports_engine import admit

D = dt.date
TODAY = D(2025, 12, 31)


def _new(parent, code, founded_on=None, form=OrgForm.GRASSROOTS_CELL):
    return organization_create(
        parent=parent,
        code=code,
        name=f"Chi bộ {code}",
        form=form,
        sector=Sector.OTHER,
        founded_on=founded_on,
        today=TODAY,
    )


def test_an_organization_under_a_committee_founded_on_a_day_needs_a_founding_date_from_that_day(tree):
    commune = _new(tree.district, "LD.DD.XM", D(2025, 7, 1), form=OrgForm.GRASSROOTS_COMMITTEE)
    for founded_on in (None, D(2025, 6, 30)):
        with translation.override("en"), pytest.raises(ValidationError) as refused:
            _new(commune, "LD.DD.XM.01", founded_on, form=OrgForm.CELL)
        assert refused.value.message_dict["founded_on"] == [
            "Chi bộ LD.DD.XM was founded on 01/07/2025: an organization under it was founded on that day or later."
            " Enter its founding date."
        ]
    assert not Organization.objects.filter(code="LD.DD.XM.01").exists()
    cell = _new(commune, "LD.DD.XM.01", D(2025, 7, 1), form=OrgForm.CELL)
    assert cell.founded_on == D(2025, 7, 1)
    # Under a committee that stood before the records began, none is needed (it stood too).
    assert _new(tree.district, "LD.DD.OLD").founded_on is None


def test_the_page_says_so_under_the_date_in_vietnamese(tree, client_for):
    commune = _new(tree.district, "LD.DD.XM", D(2025, 7, 1), form=OrgForm.GRASSROOTS_COMMITTEE)
    url = reverse("organizations:add_child", kwargs={"org_pk": commune.pk})
    data = {"name": "Chi bộ Thôn 1", "code": "LD.DD.XM.01", "form": OrgForm.CELL, "sector": Sector.VILLAGE}
    response = client_for("admin").post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["founded_on"] == [
        "Chi bộ LD.DD.XM thành lập ngày 01/07/2025: tổ chức trực thuộc phải thành lập từ ngày đó trở đi."
        " Hãy nhập ngày thành lập."
    ]
    assert not Organization.objects.filter(code="LD.DD.XM.01").exists()


def test_the_own_row_names_only_the_organizations_merged_into_it_by_the_reports_day(tree):
    """The school merged into the enterprise in March; the enterprise into Trần Phú in
    September: Trần Phú's report of June names neither, of December both."""
    admit(tree.city_school, D(2025, 2, 1))
    admit(tree.school, D(2025, 2, 2))
    organization_merge(source=tree.school, target=tree.enterprise, on_date=D(2025, 3, 1), today=TODAY)
    tree.enterprise.refresh_from_db()
    organization_merge(source=tree.enterprise, target=tree.city_school, on_date=D(2025, 9, 1), today=TODAY)
    tree.city_school.refresh_from_db()

    def merged(as_of):
        report = attainment(scope=tree.city_school, year=2025, as_of=as_of)
        return report.own.actual, report.own.merged

    assert merged(D(2025, 6, 30)) == (1, [])
    assert merged(TODAY) == (2, ["Chi bộ Công ty TNHH Đồng Thúy", "Chi bộ Trường THPT Đơn Dương"])


def test_a_page_before_the_founding_names_the_predecessors_that_stood_on_its_day(tree, client_for):
    new = _new(tree.district, "LD.DD.XM", D(2025, 7, 1), form=OrgForm.GRASSROOTS_COMMITTEE)
    later = _new(tree.district, "LD.DD.XL", D(2025, 8, 1))
    organization_merge(source=tree.enterprise, target=new, on_date=D(2025, 7, 1), today=TODAY)
    organization_merge(source=later, target=new, on_date=D(2025, 10, 1), today=TODAY)
    url = reverse("reports:dashboard", kwargs={"org_pk": new.pk})
    response = client_for("admin").get(url, {"year": 2025, "as_of": "2025-03-31"})
    assert [org.pk for org, _may_view in response.context["predecessors"]] == [tree.enterprise.pk]
    response = client_for("admin").get(url, {"year": 2025, "as_of": "2025-06-30"})
    assert [org.pk for org, _may_view in response.context["predecessors"]] == [tree.enterprise.pk]


def test_a_founding_date_set_later_than_the_admissions_is_refused(tree, client_for):
    from organizations.services import organization_update

    # (Its member count of 01/01/2025 would refuse a later founding too: tests/test_founding_date_edits.py.)
    tree.school.member_counts.all().delete()
    admit(tree.school, D(2025, 3, 2))
    admit(tree.school, D(2025, 5, 20))
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        organization_update(organization=tree.school, founded_on=D(2025, 4, 1), today=TODAY)
    assert refused.value.message_dict["founded_on"] == [
        "Chi bộ Trường THPT Đơn Dương has 1 admission(s) dated before 01/04/2025 (the first on 02/03/2025):"
        " it was founded by then."
    ]
    tree.school.refresh_from_db()
    assert tree.school.founded_on is None  # nothing changed
    organization_update(organization=tree.school, founded_on=D(2025, 3, 2), today=TODAY)  # the day of the first one
    tree.school.refresh_from_db()
    assert tree.school.founded_on == D(2025, 3, 2)

    # A cell a merger handed to a commune founded on 01/07/2025 keeps the founding date it had:
    # its parent of today is not the one it was founded under.
    commune = _new(tree.district, "LD.DD.XM", D(2025, 7, 1), form=OrgForm.GRASSROOTS_COMMITTEE)
    organization_merge(source=tree.commune, target=commune, on_date=D(2025, 7, 1), today=TODAY)
    tree.cell.refresh_from_db()
    organization_update(organization=tree.cell, founded_on=D(2010, 1, 1), today=TODAY)
    tree.cell.refresh_from_db()
    assert tree.cell.founded_on == D(2010, 1, 1)
    # The edit page says it under the date, in Vietnamese, and saves nothing.
    url = reverse("organizations:edit", kwargs={"org_pk": tree.school.pk})
    data = {"name": tree.school.name, "code": tree.school.code, "form": tree.school.form, "sector": tree.school.sector}
    response = client_for("admin").post(url, {**data, "founded_on": "01/06/2025"})
    assert response.status_code == 200
    assert response.context["form"].errors["founded_on"] == [
        "Chi bộ Trường THPT Đơn Dương có 2 đảng viên được kết nạp trước ngày 01/06/2025 (người đầu tiên ngày"
        " 02/03/2025): tổ chức đã được thành lập trước đó."
    ]
    tree.school.refresh_from_db()
    assert tree.school.founded_on == D(2025, 3, 2)


def test_the_tree_file_refuses_rows_under_a_committee_founded_on_a_day(tree, users):
    """The tree file has no founding dates: a row under a committee founded on a day would
    stand in every report before that committee did. The whole file is refused, saying where
    such organizations are added."""
    from common.xlsx import ImportFailed
    from organizations.imports import tree_import

    from .xlsx_files import xlsx_upload

    commune = _new(tree.district, "LD.DD.XM", D(2025, 7, 1), form=OrgForm.GRASSROOTS_COMMITTEE)
    header = ("Tổ chức cấp trên", "Tên tổ chức", "Loại hình", "Lĩnh vực", "Mã")
    rows = [header, ("LD.DD.XM", "Chi bộ Thôn 1", "Chi bộ", "Thôn, tổ dân phố", "LD.DD.XM.01")]
    rows.append(("", "Chi bộ Thôn 2", "Chi bộ cơ sở", "Thôn, tổ dân phố", "LD.DD.T2"))  # under the district: fine
    before = Organization.objects.count()
    with translation.override("vi"), pytest.raises(ImportFailed) as failure:
        tree_import(upload=xlsx_upload(rows), under=tree.district, user=users.admin, today=TODAY)
    assert {e.row: e.message for e in failure.value.errors} == {
        2: "Chi bộ LD.DD.XM thành lập ngày 01/07/2025: tổ chức trực thuộc phải có ngày thành lập, hãy thêm từng"
        " tổ chức hoặc dùng tệp sắp xếp lại tổ chức (có ngày hiệu lực), không dùng tệp này (không có ngày thành lập)"
    }
    assert Organization.objects.count() == before
    with pytest.raises(ImportFailed):  # the committee itself as the file's organization
        tree_import(upload=xlsx_upload(rows[:2]), under=commune, user=users.admin, today=TODAY)
