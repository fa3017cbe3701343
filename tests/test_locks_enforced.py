"""A locked period holds at every write of a dated record: the services, the pages, the
imports and the admin; a reopening lets writes through until its last day, in the history."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from admissions import services
from admissions.imports import candidates_import
from admissions.models import Admission, Candidate, Step, StepRecord
from common.xlsx import ImportFailed
from organizations import locks
from organizations.imports import member_count_import
from organizations.models import LockReopening, MemberCount
from organizations.services import member_count_record

from .admissions_helpers import TODAY, make_candidate, walk
from .test_access_matrix import fingerprint
from .xlsx_files import xlsx_upload

D = dt.date
LATER = D(2026, 3, 1)  # the services' today: after the 2025 report was approved
LOCKED_DAY = D(2025, 5, 10)


@pytest.fixture(autouse=True)
def _vietnamese():
    with translation.override("vi"):
        yield


@pytest.fixture
def world(tree, users):
    """Records of Đơn Dương made during 2025, then its 2025 locked (the province approved)."""
    at_decision = walk(make_candidate(tree.school, full_name="Nguyễn Văn Quyết Định", date_of_birth=D(2005, 1, 2)))
    admitted_2024 = walk(make_candidate(tree.school, full_name="Trần Thị Năm Trước", date_of_birth=D(2004, 2, 3)))
    services.admission_record(candidate=admitted_2024, ceremony_date=D(2024, 10, 1), user=None, today=TODAY)
    admitted_2025 = walk(make_candidate(tree.school, full_name="Lê Văn Năm Nay", date_of_birth=D(2003, 3, 4)))
    services.admission_record(candidate=admitted_2025, ceremony_date=D(2025, 3, 1), user=None, today=TODAY)
    sourced_2025 = make_candidate(
        tree.school, full_name="Phạm Thị Mới", date_of_birth=D(2006, 4, 5), source_date=D(2025, 2, 1)
    )
    lock = locks.lock_period(
        organization=tree.district,
        start=D(2025, 1, 1),
        end=D(2025, 12, 31),
        user=users.province_planner,
        reason="Báo cáo năm 2025 đã duyệt",
    )
    return {
        "lock": lock,
        "at_decision": at_decision,
        "admitted_2024": admitted_2024.admission,
        "admitted_2025": admitted_2025,
        "sourced_2025": sourced_2025,
    }


def _refused(call):
    """The call is refused naming the lock, in Vietnamese, and nothing at all changed."""
    before = fingerprint()
    with pytest.raises(ValidationError) as refused:
        call()
    message = " ".join(refused.value.messages)
    assert "Huyện ủy Đơn Dương" in message and "đã khóa" in message and "01/01/2025–31/12/2025" in message, message
    assert fingerprint() == before
    return message


# ---------------------------------------------------------------- the services


def test_every_service_refuses_a_write_dated_in_the_locked_year(world, tree, users):
    user = users.clerk
    _refused(
        lambda: make_candidate(
            tree.school, user=user, today=LATER, full_name="Hồ Văn Khóa", date_of_birth=D(2006, 6, 6),
            source_date=LOCKED_DAY,
        )
    )  # fmt: skip
    candidate = make_candidate(
        tree.school, user=user, today=LATER, full_name="Hồ Văn Khóa", date_of_birth=D(2006, 6, 6),
        source_date=D(2024, 12, 1),
    )  # fmt: skip
    _refused(
        lambda: services.candidate_advance(
            candidate=candidate, step=Step.CLASS, date=LOCKED_DAY, user=user, today=LATER
        )
    )
    at_decision = world["at_decision"]
    _refused(lambda: services.admission_record(candidate=at_decision, ceremony_date=LOCKED_DAY, user=user, today=LATER))
    admission = world["admitted_2024"]
    _refused(
        lambda: services.admission_recognize(
            admission=admission, on_date=D(2025, 10, 2), decision_number="15-QĐ/HU", user=user, today=LATER
        )
    )
    _refused(
        lambda: services.admission_strike_off(
            admission=admission, on_date=D(2025, 10, 2), reason="Vi phạm tư cách", user=user, today=LATER
        )
    )
    _refused(
        lambda: services.candidate_withdraw(
            candidate=at_decision, outcome="moved_away", on_date=D(2025, 1, 2), user=user, today=LATER
        )
    )
    # Archiving takes the candidate's 2025 steps (or 2025 admission) out of the locked reports.
    _refused(
        lambda: services.candidate_archive(candidate=world["sourced_2025"], reason="nhập trùng", user=user, today=LATER)
    )
    _refused(
        lambda: services.candidate_archive(
            candidate=world["admitted_2025"], reason="nhập trùng", user=user, today=LATER
        )
    )
    # The person's data is what the reports of a 2025 admission count (Biểu 2).
    _refused(
        lambda: services.candidate_update(candidate=world["admitted_2025"], user=user, today=LATER, ethnicity="Tày")
    )
    _refused(
        lambda: member_count_record(
            organization=tree.cell, as_of=LOCKED_DAY, members=9, user=users.district_planner, today=LATER
        )
    )


def test_writes_outside_the_locked_year_go_through(world, tree, users):
    """The lock is of 2025 only: 2026 events of 2025 records (a recognition after the
    probation), and the year before, are written as usual."""
    admission = services.admission_recognize(
        admission=world["admitted_2024"], on_date=D(2026, 1, 5), decision_number="15-QĐ/HU", user=None, today=LATER
    )
    assert admission.recognized_on == D(2026, 1, 5)
    services.admission_record(candidate=world["at_decision"], ceremony_date=D(2024, 9, 30), user=None, today=LATER)
    services.candidate_advance(
        candidate=world["sourced_2025"], step=Step.CLASS, date=D(2026, 2, 1), user=None, today=LATER
    )
    member_count_record(organization=tree.cell, as_of=D(2026, 1, 1), members=9, today=LATER)
    services.candidate_update(candidate=world["sourced_2025"], user=None, today=LATER, ethnicity="Tày")


def test_a_lock_of_one_district_leaves_its_sibling_and_the_level_above_alone(world, tree, users):
    member_count_record(organization=tree.city_school, as_of=LOCKED_DAY, members=12, today=LATER)
    member_count_record(organization=tree.province, as_of=LOCKED_DAY, members=5000, today=LATER)
    other = make_candidate(
        tree.city_school, today=LATER, full_name="Đà Lạt Mở", date_of_birth=D(2006, 7, 7), source_date=LOCKED_DAY
    )
    assert other.steps.get().date == LOCKED_DAY


def test_a_reopening_lets_writes_through_until_its_last_day_and_they_are_in_the_history(world, tree, users):
    locks.reopen(lock=world["lock"], until=D(2026, 3, 10), reason="Sửa số liệu xã Ka Đô", user=users.admin, today=LATER)
    count = member_count_record(
        organization=tree.cell, as_of=LOCKED_DAY, members=9, user=users.district_planner, today=D(2026, 3, 10)
    )
    assert count.history.get().history_user == users.district_planner
    admission = services.admission_record(
        candidate=world["at_decision"], ceremony_date=LOCKED_DAY, user=users.clerk, today=D(2026, 3, 10)
    )
    assert admission.history.get().history_user == users.clerk
    # the day after its last day, the period is locked again by itself
    _refused(lambda: member_count_record(organization=tree.cell, as_of=LOCKED_DAY, members=10, today=D(2026, 3, 11)))
    assert MemberCount.objects.get(organization=tree.cell, as_of=LOCKED_DAY).members == 9


def test_a_record_of_a_cell_that_moved_is_locked_where_it_stood_on_its_date(world, tree, users):
    """The cell moved out of Đơn Dương in 2026: its 2025 records stay under Đơn Dương's lock."""
    from organizations.services import organization_move

    organization_move(organization=tree.enterprise, new_parent=tree.city, on_date=D(2026, 1, 1), today=LATER)
    tree.enterprise.refresh_from_db()
    _refused(lambda: member_count_record(organization=tree.enterprise, as_of=LOCKED_DAY, members=4, today=LATER))
    member_count_record(organization=tree.enterprise, as_of=D(2026, 2, 1), members=4, today=LATER)
    # and in bulk (an import's reading), the same answer
    with locks.read_once(today=LATER, organizations=[tree.enterprise]) as in_force:
        assert locks.covering(in_force, organization=tree.enterprise, day=LOCKED_DAY) == world["lock"]
        assert locks.covering(in_force, organization=tree.enterprise, day=D(2026, 2, 1)) is None


# ---------------------------------------------------------------- the imports

CANDIDATE_HEADER = (
    "Mã chi bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Đối tượng", "Bước", "Ngày của bước",
    "Số quyết định", "Ngày quyết định", "Ngày kết nạp",
)  # fmt: skip


def test_the_candidate_import_changes_nothing_when_a_row_is_in_a_locked_year(
    world, tree, users, django_assert_max_num_queries
):
    upload = xlsx_upload(
        [
            CANDIDATE_HEADER,
            ("LD.DD.THPT", "Lò Văn Một", "12/03/2006", "Nam", "HS", 2, "20/09/2024", "", "", ""),  # fine
            ("LD.DD.THPT", "Lò Văn Hai", "12/03/2006", "Nam", "HS", 2, "20/09/2025", "", "", ""),  # locked step
            ("LD.DD.THPT", "Đinh Thị Ba", "02/11/1999", "Nữ", "Khác", "", "", "12-QĐ/HU", "10/01/2025", "20/01/2025"),
        ]
    )  # fmt: skip
    before = fingerprint()
    with pytest.raises(ImportFailed) as failed:
        candidates_import(upload=upload, under=tree.school, user=users.clerk, today=LATER)
    errors = {e.row: e.message for e in failed.value.errors}
    assert set(errors) == {3, 4}
    for row in (3, 4):
        assert "Huyện ủy Đơn Dương" in errors[row] and "đã khóa" in errors[row]
    assert fingerprint() == before


def test_an_import_reads_the_locks_once(world, tree, users):
    """The lock is read once for the file, not per row: 20 rows of a locked year cost the
    same lock queries as 2."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def run(n):
        rows = [("LD.DD.KD.01", 2025 - i, f"0{i % 9 + 1}/06/2025") for i in range(n)]
        upload = xlsx_upload([("Mã", "Tính đến ngày", "Số đảng viên"), *[(code, day, 8) for code, _y, day in rows]])
        with CaptureQueriesContext(connection) as captured, pytest.raises(ImportFailed):
            member_count_import(upload=upload, under=tree.district, user=users.district_planner, today=LATER)
        return [q["sql"] for q in captured.captured_queries if "periodlock" in q["sql"].lower()]

    assert len(run(2)) == len(run(9)) == 1

    def candidates(n):
        rows = [
            ("LD.DD.THPT", f"Lò Văn Số {i}", f"1{i}/03/2006", "Nam", "HS", 2, f"2{i}/09/2025", "", "", "")
            for i in range(n)
        ]
        with CaptureQueriesContext(connection) as captured, pytest.raises(ImportFailed):
            candidates_import(
                upload=xlsx_upload([CANDIDATE_HEADER, *rows]), under=tree.school, user=users.clerk, today=LATER
            )
        return [q["sql"] for q in captured.captured_queries if "periodlock" in q["sql"].lower()]

    assert len(candidates(2)) == len(candidates(8)) == 1


def test_the_member_count_import_names_the_lock_and_changes_nothing(world, tree, users):
    upload = xlsx_upload(
        [
            ("Mã", "Tính đến ngày", "Số đảng viên"),
            ("LD.DD.KD.01", "01/01/2026", 9),  # fine
            ("LD.DD.KD.01", "30/06/2025", 9),  # locked
        ]
    )
    before = fingerprint()
    with pytest.raises(ImportFailed) as failed:
        member_count_import(upload=upload, under=tree.district, user=users.district_planner, today=LATER)
    [error] = failed.value.errors
    assert error.row == 3 and "Huyện ủy Đơn Dương" in error.message and "đã khóa" in error.message
    assert fingerprint() == before


# ---------------------------------------------------------------- the pages (today: the real day)


def _post(client, name, data, **kwargs):
    before = fingerprint()
    response = client.post(reverse(name, kwargs=kwargs), data)
    assert response.status_code == 200, response.status_code
    page = response.content.decode()
    assert "đã khóa" in page and "Huyện ủy Đơn Dương" in page
    assert fingerprint() == before
    return page


def test_each_page_shows_the_refusal_as_a_form_error_and_changes_nothing(world, tree, client_for):
    clerk = client_for("clerk")
    at_decision, admission = world["at_decision"], world["admitted_2024"]
    page = _post(clerk, "admissions:admit", {"ceremony_date": "10/05/2025"}, pk=at_decision.pk)
    assert 'class="error"' in page
    _post(
        clerk,
        "admissions:recognize",
        {"on_date": "02/10/2025", "decision_number": "15-QĐ/HU"},
        pk=admission.candidate_id,
    )
    _post(clerk, "admissions:strike_off", {"on_date": "02/10/2025", "reason": "Vi phạm"}, pk=admission.candidate_id)
    _post(clerk, "admissions:withdraw", {"outcome": "moved_away", "on_date": "02/01/2025"}, pk=at_decision.pk)
    _post(clerk, "admissions:archive", {"reason": "nhập trùng"}, pk=world["sourced_2025"].pk)
    _post(clerk, "admissions:advance", {"step": Step.CLASS, "date": "10/05/2025"}, pk=world["sourced_2025"].pk)
    _post(
        clerk,
        "admissions:create",
        {
            "organization": tree.school.pk, "full_name": "Hồ Văn Khóa", "date_of_birth": "06/06/2006",
            "gender": "male", "ethnicity": "Kinh", "education": "upper_secondary", "category": "pupil",
            "introduced_by": "youth_union", "source_date": "10/05/2025",
        },
        org_pk=tree.school.pk,
    )  # fmt: skip
    planner = client_for("district_planner")
    _post(planner, "organizations:add_count", {"as_of": "10/05/2025", "members": "9"}, org_pk=tree.cell.pk)
    page = planner.post(
        reverse("organizations:import_counts", kwargs={"org_pk": tree.district.pk}),
        {"file": xlsx_upload([("Mã", "Tính đến ngày", "Số đảng viên"), ("LD.DD.KD.01", "30/06/2025", 9)])},
    ).content.decode()
    assert "Huyện ủy Đơn Dương" in page and "đã khóa" in page
    assert not MemberCount.objects.filter(as_of=D(2025, 6, 30)).exists()


def test_the_forms_warn_of_the_locked_year_in_one_query(world, tree, client_for, django_assert_max_num_queries):
    clerk = client_for("clerk")
    clerk.get(reverse("admissions:admit", kwargs={"pk": world["at_decision"].pk}))  # warm the session
    with django_assert_max_num_queries(8):
        page = clerk.get(reverse("admissions:admit", kwargs={"pk": world["at_decision"].pk})).content.decode()
    assert "Năm 2025 đã khóa đối với Huyện ủy Đơn Dương" in page
    for name, kwargs in [
        ("admissions:create", {"org_pk": tree.school.pk}),
        ("admissions:import", {"org_pk": tree.school.pk}),
    ]:
        assert "Năm 2025 đã khóa" in clerk.get(reverse(name, kwargs=kwargs)).content.decode()
    planner = client_for("district_planner")
    for name, org in [("organizations:add_count", tree.cell), ("organizations:import_counts", tree.district)]:
        assert "Năm 2025 đã khóa" in planner.get(reverse(name, kwargs={"org_pk": org.pk})).content.decode()
    # Đà Lạt's forms say nothing of Đơn Dương's lock
    admin = client_for("admin")
    page = admin.get(reverse("organizations:add_count", kwargs={"org_pk": tree.city_school.pk})).content.decode()
    assert "đã khóa" not in page


# ---------------------------------------------------------------- the lock page and the reopen form


def _until(days=10):
    return (timezone.localdate() + dt.timedelta(days=days)).strftime("%d/%m/%Y")


def test_the_lock_page_shows_the_lock_read_only_to_all_but_the_administrator_above(
    world, tree, client_for, django_assert_max_num_queries
):
    url = reverse("organizations:locks", kwargs={"org_pk": tree.school.pk})
    viewer = client_for("viewer")
    viewer.get(url)
    with django_assert_max_num_queries(12):
        page = viewer.get(url).content.decode()
    assert "Kỳ đã khóa" in page and "Năm 2025" in page and "Báo cáo năm 2025 đã duyệt" in page
    assert "province_planner" in page  # who locked it
    assert "Mở lại kỳ này" not in page and "Lê Văn Năm Nay" not in page
    for key in ("district_planner", "province_planner", "clerk"):
        assert "Mở lại kỳ này" not in client_for(key).get(url).content.decode()
    assert "Mở lại kỳ này" in client_for("admin").get(url).content.decode()
    # the organization page links to it
    detail = client_for("viewer").get(reverse("organizations:detail", kwargs={"org_pk": tree.school.pk}))
    assert url in detail.content.decode()


def test_the_reopen_form_refuses_others_and_bad_input(world, tree, client_for):
    lock = world["lock"]
    url = reverse("organizations:lock_reopen", kwargs={"org_pk": tree.province.pk, "lock_pk": lock.pk})
    good = {"until": _until(), "reason": "Sửa số liệu"}
    assert client_for("province_planner").post(url, good).status_code == 403
    assert client_for("district_planner").post(url, good).status_code == 404
    # the lock's own organization is not the level above it
    own = reverse("organizations:lock_reopen", kwargs={"org_pk": tree.district.pk, "lock_pk": lock.pk})
    assert client_for("admin").post(own, good).status_code == 404
    admin = client_for("admin")
    page = admin.post(url, {"until": _until(), "reason": "  "}).content.decode()
    assert "Hãy nêu lý do mở lại kỳ" in page or "bắt buộc" in page
    past = (timezone.localdate() - dt.timedelta(days=1)).strftime("%d/%m/%Y")
    page = admin.post(url, {"until": past, "reason": "Sửa số liệu"}).content.decode()
    assert "ít nhất đến hôm nay" in page
    assert not LockReopening.objects.exists()
    response = admin.post(url, {**good, "next": reverse("organizations:locks", kwargs={"org_pk": tree.school.pk})})
    assert response.status_code == 302 and response["Location"].endswith(f"/{tree.school.pk}/locks/")
    reopening = LockReopening.objects.get()
    assert (reopening.lock, reopening.reason, reopening.opened_by) == (
        lock,
        "Sửa số liệu",
        get_user_model().objects.get(username="admin"),
    )
    assert reopening.history.get().history_user.username == "admin"


def test_the_lock_page_lists_the_changes_made_while_reopened(
    world, tree, users, client_for, django_assert_max_num_queries
):
    locks.reopen(
        lock=world["lock"],
        until=timezone.localdate(),
        reason="Sửa số liệu",
        user=users.admin,
        today=timezone.localdate(),
    )
    clerk = client_for("clerk")
    response = clerk.post(
        reverse("admissions:admit", kwargs={"pk": world["at_decision"].pk}), {"ceremony_date": "10/05/2025"}
    )
    assert response.status_code == 302
    clerk.get(response["Location"])  # the flash message with the name, read
    member_count_record(organization=tree.cell, as_of=LOCKED_DAY, members=9, user=users.district_planner)
    viewer, url = client_for("viewer"), reverse("organizations:locks", kwargs={"org_pk": tree.district.pk})
    viewer.get(url)
    with django_assert_max_num_queries(12):  # the locks, their reopenings, one query per kind of record
        page = viewer.get(url).content.decode()
    assert "Sửa số liệu" in page and "đang mở" in page
    [changes] = [
        r
        for r in locks.changes_while_reopened(
            locks.page_locks(organization=tree.district), within=tree.district
        ).values()
    ]
    kinds = sorted(c["model"] for c in changes)
    assert kinds == ["admissions.Admission", "admissions.StepRecord", "organizations.MemberCount"]
    assert "Quyết Định" not in page  # no candidate's name for a viewer
    # The school's page lists the school's changes only, not the commune's member count.
    [school] = locks.changes_while_reopened(locks.page_locks(organization=tree.school), within=tree.school).values()
    assert sorted(c["model"] for c in school) == ["admissions.Admission", "admissions.StepRecord"]


# ---------------------------------------------------------------- the admin


@pytest.fixture
def superuser_client(client, db):
    user = get_user_model().objects.create_superuser("root", "root@example.org", "x")
    client.force_login(user)
    return client


def test_the_admin_shows_member_counts_and_locks_but_changes_none(world, tree, superuser_client):
    count = MemberCount.objects.get(organization=tree.school, as_of=D(2025, 1, 1))
    before = fingerprint()
    change = reverse("admin:organizations_membercount_change", args=[count.pk])
    assert superuser_client.get(change).status_code == 200
    assert (
        superuser_client.post(change, {"organization": tree.school.pk, "as_of": "2025-01-01", "members": 1}).status_code
        == 403
    )
    delete = reverse("admin:organizations_membercount_delete", args=[count.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403
    add = reverse("admin:organizations_membercount_add")
    assert (
        superuser_client.post(add, {"organization": tree.school.pk, "as_of": "2025-05-05", "members": 1}).status_code
        == 403
    )
    # simple-history's "revert" page of an old version saves on POST: not here
    version = count.history.get()
    revert = reverse("admin:organizations_membercount_simple_history", args=[count.pk, version.history_id])
    assert (
        superuser_client.post(revert, {"organization": tree.school.pk, "as_of": "2025-01-01", "members": 1}).status_code
        == 403
    )
    admission = Admission.objects.get(candidate=world["admitted_2025"])
    version = admission.history.first()
    revert = reverse("admin:admissions_admission_simple_history", args=[admission.pk, version.history_id])
    assert superuser_client.post(revert, {"ceremony_date": "2025-04-04"}).status_code == 403
    for name in ("periodlock", "lockreopening"):
        assert superuser_client.get(reverse(f"admin:organizations_{name}_changelist")).status_code == 200
    lock_change = reverse("admin:organizations_periodlock_change", args=[world["lock"].pk])
    assert superuser_client.get(lock_change).status_code == 200
    assert superuser_client.post(lock_change, {"reason": "x"}).status_code == 403
    assert fingerprint() == before
    assert StepRecord.objects.exists() and Candidate.objects.exists()


# ---------------------------------------------------------------- the command


def test_the_import_command_names_the_lock_and_saves_nothing(world, tree, tmp_path):
    import io

    from django.core.management import call_command
    from openpyxl import Workbook

    book = Workbook()
    for row in [("Mã", "Tính đến ngày", "Số đảng viên"), ("LD.DD.KD.01", "30/06/2025", 9)]:
        book.active.append(list(row))
    path = tmp_path / "counts.xlsx"
    book.save(path)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command(
            "import_xlsx", "counts", str(path), "--org", "LD.DD", "--user", "district_planner", stdout=out, stderr=err
        )
    assert exited.value.code == 1
    assert "row 2" in (out.getvalue() + err.getvalue()).lower() or "dòng 2" in (out.getvalue() + err.getvalue()).lower()
    assert "Huyện ủy Đơn Dương" in out.getvalue() + err.getvalue()
    assert not MemberCount.objects.filter(as_of=D(2025, 6, 30)).exists()


# ---------------------------------------------------------------- changes of the tree dated inside a locked year


def test_a_change_of_the_tree_dated_inside_a_locked_year_is_refused_and_goes_through_after_a_reopening(
    world, tree, users
):
    """A move, merger, dissolution or founding dated in 2025 would change Đơn Dương's signed
    2025 figures (reports recount a past day in the tree of that day): refused naming the
    lock, for the organization leaving and for the one receiving; dated 2026 it goes through,
    and after a reopening the 2025 date does too."""
    from organizations import services as org_services

    move = dict(organization=tree.cell, new_parent=tree.district, user=users.admin, today=LATER)
    _refused(lambda: org_services.organization_move(on_date=LOCKED_DAY, **move))
    _refused(
        lambda: org_services.organization_move(
            organization=tree.city_school, new_parent=tree.district, on_date=LOCKED_DAY, today=LATER
        )
    )
    _refused(
        lambda: org_services.organization_merge(source=tree.commune, target=tree.city, on_date=LOCKED_DAY, today=LATER)
    )
    _refused(lambda: org_services.organization_dissolve(organization=tree.cell, on_date=LOCKED_DAY, today=LATER))
    new_cell = dict(form="cell", sector="village", founded_on=LOCKED_DAY, today=LATER)
    _refused(
        lambda: org_services.organization_create(
            parent=tree.commune, name="Chi bộ Thôn Mới", code="LD.DD.KD.09", **new_cell
        )
    )
    # Outside the locked year (and in another district's 2025): no refusal.
    org_services.organization_create(parent=tree.city, name="Chi bộ Mới", code="LD.DL.09", **new_cell)
    org_services.organization_move(on_date=D(2026, 1, 5), **move)
    tree.cell.refresh_from_db()
    assert tree.cell.parent_path() == tree.district.path

    locks.reopen(
        lock=world["lock"], until=LATER, reason="Sáp nhập theo quyết định", user=users.province_planner, today=LATER
    )
    # (The enterprise: the school's candidates on the road would refuse its dissolution.)
    org_services.organization_dissolve(organization=tree.enterprise, on_date=LOCKED_DAY, today=LATER)
    tree.enterprise.refresh_from_db()
    assert tree.enterprise.dissolved_on == LOCKED_DAY


def test_the_reorganization_preview_refuses_a_row_dated_inside_a_locked_year(world, tree, users):
    """The preview a board reads before applying says what applying would say: a move
    dated in Đơn Dương's locked 2025 is refused on its row, naming the lock; nothing changes.
    The same file dated in 2026 previews and applies."""
    from organizations.reorganize import reorganization_apply, reorganization_preview

    header = ("Thao tác", "Ngày hiệu lực", "Mã", "Mã đích", "Tên mới", "Loại hình", "Lĩnh vực")

    def upload(day):
        return xlsx_upload([header, ("chuyển", day, tree.cell.code, tree.district.code, "", "", "")], name="s.xlsx")

    before = fingerprint()
    with translation.override("vi"), pytest.raises(ImportFailed) as failure:
        reorganization_preview(upload=upload("10/05/2025"), user=users.admin, today=LATER)
    [error] = failure.value.errors
    assert error.row == 2 and "Huyện ủy Đơn Dương" in error.message and "đã khóa" in error.message, error.message
    assert fingerprint() == before

    preview = reorganization_preview(upload=upload("05/01/2026"), user=users.admin, today=LATER)
    assert preview.counts["moved"] == 1 and fingerprint() == before  # a preview changes nothing
    reorganization_apply(upload=upload("05/01/2026"), user=users.admin, today=LATER)
    tree.cell.refresh_from_db()
    assert tree.cell.parent_path() == tree.district.path
