"""A dissolved or merged organization's page lists the units it had on its last day,
wherever they stand now (not the organizations that merely remain under it in today's
tree), with their members that day; a unit the reader may not open is named, not linked."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.urls import reverse
from lxml import html as lxml_html

from organizations import access
from organizations.models import Organization
from organizations.positions import alive_on
from organizations.selectors import path_as_of


def _rows(client, username: str, org: Organization):
    client.force_login(get_user_model().objects.get(username=username))
    response = client.get(reverse("organizations:detail", args=[org.pk]))
    assert response.status_code == 200
    page = lxml_html.fromstring(response.content.decode())
    (section,) = [
        s for s in page.xpath("//section") if s.xpath(".//h2[starts-with(normalize-space(), 'Tổ chức trực thuộc')]")
    ]
    heading = " ".join(section.xpath(".//h2")[0].text_content().split())
    rows = {}
    for tr in section.xpath(".//tbody/tr"):
        first = tr.xpath("./td")[0]
        rows[" ".join(first.text_content().replace("đã giải thể", "").split())] = bool(first.xpath(".//a"))
    return heading, rows


def _units_on(org: Organization, day: dt.date) -> set[str]:
    """Independently: the organizations standing on `day` one level under `org` as it stood then."""
    rows = Organization.objects.filter(alive_on(day)).annotate(then=path_as_of(day))
    return {o.name for o in rows if o.then.startswith(org.path) and len(o.then) == len(org.path) + 4}


def test_a_dissolved_districts_page_lists_the_units_it_had_on_its_last_day(reorganized_demo, client):
    district = Organization.objects.get(code="LD.DD")
    last_day = dt.date(2025, 6, 30)
    heading, rows = _rows(client, "tinh.kehoach", district)
    assert "30/06/2025" in heading
    assert set(rows) == _units_on(district, last_day) and len(rows) == 15
    # Those that moved under the new commune are listed too (today they stand elsewhere).
    moved = Organization.objects.get(code="LD.DD.THPT-HV")
    assert not moved.path.startswith(district.path) and moved.name in rows
    assert all(rows.values())  # the province's planner may open every one


def test_a_unit_the_reader_may_not_open_is_named_not_linked(reorganized_demo, client):
    district = Organization.objects.get(code="LD.DT")
    viewer = get_user_model().objects.get(username="xem.ductrong")
    _heading, rows = _rows(client, "xem.ductrong", district)
    assert set(rows) == _units_on(district, dt.date(2025, 6, 30))
    by_name = {o.name: o for o in Organization.objects.filter(name__in=rows)}
    hidden = {name for name, linked in rows.items() if not linked}
    assert hidden  # some of the district's units went to communes outside this viewer's
    assert hidden == {name for name in rows if not access.has_perm(viewer, by_name[name], access.Perm.VIEW)}


def test_a_standing_organizations_page_lists_todays_children(reorganized_demo, client):
    commune = Organization.objects.get(name="Đảng ủy xã Đơn Dương")
    heading, rows = _rows(client, "tinh.kehoach", commune)
    assert "ngày cuối cùng" not in heading
    assert set(rows) == set(
        Organization.objects.filter(path__startswith=commune.path, depth=commune.depth + 1).values_list(
            "name", flat=True
        )
    )
