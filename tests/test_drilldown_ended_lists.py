"""The lists behind a figure hold what the figure counts, and say so truthfully.

* A committee that ended before the report's period began (a district dissolved on
  01/07/2025, on the province's report of 2025-Q3) is counted to its last day, by category
  on its rule cards: the list behind such a card held every admission of the year to that
  day, the category dropped without a word (the period was "invalid" for it).
* A filter typed into a URL that cannot be applied is said, never dropped in silence.
* A list whose user may not see some of the people counted (their cell moved out of the
  committee after the report's day) gives the report's figure and how many are not shown:
  it read "14 đảng viên … như trong báo cáo" under a report of 20."""

import datetime as dt
import re
from html import unescape

import pytest
from django.urls import reverse
from lxml import html as lxml_html

from admissions.categories import Category
from organizations.models import OrgForm, Sector
from organizations.services import organization_create, organization_dissolve, organization_move
from quotas.models import RuleKind

from .test_reports_engine import admit, allocate, make_plan, make_rule

D = dt.date
LATER = D(2026, 3, 1)  # the day the reorganization was entered
WORKERS = "Công nhân, người lao động doanh nghiệp ngoài Nhà nước"


def _page(response):
    assert response.status_code == 200
    return lxml_html.fromstring(response.content.decode())


def _text(element) -> str:
    return " ".join(element.text_content().split())


def _list(response) -> tuple[str, str, list[str], str]:
    """What the user reads on a list behind a figure: the title, the sentence under it,
    the names listed, and the messages above."""
    page = _page(response)
    (title,) = page.xpath("//section[@class='card']/h1")
    (sentence,) = page.xpath("//section[@class='card']/p[contains(@class, 'muted')]")
    names = [_text(row.xpath("./td")[0]) for row in page.xpath("//table[@data-testid='admissions']/tbody/tr")]
    names = [name for name in names if name != "Chưa có đảng viên mới."]
    messages = " ".join(_text(li) for li in page.xpath("//ul[@class='messages']/li"))
    return _text(title), _text(sentence), names, messages


# --- 1. a committee that ended before the report's period ----------------------------------


@pytest.fixture
def dissolved_city(tree):
    """Thành ủy Đà Lạt asks for at least 2% of its 2025 admissions to be non-state workers.
    Its school admits two pupils and one worker by June; on 01/07/2025 the school moves
    under Đơn Dương (admitting another worker in August there) and the city is dissolved."""
    plan = make_plan(tree.city, first_year=2025, number="12", symbol="KH/ThU")
    make_rule(plan, RuleKind.SHARE_OF_ADMISSIONS, category=Category.NON_STATE_WORKER, min_percent=2)
    admit(tree.city_school, D(2025, 2, 3), Category.PUPIL, name="Lê Thị Học Sinh Một")
    admit(tree.city_school, D(2025, 3, 4), Category.PUPIL, name="Lê Thị Học Sinh Hai")
    admit(tree.city_school, D(2025, 5, 6), Category.NON_STATE_WORKER, name="Trần Văn Công Nhân")
    organization_move(organization=tree.city_school, new_parent=tree.district, on_date=D(2025, 7, 1), today=LATER)
    admit(tree.city_school, D(2025, 8, 7), Category.NON_STATE_WORKER, name="Phạm Văn Tháng Tám")
    organization_dissolve(organization=tree.city, on_date=D(2025, 7, 1), today=LATER)
    tree.city.refresh_from_db()
    return tree.city


@pytest.mark.parametrize("period", ["2025-Q3", "2025-Q4"])
def test_a_rule_card_of_a_committee_ended_before_the_period_opens_its_category_to_its_last_day(
    client_for, tree, dissolved_city, period
):
    client = client_for("province_planner")
    page = _page(client.get(reverse("reports:dashboard", args=[tree.province.pk]), {"period": period}))
    admissions = reverse("reports:admissions", args=[dissolved_city.pk])
    (card,) = [
        li
        for li in page.xpath("//li[contains(@class, 'rule')]")
        if li.xpath(f".//a[starts-with(@href, '{admissions}') and contains(@href, 'category=non_state_worker')]")
    ]
    assert "Thành ủy Đà Lạt tính đến ngày 30/06/2025" in _text(card)
    (link,) = card.xpath(f".//a[starts-with(@href, '{admissions}') and contains(@href, 'category=')]")
    assert _text(link) == "1"  # the worker of May; the pupils are not workers

    title, sentence, names, messages = _list(client.get(unescape(link.get("href"))))
    assert title == f"Đảng viên mới của Thành ủy Đà Lạt năm 2025 — {WORKERS}"
    assert sentence.startswith("1 đảng viên kết nạp đến ngày 30/06/2025,") and "như trong báo cáo" in sentence
    assert names == ["Trần Văn Công Nhân"]
    assert messages == ""  # a link the page built is no error


def test_a_period_typed_in_that_it_has_no_report_of_keeps_the_category_and_says_so(client_for, dissolved_city):
    """The period's own admissions (`in_period`) of a period begun after its last day, or a
    period that is none: the list says it shows the default period, the category kept."""
    client = client_for("province_planner")
    url = reverse("reports:admissions", args=[dissolved_city.pk])
    for query, said in (
        ({"period": "2025-Q3", "in_period": "1"}, "Ngày hoạt động cuối cùng của tổ chức là 30/06/2025"),
        ({"period": "2025-Q9"}, "“2025-Q9” không phải là kỳ báo cáo"),
    ):
        title, sentence, names, messages = _list(client.get(url, {**query, "category": "non_state_worker"}))
        assert said in messages and "Đang hiển thị kỳ báo cáo mặc định" in messages, query
        assert title.endswith(f"— {WORKERS}"), query
        assert sentence.startswith("1 đảng viên kết nạp đến ngày 30/06/2025"), query
        assert names == ["Trần Văn Công Nhân"], query


def test_a_category_that_is_none_keeps_the_period_and_says_it_lists_every_category(client_for, tree):
    admit(tree.school, D(2025, 2, 3), Category.PUPIL, name="Học Sinh Tháng Hai")
    admit(tree.school, D(2025, 5, 6), Category.PUPIL, name="Học Sinh Tháng Năm")
    client = client_for("district_planner")
    response = client.get(
        reverse("reports:admissions", args=[tree.district.pk]),
        {"year": "2025", "as_of": "2025-03-31", "category": "martian"},
    )
    title, sentence, names, messages = _list(response)
    # It said "Năm hoặc ngày không hợp lệ; đang hiển thị kỳ mặc định." of a good year and day.
    said = "“martian” không phải là đối tượng kết nạp hợp lệ: danh sách hiển thị đảng viên mới thuộc mọi đối tượng."
    assert messages == said
    assert title == "Đảng viên mới của Huyện ủy Đơn Dương năm 2025"
    assert sentence.startswith("1 đảng viên kết nạp đến ngày 31/03/2025")  # the day asked, kept
    assert names == ["Học Sinh Tháng Hai"]


# --- 2. people counted whose organization is now outside the user's scope ---------------------


@pytest.fixture
def cells_moved_out(tree):
    """By 30/06/2025 Huyện ủy Đơn Dương admitted 4: two at its school, one at the commune's
    cell, one at the enterprise. On 01/07/2025 the school and the cell move under Thành ủy
    Đà Lạt (the cell under a commune of the city): the district's planner no longer
    reaches them."""
    admit(tree.school, D(2025, 2, 3), Category.PUPIL, name="Hồ Thị Trường Một")
    admit(tree.school, D(2025, 3, 4), Category.PUPIL, name="Hồ Thị Trường Hai")
    admit(tree.cell, D(2025, 4, 5), name="Vi Văn Thôn")
    admit(tree.enterprise, D(2025, 5, 6), Category.NON_STATE_WORKER, name="Đỗ Văn Ở Lại")
    city_commune = organization_create(
        parent=tree.city,
        code="LD.DL.XP",
        name="Đảng bộ phường Xuân Phú",
        form=OrgForm.GRASSROOTS_COMMITTEE,
        sector=Sector.COMMUNE,
    )
    organization_move(organization=tree.school, new_parent=tree.city, on_date=D(2025, 7, 1), today=LATER)
    organization_move(organization=tree.cell, new_parent=city_commune, on_date=D(2025, 7, 1), today=LATER)
    return tree


def test_the_list_behind_a_committee_s_figure_says_how_many_it_does_not_show(client_for, cells_moved_out):
    tree = cells_moved_out
    client = client_for("district_planner")
    dashboard = _page(client.get(reverse("reports:dashboard", args=[tree.district.pk]), {"as_of": "2025-06-30"}))
    (link,) = dashboard.xpath("//*[@data-testid='actual']/a")
    assert _text(link) == "4"

    title, sentence, names, _messages = _list(client.get(unescape(link.get("href"))))
    assert sentence.startswith("4 đảng viên kết nạp đến ngày 30/06/2025,") and "như trong báo cáo." in sentence
    assert sentence.endswith(
        "Trong số đó, 3 người hiện thuộc tổ chức đảng khác ngoài phạm vi của bạn nên không hiển thị;"
        " danh sách dưới đây gồm 1 người còn lại."
    )
    assert names == ["Đỗ Văn Ở Lại"]
    # Nothing of the people not shown: no name, no organization.
    html = client.get(unescape(link.get("href"))).content.decode()
    assert not re.search("Hồ Thị|Vi Văn Thôn|Trường THPT Đơn Dương|Thôn Ka Đô Mới", html)

    # The province's planner sees them all: the same figure, every name, nothing more said.
    everyone = client_for("province_planner").get(unescape(link.get("href")))
    _title, sentence, names, _messages = _list(everyone)
    assert sentence.startswith("4 đảng viên") and sentence.endswith("như trong báo cáo.")
    assert len(names) == 4


def test_an_allocation_row_whose_only_person_is_not_shown_opens_a_list_that_says_so(client_for, cells_moved_out):
    """The district allocates 2 to the commune: its row of 30/06 reads 1, its cell's
    admission; the list behind that 1 read "0 đảng viên … như trong báo cáo"."""
    tree = cells_moved_out
    allocate(make_rule(make_plan(tree.district, symbol="KH/HU"), RuleKind.ALLOCATION, min_count=2), tree.commune, 2)
    client = client_for("district_planner")
    dashboard = _page(client.get(reverse("reports:dashboard", args=[tree.district.pk]), {"as_of": "2025-06-30"}))
    commune_list = reverse("reports:admissions", args=[tree.commune.pk])
    links = {(a.get("href"), _text(a)) for a in dashboard.xpath(f"//a[starts-with(@href, '{commune_list}')]")}
    ((href, figure),) = links
    assert figure == "1"

    response = client.get(unescape(href))
    title, sentence, names, _messages = _list(response)
    assert title == "Đảng viên mới của Đảng bộ xã Ka Đô năm 2025"
    assert sentence.startswith("1 đảng viên kết nạp đến ngày 30/06/2025,")
    assert sentence.endswith("Người này hiện thuộc tổ chức đảng khác ngoài phạm vi của bạn nên không hiển thị.")
    assert names == []
    assert "Vi Văn Thôn" not in response.content.decode()


def test_form_2_s_drill_down_says_how_many_of_its_count_it_does_not_show(client_for, cells_moved_out):
    tree = cells_moved_out
    client = client_for("district_planner")
    response = client.get(
        reverse("reports:bieu2_admissions", args=[tree.district.pk]),
        {"period": "2025-6M", "row": "total", "column": "this"},
    )
    _title, sentence, names, _messages = _list(response)
    assert sentence == (
        "4 người được kết nạp từ 01/01/2025 đến 30/06/2025 (theo ngày kết nạp, tính nơi tổ chức của họ trực thuộc"
        " khi kết nạp). Trong số đó, 3 người hiện thuộc tổ chức đảng khác ngoài phạm vi của bạn nên không hiển"
        " thị; danh sách dưới đây gồm 1 người còn lại."
    )
    assert names == ["Đỗ Văn Ở Lại"]
    assert "Hồ Thị" not in response.content.decode()
