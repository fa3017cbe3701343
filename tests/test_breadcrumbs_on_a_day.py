"""A dashboard's breadcrumbs are the parents of its report's day, each named as it was then:
a school's report of 30/06/2025 in the reorganized demo stands under the district it stood
under that day (dissolved on 01/07/2025), not under the commune committee founded that day
that holds it now; today's report keeps today's parents."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from lxml import html as lxml_html

from organizations.models import Membership, Organization, Role
from organizations.positions import ancestors_on
from organizations.services import organization_move, organization_update

D = dt.date
PROVINCE, DISTRICT, COMMUNE, SCHOOL = "LD", "LD.DT", "LD.X-NINHGIA", "LD.DT.HHT"
PAST = {"year": "2025", "as_of": "2025-06-30"}
PAST_QUERY = "year=2025&as_of=2025-06-30"


def _org(code: str) -> Organization:
    return Organization.objects.get(code=code)


def _crumbs(client, code: str, params: dict) -> list[tuple[str, str | None]]:
    """The parents the dashboard's breadcrumbs show: (name, link or None), the root first."""
    response = client.get(reverse("reports:dashboard", args=[_org(code).pk]), params)
    assert response.status_code == 200
    (nav,) = lxml_html.fromstring(response.content.decode()).xpath('//nav[@class="breadcrumbs"]')
    items = nav.xpath("./a | ./span")[1:]  # after "Báo cáo"
    return [(" ".join(e.text_content().split()), e.get("href")) for e in items]


def _login(client, username: str):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _link(code: str, query: str) -> str:
    return reverse("reports:dashboard", args=[_org(code).pk]) + "?" + query


def test_a_past_day_shows_the_district_of_that_day_not_the_commune_founded_later(reorganized_demo, client):
    client = _login(client, "tinh.kehoach")
    province, district = _org(PROVINCE), _org(DISTRICT)
    assert district.dissolved_on == D(2025, 7, 1) and _org(COMMUNE).founded_on == D(2025, 7, 1)
    past = _crumbs(client, SCHOOL, PAST)
    # Linked on the same day: the dissolved district's report of 30/06/2025.
    assert past == [
        (province.name, _link(PROVINCE, PAST_QUERY)),
        ("Huyện ủy Đức Trọng", _link(DISTRICT, PAST_QUERY)),
    ]
    assert "Đảng ủy xã Ninh Gia" not in [name for name, _href in past]


def test_today_s_dashboard_keeps_today_s_parents_and_each_day_its_own(reorganized_demo, client):
    """The body is cached per day: reading one day never shows another day's breadcrumbs."""
    client = _login(client, "tinh.kehoach")
    past = _crumbs(client, SCHOOL, PAST)
    today = _crumbs(client, SCHOOL, {})
    assert [name for name, _href in today] == ["Tỉnh ủy Lâm Đồng", "Đảng ủy xã Ninh Gia"]
    assert today[1][1].startswith(reverse("reports:dashboard", args=[_org(COMMUNE).pk]) + "?")
    assert _crumbs(client, SCHOOL, PAST) == past  # read again (cached): still that day's
    assert _crumbs(client, SCHOOL, {}) == today


def test_a_parent_renamed_since_bears_its_name_of_the_day(reorganized_demo, client):
    client = _login(client, "tinh.kehoach")
    past = [name for name, _href in _crumbs(client, "LD.KCQ.01", PAST)]
    today = [name for name, _href in _crumbs(client, "LD.KCQ.01", {})]
    assert past == ["Tỉnh ủy Lâm Đồng", "Đảng ủy Khối các cơ quan tỉnh"]
    assert today == ["Tỉnh ủy Lâm Đồng", "Đảng ủy các cơ quan Đảng tỉnh"]


def test_a_parent_the_reader_may_not_view_is_named_without_a_link(reorganized_demo, client):
    reader = get_user_model().objects.create_user(username="xem.hht", password="x")
    Membership.objects.create(user=reader, organization=_org(SCHOOL), role=Role.VIEWER)
    client.force_login(reader)
    assert _crumbs(client, SCHOOL, PAST) == [("Tỉnh ủy Lâm Đồng", None), ("Huyện ủy Đức Trọng", None)]
    assert _crumbs(client, SCHOOL, {}) == [("Tỉnh ủy Lâm Đồng", None), ("Đảng ủy xã Ninh Gia", None)]
    # The district's viewer still opens the district's report of that day from it.
    _login(client, "xem.ductrong")
    assert _crumbs(client, DISTRICT, PAST) == [("Tỉnh ủy Lâm Đồng", None)]


# ----------------------------------------------------------- positions.ancestors_on, small tree


@pytest.fixture
def moved(tree):
    """Ka Đô (with its cell) moved from Đơn Dương to Đà Lạt on 01/07/2025; Đơn Dương renamed that day."""
    organization_move(organization=tree.commune, new_parent=tree.city, on_date=D(2025, 7, 1), today=D(2025, 7, 1))
    organization_update(
        organization=tree.district, name="Đảng ủy huyện Đơn Dương", changes_from=D(2025, 7, 1), today=D(2025, 7, 1)
    )
    for org in vars(tree).values():
        org.refresh_from_db()
    return tree


def _names(orgs) -> list[str]:
    return [o.name for o in orgs]


def test_ancestors_on_reads_the_tree_of_the_day_in_one_query_unless_it_moved_since(moved, django_assert_num_queries):
    tree = moved
    with django_assert_num_queries(2):  # moved since: its parents of that day are read again
        before = ancestors_on(tree.cell, D(2025, 6, 30))
    assert _names(before) == ["Tỉnh ủy Lâm Đồng", "Huyện ủy Đơn Dương", "Đảng bộ xã Ka Đô"]
    with django_assert_num_queries(1):  # today's parents: as the plain read of them
        after = ancestors_on(tree.cell, D(2025, 7, 1))
    assert _names(after) == ["Tỉnh ủy Lâm Đồng", "Thành ủy Đà Lạt", "Đảng bộ xã Ka Đô"]
    with django_assert_num_queries(1):  # not moved, its parent renamed since: the name of the day
        school = ancestors_on(tree.school, D(2025, 6, 30))
    assert _names(school) == ["Tỉnh ủy Lâm Đồng", "Huyện ủy Đơn Dương"]
    assert _names(ancestors_on(tree.school, D(2025, 7, 1))) == ["Tỉnh ủy Lâm Đồng", "Đảng ủy huyện Đơn Dương"]
    with django_assert_num_queries(0):  # a root: as the plain read, none
        assert ancestors_on(tree.province, D(2025, 6, 30)) == []
