"""The audit of the candidate pages on the reorganized demo: a member admitted by a commune
merged into a new commune committee is the committee's staff's to open, recognize, list and
find, as its alerts list them; the export gives the deadline the list shows; a year out of
range in the list's filter is refused with a message, never an error page; the candidate's
page marks an overdue deadline as the list does."""

import datetime as dt
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from admissions import services
from admissions.models import Admission, Candidate, Outcome, Step, StepRecord
from organizations.models import Membership, Organization, Role
from organizations.services import organization_merge

from .admissions_helpers import TODAY, make_candidate, walk
from .conftest import takes_cells

D = dt.date
LATE_DAY = D(2026, 1, 15)  # the probation of a ceremony of 30/09/2024 ended, its recognition overdue


def _fmt(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _rows(page: str) -> set[str]:
    """The names the candidate list shows."""
    body = page.split('<table class="table candidates"', 1)[1].split("</table>", 1)[0]
    return set(re.findall(r'<a href="/candidates/\d+/">([^<]*)</a>', body))


# --- 1. a merged commune's member on probation, at its successor -----------------------


@pytest.fixture
def unrecognized(reorganized_demo):
    """A member admitted by Đảng bộ xã Tu Tra (merged into Đảng ủy xã Đơn Dương on
    01/07/2025) whose recognition, overdue, was never recorded."""
    admission = (
        Admission.objects.filter(organization__name="Đảng bộ xã Tu Tra", recognized_on__isnull=False)
        .select_related("candidate", "organization")
        .order_by("ceremony_date", "pk")
        .first()
    )
    assert admission.organization.merged_into.code == "LD.X-DONDUONG"
    candidate = admission.candidate
    Admission.objects.filter(pk=admission.pk).update(recognized_on=None, recognition_decision="", full_member_from=None)
    StepRecord.objects.filter(candidate=candidate, step=Step.RECOGNITION).delete()
    Candidate.objects.filter(pk=candidate.pk).update(step=Step.CEREMONY, step_date=admission.ceremony_date)
    admission.refresh_from_db()
    today = timezone.localdate()
    assert admission.probation_due <= today and admission.recognition_due < today
    assert candidate.organization == admission.organization  # the file stayed with the merged commune
    return admission


def _member_of(code: str, role: str, username: str):
    user = get_user_model().objects.create_user(username=username, password="x")
    Membership.objects.create(user=user, organization=Organization.objects.get(code=code), role=role)
    return user


def test_the_successors_clerk_opens_recognizes_lists_and_finds_what_its_alerts_list(client, unrecognized):
    candidate, today = unrecognized.candidate, timezone.localdate()
    commune = Organization.objects.get(code="LD.X-DONDUONG")
    client.force_login(_member_of("LD.X-DONDUONG", Role.CLERK, "donduong.thuky"))
    detail = reverse("admissions:detail", args=[candidate.pk])
    recognize = reverse("admissions:recognize", args=[candidate.pk])

    alerts = client.get(reverse("admissions:alerts", kwargs={"org_pk": commune.pk})).content.decode()
    section = alerts.split('data-alert="recognition"', 1)[1].split("</section>", 1)[0]
    assert candidate.full_name in section and f'href="{recognize}"' in section and f'href="{detail}"' in section

    page = client.get(detail)
    assert page.status_code == 200
    text = page.content.decode()
    assert f'href="{recognize}"' in text  # the clerk may act on it there
    assert reverse("admissions:list", kwargs={"org_pk": commune.pk}) in text  # back to a list they may open

    listing = reverse("admissions:list", kwargs={"org_pk": commune.pk})
    assert candidate.full_name in _rows(client.get(listing, {"overdue": "on"}).content.decode())
    assert candidate.full_name in _rows(client.get(listing, {"q": candidate.search_name}).content.decode())

    assert client.get(recognize).status_code == 200
    response = client.post(recognize, {"on_date": _fmt(today), "decision_number": "9-QĐ/ĐU"})
    assert response.status_code == 302 and response["Location"] == detail
    unrecognized.refresh_from_db()
    assert unrecognized.recognized_on == today and unrecognized.recognition_decision == "9-QĐ/ĐU"


def test_another_communes_staff_get_404_and_the_successors_viewer_403(client, unrecognized):
    candidate = unrecognized.candidate
    detail = reverse("admissions:detail", args=[candidate.pk])
    recognize = reverse("admissions:recognize", args=[candidate.pk])
    client.force_login(_member_of("LD.X-DUCTRONG", Role.CLERK, "ductrong.thuky"))
    assert client.get(detail).status_code == 404 and client.get(recognize).status_code == 404
    client.force_login(_member_of("LD.X-DONDUONG", Role.VIEWER, "donduong.xem"))
    assert client.get(detail).status_code == 403 and client.get(recognize).status_code == 403


@pytest.fixture
def merged(tree, monkeypatch):
    """Đảng bộ xã Ka Đô with a member it admitted and a candidate who withdrew, merged into the
    enterprise's committee on 01/05/2025."""
    monkeypatch.setattr("common.clock.today", lambda: TODAY)
    member = walk(make_candidate(tree.commune, full_name="Đã Kết Nạp", date_of_birth=D(2002, 2, 2)))
    services.admission_record(candidate=member, ceremony_date=D(2024, 9, 30), user=None, today=TODAY)
    withdrew = make_candidate(tree.commune, full_name="Đã Rút Tên", date_of_birth=D(2003, 3, 3))
    services.candidate_withdraw(
        candidate=withdrew,
        outcome=Outcome.WITHDRAWN,
        on_date=D(2025, 3, 1),
        reason="chuyển nơi ở",
        user=None,
        today=TODAY,
    )
    takes_cells(tree.enterprise)
    tree.commune.refresh_from_db()
    organization_merge(source=tree.commune, target=tree.enterprise, on_date=D(2025, 5, 1), today=TODAY, user=None)
    return {"member": Candidate.objects.get(pk=member.pk), "withdrew": Candidate.objects.get(pk=withdrew.pk)}


def test_a_file_closed_before_the_merger_stays_where_it_was_closed(client, tree, merged, django_user_model):
    """The successor's staff follow the members its predecessor admitted, not the files it
    closed: those neither list nor open for them."""
    clerk = django_user_model.objects.create_user(username="dn.clerk", password="x")
    Membership.objects.create(user=clerk, organization=tree.enterprise, role=Role.CLERK)
    client.force_login(clerk)
    assert merged["withdrew"].outcome == Outcome.WITHDRAWN
    names = _rows(client.get(reverse("admissions:list", kwargs={"org_pk": tree.enterprise.pk})).content.decode())
    assert "Đã Kết Nạp" in names and "Đã Rút Tên" not in names
    assert client.get(reverse("admissions:detail", args=[merged["member"].pk])).status_code == 200
    assert client.get(reverse("admissions:detail", args=[merged["withdrew"].pk])).status_code == 404


# --- 2, 4. the deadline the list shows: in the export, and on the candidate's page ----------


@pytest.fixture
def probation(tree, monkeypatch):
    """At the school: a member admitted on 30/09/2024 whose recognition is overdue on LATE_DAY,
    and a candidate on the road whose admission decision is overdue."""
    monkeypatch.setattr("common.clock.today", lambda: LATE_DAY)
    member = walk(make_candidate(tree.school, full_name="Chưa Công Nhận", date_of_birth=D(2002, 2, 2)))
    admission = services.admission_record(candidate=member, ceremony_date=D(2024, 9, 30), user=None, today=TODAY)
    on_road = walk(make_candidate(tree.school, full_name="Trễ Quyết Định"), until=Step.CELL_RESOLUTION)
    admission.refresh_from_db()
    assert admission.recognition_due < LATE_DAY and on_road.due_on < LATE_DAY
    return {"admission": admission, "on_road": on_road}


def _cell_date(value):
    return value.date() if isinstance(value, dt.datetime) else value


def test_the_export_gives_the_deadline_the_list_shows(client_for, tree, probation):
    response = client_for("clerk").get(reverse("admissions:export", args=[tree.school.pk]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    due = {row[0]: _cell_date(dict(zip(rows[0], row, strict=True))["Hạn bước tiếp theo"]) for row in rows[1:]}
    assert due == {
        "Chưa Công Nhận": probation["admission"].recognition_due,
        "Trễ Quyết Định": probation["on_road"].due_on,
    }


def test_the_candidates_page_marks_an_overdue_deadline_as_the_list_does(client_for, tree, probation):
    client = client_for("clerk")
    on_road, admission = probation["on_road"], probation["admission"]
    late = (LATE_DAY - on_road.due_on).days
    listing = client.get(reverse("admissions:list", kwargs={"org_pk": tree.school.pk})).content.decode()
    marker = f'<span class="badge bad" data-days-late="{late}">trễ {late} ngày</span>'
    assert marker in listing
    page = client.get(reverse("admissions:detail", args=[on_road.pk])).content.decode()
    due = re.search(r'data-testid="next-due">(.*?)</dd>', page).group(1)
    assert due == f"{_fmt(on_road.due_on)} {marker}"
    page = client.get(reverse("admissions:detail", args=[admission.candidate_id])).content.decode()
    late = (LATE_DAY - admission.recognition_due).days
    due = re.search(r'data-testid="recognition-due">(.*?)</dd>', page).group(1)
    assert (
        due
        == f'{_fmt(admission.recognition_due)} <span class="badge bad" data-days-late="{late}">trễ {late} ngày</span>'
    )


# --- 3. a year out of range --------------------------------------------------------------


@pytest.mark.parametrize("year", ["0", "10000", "-5", "99999999999", "1929", "2101", "abc", "2025.5"])
def test_a_year_out_of_range_is_refused_with_a_message_not_an_error_page(client_for, tree, probation, year):
    client = client_for("clerk")
    listing = reverse("admissions:list", kwargs={"org_pk": tree.school.pk})
    response = client.get(listing, {"year": year})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nhập năm từ 1930 đến 2100." in page
    assert '<details class="filter-fold" data-testid="filters" open>' in page
    assert _rows(page) == {"Chưa Công Nhận", "Trễ Quyết Định"}  # the year ignored, the list whole
    export = client.get(reverse("admissions:export", args=[tree.school.pk]), {"year": year, "q": "tre"})
    assert export.status_code == 302 and export["Location"].startswith(listing + "?")
    assert "Nhập năm từ 1930 đến 2100." in client.get(export["Location"]).content.decode()


def test_a_year_in_range_still_filters(client_for, tree, probation):
    client = client_for("clerk")
    listing = reverse("admissions:list", kwargs={"org_pk": tree.school.pk})
    assert _rows(client.get(listing, {"year": "2024"}).content.decode()) == {"Chưa Công Nhận", "Trễ Quyết Định"}
    page = client.get(listing, {"year": "2023"}).content.decode()
    assert "Nhập năm" not in page and "Chưa Công Nhận" not in page
    export = client.get(reverse("admissions:export", args=[tree.school.pk]), {"year": "2024"})
    assert export.status_code == 200
