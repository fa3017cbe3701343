"""The comparison of a province's committees on one kind of target ("So sánh") in the
reorganized demo: the targets of the districts dissolved on 01/07/2025 are compared in a
row of their own, counted to 30/06/2025, as the dashboard and the workbook report them
(never "no committee has this target"); and a committee under two targets of one kind
shows the target, percent and status of the same one."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from lxml import html as lxml_html

from organizations.models import Organization
from reports.engine import attainment
from reports.report.compare import compare_choices, compare_rows

D = dt.date
NONE_MESSAGE = "Không có tổ chức trực thuộc nào có chỉ tiêu này"
YEAR_END = {"year": 2025, "as_of": "2025-12-31"}
MID_YEAR = {"year": 2025, "as_of": "2025-06-30"}


def _compare(client, params: dict, rule: str) -> list[list[str]]:
    """The rows of the comparison page as the board reads them: Tổ chức, Kế hoạch, Đạt,
    Chỉ tiêu, Thực hiện, Cơ sở tính, %, Trạng thái, the period, the same period last year."""
    client.force_login(get_user_model().objects.get(username="tinh.kehoach"))
    province = Organization.objects.get(code="LD")
    with translation.override("vi"):
        response = client.get(reverse("reports:compare", args=[province.pk]), {**params, "rule": rule})
    assert response.status_code == 200
    html = response.content.decode()
    assert NONE_MESSAGE not in html, rule
    (table,) = lxml_html.fromstring(html).xpath('//table[@data-testid="compare"]')
    return [[" ".join(td.text_content().split()) for td in tr.xpath("./td")] for tr in table.xpath("./tbody/tr")]


def _by_name(rows: list[list[str]]) -> dict[str, list[str]]:
    return {row[0]: row[1:] for row in rows}


DON_DUONG = "Huyện ủy Đơn Dương (đến 30/06/2025)"
DUC_TRONG = "Huyện ủy Đức Trọng (đến 30/06/2025)"
DA_LAT = "Thành ủy Đà Lạt (đến 30/06/2025)"
PLAN_2025 = "Kế hoạch phát triển đảng viên năm 2025"


def test_the_year_end_comparison_compares_the_targets_of_the_districts_dissolved_in_the_year(reorganized_demo, client):
    """Huyện ủy Đơn Dương's "at least 88 admissions" (20 of 88), its size and inactivity
    rules over its cells (4 and 3 of 7 meet them), and 159-KH/HU's "each non-state
    enterprise at least one" (none of 3) are not met on 31/12, as the dashboard says: the
    comparison lists them under the district, named with its last day, its figures of the
    period left blank (its admissions count with the communes of today)."""
    counts = _by_name(_compare(client, YEAR_END, "count:"))
    assert counts[DON_DUONG][:7] == [PLAN_2025, "0 / 1", "88", "20", "", "22,7", "Không đạt"]
    assert counts[DUC_TRONG][:7] == ["159-KH/HU", "0 / 3", "3", "0", "", "", "Không đạt"]
    assert counts[DON_DUONG][7:] == ["—", "—"]

    (allocation,) = _compare(client, YEAR_END, "allocation:")
    assert allocation[:8] == [DON_DUONG, PLAN_2025, "0 / 1", "88", "20", "", "22,7", "Không đạt"]

    # Only the failing cells are listed by the engine: the row counts the rule's 7 cells.
    (size,) = _compare(client, YEAR_END, "cell_size:")
    assert (size[0], size[2], size[7]) == (DON_DUONG, "4 / 7", "Không đạt")
    (idle,) = _compare(client, YEAR_END, "inactivity:")
    assert (idle[0], idle[2], idle[7]) == (DON_DUONG, "3 / 7", "Không đạt")


def test_the_same_kind_of_target_from_an_ended_plan_keeps_its_own_row(reorganized_demo, client):
    """97-KH/TU asks each city or district committee for 2–5% non-state workers: 1 of the
    3 met it by their last day, and the enterprise bloc's own 15% is not met. The
    high schools Huyện ủy Đức Trọng held on 30/06 were measured by its 159-KH/HU (2 of 6)
    up to then; on 31/12 they sit in four communes, measured by 97-KH/TU there."""
    shares = _by_name(_compare(client, YEAR_END, "share_admissions:non_state_worker"))
    assert {name: row[1] for name, row in shares.items()} == {
        DON_DUONG: "0 / 1",
        DUC_TRONG: "0 / 1",
        DA_LAT: "1 / 1",
        "Đảng ủy Khối doanh nghiệp tỉnh": "0 / 1",
    }
    assert shares[DA_LAT][5:7] == ["33,3", "Đạt"] and shares[DON_DUONG][4:7] == ["20", "0,0", "Không đạt"]

    pupils = _by_name(_compare(client, YEAR_END, "count:pupil"))
    assert pupils[DUC_TRONG][:6] == ["159-KH/HU", "2 / 6", "6", "3", "", ""]
    assert pupils[DUC_TRONG][6] == "Không đạt"
    assert pupils["Đảng ủy xã Đức Trọng"][:4] == ["97-KH/TU", "1 / 3", "3", "1"]
    assert pupils[DA_LAT][1] == "1 / 3"


def test_a_committee_under_two_targets_of_one_kind_shows_one_target_with_its_own_figures(reorganized_demo, client):
    """97-KH/TU asks each university for 05–10 students and Đảng ủy Trường Đại học Đà Lạt
    for 15–20. On 30/06 its 2 students are on pace for 5 and behind for 15: the row shows
    the target it is furthest from, 15, with its percent (13,3, as the workbook's block
    says 0,133) and status, not 15 beside the 40,0 of 2 ÷ 5."""
    (row,) = _compare(client, MID_YEAR, "count:student")
    assert row[:8] == ["Đảng ủy Trường Đại học Đà Lạt", "97-KH/TU", "0 / 1", "15", "2", "", "13,3", "Chậm tiến độ"]
    (row,) = _compare(client, YEAR_END, "count:student")
    assert row[3:8] == ["15", "3", "", "20,0", "Không đạt"]
    # The engine's own measurement of the 15–20 target says the same.
    province = Organization.objects.get(code="LD")
    answer = attainment(scope=province, year=2025, as_of=D(2025, 6, 30))
    (own,) = [r.single for r in answer.rules if r.kind == "count" and r.category == "student" and not r.many]
    assert (own.target_min, own.actual, str(own.percent), own.status) == (15, 2, "13.3", "behind")


def test_the_ended_committees_cost_the_same_few_queries_whatever_the_rows(reorganized_demo):
    """The committees of the dissolved districts' last day are read once (a day's
    children), not once per row or per rule."""
    province = Organization.objects.get(code="LD")
    answer = attainment(scope=province, year=2025, as_of=D(2025, 12, 31))
    for key, _sentence in compare_choices(answer):
        with CaptureQueriesContext(connection) as queries:
            rows = compare_rows(answer, key, "org")
        assert rows, key
        assert len(queries.captured_queries) <= 2, (key, len(rows))


def test_the_commune_is_offered_only_targets_its_organizations_have_rows_for(reorganized_demo, client):
    """xã Đơn Dương's 2026 comparison offered its own total ("… kết nạp ít nhất 30") and its
    allocation table as targets to compare its organizations on, then answered "no
    organization under it has this target". Offered: those that give rows; a link to
    another target of the report still answers, saying there is none to compare."""
    commune = Organization.objects.get(code="LD.X-DONDUONG")
    client.force_login(get_user_model().objects.get(username="donduong.kehoach"))
    url = reverse("reports:compare", args=[commune.pk])
    with translation.override("vi"):
        page = client.get(url, {"year": 2026})
    offered = lxml_html.fromstring(page.content.decode()).xpath('//select[@name="rule"]/option/@value')
    assert offered and "count:" not in offered and "allocation:" not in offered
    att = attainment(scope=commune, year=2026, as_of=D(2026, 12, 3))
    assert all(compare_rows(att, key) for key, _sentence in compare_choices(att))
    with translation.override("vi"):
        own = client.get(url, {"year": 2026, "rule": "count:"})
    assert own.status_code == 200 and NONE_MESSAGE in own.content.decode()
    assert client.get(url, {"year": 2026, "rule": "no-such:"}).status_code == 404


def test_a_commune_compares_a_dissolved_district_s_targets_in_the_district_s_row(reorganized_demo):
    """Since the district's rules reach the communes that hold their organizations, a
    commune's comparison took the school of Hiệp Thạnh as one row for 97-KH/TU (met, a
    pupil admitted on 15/11/2025) and 159-KH/HU (counted to 30/06/2025, not met), showing
    "0, not met" under both; and Đơn Dương's size rule over xã Đơn Dương's cells as the one
    failing cell "(đến 30/06/2025)" where the report says 2 of 3 meet it. The district's
    targets are its own row, named with its last day, as in the province's comparison."""

    def rows(code, rule):
        att = attainment(scope=Organization.objects.get(code=code), year=2025, as_of=D(2025, 12, 31))
        return [
            (row["name"], row["plan"], row["meeting"], row["measured"], row["status"])
            for row in compare_rows(att, rule)
        ]

    assert rows("LD.X-HIEPTHANH", "count:pupil") == [
        ("Chi bộ Trường THPT Lương Thế Vinh", "97-KH/TU", 1, 1, "met"),
        (DUC_TRONG, "159-KH/HU", 0, 1, "not_met"),
    ]
    assert rows("LD.X-DONDUONG", "cell_size:") == [(DON_DUONG, PLAN_2025, 2, 3, "not_met")]
    assert rows("LD.X-DONDUONG", "inactivity:") == [(DON_DUONG, PLAN_2025, 1, 3, "not_met")]
    # The province's row of the district holds the communes' parts.
    assert (DUC_TRONG, "159-KH/HU", 2, 6, "not_met") in rows("LD", "count:pupil")


def test_a_dissolved_districts_compare_page_links_only_the_units_its_reader_may_open(reorganized_demo, client):
    """Đức Trọng's viewer compares its schools as of its last day: those that stand under the
    province's new communes now are outside the viewer's organizations, so they are named,
    not linked (their pages answer 404 to that reader); the others are links."""
    district = Organization.objects.get(code="LD.DT")
    url = reverse("reports:compare", args=[district.pk])
    for username, unlinked in (("xem.ductrong", True), ("tinh.kehoach", False)):
        user = get_user_model().objects.get(username=username)
        client.force_login(user)
        response = client.get(url, MID_YEAR)
        assert response.status_code == 200
        (table,) = lxml_html.fromstring(response.content.decode()).xpath('//table[@data-testid="compare"]')
        cells = table.xpath("./tbody/tr/td[1]")
        links = [cell.xpath("./a/@href") for cell in cells]
        assert all(client.get(href[0]).status_code == 200 for href in links if href), username
        assert any(not href for href in links) is unlinked, username
        assert len(cells) == 6
