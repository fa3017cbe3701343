"""Property tests of the imports (Hypothesis): any mix of good and bad rows saves every row
(when none is bad) or nothing, and then names exactly the bad rows by their row numbers."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from admissions.imports import candidates_import
from admissions.models import Candidate
from common.xlsx import ImportFailed
from organizations.imports import member_count_import, tree_import
from organizations.models import MemberCount, Organization
from quotas import services as quota_services
from quotas.imports import allocation_import
from quotas.models import Allocation, RuleKind
from reports.imports import historical_import
from reports.models import HistoricalResult

from .conftest import TODAY
from .xlsx_files import xlsx_upload

SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# Words as people type them, quotes and dashes of every kind included; never a leading "=".
WORD = st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyÁẢÃẠĐÔ '’‘-–", min_size=1, max_size=16).filter(str.strip)
# Each row: (is it bad?, which way it is bad or good, a word for its text)
ROWS = st.lists(st.tuples(st.booleans(), st.integers(0, 3), WORD), min_size=1, max_size=6)
LETTERS = "ABCDEFGHIJ"


def _retyped(name: str, word: str) -> str:
    """The name as Word or Excel may have changed it: no-break or doubled spaces."""
    return name.replace(" ", "\u00a0" if len(word) % 2 else "  ")


def _check(rows, header, make_row, run, count):
    """Build the file from `rows` (make_row(i, bad, variant, word) → cells), run the import in a
    transaction rolled back afterwards, and check all-or-nothing with the bad rows named."""
    cells = [make_row(i, bad, variant, word) for i, (bad, variant, word) in enumerate(rows)]
    bad_rows = {i + 2 for i, (bad, _v, _w) in enumerate(rows) if bad}  # the header is row 1
    with transaction.atomic():
        before = count()
        try:
            run(xlsx_upload([header, *cells]))
        except ImportFailed as failure:
            assert bad_rows, failure.errors
            assert {e.row for e in failure.errors} == bad_rows, failure.errors
            assert count() == before
        else:
            assert not bad_rows
            assert count() == before + len(rows)
        transaction.set_rollback(True)


@pytest.fixture
def district_orgs(tree):
    return [tree.school, tree.commune, tree.cell, tree.enterprise]


@SETTINGS
@given(rows=ROWS)
def test_member_counts(rows, tree, users, district_orgs):
    def make_row(i, bad, variant, word):
        org = district_orgs[i % len(district_orgs)]
        day, members = f"{i + 1:02d}/01/2024", 10 + i
        if bad:
            return [
                ("XX." + word, day, members),  # unknown
                (tree.city_school.code, day, members),  # outside the scope
                (org.code, "31/02/2024", members),  # no such date
                (org.code, day, word),  # not a number
            ][variant]
        return (org.code, day, members)

    _check(
        rows,
        ("Mã", "Tính đến ngày", "Số đảng viên"),
        make_row,
        lambda f: member_count_import(upload=f, under=tree.district, user=users.district_planner, today=TODAY),
        MemberCount.objects.count,
    )


@SETTINGS
@given(rows=ROWS)
def test_historical_results(rows, tree, users, district_orgs):
    def make_row(i, bad, variant, word):
        org = district_orgs[i % len(district_orgs)]
        ref = org.code if variant % 2 else _retyped(org.name, word)  # by code or by name
        year = 2000 + i
        if bad:
            return [
                ("Không Có " + word, year, 3),  # unknown
                (tree.city_school.name, year, 3),  # outside the scope
                (ref, "năm " + word, 3),  # not a year
                (ref, year, -1),  # negative
            ][variant]
        return (ref, year, i)

    _check(
        rows,
        ("Mã tổ chức", "Năm", "Số đảng viên mới"),
        make_row,
        lambda f: historical_import(upload=f, under=tree.district, user=users.district_planner),
        HistoricalResult.objects.count,
    )


@SETTINGS
@given(rows=st.lists(st.tuples(st.booleans(), st.integers(0, 3), WORD), min_size=1, max_size=4))
def test_allocation_tables(rows, tree, users, district_orgs):
    plan = quota_services.plan_create(
        issuer=tree.district, title="Kế hoạch 2025", symbol="KH/HU", first_year=2025, last_year=2025
    )
    table = quota_services.rule_create(plan=plan, today=TODAY, kind=RuleKind.ALLOCATION, min_count=10)

    def make_row(i, bad, variant, word):
        org = district_orgs[i]  # each organization once
        ref = org.code if variant % 2 else _retyped(org.name, word)
        if bad:
            return [
                (i + 1, "Không Có " + word, "02"),  # unknown
                (i + 1, tree.city_school.name, "02"),  # outside the table
                (i + 1, ref, "hai " + word),  # unreadable
                (i + 1, ref, "01 (03 HS)"),  # more pupils than the quota
            ][variant]
        return (i + 1, ref, f"0{1 + i % 2} (0{i % 2} HS)")

    _check(
        rows,
        ("STT", "TCCSĐ", "Chỉ tiêu"),
        make_row,
        lambda f: allocation_import(upload=f, rule=table, user=users.district_planner, today=TODAY),
        Allocation.objects.count,
    )


@SETTINGS
@given(rows=ROWS)
def test_candidates(rows, tree, users):
    def make_row(i, bad, variant, word):
        name = f"{word} {LETTERS[i]}"  # the letter keeps each person apart
        good = [tree.school.code, name, "15/03/2000", "Nữ" if i % 2 else "Nam", "Khác"]
        if bad:
            good[[0, 2, 3, 4][variant]] = [
                "XX." + word,  # unknown organization
                "31/02/2000",  # no such date
                "giới " + word,  # unknown gender
                "đối tượng " + word,  # unknown category
            ][variant]
        return good

    _check(
        rows,
        ("Mã chi bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Đối tượng"),
        make_row,
        lambda f: candidates_import(upload=f, under=tree.school, user=users.clerk, today=TODAY),
        Candidate.objects.count,
    )


@SETTINGS
@given(rows=ROWS)
def test_organization_trees(rows, tree, users):
    def make_row(i, bad, variant, word):
        parent = _retyped(tree.commune.name, word) if variant % 2 else ""  # by name, or the page's organization
        good = [parent, f"Chi bộ {word}", "Chi bộ", "Khác", f"T.{i}"]
        if bad:
            good[[0, 1, 2, 3][variant]] = [
                "Không Có " + word,  # unknown parent
                " ",  # no name
                "hình thức " + word,  # unknown form
                "lĩnh vực " + word,  # unknown sector
            ][variant]
        return good

    _check(
        rows,
        ("Tổ chức cấp trên", "Tên tổ chức", "Loại hình", "Lĩnh vực", "Mã"),
        make_row,
        lambda f: tree_import(upload=f, under=tree.district, user=users.admin, today=TODAY),
        Organization.objects.count,
    )
