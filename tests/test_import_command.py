"""`manage.py import_xlsx KIND FILE --org CODE --user USERNAME [--dry-run]`: each import as its page runs it."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from admissions import services as admission_services
from admissions.models import Admission, Candidate
from organizations.models import Organization
from quotas import services as quota_services
from quotas.models import Allocation, RuleKind
from reports.models import HistoricalResult

from .admissions_helpers import make_candidate, walk
from .conftest import TODAY

D = dt.date
CANDIDATE_HEADER = ("Mã chi bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Đối tượng", "Bước", "Ngày của bước")


def _file(tmp_path: Path, rows, name="f.xlsx") -> str:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    path = tmp_path / name
    book.save(path)
    return str(path)


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    code = 0
    try:
        call_command("import_xlsx", *args, stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_candidates_good_file_saves_and_prints_the_count(tmp_path, users, tree):
    path = _file(
        tmp_path, [CANDIDATE_HEADER, ("LD.DD.THPT", "Lò Văn Lệnh", "12/03/2006", "Nam", "HS", 2, "20/09/2024")]
    )
    code, out, err = _run("candidates", path, "--org", "LD.DD.THPT", "--user", "clerk")
    assert (code, err) == (0, "")
    assert "1" in out
    assert Candidate.objects.get().full_name == "Lò Văn Lệnh"


def test_dry_run_checks_and_saves_nothing(tmp_path, users, tree):
    path = _file(tmp_path, [CANDIDATE_HEADER, ("LD.DD.THPT", "Lò Văn Lệnh", "12/03/2006", "Nam", "HS", "", "")])
    code, out, _err = _run("candidates", path, "--org", "LD.DD.THPT", "--user", "clerk", "--dry-run")
    assert code == 0 and "1" in out
    assert not Candidate.objects.exists()


def test_bad_rows_are_printed_in_vietnamese_and_exit_1(tmp_path, users, tree):
    path = _file(
        tmp_path,
        [
            CANDIDATE_HEADER,
            ("LD.DD.THPT", "Lò Văn Lệnh", "12/03/2006", "Nam", "HS", "", ""),
            ("XX.99", "Ai Đó", "12/03/2006", "Nam", "HS", "", ""),
            ("LD.DD.THPT", "Còn Nhỏ", "01/09/2006", "Nam", "HS", 7, "05/08/2024"),
        ],
    )
    code, out, err = _run("candidates", path, "--org", "LD.DD.THPT", "--user", "clerk")
    assert code == 1
    lines = err.strip().splitlines()
    assert lines[0].startswith("row 3: ") and "XX.99" in lines[0] and "không tìm thấy tổ chức" in lines[0]
    assert lines[1].startswith("row 4: ") and "17 tuổi 11 tháng" in lines[1]
    assert not Candidate.objects.exists()


def test_an_admitted_person_is_refused_party_wide_without_saying_where(tmp_path, users, tree):
    from organizations.models import OrgForm, Sector

    from .conftest import _org

    elsewhere = _org(tree.other_city, "NT.PR.02", "Chi bộ Khu phố 2", OrgForm.GRASSROOTS_CELL, Sector.OTHER)
    first = walk(make_candidate(elsewhere, full_name="Huỳnh Hữu Quân", date_of_birth=D(1982, 12, 3), category="other"))
    admission_services.admission_record(candidate=first, ceremony_date=D(2024, 9, 30), user=None, today=TODAY)
    path = _file(tmp_path, [CANDIDATE_HEADER, ("LD.DD.THPT", "Huỳnh Hữu Quân", "03/12/1982", "Nam", "Khác", "", "")])
    code, _out, err = _run("candidates", path, "--org", "LD.DD.THPT", "--user", "clerk")
    assert code == 1 and err.startswith("row 2: ")
    assert "NT.PR.02" not in err and "30/09/2024" not in err and "tổ chức khác" in err
    assert Admission.objects.count() == 1 and Candidate.objects.count() == 1


def test_scope_and_role_are_the_pages(tmp_path, users, tree):
    path = _file(tmp_path, [CANDIDATE_HEADER, ("LD.DL.TP", "Ai Đó", "12/03/2006", "Nam", "HS", "", "")])
    with pytest.raises(CommandError, match="Không có tổ chức nào mã “LD.DL.TP”"):
        _run("candidates", path, "--org", "LD.DL.TP", "--user", "clerk")  # outside: as a 404
    with pytest.raises(CommandError, match="Vai trò"):
        _run("candidates", path, "--org", "LD.DD", "--user", "viewer")  # inside, role too low: as a 403
    with pytest.raises(CommandError, match="No organization"):
        _run("candidates", path, "--org", "LD.DL.TP", "--user", "clerk", "--language", "en")
    with pytest.raises(CommandError, match="role"):
        _run("candidates", path, "--org", "LD.DD", "--user", "viewer", "--language", "en")
    # The district clerk's page under the district: the row's cell is outside the scope of the user.
    code, _out, err = _run("candidates", path, "--org", "LD.DD.THPT", "--user", "clerk")
    assert code == 1 and "LD.DL.TP" in err


def test_tree(tmp_path, users, tree):
    path = _file(
        tmp_path,
        [
            ("Tổ chức cấp trên", "Tên tổ chức", "Loại hình", "Lĩnh vực", "Mã"),
            ("", "Đảng bộ xã Lạc Xuân", "Đảng bộ cơ sở", "xa, phuong, thi tran", "LD.DD.LX"),
        ],
    )
    assert _run("tree", path, "--org", "LD.DD", "--user", "admin")[0] == 0
    assert Organization.objects.filter(code="LD.DD.LX").exists()


def test_counts(tmp_path, users, tree):
    path = _file(tmp_path, [("Mã", "Tính đến ngày", "Số đảng viên"), ("LD.DD.KD.01", "01/01/2025", 12)])
    assert _run("counts", path, "--org", "LD.DD", "--user", "district_planner")[0] == 0
    assert tree.cell.member_counts.get(as_of=D(2025, 1, 1)).members == 12


def test_allocation_needs_the_rule_and_runs_as_the_page(tmp_path, users, tree):
    plan = quota_services.plan_create(
        issuer=tree.district, title="Kế hoạch 2025", symbol="KH/HU", first_year=2025, last_year=2025
    )
    table = quota_services.rule_create(plan=plan, today=TODAY, kind=RuleKind.ALLOCATION, min_count=10)
    path = _file(tmp_path, [("STT", "TCCSĐ", "CHỈ TIÊU"), ("01", "Chi bộ Trường THPT Đơn Dương", "03 (01 HS)")])
    with pytest.raises(CommandError, match="--rule"):
        _run("allocation", path, "--org", "LD.DD", "--user", "district_planner")
    with pytest.raises(CommandError):
        _run("allocation", path, "--org", "LD.DD", "--user", "outsider", "--rule", str(table.pk))
    code, out, _err = _run("allocation", path, "--org", "LD.DD", "--user", "district_planner", "--rule", str(table.pk))
    assert code == 0 and "1" in out
    assert Allocation.objects.get(organization=tree.school).total == 3


def test_history(tmp_path, users, tree):
    path = _file(
        tmp_path,
        [("Mã tổ chức", "Năm", "Đối tượng", "Số đảng viên mới"), ("LD.DD", 2022, "", 12), ("LD.DL", 2022, "", 5)],
    )
    code, _out, err = _run("history", path, "--org", "LD.DD", "--user", "district_planner")
    assert code == 1 and err.startswith("row 3: ")
    assert not HistoricalResult.objects.exists()


def test_english_on_request(tmp_path, users, tree):
    path = _file(tmp_path, [CANDIDATE_HEADER, ("XX.99", "Ai Đó", "12/03/2006", "Nam", "HS", "", "")])
    code, _out, err = _run("candidates", path, "--org", "LD.DD.THPT", "--user", "clerk", "--language", "en")
    assert code == 1 and "organization “XX.99” not found in your scope" in err
