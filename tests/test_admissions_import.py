import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from admissions.imports import candidates_import
from admissions.models import Admission, Candidate, Outcome, Step
from common.xlsx import ImportFailed

from .admissions_helpers import TODAY, make_candidate
from .xlsx_files import xlsx_upload

D = dt.date
HEADER = (
    "Mã chi bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Đối tượng", "Trình độ học vấn",
    "Số CCCD", "Bước", "Ngày của bước", "Số văn bản", "Số quyết định", "Ngày quyết định", "Ngày kết nạp",
)  # fmt: skip


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def row(code="LD.DD.THPT", name="Lò Văn Nhập", dob="12/03/2006", gender="Nam", category="HS", step="", day="", **kw):
    return (
        code, name, dob, gender, category, kw.get("education", ""), kw.get("national_id", ""), step, day,
        kw.get("document", ""), kw.get("decision_number", ""), kw.get("decision_date", ""), kw.get("ceremony", ""),
    )  # fmt: skip


def test_a_good_file_creates_candidates_and_past_admissions(users, tree):
    upload = xlsx_upload(
        [
            ("Danh sách quần chúng ưu tú",),
            HEADER,
            row(step=2, day="20/09/2024", document="GCN-7"),
            row(name="Đinh Thị Đã Vào", dob=D(1999, 1, 2), gender="Nữ", category="Khác", education="Đại học",
                decision_number="12-QĐ/HU", decision_date=D(2024, 1, 10), ceremony="20/01/2024"),
            row(name="Y Niê Bảy", dob="2005-01-01", step="Cell resolution", day="2025-05-05"),
        ]
    )  # fmt: skip
    created = candidates_import(upload=upload, under=tree.school, user=users.clerk, today=TODAY)
    assert len(created) == 3
    first = Candidate.objects.get(full_name="Lò Văn Nhập")
    assert (first.step, first.step_date, first.category) == (Step.CLASS, D(2024, 9, 20), "pupil")
    assert first.steps.get().document_number == "GCN-7"
    admitted = Candidate.objects.get(full_name="Đinh Thị Đã Vào")
    assert admitted.outcome == Outcome.ADMITTED and admitted.education == "university"
    admission = Admission.objects.get()
    assert (admission.ceremony_date, admission.probation_due, admission.organization) == (
        D(2024, 1, 20),
        D(2025, 1, 20),
        tree.school,
    )
    assert Candidate.objects.get(full_name="Y Niê Bảy").due_on is not None
    assert first.history.first().history_user == users.clerk


def test_a_bad_file_saves_nothing_and_lists_every_bad_row(users, tree):
    make_candidate(tree.school, full_name="Người Đã Có", date_of_birth=D(2004, 4, 4))
    upload = xlsx_upload(
        [
            HEADER,
            row(),  # fine
            row(name="Ngày Sai", dob="31/02/2006"),
            row(name="Còn Nhỏ", dob="01/01/2008", step=7, day="01/03/2025"),
            row(name="Không Rõ Chi Bộ", code="XX.99"),
            row(name="Ngoài Phạm Vi", code="LD.DD.KD.01"),
            row(name="nguoi da co", dob="04/04/2004"),
            row(name="LÒ VĂN NHẬP"),  # the same person as row 2
            row(name="Tương Lai", step=2, day="01/01/2030"),
            row(name="Sai Đối Tượng", category="phi công"),
            row(name="Sai CCCD", national_id="123"),
        ]
    )
    with pytest.raises(ImportFailed) as exc:
        candidates_import(upload=upload, under=tree.school, user=users.clerk, today=TODAY)
    errors = {e.row: e.message for e in exc.value.errors}
    assert set(errors) == set(range(3, 12))
    assert "not a date" in errors[3]
    assert "at least 18 full years" in errors[4] and "17 years 2 months old on 01/03/2025" in errors[4]
    # Unknown and outside the scope read the same (a file cannot probe what exists).
    assert errors[5] == "organization “XX.99” not found in your scope"
    assert errors[6] == "organization “LD.DD.KD.01” not found in your scope"
    assert "already on record: Người Đã Có" in errors[7]
    assert "row 2" in errors[8]
    assert "future" in errors[9]
    assert "unknown category" in errors[10]
    assert "12 digits" in errors[11]
    assert Candidate.objects.count() == 1


def test_not_an_excel_file(users, tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ImportFailed) as exc:
        candidates_import(
            upload=SimpleUploadedFile("x.xlsx", b"not a workbook"), under=tree.school, user=users.clerk, today=TODAY
        )
    assert exc.value.errors[0].row == 0


def test_import_page_lists_errors_in_vietnamese(client_for, tree):
    with translation.override("vi"):
        response = client_for("clerk").post(
            reverse("admissions:import", kwargs={"org_pk": tree.school.pk}),
            {"file": xlsx_upload([HEADER, row(code="XX.99")])},
        )
    assert response.status_code == 200
    assert "không tìm thấy tổ chức “XX.99” trong phạm vi của bạn" in response.text
    assert not Candidate.objects.exists()


def test_template_download(client_for, tree):
    response = client_for("clerk").get(reverse("admissions:import_template", kwargs={"org_pk": tree.school.pk}))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_template_imports_cleanly(client_for, users, tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for("clerk").get(reverse("admissions:import_template", kwargs={"org_pk": tree.school.pk}))
    upload = SimpleUploadedFile("mau.xlsx", response.content)
    created = candidates_import(upload=upload, under=tree.school, user=users.clerk, today=TODAY)
    assert len(created) == 2 and Admission.objects.count() == 1
