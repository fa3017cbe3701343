"""How imports name organizations: typography does not count (Word and Excel change quotes,
dashes and spaces silently), and an organization outside the scope reads exactly as one that
does not exist (a file must not probe what exists)."""

import importlib
import re

import pytest
from django.utils import translation

from admissions.imports import candidates_import
from common.text import fold
from common.xlsx import ImportFailed
from organizations.imports import member_count_import, tree_import
from organizations.models import Organization, OrgForm, Sector
from organizations.services import organization_create
from quotas import services as quota_services
from quotas.imports import allocation_import
from quotas.models import Allocation, RuleKind
from reports.imports import historical_import
from reports.models import HistoricalResult

from .conftest import TODAY, takes_cells
from .xlsx_files import xlsx_upload

STORED = "Chi bộ Công ty ‘Hoa Mai’ – Đơn Dương (cũ)"
TYPED = [
    "Chi bộ Công ty 'Hoa Mai' - Đơn Dương (cũ)",
    'Chi bộ Công ty "Hoa Mai" - Đơn Dương (cũ)',
    "Chi bộ Công ty “Hoa Mai”—Đơn Dương(cũ)",
    "Chi bộ  Công ty ʼHoa Maiʼ‑Đơn\u00a0Dương ( cũ )",
    "chi bo cong ty `hoa mai` – don duong (cu)",
    "Chi bộ Công ty ’Hoa Mai’ ‒ Đơn Dương\u200b (cũ)",
]


@pytest.mark.parametrize("typed", TYPED)
def test_fold_reads_every_quote_dash_and_spacing_alike(typed):
    assert fold(typed) == fold(STORED)


@pytest.mark.parametrize(
    "other", ["Chi bộ Công ty Hoa Mai Đơn Dương (cũ)", "Chi bộ Công ty 'Hoa Mai' - Đơn Dương (mới)", "Hoa Mai"]
)
def test_fold_still_tells_different_names_apart(other):
    assert fold(other) != fold(STORED)


@pytest.fixture
def company(tree):
    return organization_create(
        parent=tree.district, code="LD.DD.HM", name=STORED, form=OrgForm.GRASSROOTS_CELL, sector=Sector.OTHER
    )


@pytest.mark.parametrize("typed", TYPED)
def test_the_allocation_import_matches_a_name_typed_differently(typed, users, tree, company):
    plan = quota_services.plan_create(
        issuer=tree.district, title="Kế hoạch 2025", symbol="KH/HU", first_year=2025, last_year=2025
    )
    table = quota_services.rule_create(plan=plan, today=TODAY, kind=RuleKind.ALLOCATION, min_count=10)
    upload = xlsx_upload([("STT", "TCCSĐ", "Chỉ tiêu"), ("01", typed, "02")])
    assert allocation_import(upload=upload, rule=table, user=users.district_planner, today=TODAY) == 1
    assert Allocation.objects.get().organization == company


@pytest.mark.parametrize("typed", TYPED)
def test_the_historical_import_matches_a_name_typed_differently(typed, users, tree, company):
    upload = xlsx_upload([("Mã tổ chức", "Năm", "Số đảng viên mới"), (typed, 2023, 4)])
    historical_import(upload=upload, under=tree.district, user=users.district_planner)
    assert HistoricalResult.objects.get().organization == company


@pytest.mark.parametrize("typed", TYPED)
def test_the_tree_import_matches_a_parent_typed_differently(typed, users, tree, company):
    takes_cells(company)
    upload = xlsx_upload(
        [
            ("Tổ chức cấp trên", "Tên tổ chức", "Loại hình", "Lĩnh vực", "Mã"),
            (typed, "Tổ Hoa Mai", "Chi bộ", "Khác", "HM1"),
        ]
    )
    tree_import(upload=upload, under=tree.district, user=users.admin, today=TODAY)
    child = Organization.objects.get(code="HM1")
    assert child.path.startswith(company.path) and child.depth == company.depth + 1


def test_the_migration_refolds_stored_search_names(tree, company):
    from admissions.models import Candidate

    from .admissions_helpers import make_candidate

    person = make_candidate(tree.school, full_name="Nguyễn Thị Ánh – Tuyết")
    Organization.objects.filter(pk=company.pk).update(search_name="chi bo cong ty ‘hoa mai’ – don duong (cu)")
    Candidate.objects.filter(pk=person.pk).update(search_name="nguyen thi anh – tuyet")
    refold = importlib.import_module("organizations.migrations.0006_refold_search_names").refold
    refold(Organization, "name")
    refold(Candidate, "full_name")
    assert (
        Organization.objects.get(pk=company.pk).search_name == fold(STORED) == "chi bo cong ty'hoa mai'-don duong(cu)"
    )
    assert Candidate.objects.get(pk=person.pk).search_name == "nguyen thi anh-tuyet"


# --- outside the scope reads as unknown ------------------------------------------------


def _allocation(users, tree, ref):
    plan = quota_services.plan_create(
        issuer=tree.district, title="Kế hoạch 2025", symbol="KH/HU", first_year=2025, last_year=2025
    )
    table = quota_services.rule_create(plan=plan, today=TODAY, kind=RuleKind.ALLOCATION, min_count=10)
    upload = xlsx_upload([("STT", "TCCSĐ", "Chỉ tiêu"), ("01", ref, "02")])
    allocation_import(upload=upload, rule=table, user=users.district_planner, today=TODAY)


def _candidates(users, tree, ref):
    header = ("Mã chi bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Đối tượng")
    upload = xlsx_upload([header, (ref, "Lò Văn Lệnh", "12/03/2006", "Nam", "HS")])
    candidates_import(upload=upload, under=tree.school, user=users.clerk, today=TODAY)


def _counts(users, tree, ref):
    upload = xlsx_upload([("Mã", "Tính đến ngày", "Số đảng viên"), (ref, "01/01/2025", 5)])
    member_count_import(upload=upload, under=tree.district, user=users.district_planner, today=TODAY)


def _history(users, tree, ref):
    upload = xlsx_upload([("Mã tổ chức", "Năm", "Số đảng viên mới"), (ref, 2023, 4)])
    historical_import(upload=upload, under=tree.district, user=users.district_planner)


def _tree(users, tree, ref):
    header = ("Tổ chức cấp trên", "Tên tổ chức", "Loại hình", "Lĩnh vực", "Mã")
    upload = xlsx_upload([header, (ref, "Chi bộ Mới", "Chi bộ", "Khác", "NEW1")])
    tree_import(upload=upload, under=tree.district, user=users.admin, today=TODAY)


# import -> (a real organization outside the user's scope for it, a misspelled one), by name or code
CASES = {
    "allocation by name": (_allocation, "Chi bộ Trường THPT Trần Phú", "Chi bộ Trường THPT Trần Phú X"),
    "allocation by code": (_allocation, "LD.DL.TP", "LD.DL.TPX"),
    "candidates": (_candidates, "LD.DD.KD.01", "LD.DD.KD.99"),
    "counts": (_counts, "LD.DL.TP", "LD.DL.TPX"),
    "history by code": (_history, "NT.PR", "NT.PRX"),
    "history by name": (_history, "Thành ủy Phan Rang – Tháp Chàm", "Thành ủy Phan Rang – Tháp Chàmm"),
    "tree parent": (_tree, "NT.PR", "NT.PRX"),
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("language", ["vi", "en"])
def test_outside_the_scope_reads_exactly_as_unknown(case, language, users, tree):
    run, outside, misspelled = CASES[case]
    messages = []
    for ref in (outside, misspelled):
        with translation.override(language), pytest.raises(ImportFailed) as failure:
            run(users, tree, ref)
        [error] = failure.value.errors
        messages.append(re.sub(re.escape(ref), "REF", error.message))
    assert messages[0] == messages[1]
    assert "REF" in messages[0]
