"""The candidate import at an organization merged in a reorganization (Đảng bộ xã Ka Đô,
merged on 01/05/2025 into Đảng ủy xã Quảng Lập, founded that day): a file not entered in
time is imported as the board would have entered it then. A road begun before the merger
is the merged commune's, and a candidate still on the road that day goes on at the
successor as the merger handed its candidates over; a row dated from the merger's day
names the successor it belongs to, not a dissolution."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from admissions import services
from admissions.imports import candidates_import
from admissions.models import Admission, Candidate, CandidateTransfer, Step
from common.xlsx import ImportFailed
from organizations.locks import lock_period
from organizations.models import Membership, Role
from organizations.services import organization_create, organization_merge
from reports.engine import attainment

from .admissions_helpers import TODAY, make_candidate
from .xlsx_files import xlsx_upload

D = dt.date
MERGER = D(2025, 5, 1)
HEADER = (
    "Mã chi bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Đối tượng", "Trình độ học vấn", "Bước", "Ngày của bước",
    "Số văn bản", "Số quyết định", "Ngày quyết định", "Ngày kết nạp", "Ngày cấp giấy chứng nhận",
)  # fmt: skip


def row(name, step="", step_date="", document="", decision=("", "", ""), certificate="", code="LD.DD.KD"):
    return (code, name, D(1998, 3, 3), "Nam", "Khác", "Đại học", step, step_date, document, *decision, certificate)


@pytest.fixture
def merged(tree):
    """Ka Đô's commune committee merged into the new commune of Quảng Lập, founded that day."""
    successor = organization_create(
        parent=tree.province,
        code="LD.X-QL",
        name="Đảng ủy xã Quảng Lập",
        form="commune",
        sector="commune",
        founded_on=MERGER,
    )
    organization_merge(source=tree.commune, target=successor, on_date=MERGER, today=TODAY)
    tree.commune.refresh_from_db()
    return successor


def _import(rows, under, user):
    return candidates_import(upload=xlsx_upload([HEADER, *rows]), under=under, user=user, today=TODAY)


def _refused(rows, under, user) -> dict[int, str]:
    with translation.override("vi"), pytest.raises(ImportFailed) as failed:
        _import(rows, under, user)
    return {error.row: error.message for error in failed.value.errors}


def test_a_row_dated_from_the_merger_names_the_successor_and_the_day_and_nothing_is_saved(tree, users, merged):
    rows = [row("Nguyễn Văn Trước", 2, "10/03/2025", "GCN-1"), row("Nguyễn Văn Sau", 2, "10/05/2025", "GCN-2")]
    errors = _refused(rows, tree.province, users.admin)
    assert errors == {
        3: "tổ chức “LD.DD.KD” đã hợp nhất vào Đảng ủy xã Quảng Lập ngày 01/05/2025: dòng ghi ngày từ hôm đó"
        " trở đi thuộc Đảng ủy xã Quảng Lập (mã “LD.X-QL”)"
    }
    assert not Candidate.objects.filter(full_name__startswith="Nguyễn Văn").exists()  # the good row neither
    # Entered at the successor, the row is imported there.
    (moved,) = _import([row("Nguyễn Văn Sau", 2, "10/05/2025", "GCN-2", code="LD.X-QL")], tree.province, users.admin)
    assert moved.organization == merged


def test_a_road_begun_before_the_merger_is_imported_as_if_entered_in_time(tree, users):
    """Two people at the cell's resolution on 10/04/2025 at Ka Đô: one entered then, one
    whose file is imported after the merger. Both go on at Quảng Lập, kept at Ka Đô until
    the merger's day, and the report of 30/04/2025 counts both at Ka Đô."""
    in_time = make_candidate(tree.commune, full_name="Trần Văn Kịp", source_date=D(2025, 3, 10))
    services.candidate_advance(
        candidate=in_time,
        step=Step.CELL_RESOLUTION,
        date=D(2025, 4, 10),
        document_number="NQ-1",
        user=users.admin,
        today=TODAY,
        earlier_steps_missing=True,
    )
    successor = organization_create(
        parent=tree.province, code="LD.X-QL", name="Đảng ủy xã Quảng Lập", form="commune", sector="commune",
        founded_on=MERGER,
    )  # fmt: skip
    organization_merge(source=tree.commune, target=successor, on_date=MERGER, today=TODAY)

    (late,) = _import(
        [row("Trần Văn Muộn", "Cell resolution", "10/04/2025", "NQ-2", certificate="10/03/2025")],
        tree.province,
        users.admin,
    )
    in_time.refresh_from_db()
    for candidate in (in_time, late):
        assert candidate.organization == successor
        assert list(candidate.transfers.values_list("organization__code", "valid_until")) == [("LD.DD.KD", MERGER)]
        assert (candidate.step, candidate.step_date) == (Step.CELL_RESOLUTION, D(2025, 4, 10))
    assert late.due_on == in_time.due_on
    steps = list(late.steps.values_list("step", "date"))
    assert steps == [(Step.CLASS, D(2025, 3, 10)), (Step.CELL_RESOLUTION, D(2025, 4, 10))]
    # Đơn Dương's report of 30/04/2025 counts both at Ka Đô; today both are Quảng Lập's.
    assert attainment(scope=tree.district, year=2025, as_of=D(2025, 4, 30)).forecast == 2
    assert attainment(scope=tree.district, year=2025, as_of=TODAY).forecast == 0
    assert attainment(scope=successor, year=2025, as_of=TODAY).forecast == 2


def test_the_steps_from_the_merger_on_are_the_successors(tree, users, merged):
    """A road begun at Ka Đô whose later steps and admission come after the merger: the
    steps before it are Ka Đô's, the rest (and the admission) Quảng Lập's, each checked there."""
    rows = [
        row("Lê Văn Qua", "Cell resolution", "10/06/2025", "NQ-3", certificate="10/03/2025"),
        row("Phạm Thị Nạp", decision=("7-QĐ/HU", "20/04/2025", "10/05/2025"), certificate="10/02/2025"),
        row("Vũ Văn Xong", decision=("8-QĐ/HU", "10/03/2025", "20/03/2025")),
    ]
    through, admitted_after, admitted_before = _import(rows, tree.province, users.admin)
    assert through.organization == merged and admitted_after.organization == merged
    assert list(through.transfers.values_list("organization__code", "valid_until")) == [("LD.DD.KD", MERGER)]
    assert Admission.objects.get(candidate=admitted_after).organization == merged
    # Admitted before the merger: the whole road was Ka Đô's, and stays there, as a merger leaves it.
    assert admitted_before.organization == tree.commune
    assert Admission.objects.get(candidate=admitted_before).organization == tree.commune
    assert not admitted_before.transfers.exists()
    # A step from the merger's day on is checked at the successor: its locked period refuses it.
    lock_period(organization=merged, start=D(2025, 6, 1), end=D(2025, 6, 30), user=users.admin, reason="Sơ kết")
    errors = _refused([row("Đỗ Văn Khóa", "Cell resolution", "10/06/2025", "NQ-4", certificate="10/03/2025")],
                      tree.province, users.admin)  # fmt: skip
    assert "Đảng ủy xã Quảng Lập" in errors[2] and "khóa" in errors[2]


def test_the_successors_staff_import_the_merged_communes_files(tree, merged, django_user_model):
    """Quảng Lập's staff carry Ka Đô's files (its candidate lists show them): they import a
    late one from their own page. Ka Đô's former staff, who cannot edit Quảng Lập's records,
    cannot hand a candidate on the road over to it."""
    clerk = django_user_model.objects.create_user(username="ql.clerk", password="x")
    Membership.objects.create(user=clerk, organization=merged, role=Role.CLERK)
    (candidate,) = _import([row("Hoàng Văn Giao", 2, "10/03/2025", "GCN-5")], merged, clerk)
    assert candidate.organization == merged
    former = django_user_model.objects.create_user(username="kd.clerk", password="x")
    Membership.objects.create(user=former, organization=tree.commune, role=Role.CLERK)
    errors = _refused([row("Hoàng Văn Khác", 2, "10/03/2025", "GCN-6")], tree.commune, former)
    assert "bạn không có quyền ghi hồ sơ của Đảng ủy xã Quảng Lập" in errors[2]


def test_the_queries_do_not_grow_with_the_merged_communes_rows(tree, users, merged):
    def queries(n, prefix):
        rows = [row(f"{prefix} {i:03d}", 2, D(2025, 3, 1 + i % 28), f"GCN-{i}") for i in range(n)]
        with CaptureQueriesContext(connection) as captured:
            _import(rows, tree.province, users.admin)
        return len(captured)

    queries(2, "Khởi Động")
    assert queries(5, "Ít") == queries(40, "Nhiều")
    assert CandidateTransfer.objects.filter(organization=tree.commune).count() == 47


def test_the_audits_file_on_the_reorganized_demo(reorganized_demo, tmp_path):
    """Đảng bộ xã Ka Đơn (LD.DD.KDN) was merged into Đảng ủy xã Quảng Lập on 01/07/2025."""
    from openpyxl import Workbook

    def upload(*rows):
        workbook = Workbook()
        for line in (HEADER, *rows):
            workbook.active.append(list(line))
        path = tmp_path / "file.xlsx"
        workbook.save(path)
        return str(path)

    after = row("Nguyễn Văn Sau", 2, "10/03/2026", "GCN-1", code="LD.DD.KDN")
    before = row("Nguyễn Văn Trước", 2, "10/05/2025", "GCN-2", code="LD.DD.KDN")
    errors = io.StringIO()
    with pytest.raises(SystemExit):
        call_command(
            "import_xlsx", "candidates", upload(after, before), org="LD", user="quantri", language="vi", stderr=errors
        )
    assert errors.getvalue().splitlines() == [
        "row 2: tổ chức “LD.DD.KDN” đã hợp nhất vào Đảng ủy xã Quảng Lập ngày 01/07/2025: dòng ghi ngày từ hôm đó"
        " trở đi thuộc Đảng ủy xã Quảng Lập (mã “LD.X-QUANGLAP”)"
    ]
    call_command("import_xlsx", "candidates", upload(before), org="LD", user="quantri", language="vi")
    candidate = Candidate.objects.get(full_name="Nguyễn Văn Trước")
    assert candidate.organization.code == "LD.X-QUANGLAP"
    assert list(candidate.transfers.values_list("organization__code", "valid_until")) == [("LD.DD.KDN", D(2025, 7, 1))]


def test_the_import_page_says_where_a_row_belongs(client, merged, django_user_model):
    """Quảng Lập's clerk imports Ka Đô's late files from the new commune's page."""
    clerk = django_user_model.objects.create_user(username="ql.clerk", password="x")
    Membership.objects.create(user=clerk, organization=merged, role=Role.CLERK)
    client.force_login(clerk)
    url = reverse("admissions:import", kwargs={"org_pk": merged.pk})
    before, after = row("Đặng Văn Trước", 2, "10/03/2025", "GCN-7"), row("Đặng Văn Sau", 2, "10/05/2025", "GCN-8")
    with translation.override("vi"):
        page = client.post(url, {"file": xlsx_upload([HEADER, before, after])}).content.decode()
        assert "đã hợp nhất vào Đảng ủy xã Quảng Lập ngày 01/05/2025" in page and "“LD.X-QL”" in page
        assert "đã giải thể" not in page
        assert not Candidate.objects.exists()
        assert client.post(url, {"file": xlsx_upload([HEADER, before])}).status_code == 302
    assert Candidate.objects.get().organization == merged


def test_the_pages_name_the_successor_of_a_merged_organization(tree, merged):
    """The forms that add a candidate or move one to an organization refuse a merged one
    (their lists offer standing ones only), naming where its candidates went."""
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        make_candidate(tree.commune, source_date=D(2025, 6, 1))
    assert refused.value.messages == [
        "Đảng bộ xã Ka Đô đã hợp nhất vào Đảng ủy xã Quảng Lập ngày 01/05/2025: từ ngày đó quần chúng của tổ chức này"
        " được bồi dưỡng tại Đảng ủy xã Quảng Lập."
    ]
