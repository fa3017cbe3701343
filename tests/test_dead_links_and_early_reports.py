"""A report for a period the organization did not stand in is refused (no frozen figures of
an organization that did not exist yet, nor of one ended before the period), and pages link
no organization the reader cannot open (its page would be a 404 for them)."""

import datetime as dt
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from organizations.models import Organization, OrgForm, Sector
from organizations.services import organization_create, organization_dissolve, organization_move
from reports import periods
from submissions import services
from submissions.models import ReportSubmission, ReviewStep, Status

D = dt.date
TODAY = D(2026, 1, 20)


def _founded_in_july(tree) -> Organization:
    tree.province.refresh_from_db()
    return organization_create(
        parent=tree.province,
        code="LD.X-NEW",
        name="Đảng ủy xã Mới",
        form=OrgForm.GRASSROOTS_COMMITTEE,
        sector=Sector.COMMUNE,
        founded_on=D(2025, 7, 1),
    )


def _submit(organization, period, user):
    return services.submit(organization=organization, period=period, user=user, today=TODAY, results="Kết quả")


def _hrefs(html: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]*)"', html)]


# ------------------------------------------------------------------ A: periods it did not stand in


def test_a_period_ended_before_the_founding_is_refused_and_nothing_is_stored(tree, users):
    new = _founded_in_july(tree)
    with pytest.raises(ValidationError, match="01/07/2025") as refused:
        _submit(new, "2025-Q2", users.province_planner)
    assert refused.value.code == "not_standing"
    with pytest.raises(ValidationError, match="01/07/2025"):
        services.save_draft(organization=new, period="2025-Q2", user=users.province_planner, results="x")
    assert not ReportSubmission.objects.filter(organization=new).exists() and not ReviewStep.objects.exists()
    # The period it was founded in, and the year, it stood in (in part): reported.
    assert _submit(new, "2025-Q3", users.province_planner).status == Status.SUBMITTED
    assert _submit(new, "2025", users.province_planner).status == Status.SUBMITTED


def test_a_period_it_did_not_stand_through_is_refused_the_ones_it_did_are_not(tree, users):
    """Dissolved on 01/07/2025: a period begun after is refused, and so is one it ended in
    (the year 2025, its nine months), which those standing at the period's end report, as
    the board of reports lists them and the calendar owes them; the quarter and the half
    year it stood through are its to send."""
    organization_dissolve(organization=tree.enterprise, on_date=D(2025, 7, 1), today=TODAY)
    tree.enterprise.refresh_from_db()
    with pytest.raises(ValidationError, match="01/07/2025"):
        _submit(tree.enterprise, "2025-Q3", users.district_planner)
    for period in ("2025", "2025-9M"):
        with pytest.raises(ValidationError, match="trước khi kỳ .* kết thúc"):
            _submit(tree.enterprise, period, users.district_planner)
    assert not ReportSubmission.objects.filter(organization=tree.enterprise).exists()
    assert _submit(tree.enterprise, "2025-Q2", users.district_planner).status == Status.SUBMITTED
    assert _submit(tree.enterprise, "2025-6M", users.district_planner).status == Status.SUBMITTED


def test_stood_in_reads_founding_and_end():
    from reports.periods import parse

    org = Organization(name="x", founded_on=D(2025, 7, 1), dissolved_on=D(2025, 8, 15))
    assert [periods.stood_in(org, parse(k)) for k in ("2025-Q2", "2025-Q3", "2025-Q4", "2025")] == [
        False,
        True,
        False,
        True,
    ]
    assert periods.stood_in(Organization(name="y"), parse("2025-Q1"))  # no dates: always stood


def test_the_page_offers_no_button_and_the_post_changes_nothing(tree, users, client_for):
    new = _founded_in_july(tree)
    client = client_for("province_planner")
    page = client.get(reverse("submissions:detail", args=[new.pk, "2025-Q2"])).content.decode()
    assert 'data-testid="submit"' not in page and 'data-testid="narrative"' not in page
    assert 'data-testid="not-standing"' in page and "thành lập ngày 01/07/2025" in page
    response = client.post(
        reverse("submissions:save", args=[new.pk, "2025-Q2"]), {"action": "submit", "results": "Kết quả"}, follow=True
    )
    assert "thành lập ngày 01/07/2025" in response.content.decode()
    assert not ReportSubmission.objects.filter(organization=new).exists()
    page = client.get(reverse("submissions:detail", args=[new.pk, "2025-Q3"])).content.decode()
    assert 'data-testid="submit"' in page and 'data-testid="not-standing"' not in page


def test_the_board_above_owes_it_only_from_its_founding_quarter(tree, users, client_for):
    new = _founded_in_july(tree)
    client = client_for("province_planner")

    def codes(period):
        html = client.get(reverse("submissions:board", args=[tree.province.pk, period])).content.decode()
        return re.findall(r'data-code="([^"]*)"', html)

    assert new.code not in codes("2025-Q2")
    assert new.code in codes("2025-Q3") and new.code in codes("2025")


# ------------------------------------------------------------------ B: links the reader cannot open


def test_a_child_moved_out_of_the_reader_s_scope_is_named_not_linked(tree, users, client_for):
    """The district's report of 30/06/2025 lists the school, which stands under Đà Lạt since
    01/07/2025: the district's planner cannot open it (404), the province's planner can."""
    organization_move(organization=tree.school, new_parent=tree.city, on_date=D(2025, 7, 1), today=TODAY)
    query = {"year": 2025, "as_of": "2025-06-30"}
    school_page = reverse("reports:dashboard", args=[tree.school.pk])

    district = client_for("district_planner")
    assert district.get(school_page).status_code == 404
    html = district.get(reverse("reports:dashboard", args=[tree.district.pk]), query).content.decode()
    table = html.split('data-testid="committees"', 1)[1].split("</table>", 1)[0]
    assert tree.school.name in table
    assert not any(h.startswith(school_page) for h in _hrefs(html))
    assert f"{reverse('reports:dashboard', args=[tree.commune.pk])}?" in table  # still under it: linked

    province = client_for("province_planner")  # the same page, another reader: its own body
    html = province.get(reverse("reports:dashboard", args=[tree.district.pk]), query).content.decode()
    assert any(h.startswith(school_page + "?") for h in _hrefs(html))


def test_a_plan_from_above_names_its_issuer_without_links_the_reader_cannot_open(tree, users, client_for):
    from .test_reports_engine import make_plan

    plan = make_plan(tree.province)
    forbidden = {
        reverse("quotas:org_plans", args=[tree.province.pk]),
        reverse("organizations:detail", args=[tree.province.pk]),
    }
    client = client_for("clerk")
    assert all(client.get(url).status_code == 404 for url in forbidden)
    html = client.get(reverse("quotas:detail", args=[plan.pk])).content.decode()
    assert not forbidden & set(_hrefs(html))
    assert 'data-testid="issuer"' in html and tree.province.name in html
    html = client_for("province_planner").get(reverse("quotas:detail", args=[plan.pk])).content.decode()
    assert forbidden <= set(_hrefs(html))


# ------------------------------------------------------------------ the reorganized demo, as reported


@pytest.fixture
def reorganized(seeded_demo):
    """The demo as `seed_demo --reorganized` leaves it (tests/test_reorganized_demo.py)."""
    from devdata import reorganization as demo

    demo.seed_reorganized(StringIO(), today=timezone.localdate())
    demo.seed_logins([(row["username"], "", "") for row in demo.PLAN["logins"]])


def test_the_reorganized_demo(reorganized, client):
    User = get_user_model()
    commune, district = Organization.objects.get(code="LD.X-DONDUONG"), Organization.objects.get(code="LD.DD")
    client.force_login(User.objects.get(username="donduong.kehoach"))

    # A: Đảng ủy xã Đơn Dương (founded 01/07/2025) has no report of 2025-Q2; 2025-Q3 is its own.
    page = client.get(reverse("submissions:detail", args=[commune.pk, "2025-Q2"])).content.decode()
    assert 'data-testid="submit"' not in page and "01/07/2025" in page
    client.post(reverse("submissions:save", args=[commune.pk, "2025-Q2"]), {"action": "submit", "results": "x"})
    assert not ReportSubmission.objects.filter(organization=commune).exists()
    page = client.get(reverse("submissions:detail", args=[commune.pk, "2025-Q3"])).content.decode()
    assert 'data-testid="submit"' in page

    # B1: the dissolved district's 2025 report names its children (and the rules' laggards);
    # those standing today outside the planner's two committees (their pages a 404 for him)
    # are not linked, anywhere on the page.
    from organizations import access
    from organizations.positions import children_on

    reader = User.objects.get(username="donduong.kehoach")
    html = client.get(reverse("reports:dashboard", args=[district.pk]), {"year": 2025}).content.decode()
    linked = {int(pk) for pk in re.findall(r'href="/reports/(\d+)/', html)}
    assert linked and all(
        access.has_perm(reader, o, access.Perm.VIEW) for o in Organization.objects.filter(pk__in=linked)
    )
    table = html.split('data-testid="committees"', 1)[1].split("</table>", 1)[0]
    closed = [o for o in children_on(district, D(2025, 6, 30)) if not access.has_perm(reader, o, access.Perm.VIEW)]
    assert closed and all(o.name in table and f"/reports/{o.pk}/" not in table for o in closed)

    # B2: the school cell's clerk reads the province's plan without links to the province.
    from quotas.models import Plan, PlanStatus

    province = Organization.objects.get(code="LD")
    plan = Plan.objects.filter(issuer=province, status=PlanStatus.ISSUED).order_by("pk").first()
    client.force_login(User.objects.get(username="chibo.ductrong"))
    response = client.get(reverse("quotas:detail", args=[plan.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and province.name in html
    assert f"/plans/org/{province.pk}/" not in _hrefs(html) and f"/orgs/{province.pk}/" not in _hrefs(html)
