"""Member counts and historical results say who entered them and when, on the pages that
list them: the page's entry, an import's rows and a correction alike."""

import re

from django.urls import reverse

from reports.imports import historical_import
from tests.test_historical_import import upload


def _cells(page: str, testid: str) -> list[list[str]]:
    table = re.search(rf'data-testid="{testid}".*?</table>', page, re.S).group(0)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    cells = [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows]
    return [row for row in cells if row]  # not the header


def test_a_member_count_names_who_entered_it(tree, client_for):
    planner = client_for("district_planner")
    planner.post(
        reverse("organizations:add_count", kwargs={"org_pk": tree.cell.pk}), {"as_of": "01/03/2025", "members": "11"}
    )
    page = client_for("admin").get(reverse("organizations:detail", args=[tree.cell.pk])).content.decode()
    rows = _cells(page, "member-counts")
    entered = next(r for r in rows if r[0] == "01/03/2025")
    assert (
        entered[1] == "11"
        and entered[3] == "district_planner"
        and re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", entered[4])
    )
    built = next(r for r in rows if r[0] == "01/01/2025")  # written by the fixture, with no user
    assert built[3] == "—"


def test_a_historical_result_names_who_entered_or_corrected_it_last(users, tree, client_for):
    planner = client_for("district_planner")
    planner.post(
        reverse("reports:history", kwargs={"org_pk": tree.district.pk}),
        {"organization": tree.school.pk, "year": 2023, "category": "", "count": 2, "source": "sổ"},
    )
    historical_import(
        upload=upload([("LD.DD.KD", 2023, "", 5, "sổ")]), under=tree.district, user=users.province_planner
    )
    page = planner.get(reverse("reports:history", kwargs={"org_pk": tree.district.pk})).content.decode()
    by_org = {r[0]: r for r in _cells(page, "historical")}
    assert by_org[tree.school.name][5] == "district_planner"
    assert by_org[tree.commune.name][5] == "province_planner"
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", by_org[tree.commune.name][6])
