"""Reorganizations from a file (issue 11, section 2): checks, preview, apply, command, page."""

import datetime as dt

import pytest
from django.utils import translation

from organizations.models import Organization, OrgForm, Reorganization, Sector
from organizations.reorganize import reorganization_apply, reorganization_preview
from organizations.xlsx import ImportFailed

from .conftest import TODAY
from .xlsx_files import xlsx_upload

HEADER = ("Thao tác", "Ngày hiệu lực", "Mã", "Mã đích", "Tên mới", "Loại hình", "Lĩnh vực")
JULY = "01/06/2025"


def _file(*rows, header=HEADER):
    return xlsx_upload([header, *rows], name="sap-xep.xlsx")


def _errors(upload, user, **kwargs):
    with translation.override("vi"), pytest.raises(ImportFailed) as failure:
        reorganization_preview(upload=upload, user=user, today=TODAY, **kwargs)
    return {e.row: e.message for e in failure.value.errors}


def test_create_then_merge_into_it_in_file_order(users, tree):
    upload = _file(
        ("thành lập", JULY, "LD.XKD", "LD", "Đảng ủy xã Ka Đô", "Đảng ủy xã, phường trực thuộc tỉnh", "commune"),
        ("sáp nhập", JULY, "LD.DD.KD", "LD.XKD", "", "", ""),
        ("chuyển", JULY, "LD.DD.THPT", "LD.XKD", "", "", ""),
        ("đổi tên", "", "LD.DD.DN", "", "Chi bộ Công ty TNHH Đồng Thúy (Lado)", "", ""),
        ("Giai the", JULY, "LD.DD.DN", "", "", "", ""),
    )
    reorganization_apply(upload=upload, user=users.admin, today=TODAY, decision="Quyết định số 1234-QĐ/TW")
    new = Organization.objects.get(code="LD.XKD")
    assert (new.form, new.sector, new.founded_on) == (OrgForm.COMMUNE, Sector.COMMUNE, dt.date(2025, 6, 1))
    assert Organization.objects.get_parent(new) == tree.province
    tree.commune.refresh_from_db()
    assert tree.commune.merged_into == new and tree.commune.dissolved_on == dt.date(2025, 6, 1)
    assert Organization.objects.get_parent(Organization.objects.get(code="LD.DD.KD.01")) == new
    assert Organization.objects.get_parent(Organization.objects.get(code="LD.DD.THPT")) == new
    enterprise = Organization.objects.get(code="LD.DD.DN")
    assert enterprise.name.endswith("(Lado)") and enterprise.dissolved_on == dt.date(2025, 6, 1)
    assert Reorganization.objects.get().decision == "Quyết định số 1234-QĐ/TW"
