"""The candidate import at scale: its queries do not grow with its rows, and the bulk
write gives what writing each row through the page services gives (issue 18)."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from admissions import tally
from admissions.imports import candidates_import
from admissions.models import Admission, Candidate, Introducer, StepRecord
from common.xlsx import ImportFailed
from organizations.locks import lock_period
from reports import cache

from .admissions_helpers import TODAY
from .import_rows import HEADER, import_rows
from .reference_import import candidates_import_row_by_row
from .xlsx_files import xlsx_upload

D = dt.date
# The optional columns of earlier steps and introducers, after import_rows' header.
MORE = (
    "Người giới thiệu 1", "Người giới thiệu 1 biết từ ngày", "Người giới thiệu 2", "Người giới thiệu 2 biết từ ngày",
    "Đoàn TN giới thiệu", "Ngày cấp giấy chứng nhận", "Ngày giới thiệu", "Ngày nghị quyết chi bộ",
)  # fmt: skip
NO_MORE = ("",) * len(MORE)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _import(rows, tree, users, row_by_row=False):
    run = candidates_import_row_by_row if row_by_row else candidates_import
    return run(upload=xlsx_upload(rows), under=tree.district, user=users.admin, today=TODAY)


def _queries(rows, tree, users) -> int:
    with CaptureQueriesContext(connection) as captured:
        _import(rows, tree, users)
    return len(captured)


def test_the_queries_of_an_import_do_not_grow_with_its_rows(tree, users):
    _import(import_rows(3, prefix="Khởi Động"), tree, users)  # first use of the tables
    small = _queries(import_rows(10, prefix="Nhỏ"), tree, users)
    large = _queries(import_rows(2000, prefix="Lớn"), tree, users)
    assert large == small, (small, large)
    assert Candidate.objects.count() == 2013 and Admission.objects.count() == 2 + 400


def _rich_rows() -> list[tuple]:
    """import_rows' mix, plus people whose earlier steps and introducers the file dates."""
    rows = [(*r, *NO_MORE) for r in import_rows(40)]
    rows[0] = (*HEADER, *MORE)
    for i, code in enumerate(("LD.DD.THPT", "LD.DD.KD.01")):
        rows.append(
            (code, f"Trần Thị Giới Thiệu {i}", D(1995, 5, 5), "Nữ", "Khác", "", "", "Cell resolution", D(2025, 3, 3),
             "NQ-9", "", "", "", "Lê Văn A", D(2023, 1, 1), "Lê Văn B", D(2023, 2, 2), "", D(2024, 10, 1),
             D(2024, 12, 1), "")
        )  # fmt: skip
        rows.append(
            (code, f"Phạm Văn Đoàn {i}", D(2005, 5, 5), "Nam", "Khác", "", "", 6, D(2025, 2, 2), "GT-1", "", "", "",
             "Lê Văn C", D(2024, 1, 1), "", "", "x", D(2024, 11, 1), "", "")
        )  # fmt: skip
    return rows


def _snapshot(created) -> dict:
    """What an import leaves, by person: the candidate, its steps, introducers, admission,
    the tallies, and who the history rows name."""
    people = {}
    for candidate in Candidate.objects.filter(pk__in=[c.pk for c in created]).order_by("full_name"):
        admission = Admission.objects.filter(candidate=candidate).values(
            "organization_id", "category", "ceremony_date", "decision_number", "decision_date", "probation_due",
            "recognition_due", "readmission",
        ).first()  # fmt: skip
        people[candidate.full_name] = {
            "candidate": {
                f.attname: getattr(candidate, f.attname)
                for f in Candidate._meta.concrete_fields
                if f.attname not in ("id", "created_at", "updated_at")
            },
            "steps": sorted(
                StepRecord.objects.filter(candidate=candidate).values_list(
                    "step", "date", "document_number", "note", "recorded_by_id"
                )
            ),
            "introducers": sorted(
                Introducer.objects.filter(candidate=candidate).values_list("kind", "full_name", "known_since")
            ),
            "admission": admission,
            "history_users": {
                *candidate.history.values_list("history_user_id", flat=True),
                *StepRecord.history.filter(candidate_id=candidate.pk).values_list("history_user_id", flat=True),
                *Admission.history.filter(candidate_id=candidate.pk).values_list("history_user_id", flat=True),
                *Introducer.history.filter(candidate_id=candidate.pk).values_list("history_user_id", flat=True),
            },
        }
    return {"people": people, "tallies": tally.current()}


def test_the_bulk_import_leaves_what_the_row_by_row_import_leaves(tree, users):
    rows = _rich_rows()
    point = transaction.savepoint_create()
    one_by_one = _snapshot(_import(rows, tree, users, row_by_row=True))
    transaction.savepoint_rollback(point)
    assert not Candidate.objects.exists()
    bulk = _snapshot(_import(rows, tree, users))
    assert len(bulk["people"]) == 44
    assert bulk == one_by_one
    # Every history row names the importing user; the tallies equal a recount.
    assert all(p["history_users"] == {users.admin.pk} for p in bulk["people"].values())
    assert any(p["introducers"] for p in bulk["people"].values())
    assert bulk["tallies"] and bulk["tallies"] == (tally.rebuild() and tally.current())


def test_a_bad_row_at_the_end_of_a_long_file_saves_nothing(tree, users):
    rows = import_rows(300)
    rows.append(("LD.DD.THPT", "Tương Lai", D(2000, 1, 1), "Nam", "Khác", "", "", 2, D(2025, 7, 1), "", "", "", ""))
    before = (tally.current(), Candidate.history.count(), StepRecord.history.count())
    with pytest.raises(ImportFailed) as exc:
        _import(rows, tree, users)
    ((row, message),) = [(e.row, e.message) for e in exc.value.errors]
    assert row == 302 and "future" in message
    assert not Candidate.objects.exists() and not StepRecord.objects.exists() and not Admission.objects.exists()
    assert (tally.current(), Candidate.history.count(), StepRecord.history.count()) == before


def test_a_row_in_a_locked_year_is_refused_naming_the_lock(tree, users):
    lock_period(
        organization=tree.district,
        start=D(2024, 1, 1),
        end=D(2024, 12, 31),
        user=users.admin,
        reason="Báo cáo năm 2024 đã duyệt",
    )
    rows = import_rows(20, year=2023)
    rows.append(("LD.DD.KD.01", "Ngày Đã Khóa", D(1990, 1, 1), "Nam", "Khác", "", "", 2, D(2024, 5, 5), "", "", "", ""))
    with pytest.raises(ImportFailed) as exc:
        _import(rows, tree, users)
    ((row, message),) = [(e.row, e.message) for e in exc.value.errors]
    assert row == 22 and "01/01/2024–31/12/2024" in message and "Huyện ủy Đơn Dương" in message
    assert "Báo cáo năm 2024 đã duyệt" in message
    assert not Candidate.objects.exists()


def test_an_import_marks_the_answers_of_its_organizations_stale_and_no_others(tree, users):
    here, elsewhere = cache.data_version(tree.district), cache.data_version(tree.other_province)
    _import(import_rows(20), tree, users)
    assert cache.data_version(tree.district) != here
    assert cache.data_version(tree.other_province) == elsewhere


def test_a_row_s_problems_name_its_columns_in_the_user_s_language(tree, users):
    rows = [(*HEADER, *MORE, "Giáo dục phổ thông")]
    rows.append(
        ("LD.DD.THPT", "Ngày Sai", "31/02/2006", "Nam", "Khác", "", "", 6, D(2025, 2, 2), "", "", "", "",
         "Lê Văn C", "hôm qua", "", "", "x", "", "", "", "lớp 13")
    )  # fmt: skip
    with translation.override("vi"), pytest.raises(ImportFailed) as exc:
        _import(rows, tree, users)
    (error,) = exc.value.errors
    assert "Ngày sinh “31/02/2006” không phải là ngày (dd/mm/yyyy)" in error.message
    assert "Người giới thiệu 1 biết từ ngày “hôm qua” không phải là ngày" in error.message
    assert "không rõ trình độ giáo dục phổ thông “lớp 13”" in error.message
