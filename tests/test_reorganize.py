"""Reorganizations from a file (issue 11, section 2): checks, preview, apply, command, page."""

import datetime as dt

import pytest
from django.utils import translation

from common.xlsx import ImportFailed
from organizations.models import Organization, OrgForm, Reorganization, Sector
from organizations.reorganize import reorganization_apply, reorganization_preview

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


def test_each_operation_is_read_with_its_spellings(users, tree):
    upload = _file(
        ("Thành lập", "01/06/2025", "LD.NEW", "LD", "Đảng ủy xã Mới", "commune", "Xã, phường, thị trấn"),
        ("DOI TEN", None, "LD.NEW", "", "Đảng ủy xã Mới Hơn", "", ""),
        ("chuyen", dt.datetime(2025, 6, 1), "LD.DL.TP", "LD.NEW", "", "", ""),  # a real Excel date cell
        ("Sáp nhập", "01/06/2025", "LD.DD.KD", "LD.NEW", "", "", ""),
        ("giải thể", "01/06/2025", "LD.DD.DN", "", "", "", ""),
    )
    preview = reorganization_preview(upload=upload, user=users.admin, today=TODAY)
    assert [op.kind for op in preview.operations] == ["create", "rename", "move", "merge", "dissolve"]
    assert preview.operations[0].form == OrgForm.COMMUNE
    assert preview.operations[2].on_date == dt.date(2025, 6, 1)
    # the merge carries Ka Đô's cell: 1 explicit move + 1 carried
    assert preview.counts == {"created": 1, "renamed": 1, "moved": 2, "merged": 1, "dissolved": 1}
    assert preview.operations[3].carried == ["LD.DD.KD.01"]
    assert Organization.objects.filter(code="LD.NEW").exists() is False  # a preview changes nothing


def test_a_bad_last_row_changes_nothing_and_every_bad_row_is_named(users, tree):
    before = list(Organization.objects.order_by("pk").values_list("code", "name", "path", "dissolved_on"))
    upload = _file(
        ("thành lập", JULY, "LD.XKD", "LD", "Đảng ủy xã Ka Đô", "commune", "commune"),  # 2: fine
        ("sáp nhập", JULY, "LD.DD.KD", "LD.XKD", "", "", ""),  # 3: fine
        ("đổi tên", "", "LD.DD.KD", "", "Tên khác", "", ""),  # 4: merged in row 3
        ("nhập khẩu", JULY, "LD.DD", "", "", "", ""),  # 5: unknown operation
        ("chuyển", JULY, "LD.KHONG", "LD", "", "", ""),  # 6: unknown code
        ("thành lập", JULY, "LD.DD.THPT", "LD", "Trùng", "Chi bộ", "Khác"),  # 7: code exists
        ("thành lập", JULY, "LD.XKD", "LD", "Trùng trong tệp", "Chi bộ", "Khác"),  # 8: repeats row 2
        # 9: the cell (now under LD.XKD) is not below LD.DD, but a cell holds no organization
        ("chuyển", JULY, "LD.DD", "LD.DD.KD.01", "", "", ""),
        ("chuyển", JULY, "LD", "LD.DD.THPT", "", "", ""),  # 10: under its own subtree
        ("giải thể", JULY, "LD.DD", "", "", "", ""),  # 11: still has the school and the enterprise
        ("giải thể", "01/01/2099", "LD.DD.DN", "", "", "", ""),  # 12: in the future
        ("sáp nhập", JULY, "LD.DL", "LD.DL", "", "", ""),  # 13: into itself
        ("chuyển", "", "LD.DL.TP", "LD.XKD", "", "", ""),  # 14: no date
        ("sáp nhập", JULY, "LD.DD.THPT", "LD.MAI", "", "", ""),  # 15: created only in row 16
        ("thành lập", JULY, "LD.MAI", "LD", "Đảng ủy xã Mai", "Hội đồng", ""),  # 16: bad form, no sector
        ("giải thể", JULY, "NT.PR", "", "", "", ""),  # 17: outside the admin's scope
    )
    errors = _errors(upload, users.admin)
    assert sorted(errors) == [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]
    assert "đã sáp nhập hoặc giải thể ở dòng 3" in errors[4]
    assert "thao tác “nhập khẩu” không hợp lệ" in errors[5]
    assert "không tìm thấy tổ chức “LD.KHONG”" in errors[6]
    assert "mã LD.DD.THPT đã tồn tại" in errors[7]
    assert "trùng với dòng 2" in errors[8]
    assert "Chi bộ không có tổ chức trực thuộc" in errors[9] and "chính nó" not in errors[9]
    assert "chính nó" in errors[10]
    assert "LD.DD.DN" in errors[11] and "LD.DD.THPT" in errors[11]
    assert "tương lai" in errors[12]
    assert "chính nó" in errors[13]
    assert "Ngày hiệu lực" in errors[14]
    assert "chỉ được thành lập ở dòng 16" in errors[15]
    assert "loại hình “Hội đồng” không hợp lệ" in errors[16] and "Lĩnh vực" in errors[16]
    assert "không tìm thấy tổ chức “NT.PR”" in errors[17]
    assert list(Organization.objects.order_by("pk").values_list("code", "name", "path", "dissolved_on")) == before
    with pytest.raises(ImportFailed):
        reorganization_apply(upload=upload, user=users.admin, today=TODAY)
    assert list(Organization.objects.order_by("pk").values_list("code", "name", "path", "dissolved_on")) == before
    assert not Reorganization.objects.exists()


def test_a_district_admin_cannot_name_an_organization_outside_their_subtree(users, tree):
    from organizations.models import Membership, Role

    Membership.objects.filter(user=users.district_planner).update(role=Role.ADMIN)
    upload = _file(
        ("chuyển", JULY, "LD.DD.KD.01", "LD.DD", "", "", ""),
        ("sáp nhập", JULY, "LD.DD.DN", "LD.DL", "", "", ""),  # Đà Lạt: another district
        ("chuyển", JULY, "LD.DD.KD", "LD", "", "", ""),  # the province above: not theirs either
    )
    errors = _errors(upload, users.district_planner)
    assert list(errors) == [3, 4]
    assert "không tìm thấy tổ chức “LD.DL”" in errors[3]
    assert "không tìm thấy tổ chức “LD”" in errors[4]
    # on the page of their district, an administrator of the province is held to it too
    errors = _errors(_file(("sáp nhập", JULY, "LD.DD.DN", "LD.DL", "", "", "")), users.admin, under=tree.district)
    assert "không tìm thấy tổ chức “LD.DL”" in errors[2]


def test_a_service_refusal_at_apply_time_rolls_everything_back_and_names_the_row(users, tree, monkeypatch):
    from django.core.exceptions import ValidationError

    from organizations import services

    def refuse(**kwargs):
        raise ValidationError("từ chối")

    monkeypatch.setattr(services, "organization_dissolve", refuse)
    upload = _file(
        ("thành lập", JULY, "LD.XKD", "LD", "Đảng ủy xã Ka Đô", "commune", "commune"),
        ("giải thể", JULY, "LD.DD.DN", "", "", "", ""),
    )
    with pytest.raises(ImportFailed) as failure:
        reorganization_apply(upload=upload, user=users.admin, today=TODAY)
    assert [(e.row, e.message) for e in failure.value.errors] == [(3, "từ chối")]
    assert not Organization.objects.filter(code="LD.XKD").exists()


def test_header_problems_and_blank_files_are_named(users, tree):
    wrong = ("Thao tác", "Ngày", "Mã", "Mã đích", "Tên mới", "Loại hình", "Lĩnh vực", "Ghi chú")
    errors = _errors(_file(("chuyển", JULY, "LD.DD.THPT", "LD.DL", "", "", "", ""), header=wrong), users.admin)
    assert "cột “Ngày” không hợp lệ" in errors[0]
    assert "cột “Ghi chú” không hợp lệ" in errors[0]
    assert "thiếu cột “Ngày hiệu lực”" in errors[0]
    assert "không có dòng dữ liệu" in _errors(_file(), users.admin)[0]
    assert 0 in _errors(xlsx_upload([]), users.admin)


def test_preview_lists_the_plans_and_allocation_rows_affected(users, tree):
    from quotas.models import Allocation, Plan, Rule, RuleKind

    plan = Plan.objects.create(issuer=tree.district, title="Kế hoạch 2025", first_year=2025, symbol="KH/HU")
    table = Rule.objects.create(plan=plan, kind=RuleKind.ALLOCATION, min_count=10)
    Allocation.objects.create(rule=table, organization=tree.commune, total=6)
    Allocation.objects.create(rule=table, organization=tree.school, total=4)
    Allocation.objects.create(rule=table, organization=tree.enterprise, total=1)
    province_plan = Plan.objects.create(issuer=tree.province, title="Kế hoạch tỉnh", first_year=2025, symbol="KH/TU")
    counted = Rule.objects.create(plan=province_plan, kind=RuleKind.COUNT, min_count=3, target=tree.district)
    upload = _file(
        ("thành lập", JULY, "LD.XKD", "LD", "Đảng ủy xã Ka Đô", "commune", "commune"),
        ("sáp nhập", JULY, "LD.DD.KD", "LD.XKD", "", "", ""),
        ("chuyển", JULY, "LD.DD.THPT", "LD.XKD", "", "", ""),
        ("chuyển", JULY, "LD.DD.DN", "LD.XKD", "", "", ""),
        ("giải thể", JULY, "LD.DD", "", "", "", ""),
    )
    preview = reorganization_preview(upload=upload, user=users.admin, today=TODAY)
    assert preview.counts == {"created": 1, "renamed": 0, "moved": 3, "merged": 1, "dissolved": 1}
    assert preview.plans == [plan]
    assert {row.organization.code for row in preview.allocations} == {"LD.DD.KD", "LD.DD.THPT", "LD.DD.DN"}
    assert preview.rules == [counted]
    record = reorganization_apply(upload=upload, user=users.admin, today=TODAY)
    assert Allocation.objects.filter(rule=table).count() == 3  # rows are never deleted
    assert record.organization == tree.province
    assert record.summary["plans"] == [plan.pk]


def test_history_records_the_decision(users, tree):
    upload = _file(
        ("thành lập", JULY, "LD.XKD", "LD", "Đảng ủy xã Ka Đô", "commune", "commune"),
        ("sáp nhập", JULY, "LD.DD.KD", "LD.XKD", "", "", ""),
    )
    with translation.override("vi"):
        record = reorganization_apply(
            upload=upload,
            user=users.admin,
            today=TODAY,
            decision="Quyết định số 1234-QĐ/TW",
            decision_date=dt.date(2025, 5, 30),
            file_name="sap-xep.xlsx",
        )
    assert (record.decision, record.decision_date, record.applied_by, record.file_name) == (
        "Quyết định số 1234-QĐ/TW",
        dt.date(2025, 5, 30),
        users.admin,
        "sap-xep.xlsx",
    )
    assert record.summary["counts"]["merged"] == 1
    for code in ("LD.XKD", "LD.DD.KD", "LD.DD.KD.01"):  # created, merged, carried along
        last = Organization.objects.get(code=code).history.latest("history_date")
        assert last.history_change_reason.startswith("Quyết định số 1234-QĐ/TW ngày 30/05/2025"), code
        assert last.history_user == users.admin


# ---------------------------------------------------------------- the command


def _save(tmp_path, upload):
    path = tmp_path / upload.name
    path.write_bytes(upload.read())
    return path


MERGE_KA_DO = (
    ("thành lập", JULY, "LD.XKD", "LD", "Đảng ủy xã Ka Đô", "commune", "commune"),
    ("sáp nhập", JULY, "LD.DD.KD", "LD.XKD", "", "", ""),
)


def test_the_command_dry_run_changes_nothing_then_applies(tree, tmp_path, monkeypatch):
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a: TODAY)
    path = _save(tmp_path, _file(*MERGE_KA_DO))
    out = StringIO()
    with translation.override("vi"):
        call_command("reorganize", str(path), "--dry-run", stdout=out)
    assert "sáp nhập: 1" in out.getvalue() and "Chạy thử" in out.getvalue()
    assert not Organization.objects.filter(code="LD.XKD").exists()
    call_command(
        "reorganize", str(path), "--decision", "Quyết định số 1234-QĐ/TW", "--decision-date", "30/05/2025", stdout=out
    )
    record = Reorganization.objects.get()
    assert (record.decision_date, record.applied_by, record.file_name) == (dt.date(2025, 5, 30), None, path.name)
    tree.commune.refresh_from_db()
    assert tree.commune.merged_into.code == "LD.XKD"


def test_the_command_fails_naming_every_bad_row_and_changes_nothing(users, tree, tmp_path):
    from io import StringIO

    from django.core.management import CommandError, call_command

    path = _save(
        tmp_path,
        _file(*MERGE_KA_DO, ("giải thể", JULY, "LD.KHONG", "", "", "", ""), ("bay", JULY, "LD.DD", "", "", "", "")),
    )
    with translation.override("vi"), pytest.raises(CommandError) as failure:
        call_command("reorganize", str(path))
    message = str(failure.value)
    assert "Dòng 4:" in message and "LD.KHONG" in message and "Dòng 5:" in message
    assert not Organization.objects.filter(code="LD.XKD").exists()
    # as a user, the file may name only what that user administers
    path = _save(tmp_path, _file(("giải thể", JULY, "NT.PR", "", "", "", "")))
    with pytest.raises(CommandError):
        call_command("reorganize", str(path), "--user", users.admin.username, "--dry-run")
    call_command("reorganize", str(path), "--dry-run", stdout=StringIO())  # full scope: fine


# ---------------------------------------------------------------- the page


def _page(tree, name="organizations:reorganize"):
    from django.urls import reverse

    return reverse(name, kwargs={"org_pk": tree.province.pk})


def test_an_administrator_uploads_sees_the_preview_and_applies(client_for, users, tree):
    client = client_for("admin")
    response = client.post(
        _page(tree),
        {"file": _file(*MERGE_KA_DO), "decision": "Quyết định số 1234-QĐ/TW", "decision_date": "2025-05-30"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Sáp nhập “Đảng bộ xã Ka Đô” (LD.DD.KD) vào “Đảng ủy xã Ka Đô”" in body
    assert "Áp dụng" in body
    assert not Organization.objects.filter(code="LD.XKD").exists()
    digest = response.context["digest"]
    response = client.post(_page(tree, "organizations:reorganize_apply"), {"digest": digest})
    assert response.status_code == 302
    tree.commune.refresh_from_db()
    assert tree.commune.merged_into.code == "LD.XKD"
    record = Reorganization.objects.get()
    assert (record.decision, record.applied_by, record.organization) == (
        "Quyết định số 1234-QĐ/TW",
        users.admin,
        tree.province,
    )
    # applying twice: the file no longer waits
    client.post(_page(tree, "organizations:reorganize_apply"), {"digest": digest})
    assert Reorganization.objects.count() == 1
    assert "Quyết định số 1234-QĐ/TW" in client.get(_page(tree)).content.decode()


def test_a_planner_sees_the_preview_but_cannot_apply(client_for, tree):
    client = client_for("province_planner")
    response = client.post(_page(tree), {"file": _file(*MERGE_KA_DO)})
    assert response.status_code == 200
    assert response.context["preview"].counts["merged"] == 1
    assert "Áp dụng" not in response.content.decode()
    response = client.post(_page(tree, "organizations:reorganize_apply"), {"digest": response.context["digest"]})
    assert response.status_code == 403
    assert not Organization.objects.filter(code="LD.XKD").exists()


@pytest.mark.parametrize("user_key, status", [("clerk", 404), ("viewer", 404), ("outsider", 404)])
def test_others_cannot_reach_the_province_page(client_for, tree, user_key, status):
    assert client_for(user_key).post(_page(tree), {"file": _file(*MERGE_KA_DO)}).status_code == status


def test_clerks_and_viewers_of_the_organization_get_403(client_for, tree):
    from django.urls import reverse

    url = reverse("organizations:reorganize", kwargs={"org_pk": tree.district.pk})
    assert client_for("viewer").post(url, {"file": _file(*MERGE_KA_DO)}).status_code == 403
    url = reverse("organizations:reorganize_apply", kwargs={"org_pk": tree.district.pk})
    assert client_for("viewer").post(url, {"digest": "x"}).status_code == 403


def test_the_page_lists_every_bad_row(client_for, tree):
    response = client_for("admin").post(_page(tree), {"file": _file(("bay", JULY, "LD.DD", "", "", "", ""))})
    body = response.content.decode()
    assert "Không thay đổi gì: có 1 lỗi." in body and "thao tác “bay” không hợp lệ" in body
    assert "preview" not in response.context or response.context.get("preview") is None


def test_the_template_downloads_and_previews_cleanly(client_for, users, tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for("admin").get(_page(tree, "organizations:reorganize_template"))
    preview = reorganization_preview(
        upload=SimpleUploadedFile("t.xlsx", response.content),
        user=users.admin,
        today=dt.date.today(),
        under=tree.province,
    )
    assert preview.counts == {"created": 2, "renamed": 1, "moved": 0, "merged": 0, "dissolved": 0}


def test_the_page_is_linked_from_the_organization_and_the_tree_import(client_for, tree):
    from django.urls import reverse

    client = client_for("admin")
    url = _page(tree)
    assert url in client.get(reverse("organizations:detail", kwargs={"org_pk": tree.province.pk})).content.decode()
    assert url in client.get(reverse("organizations:import", kwargs={"org_pk": tree.province.pk})).content.decode()


# ---------------------------------------------------------------- seed_demo --reorganized


def test_the_stored_fixture_is_the_one_the_demo_rows_make():
    from openpyxl import load_workbook

    from devdata import reorganization as demo

    workbook = load_workbook(demo.REORGANIZATION_FILE, read_only=True)  # keeps the file open until closed
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        stored = [tuple("" if c is None else c for c in row) for row in rows]
    finally:
        workbook.close()
    assert stored[0] == HEADER
    assert stored[1:] == demo.reorganization_2025_rows()


def test_seed_demo_reorganized_is_idempotent_and_keeps_the_allocation_table(seeded_demo):
    from io import StringIO

    from django.core.management import call_command

    from quotas.models import Allocation, Plan, RuleKind

    # From the demo as `seed_demo` leaves it (its own idempotence: tests/test_seed_demo.py),
    # `--reorganized` walks the same seeds again and applies the reorganization; a second
    # run changes nothing.
    call_command("seed_demo", "--reorganized", stdout=StringIO())
    count = Organization.objects.count()
    call_command("seed_demo", "--reorganized", stdout=StringIO())
    assert Organization.objects.count() == count
    assert Reorganization.objects.count() == 1

    province = Organization.objects.get(code="LD")
    for code in ("LD.DD", "LD.DT", "LD.DL", "DNO.GN", "BTH.PT"):
        assert Organization.objects.get(code=code).dissolved_on == dt.date(2025, 7, 1), code
    for code in ("DNO", "BTH"):
        absorbed = Organization.objects.get(code=code)
        assert absorbed.merged_into == province and absorbed.is_invented
    don_duong = Organization.objects.get(code="LD.X-DONDUONG")
    assert (don_duong.name, don_duong.form) == ("Đảng ủy xã Đơn Dương", OrgForm.COMMUNE)
    assert Organization.objects.get_parent(don_duong) == province
    assert Organization.objects.get(code="LD.DD.TM").merged_into == don_duong
    assert Organization.objects.get_parent(Organization.objects.get(code="LD.DD.THPT-DD")) == don_duong
    assert Organization.objects.get_parent(Organization.objects.get(code="LD.DL.TP")).name.startswith(
        "Đảng ủy phường Xuân Hương"
    )
    # no active organization is left under a dissolved one
    for org in Organization.objects.filter(dissolved_on__isnull=True).exclude(depth=1):
        assert Organization.objects.get_parent(org).is_active, org.code
    assert Organization.objects.get(code="NT").is_active  # Ninh Thuận is left alone
    # The district's police committee went to the province's, with its records.
    police = Organization.objects.get(code="LD.DD.CA")
    assert police.is_active and Organization.objects.get_parent(police).code == "LD.CAT"
    # The provincial agencies' committee took its new name on the day: reports before it keep the old.
    agencies = Organization.objects.get(code="LD.KCQ")
    assert agencies.name == "Đảng ủy các cơ quan Đảng tỉnh"
    assert list(agencies.past_names.values_list("name", "valid_until")) == [
        ("Đảng ủy Khối các cơ quan tỉnh", dt.date(2025, 7, 1))
    ]
    # The logins of dissolved districts also work for the commune that took their place.
    from organizations.models import Membership

    held = sorted(
        Membership.objects.filter(user__username__in=["donduong.kehoach", "xem.ductrong"]).values_list(
            "user__username", "organization__code", "role"
        )
    )
    assert held == [
        ("donduong.kehoach", "LD.DD", "planner"),
        ("donduong.kehoach", "LD.X-DONDUONG", "planner"),
        ("xem.ductrong", "LD.DT", "viewer"),
        ("xem.ductrong", "LD.X-DUCTRONG", "viewer"),
    ]

    plan = Plan.objects.get(issuer__code="LD.DD", first_year=2025)
    rows = Allocation.objects.filter(rule__plan=plan, rule__kind=RuleKind.ALLOCATION)
    assert rows.count() == 15
    assert sum(rows.values_list("total", flat=True)) == 91
    assert plan.status == "issued"


def test_the_tree_import_page_lists_the_reorganizations(client_for, users, tree):
    from django.urls import reverse

    reorganization_apply(upload=_file(*MERGE_KA_DO), user=users.admin, today=TODAY, decision="Quyết định số 99-QĐ/TU")
    url = reverse("organizations:import", kwargs={"org_pk": tree.province.pk})
    assert "Quyết định số 99-QĐ/TU" in client_for("admin").get(url).content.decode()


def test_a_commune_merged_into_another_that_moves_the_same_day(users, tree):
    """The 2025 reorganization in one file: Ka Đô merges into a new commune, which goes under
    the province on the same day. The village cell moves twice on that day; its admissions
    count under the district before it and under the new commune from it."""
    from reports.engine import attainment

    from .test_reports_engine import admit

    admit(tree.cell, dt.date(2025, 3, 1))
    upload = _file(
        ("thành lập", JULY, "LD.DD.XM", "LD.DD", "Đảng ủy xã Ka Đô Mới", "commune", "commune"),
        ("sáp nhập", JULY, "LD.DD.KD", "LD.DD.XM", "", "", ""),
        ("chuyển", JULY, "LD.DD.XM", "LD", "", "", ""),
    )
    reorganization_preview(upload=upload, user=users.admin, today=TODAY)
    reorganization_apply(upload=upload, user=users.admin, today=TODAY)
    new = Organization.objects.get(code="LD.DD.XM")
    assert Organization.objects.get_parent(new) == tree.province
    assert Organization.objects.get_parent(Organization.objects.get(pk=tree.cell.pk)) == new

    def actual(org, day):
        return attainment(scope=Organization.objects.get(pk=org.pk), year=2025, as_of=day).actual

    before, on_the_day = dt.date(2025, 5, 31), dt.date(2025, 6, 1)
    assert (actual(tree.district, before), actual(tree.district, on_the_day)) == (1, 0)
    assert actual(new, on_the_day) == 1
    assert (actual(tree.province, before), actual(tree.province, on_the_day)) == (1, 1)


def test_a_row_dated_before_the_commune_it_names_was_founded_is_named(users, tree):
    """The new commune is founded on 01/06; merging into it on 31/05 (a typo) is refused at the
    preview, row by row, and nothing changes."""
    upload = _file(
        ("thành lập", JULY, "LD.XKD", "LD", "Đảng ủy xã Ka Đô", "commune", "commune"),
        ("sáp nhập", "31/05/2025", "LD.DD.KD", "LD.XKD", "", "", ""),
        ("chuyển", "31/05/2025", "LD.DD.THPT", "LD.XKD", "", "", ""),
    )
    errors = _errors(upload, users.admin)
    assert set(errors) == {3, 4}
    assert set(errors.values()) == {"“LD.XKD” thành lập ngày 01/06/2025, sau ngày này"}
    assert not Organization.objects.filter(code="LD.XKD").exists()
