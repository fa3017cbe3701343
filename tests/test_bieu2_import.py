"""The candidate import's optional columns for the statistical form (Biểu 2) and for re-admissions."""

import datetime as dt

import pytest
from django.utils import translation

from admissions.imports import candidates_import
from admissions.models import Admission, Candidate
from common.xlsx import ImportFailed

from .admissions_helpers import TODAY
from .xlsx_files import xlsx_upload

D = dt.date
HEADER = (
    "Mã chi bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Đối tượng", "Số quyết định", "Ngày quyết định",
    "Ngày kết nạp", "Đoàn viên", "Giáo dục phổ thông", "Chuyên môn nghiệp vụ", "Lý luận chính trị",
    "Kết nạp lại", "Ngày ra khỏi Đảng", "Hình thức ra khỏi Đảng", "Lý do ra khỏi Đảng",
)  # fmt: skip


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


def row(name, dob="12/03/2000", *, ceremony=None, youth="", general="", professional="", theory="", again=()):
    decision = ("12-QĐ/HU", ceremony - dt.timedelta(days=10), ceremony) if ceremony else ("", "", "")
    earlier = tuple(again) + ("",) * (4 - len(again))
    return ("LD.DD.THPT", name, dob, "Nữ", "Khác", *decision, youth, general, professional, theory, *earlier)


def test_the_form_columns_and_a_readmission_are_imported(users, tree):
    upload = xlsx_upload(
        [
            HEADER,
            row("Lò Thị Đoàn", youth="x", general="12/12", professional="Đại học", theory="Sơ cấp"),
            row("Hà Văn Chưa Khai", dob="01/02/1990"),
            row("Ka Không", dob="01/02/1995", youth="không", general="THCS", professional="trung cấp", theory="không"),
            row(
                "Ma Thị Trở Lại",
                dob="05/05/1980",
                ceremony=D(2025, 3, 20),
                again=("x", "20/05/2019", "xin ra khỏi Đảng", "Hoàn cảnh gia đình"),
            ),
        ]
    )
    candidates_import(upload=upload, under=tree.school, user=users.clerk, today=TODAY)
    stated = Candidate.objects.get(full_name="Lò Thị Đoàn")
    assert (stated.youth_union_member, stated.general_education, stated.professional_level, stated.theory_level) == (
        True,
        "upper_secondary",
        "university",
        "primary",
    )
    blank = Candidate.objects.get(full_name="Hà Văn Chưa Khai")
    assert (blank.youth_union_member, blank.general_education, blank.professional_level, blank.theory_level) == (
        None,
        "",
        "",
        "",
    )
    no = Candidate.objects.get(full_name="Ka Không")
    assert (no.youth_union_member, no.general_education, no.professional_level, no.theory_level) == (
        False,
        "lower_secondary",
        "vocational",
        "none",
    )
    again = Candidate.objects.get(full_name="Ma Thị Trở Lại")
    assert (again.readmission, again.earlier_membership_ended_on, again.earlier_membership_end) == (
        True,
        D(2019, 5, 20),
        "left",
    )
    assert again.earlier_membership_note == "Hoàn cảnh gia đình"
    assert Admission.objects.get(candidate=again).readmission is True


def test_bad_values_are_listed_in_vietnamese_and_nothing_is_saved(users, tree):
    upload = xlsx_upload(
        [
            HEADER,
            row("Sai Đoàn Viên", youth="có lẽ"),
            row("Sai Học Vấn", general="Đại học", professional="phi công", theory="tiến sĩ"),
            row("Thiếu Kết Nạp Lại", again=("x",)),
            row("Thừa Ngày Ra", again=("", "20/05/2019")),
            row("Sai Hình Thức", again=("x", "20/05/2019", "bỏ đi", "Lý do")),
            row("Khai Trừ", again=("x", "20/05/2019", "khai trừ", "Vi phạm")),
        ]
    )
    with pytest.raises(ImportFailed) as exc:
        candidates_import(upload=upload, under=tree.school, user=users.clerk, today=TODAY)
    errors = {e.row: e.message for e in exc.value.errors}
    assert "Đoàn viên “có lẽ” không phải có" in errors[2]
    assert "không rõ trình độ giáo dục phổ thông “Đại học”" in errors[3]
    assert "không rõ trình độ chuyên môn “phi công”" in errors[3]
    assert "không rõ trình độ lý luận chính trị “tiến sĩ”" in errors[3]
    assert "ngày ra khỏi Đảng" in errors[4] and "hình thức" in errors[4] and "lý do" in errors[4]
    assert "chỉ ghi việc ra khỏi Đảng lần trước khi kết nạp lại" in errors[5]
    assert "không rõ hình thức ra khỏi Đảng “bỏ đi”" in errors[6]
    assert 7 in errors  # expelled: the service's rule refuses a re-admission
    assert not Candidate.objects.exists()
