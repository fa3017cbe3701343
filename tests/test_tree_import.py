import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from common.xlsx import ImportFailed
from organizations.imports import tree_import
from organizations.models import Organization, OrgForm, Sector

from .conftest import TODAY
from .xlsx_files import xlsx_upload

HEADER = ("Tổ chức cấp trên", "Tên tổ chức", "Loại hình", "Lĩnh vực", "Mã")


def test_a_good_file_creates_the_whole_tree(users, tree):
    upload = xlsx_upload(
        [
            HEADER,
            # a child listed before its parent, labels in Vietnamese, English and as keys
            ("LD.DD.LX", "Chi bộ Thôn Lạc Xuân 1", "Chi bộ", "Thôn, tổ dân phố", "LD.DD.LX.01"),
            ("", "Đảng bộ xã Lạc Xuân", "Đảng bộ cơ sở", "xa, phuong, thi tran", "LD.DD.LX"),
            ("Đảng bộ xã Ka Đô", "Chi bộ Thôn Ka Đô Cũ", "Cell", "village", "LD.DD.KD.02"),
        ]
    )
    created = tree_import(upload=upload, under=tree.district, user=users.admin, today=TODAY)
    assert len(created) == 3
    lx = Organization.objects.get(code="LD.DD.LX")
    assert (lx.form, lx.sector) == (OrgForm.GRASSROOTS_COMMITTEE, Sector.COMMUNE)
    assert Organization.objects.get_parent(lx) == tree.district
    assert Organization.objects.get_parent(Organization.objects.get(code="LD.DD.LX.01")) == lx
    assert Organization.objects.get_parent(Organization.objects.get(code="LD.DD.KD.02")) == tree.commune


def test_a_file_with_bad_rows_changes_nothing_and_lists_every_bad_row(users, tree):
    before = Organization.objects.count()
    upload = xlsx_upload(
        [
            ("Danh sách tổ chức",),  # a title line above the header is fine
            HEADER,
            ("", "Chi bộ tốt", "Chi bộ", "Thôn, tổ dân phố", "OK-1"),
            ("", "", "Chi bộ", "Thôn, tổ dân phố", "BAD-1"),
            ("", "Chi bộ lạ", "Hội đồng", "Thôn, tổ dân phố", "BAD-2"),
            ("", "Chi bộ lạ 2", "Chi bộ", "Sao Hỏa", "BAD-3"),
            ("NT.PR", "Chi bộ ngoài phạm vi", "Chi bộ", "Khác", "BAD-4"),
            ("", "Chi bộ trùng mã", "Chi bộ", "Khác", tree.cell.code),
            ("", "Chi bộ trùng mã trong tệp", "Chi bộ", "Khác", "OK-1"),
        ]
    )
    with translation.override("vi"), pytest.raises(ImportFailed) as failure:
        tree_import(upload=upload, under=tree.district, user=users.admin, today=TODAY)
    errors = {e.row: e.message for e in failure.value.errors}
    assert sorted(errors) == [4, 5, 6, 7, 8, 9]
    assert "thiếu tên" in errors[4]
    assert "loại hình “Hội đồng” không hợp lệ" in errors[5]
    assert "lĩnh vực “Sao Hỏa” không hợp lệ" in errors[6]
    assert "không tìm thấy tổ chức cấp trên “NT.PR”" in errors[7]
    assert "đã tồn tại" in errors[8]
    assert "trùng với dòng 3" in errors[9]
    assert Organization.objects.count() == before


def test_not_an_xlsx_file_is_refused_with_a_message(client_for, tree):
    upload = SimpleUploadedFile("tree.xlsx", b"PK\x03\x04 this is not really a workbook")
    response = client_for("admin").post(
        reverse("organizations:import", kwargs={"org_pk": tree.district.pk}), {"file": upload}
    )
    assert response.status_code == 200
    assert "Tệp không phải là bảng tính Excel (.xlsx) đọc được." in response.content.decode()


def test_missing_header_is_reported(client_for, tree):
    upload = xlsx_upload([("a", "b"), ("c", "d")])
    response = client_for("admin").post(
        reverse("organizations:import", kwargs={"org_pk": tree.district.pk}), {"file": upload}
    )
    assert "Không tìm thấy dòng tiêu đề" in response.content.decode()


def test_import_page_shows_every_bad_row_in_vietnamese(client_for, tree):
    before = Organization.objects.count()
    upload = xlsx_upload([HEADER, ("", "", "Chi bộ", "Khác", "A"), ("", "B", "?", "Khác", "B")])
    response = client_for("admin").post(
        reverse("organizations:import", kwargs={"org_pk": tree.district.pk}), {"file": upload}
    )
    body = response.content.decode()
    assert "Chưa nhập dữ liệu nào: có 2 lỗi." in body
    assert "thiếu tên tổ chức" in body and "loại hình “?” không hợp lệ" in body
    assert Organization.objects.count() == before


def test_import_through_the_page_redirects_to_the_organization(client_for, tree):
    upload = xlsx_upload([HEADER, ("", "Chi bộ Thôn Mới", "Chi bộ", "Thôn, tổ dân phố", "NEW-1")])
    response = client_for("admin").post(
        reverse("organizations:import", kwargs={"org_pk": tree.commune.pk}), {"file": upload}
    )
    assert response.status_code == 302
    assert Organization.objects.get_parent(Organization.objects.get(code="NEW-1")) == tree.commune


def test_the_template_downloads_and_imports_cleanly(client_for, users, tree):
    response = client_for("admin").get(reverse("organizations:import_template", kwargs={"org_pk": tree.district.pk}))
    upload = SimpleUploadedFile("t.xlsx", response.content)
    created = tree_import(upload=upload, under=tree.district, user=users.admin, today=TODAY)
    assert {o.code for o in created} == {"VD-01", "VD-01-01"}


COUNT_HEADER = ("Mã", "Tính đến ngày", "Số đảng viên")


def test_member_counts_import_all_or_nothing(client_for, tree):
    import datetime as dt

    url = reverse("organizations:import_counts", kwargs={"org_pk": tree.district.pk})
    bad = xlsx_upload(
        [
            COUNT_HEADER,
            (tree.cell.code, "01/01/2025", 12),
            ("NT.PR", "01/01/2025", 5),
            (tree.school.code, "31/02/2025", 3),
            (tree.school.code, "01/01/2025", "mười"),
        ]
    )
    response = client_for("district_planner").post(url, {"file": bad})
    errors = {e.row: e.message for e in response.context["errors"]}
    assert sorted(errors) == [3, 4, 5]
    assert "không tìm thấy tổ chức “NT.PR”" in errors[3]
    assert "31/02/2025" in errors[4] and "mười" in errors[5]
    assert tree.cell.member_counts.get(as_of=dt.date(2025, 1, 1)).members == 8  # unchanged

    good = xlsx_upload([COUNT_HEADER, (tree.cell.code, dt.date(2025, 1, 1), 12), (tree.school.code, "01/06/2025", 30)])
    response = client_for("district_planner").post(url, {"file": good})
    assert response.status_code == 302
    assert tree.cell.member_counts.get(as_of=dt.date(2025, 1, 1)).members == 12
    assert tree.school.member_counts.get(as_of=dt.date(2025, 6, 1)).members == 30
