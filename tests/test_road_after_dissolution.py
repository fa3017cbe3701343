"""The candidate pages and imports after the reorganization of 01/07/2025 (audit of 03/12/2026):

1. the list's years: "Năm của bước gần nhất" (`year`, as links have always meant it) and
   "Năm kết nạp" (`admitted_year`, the ceremony's year: what quotas count), on the page and
   in its export;
2. a dissolved district's candidate pages say when it was dissolved and under which
   organizations its units stand today, in a constant number of queries;
3. an import into a dissolved district is refused once, up front, and writes nothing;
4. the import command's own errors are in the language it is run in."""

import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from lxml import html as lxml_html
from openpyxl import Workbook, load_workbook

from admissions import services, views
from admissions.filters import CandidateFilter
from admissions.models import Admission, Candidate, StepRecord
from organizations import access
from organizations.models import Organization

from .admissions_helpers import make_candidate, walk
from .xlsx_files import xlsx_upload

D = dt.date
HEADER = ("Mã chi bộ", "Họ và tên", "Ngày sinh", "Giới tính", "Đối tượng", "Bước", "Ngày của bước")
# Where the units Đức Trọng and Đơn Dương had on 30/06/2025 stand today (seed_demo --reorganized).
DUC_TRONG_NOW = ["LD.X-DUCTRONG", "LD.X-HIEPTHANH", "LD.X-TANHOI", "LD.X-NINHGIA"]
DON_DUONG_NOW = ["LD.CAT", "LD.X-DONDUONG", "LD.X-KADO", "LD.X-QUANGLAP", "LD.X-DRAN"]


def vi(english: str) -> str:
    with translation.override("vi"):
        return translation.gettext(english)


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _page(response):
    assert response.status_code == 200
    return lxml_html.fromstring(response.content.decode())


def _text(element) -> str:
    return " ".join(element.text_content().split())


# ------------------------------------------------------------------ 1. the list's years


@pytest.fixture
def admitted_2024_recognized_2025(tree):
    """Admitted at its ceremony of 30/09/2024 and recognized on 30/09/2025 (its latest step),
    one admitted the same day still on probation, and one on the road since 2024."""
    recognized = walk(make_candidate(tree.school, full_name="Lê Văn Công Nhận"))
    admission = services.admission_record(
        candidate=recognized, ceremony_date=D(2024, 9, 30), user=None, today=D(2024, 10, 1)
    )
    services.admission_recognize(
        admission=admission, on_date=D(2025, 9, 30), decision_number="1-QĐ", user=None, today=D(2025, 11, 1)
    )
    probation = walk(make_candidate(tree.school, full_name="Trần Thị Dự Bị", date_of_birth=D(2005, 1, 2)))
    services.admission_record(candidate=probation, ceremony_date=D(2024, 9, 30), user=None, today=D(2024, 10, 1))
    road = walk(make_candidate(tree.school, full_name="Phạm Văn Đang Học", date_of_birth=D(2005, 3, 4)), until=2)
    recognized.refresh_from_db()
    assert recognized.step_date == D(2025, 9, 30) and road.step_date.year == 2024
    return tree


def _listed(client, org, **query) -> set[str]:
    page = _page(client.get(reverse("admissions:list", args=[org.pk]), query))
    assert not page.xpath('//*[@data-testid="filter-error"]')
    return {_text(a) for a in page.xpath("//table//tbody//a[contains(@href, '/candidates/')]")} - {""}


def _exported(client, org, **query) -> set[str]:
    response = client.get(reverse("admissions:export", args=[org.pk]), query)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content))
    rows = list(sheet.active.iter_rows(values_only=True))
    return {row[rows[0].index("Họ và tên")] for row in rows[1:]}


def test_the_admission_year_is_the_ceremonys_on_the_list_and_in_its_export(admitted_2024_recognized_2025, client_for):
    tree = admitted_2024_recognized_2025
    client = client_for("clerk")
    both = {"Lê Văn Công Nhận", "Trần Thị Dự Bị"}
    assert _listed(client, tree.school, admitted_year=2024) == both
    assert _exported(client, tree.school, admitted_year=2024) == both
    # Recognized in 2025: still admitted in 2024, not in 2025.
    assert _listed(client, tree.school, admitted_year=2025) == set()
    assert _exported(client, tree.school, admitted_year=2025) == set()
    # Combined with the outcome, as a clerk counts the admissions of a year.
    assert _listed(client, tree.school, outcome="admitted", admitted_year=2024) == both


def test_year_keeps_meaning_the_latest_steps_year_under_a_label_that_says_so(admitted_2024_recognized_2025, client_for):
    tree = admitted_2024_recognized_2025
    client = client_for("clerk")
    # `?year=` (links and other tools use it) is still the latest step's year.
    assert _listed(client, tree.school, year=2024) == {"Trần Thị Dự Bị", "Phạm Văn Đang Học"}
    assert _listed(client, tree.school, year=2025) == {"Lê Văn Công Nhận"}
    page = _page(client.get(reverse("admissions:list", args=[tree.school.pk])))
    labels = {label.get("for"): _text(label) for label in page.xpath("//form[@role='search']//label")}
    assert labels["id_year"].rstrip(":") == vi("Year of the latest step") == "Năm của bước gần nhất"
    assert labels["id_admitted_year"].rstrip(":") == vi("Admission year") == "Năm kết nạp"


def test_an_admission_year_out_of_range_is_refused_with_the_years_message(tree, client_for):
    page = _page(client_for("clerk").get(reverse("admissions:list", args=[tree.school.pk]), {"admitted_year": "20245"}))
    (error,) = page.xpath('//*[@data-testid="filter-error"]')
    assert "1930" in _text(error) and "2100" in _text(error)
    export = client_for("clerk").get(reverse("admissions:export", args=[tree.school.pk]), {"admitted_year": "x"})
    assert export.status_code == 302


def test_the_filter_reads_the_admission_year_in_one_query(admitted_2024_recognized_2025):
    filterset = CandidateFilter({"admitted_year": "2024"}, queryset=Candidate.objects.all(), today=D(2026, 12, 3))
    with CaptureQueriesContext(connection) as queries:
        names = set(filterset.qs.values_list("full_name", flat=True))
    assert names == {"Lê Văn Công Nhận", "Trần Thị Dự Bị"} and len(queries) == 1


# ------------------------------------------------------------------ 2. a dissolved district's pages


def _banner(client, org, page="list"):
    response = client.get(reverse(f"admissions:{page}", args=[org.pk]))
    (banner,) = _page(response).xpath('//*[@data-testid="dissolved"]')
    return banner


def test_a_dissolved_districts_list_says_when_and_where_its_units_stand_now(reorganized_demo, client):
    district = Organization.objects.get(code="LD.DT")
    client.force_login(_user("tinh.kehoach"))
    banner = _banner(client, district)
    text = _text(banner)
    assert text.startswith(vi("Dissolved on %(day)s") % {"day": "01/07/2025"})
    assert text.startswith("Đã giải thể từ ngày 01/07/2025.")
    assert "Các đơn vị trực thuộc tổ chức này khi đó nay thuộc:" in text
    assert "Dưới đây là các hồ sơ còn ở lại với tổ chức này." in text
    now = Organization.objects.in_bulk(DUC_TRONG_NOW, field_name="code")
    named = banner.xpath('.//*[@data-testid="now-under"]')
    assert [_text(n) for n in named] == [now[code].name for code in sorted(now, key=lambda c: now[c].path)]
    # The province's planner opens each one's list.
    assert {n.get("href") for n in named} == {reverse("admissions:list", args=[o.pk]) for o in now.values()}
    assert not _page(client.get(reverse("admissions:list", args=[district.pk]))).xpath('//*[@data-testid="merged"]')


def test_a_unit_the_reader_may_not_open_is_named_not_linked(reorganized_demo, client):
    """Đơn Dương's planner, planner of the new commune of Đơn Dương too, not of the others."""
    client.force_login(_user("donduong.kehoach"))
    for page in ("list", "board", "alerts"):
        banner = _banner(client, Organization.objects.get(code="LD.DD"), page)
        named = {_text(n): n.tag == "a" for n in banner.xpath('.//*[@data-testid="now-under"]')}
        now = Organization.objects.filter(code__in=DON_DUONG_NOW)
        assert named == {o.name: o.code == "LD.X-DONDUONG" for o in now}
        assert ("Dưới đây là các hồ sơ" in _text(banner)) == (page == "list")


def test_the_banner_costs_two_queries_whatever_the_units_and_none_for_a_standing_organization(reorganized_demo):
    request = RequestFactory().get("/")
    request.user = _user("tinh.kehoach")
    access.scope_paths(request.user)  # the reader's roles, read once per request (org_view reads them first)
    for code, expected in (("LD.DT", DUC_TRONG_NOW), ("LD.DD", DON_DUONG_NOW)):
        organization = Organization.objects.get(code=code)
        with CaptureQueriesContext(connection) as queries:
            found = views._merger(request, organization)
        assert len(queries) == 2
        assert found["dissolved"] and {o.code for o, _open in found["now_under"]} == set(expected)
    standing = Organization.objects.get(code="LD.X-NINHGIA")
    with CaptureQueriesContext(connection) as queries:
        assert views._merger(request, standing) == {
            "successor": None,
            "successor_open": False,
            "dissolved": False,
            "now_under": [],
        }
    assert len(queries) == 0


def test_a_dissolved_leaf_says_when_and_a_merged_one_keeps_its_own_banner(tree, users, client_for):
    from organizations.services import organization_create, organization_merge

    successor = organization_create(
        parent=tree.province, code="LD.X-QL", name="Đảng ủy xã Quảng Lập", form="commune", sector="commune",
        founded_on=D(2025, 5, 1),
    )  # fmt: skip
    organization_merge(source=tree.commune, target=successor, on_date=D(2025, 5, 1), today=D(2025, 6, 30))
    Organization.objects.filter(pk=tree.enterprise.pk).update(dissolved_on=D(2025, 7, 1))
    client = client_for("admin")
    text = _text(_banner(client, tree.enterprise))
    assert text == "Đã giải thể từ ngày 01/07/2025. Dưới đây là các hồ sơ còn ở lại với tổ chức này."
    merged = _page(client.get(reverse("admissions:list", args=[tree.commune.pk])))
    assert merged.xpath('//*[@data-testid="merged"]') and not merged.xpath('//*[@data-testid="dissolved"]')


# ------------------------------------------------------------------ 3. an import into a dissolved district


def _written() -> tuple[int, int, int]:
    return Candidate.objects.count(), StepRecord.objects.count(), Admission.objects.count()


def _file(tmp_path, rows) -> str:
    book = Workbook()
    for line in rows:
        book.active.append(list(line))
    path = tmp_path / "quan-chung.xlsx"
    book.save(path)
    return str(path)


def _refusal(name: str) -> str:
    return vi(
        "%(org)s was dissolved on %(date)s: its units now stand under other organizations."
        " Import into an organization standing today."
    ) % {"org": name, "date": "01/07/2025"}


def test_the_command_refuses_a_dissolved_district_once_and_writes_nothing(reorganized_demo, tmp_path):
    before = _written()
    path = _file(
        tmp_path,
        [HEADER, *[("LD.DT.DTR", f"Nguyễn Văn Số {i}", "12/03/2006", "Nam", "HS", 2, "20/09/2026") for i in range(3)]],
    )
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_xlsx", "candidates", path, "--org", "LD.DT", "--user", "quantri", stdout=out, stderr=err)
    expected = _refusal("Huyện ủy Đức Trọng")
    assert str(refused.value) == expected
    assert expected.startswith("Huyện ủy Đức Trọng đã giải thể ngày 01/07/2025: ")
    assert "không tìm thấy" not in expected and (out.getvalue(), err.getvalue()) == ("", "")
    assert _written() == before
    # Up front: before the file is read (a file that is no workbook reads the same).
    garbage = tmp_path / "rac.xlsx"
    garbage.write_bytes(b"not a workbook")
    with pytest.raises(CommandError, match="01/07/2025"):
        call_command("import_xlsx", "candidates", str(garbage), "--org", "LD.DT", "--user", "quantri", "--dry-run")
    with pytest.raises(CommandError) as english:
        call_command("import_xlsx", "candidates", path, "--org", "LD.DT", "--user", "quantri", "--language", "en")
    assert str(english.value) == (
        "Huyện ủy Đức Trọng was dissolved on 01/07/2025: its units now stand under other organizations."
        " Import into an organization standing today."
    )
    assert _written() == before


def test_the_import_page_of_a_dissolved_district_says_so_on_the_form(reorganized_demo, client):
    district = Organization.objects.get(code="LD.DT")
    client.force_login(_user("quantri"))
    url = reverse("admissions:import", args=[district.pk])
    before = _written()
    rows = [HEADER, ("LD.DT.DTR", "Nguyễn Văn Muộn", "12/03/2006", "Nam", "HS", 2, "20/09/2026")]
    with translation.override("vi"):
        page = _page(client.post(url, {"file": xlsx_upload(rows)}))
    (error,) = page.xpath("//form//div[@class='error' and @role='alert']")
    assert _text(error) == _refusal("Huyện ủy Đức Trọng")
    assert "không tìm thấy" not in page.text_content()
    assert _written() == before


def test_the_standing_commune_takes_the_same_file(reorganized_demo, tmp_path):
    """Where the school stands today, the row is imported: the refusal is the district's only."""
    school = Organization.objects.get(code="LD.DT.DTR")
    assert school.dissolved_on is None and Organization.objects.get(path=school.path[:-4]).code == "LD.X-DUCTRONG"
    path = _file(tmp_path, [HEADER, ("LD.DT.DTR", "Nguyễn Văn Đúng Chỗ", "12/03/2006", "Nam", "HS", 2, "20/09/2026")])
    call_command("import_xlsx", "candidates", path, "--org", "LD.X-DUCTRONG", "--user", "quantri", stdout=io.StringIO())
    assert Candidate.objects.get(full_name="Nguyễn Văn Đúng Chỗ").organization == school


# ------------------------------------------------------------------ 4. the command's own errors


def test_the_commands_own_errors_are_in_its_language(tree, users, tmp_path):
    path = _file(tmp_path, [HEADER, ("LD.DD.THPT", "Lò Văn Lệnh", "12/03/2006", "Nam", "HS", 2, "20/09/2024")])
    with pytest.raises(CommandError) as refused:
        call_command("import_xlsx", "candidates", path, "--org", "LD.DD.THPT", "--user", "ai.do")
    assert str(refused.value) == "Không có người dùng “ai.do” đang hoạt động."
    with pytest.raises(CommandError) as refused:
        call_command("import_xlsx", "candidates", path, "--org", "LD.DD.THPT", "--user", "ai.do", "--language", "en")
    assert str(refused.value) == "No active user “ai.do”."

    missing = str(tmp_path / "khong-co.xlsx")
    with pytest.raises(CommandError) as refused:
        call_command("import_xlsx", "candidates", missing, "--org", "LD.DD.THPT", "--user", "clerk")
    assert str(refused.value).startswith(f"Không đọc được tệp {missing}: ")
    with pytest.raises(CommandError) as refused:
        call_command("import_xlsx", "candidates", missing, "--org", "LD.DD.THPT", "--user", "clerk", "--language", "en")
    assert str(refused.value).startswith(f"Cannot read {missing}: ")

    with pytest.raises(CommandError) as refused:
        call_command("import_xlsx", "allocation", path, "--org", "LD.DD", "--user", "district_planner")
    assert str(refused.value) == "Kiểu nhập allocation cần tùy chọn --rule ID."
