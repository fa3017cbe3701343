"""Every import over every hostile file (tests/hostile_files.py), through its service, its page
and `manage.py import_xlsx`: a clear Vietnamese message, nothing written, memory and time bounded."""

import io
import time
import tracemalloc
from types import SimpleNamespace

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from admissions.imports import COLUMNS as CANDIDATE_COLUMNS
from admissions.imports import candidates_import
from admissions.models import Candidate
from common.xlsx import ImportFailed, read_rows
from organizations import access
from organizations.imports import COLUMNS as TREE_COLUMNS
from organizations.imports import COUNT_COLUMNS, member_count_import, tree_import
from organizations.models import MemberCount, Organization
from organizations.reorganize import COLUMNS as REORGANIZE_COLUMNS
from organizations.reorganize import reorganization_preview
from quotas import services as quota_services
from quotas.imports import COLUMNS as ALLOCATION_COLUMNS
from quotas.imports import allocation_import
from quotas.models import Allocation, RuleKind
from reports.imports import COLUMNS as HISTORY_COLUMNS
from reports.imports import historical_import
from reports.models import HistoricalResult

from .conftest import TODAY
from .hostile_files import CORPUS, corpus
from .xlsx_files import xlsx_upload

# Kept low here so that the million blank rows are read past the limit quickly; the
# default (50,000) is measured once below.
ROWS = 2_000
SERVICE_MEMORY = 16 * 1024 * 1024  # bytes (tracemalloc peak) for refusing any file
PAGE_MEMORY = 64 * 1024 * 1024  # the test client holds the 10 MB upload a few times over
SECONDS = 5

# What each file is refused with, in Vietnamese.
EXPECTED = {
    "bomb": "giải nén ra nhiều dữ liệu hơn",
    "unused_strings": "giải nén ra nhiều dữ liệu hơn",
    "long_inline": "giải nén ra nhiều dữ liệu hơn",
    "blank_rows": f"Tệp có nhiều hơn {ROWS} dòng (kể cả dòng trống).",
    "malformed_sheet": "Tệp không phải là bảng tính Excel (.xlsx) đọc được.",
    "malformed_workbook": "Tệp không phải là bảng tính Excel (.xlsx) đọc được.",
    "html": "Tệp không phải là bảng tính Excel (.xlsx) đọc được.",
    "pdf": "Tệp không phải là bảng tính Excel (.xlsx) đọc được.",
    "empty": "Tệp trống.",
    "encrypted": "mật khẩu",
    "macro": "Tệp có chứa macro (.xlsm)",
    "macro_undeclared": "Tệp có chứa macro (.xlsm)",
    "huge": "Tệp quá lớn: mỗi lần nhập chỉ nhận tệp tối đa 10 MB.",
}


def _header(columns) -> tuple[str, ...]:
    return tuple(titles[0] for titles in columns.values())


@pytest.fixture
def setup(tree, users, settings):
    settings.IMPORT_MAX_ROWS = ROWS
    plan = quota_services.plan_create(
        issuer=tree.district, title="Kế hoạch 2025", symbol="KH/HU", first_year=2025, last_year=2025
    )
    table = quota_services.rule_create(plan=plan, today=TODAY, kind=RuleKind.ALLOCATION, min_count=10)
    return SimpleNamespace(tree=tree, users=users, plan=plan, table=table)


def _written() -> tuple[int, ...]:
    return (
        Organization.objects.count(),
        MemberCount.objects.count(),
        Allocation.objects.count(),
        Candidate.objects.count(),
        HistoricalResult.objects.count(),
    )


# import name -> (header, service call, (user key, url) of its page, extra POST data)
IMPORTS = {
    "tree": (
        _header(TREE_COLUMNS),
        lambda s, f: tree_import(upload=f, under=s.tree.district, user=s.users.admin, today=TODAY),
        lambda s: ("admin", reverse("organizations:import", args=[s.tree.district.pk])),
    ),
    "counts": (
        _header(COUNT_COLUMNS),
        lambda s, f: member_count_import(upload=f, under=s.tree.district, user=s.users.district_planner, today=TODAY),
        lambda s: ("district_planner", reverse("organizations:import_counts", args=[s.tree.district.pk])),
    ),
    "allocation": (
        _header(ALLOCATION_COLUMNS),
        lambda s, f: allocation_import(upload=f, rule=s.table, user=s.users.district_planner, today=TODAY),
        lambda s: ("district_planner", reverse("quotas:allocation_import", args=[s.plan.pk, s.table.pk])),
    ),
    "candidates": (
        _header(CANDIDATE_COLUMNS),
        lambda s, f: candidates_import(upload=f, under=s.tree.school, user=s.users.clerk, today=TODAY),
        lambda s: ("clerk", reverse("admissions:import", args=[s.tree.school.pk])),
    ),
    "history": (
        _header(HISTORY_COLUMNS),
        lambda s, f: historical_import(upload=f, under=s.tree.district, user=s.users.district_planner),
        lambda s: ("district_planner", reverse("reports:history", args=[s.tree.district.pk])),
    ),
    "reorganization": (
        _header(REORGANIZE_COLUMNS),
        lambda s, f: reorganization_preview(
            upload=f, today=TODAY, user=s.users.admin, under=s.tree.district, perm=access.Perm.MANAGE
        ),
        lambda s: ("admin", reverse("organizations:reorganize", args=[s.tree.district.pk])),
    ),
}


def _upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("danh-sach.xlsx", data, content_type="application/octet-stream")


def _measured(call):
    """(result or exception, tracemalloc peak in bytes, seconds)."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        outcome = call()
    except Exception as exc:  # noqa: BLE001 (returned to the test, which names what it expects)
        outcome = exc
    seconds = time.monotonic() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return outcome, peak, seconds


@pytest.mark.parametrize("name", list(CORPUS))
@pytest.mark.parametrize("kind", list(IMPORTS))
def test_every_import_refuses_every_hostile_file(kind, name, setup, client):
    header, service, page = IMPORTS[kind]
    data = corpus(name, header)
    before = _written()

    upload = _upload(data)
    with translation.override("vi"):
        outcome, peak, seconds = _measured(lambda: service(setup, upload))
    assert isinstance(outcome, ImportFailed), outcome
    assert [e.row for e in outcome.errors] == [0]
    assert EXPECTED[name] in outcome.errors[0].message
    assert _written() == before
    assert peak < SERVICE_MEMORY, f"{peak / 2**20:.1f} MB"
    assert seconds < SECONDS

    user, url = page(setup)
    client.force_login(getattr(setup.users, user))
    extra = {"reason": "Nhập phụ lục"} if kind == "allocation" else {}
    response, peak, seconds = _measured(lambda: client.post(url, {"file": _upload(data), **extra}))
    assert response.status_code == 200
    text = response.content.decode()
    if kind == "reorganization" and len(data) > 2 * 1024 * 1024:  # that page has its own, lower limit
        assert "tối đa 2 MB" in text
    elif name == "empty":  # Django's file field refuses it first, in Vietnamese too
        with translation.override("vi"):
            assert str(forms.FileField.default_error_messages["empty"]) in text
    else:
        assert EXPECTED[name] in text
    assert len(response.content) < 200_000
    assert _written() == before
    assert peak < PAGE_MEMORY, f"{peak / 2**20:.1f} MB"
    assert seconds < SECONDS


@pytest.mark.parametrize("name", list(CORPUS))
def test_the_command_refuses_every_hostile_file(name, setup, tmp_path):
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(corpus(name, _header(COUNT_COLUMNS)))
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("import_xlsx", "counts", str(path), "--org", "LD.DD", "--user", "district_planner", stderr=err)
    assert exit_.value.code == 1
    assert err.getvalue().startswith("row 0: ") and EXPECTED[name] in err.getvalue()
    assert not MemberCount.objects.filter(organization=setup.tree.district).exists()


def test_a_million_blank_rows_stop_at_the_default_row_limit_quickly(settings):
    settings.IMPORT_MAX_ROWS = 50_000
    data = corpus("blank_rows", _header(COUNT_COLUMNS))
    started = time.monotonic()
    with translation.override("en"), pytest.raises(Exception, match="50000 rows"):
        read_rows(io.BytesIO(data), COUNT_COLUMNS, required=set(COUNT_COLUMNS))
    assert time.monotonic() - started < 10


def test_reading_gives_up_after_the_time_budget(settings):
    """With the archive limits lifted, 5 million shared strings are read until the budget runs out."""
    settings.IMPORT_ZIP_MAX_RATIO = settings.IMPORT_ZIP_MAX_ENTRY_BYTES = settings.IMPORT_ZIP_MAX_TOTAL_BYTES = 10**12
    settings.IMPORT_TIME_BUDGET_SECONDS = 1
    data = corpus("unused_strings", _header(COUNT_COLUMNS))
    started = time.monotonic()
    with translation.override("vi"), pytest.raises(Exception, match="Đọc tệp mất hơn 1 giây"):
        read_rows(io.BytesIO(data), COUNT_COLUMNS, required=set(COUNT_COLUMNS))
    assert time.monotonic() - started < 3


def test_a_huge_cell_is_refused_even_below_the_archive_limits(settings):
    """The bomb's 200 MB string with the archive limits lifted: longer than Excel keeps in a cell."""
    settings.IMPORT_ZIP_MAX_RATIO = settings.IMPORT_ZIP_MAX_ENTRY_BYTES = settings.IMPORT_ZIP_MAX_TOTAL_BYTES = 10**12
    data = corpus("bomb", _header(COUNT_COLUMNS))
    with translation.override("en"), pytest.raises(Exception, match="expands to more data"):
        read_rows(io.BytesIO(data), COUNT_COLUMNS, required=set(COUNT_COLUMNS))


def test_a_huge_inline_cell_is_refused_even_below_the_archive_limits(settings):
    settings.IMPORT_ZIP_MAX_RATIO = settings.IMPORT_ZIP_MAX_ENTRY_BYTES = settings.IMPORT_ZIP_MAX_TOTAL_BYTES = 10**12
    data = corpus("long_inline", _header(COUNT_COLUMNS))
    with translation.override("en"), pytest.raises(Exception, match="expands to more data"):
        read_rows(io.BytesIO(data), COUNT_COLUMNS, required=set(COUNT_COLUMNS))


@pytest.mark.parametrize(
    ("limit", "value"),
    [("IMPORT_ZIP_MAX_ENTRIES", 5), ("IMPORT_ZIP_MAX_ENTRY_BYTES", 5_000), ("IMPORT_ZIP_MAX_TOTAL_BYTES", 15_000)],
)
def test_each_archive_limit_is_a_setting(settings, limit, value):
    from .xlsx_files import xlsx_upload

    upload = xlsx_upload([_header(COUNT_COLUMNS), ("LD", "01/01/2025", 3)])
    assert read_rows(upload, COUNT_COLUMNS, required=set(COUNT_COLUMNS))  # a good file reads
    setattr(settings, limit, value)
    upload.seek(0)
    with translation.override("en"), pytest.raises(Exception, match="expands to more data"):
        read_rows(upload, COUNT_COLUMNS, required=set(COUNT_COLUMNS))


def test_the_upload_limit_is_a_setting_and_django_holds_no_more_in_memory(settings):
    from django.conf import settings as live

    from .xlsx_files import xlsx_upload

    assert live.IMPORT_MAX_UPLOAD_BYTES == 10 * 1024 * 1024
    # Uploads above FILE_UPLOAD_MAX_MEMORY_SIZE wait on disk; that threshold stays below the limit.
    assert live.FILE_UPLOAD_MAX_MEMORY_SIZE <= live.IMPORT_MAX_UPLOAD_BYTES
    assert live.DATA_UPLOAD_MAX_MEMORY_SIZE <= live.IMPORT_MAX_UPLOAD_BYTES
    upload = xlsx_upload([_header(COUNT_COLUMNS)])
    settings.IMPORT_MAX_UPLOAD_BYTES = upload.size - 1
    with translation.override("en"), pytest.raises(Exception, match="too large"):
        read_rows(upload, COUNT_COLUMNS, required=set(COUNT_COLUMNS))


def test_cell_text_quoted_in_a_message_is_cut(setup):
    from .xlsx_files import xlsx_upload

    long = "Đảng bộ " + "x" * 5000
    upload = xlsx_upload([_header(COUNT_COLUMNS), (long, "01/01/2025", "nhiều" * 1000)])
    with pytest.raises(ImportFailed) as failure:
        member_count_import(upload=upload, under=setup.tree.district, user=setup.users.district_planner, today=TODAY)
    message = failure.value.errors[0].message
    assert len(message) < 400
    assert "“Đảng bộ xxxxx" in message and "…”" in message


# Every import page (common/imports.py `import_page` / `run_import`) in a fixed number of
# queries: shown, and refusing a file of wrong rows (each listed, nothing written) whether
# it has 2 wrong rows or 40. Name -> (to show the page, to refuse the file).
PAGE_QUERIES = {
    "tree": (6, 9),
    "counts": (6, 11),
    "allocation": (6, 8),  # refusing: + the table's earlier versions, once (a removed row can be put back)
    "candidates": (6, 12),
    "history": (7, 9),
}


@pytest.mark.parametrize("kind", list(PAGE_QUERIES))
def test_every_import_page_reads_a_fixed_number_of_queries(kind, setup, client, django_assert_max_num_queries):
    header, _service, page = IMPORTS[kind]
    user, url = page(setup)
    client.force_login(getattr(setup.users, user))
    show, refuse = PAGE_QUERIES[kind]
    with django_assert_max_num_queries(show):
        assert client.get(url).status_code == 200
    before = _written()
    for n in (2, 40):
        # An organization code that does not exist: every import refuses the row.
        rows = [header, *(["XX.99"] + ["x"] * (len(header) - 1) for _ in range(n))]
        with translation.override("vi"), django_assert_max_num_queries(refuse):
            response = client.post(url, {"file": xlsx_upload(rows), "reason": "Nhập phụ lục"})
        assert response.status_code == 200
        assert len(response.context["errors"]) == n
    assert _written() == before
