"""A merger hands the merged organization's candidates still on the road to its successor:
the new commune's staff see and carry on their files, and the reports of a day before the
merger still place them where they were (CandidateTransfer)."""

import datetime as dt

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone, translation

from admissions.models import Admission, Candidate, CandidateTransfer, Outcome, Step
from organizations.models import Membership, Role
from organizations.services import organization_merge
from reports import periods
from reports.bieu2 import bieu2, form_json
from reports.engine import attainment
from reports.serialize import attainment_json

from .conftest import TODAY, takes_cells
from .test_reports_across_time import figures_only
from .test_reports_engine import admit, make_candidate

D = dt.date
MERGER = D(2025, 5, 1)


@pytest.fixture
def road(tree):
    """Đảng bộ xã Ka Đô has two candidates on the road (one past the cell's resolution), one
    who withdrew, and its cell one more; then it is merged into the enterprise's committee."""
    return {
        "resolved": make_candidate(tree.commune, step=Step.CELL_RESOLUTION, name="Nguyễn Văn A"),
        "early": make_candidate(tree.commune, step=Step.CLASS, name="Trần Thị B"),
        "withdrew": make_candidate(tree.commune, step=Step.HELPERS, outcome=Outcome.WITHDRAWN, name="Lê C"),
        "in_cell": make_candidate(tree.cell, step=Step.INTRODUCTION, name="Phạm D"),
    }


def _merge(tree, user=None):
    takes_cells(tree.enterprise)
    tree.commune.refresh_from_db()
    organization_merge(source=tree.commune, target=tree.enterprise, on_date=MERGER, today=TODAY, user=user)


def _reports(tree) -> dict:
    with translation.override("vi"):
        return {
            org.code: attainment_json(attainment(scope=org, year=2025, as_of=D(2025, 4, 30)))
            for org in (tree.province, tree.district, tree.commune)
        }


def test_a_merger_hands_the_candidates_on_the_road_to_the_successor(tree, users, road):
    from admissions import tally

    _merge(tree, user=users.admin)
    kept = tally.current()
    tally.rebuild()
    assert tally.current() == kept  # the hand-over moved no count the tallies keep
    at = {key: Candidate.objects.get(pk=c.pk).organization for key, c in road.items()}
    assert at["resolved"] == at["early"] == tree.enterprise
    assert at["withdrew"] == tree.commune  # a closed file stays where it was closed
    assert at["in_cell"] == tree.cell  # the cell moved under the successor with its candidates
    transfers = CandidateTransfer.objects.values_list("candidate__full_name", "organization__code", "valid_until")
    assert sorted(transfers) == [
        ("Nguyễn Văn A", "LD.DD.KD", MERGER),
        ("Trần Thị B", "LD.DD.KD", MERGER),
    ]
    from admissions.selectors import history_rows

    with translation.override("vi"):
        (last, *_older) = history_rows(Candidate.objects.get(pk=road["resolved"].pk))
    assert (last["record"].history_type, last["record"].history_user) == ("~", users.admin)
    assert last["reason"] == "chuyển theo việc hợp nhất tổ chức đảng từ ngày 01/05/2025"
    assert ("chi bộ bồi dưỡng", "Đảng bộ xã Ka Đô", "Chi bộ Công ty TNHH Đồng Thúy") in last["changes"]


def test_the_successors_staff_see_the_candidates_handed_over(client, tree, road, django_user_model):
    planner = django_user_model.objects.create_user(username="dn.planner", password="x")
    Membership.objects.create(user=planner, organization=tree.enterprise, role=Role.PLANNER)
    client.force_login(planner)
    url = reverse("admissions:list", kwargs={"org_pk": tree.enterprise.pk})
    assert "Nguyễn Văn A" not in client.get(url).content.decode()
    _merge(tree)
    page = client.get(url).content.decode()
    assert "Nguyễn Văn A" in page and "Trần Thị B" in page
    assert "Lê C" not in page


def test_the_successors_staff_follow_the_members_its_predecessor_admitted(client, tree, django_user_model, monkeypatch):
    """A merged commune's members on probation are the new commune's: the successor's alerts
    list their overdue recognition and their probation ending (so does its home page's
    count), and the admissions behind its figures their names; another organization's staff see
    none of them."""
    monkeypatch.setattr("common.clock.today", lambda: TODAY)
    overdue = admit(tree.commune, D(2024, 4, 1), name="Đinh Văn E")
    Admission.objects.filter(pk=overdue.pk).update(recognition_due=D(2025, 5, 1))
    admit(tree.commune, D(2024, 7, 10), name="Hà Thị G")  # probation ends 10/07/2025
    admit(tree.commune, D(2025, 2, 3), name="Vũ Văn H")  # counted in the successor's 2025
    planner = django_user_model.objects.create_user(username="dn.planner", password="x")
    Membership.objects.create(user=planner, organization=tree.enterprise, role=Role.PLANNER)
    outsider = django_user_model.objects.create_user(username="school.planner", password="x")
    Membership.objects.create(user=outsider, organization=tree.school, role=Role.PLANNER)
    alerts = reverse("admissions:alerts", kwargs={"org_pk": tree.enterprise.pk})
    admitted = reverse("reports:admissions", args=[tree.enterprise.pk]) + "?year=2025"
    client.force_login(planner)
    before = client.get(alerts).content.decode()
    assert "Đinh Văn E" not in before and "Hà Thị G" not in before
    _merge(tree)

    page = client.get(alerts).content.decode()
    assert "Đinh Văn E" in page and "Hà Thị G" in page
    assert "Vũ Văn H" in client.get(admitted).content.decode()
    from admissions.selectors import alert_summary

    counts, _on_road = alert_summary(planner, organization=tree.enterprise, today=TODAY)  # the home page's
    assert (counts["recognition"], counts["probation"]) == (1, 1)
    client.force_login(outsider)
    school_alerts = reverse("admissions:alerts", kwargs={"org_pk": tree.school.pk})
    assert "Đinh Văn E" not in client.get(school_alerts).content.decode()
    assert client.get(alerts).status_code in (403, 404)


def test_reports_of_a_day_before_the_merger_place_the_candidates_where_they_were(tree, road):
    before = _reports(tree)
    assert before["LD.DD.KD"]["forecast"] == 1  # the candidate past the cell's resolution
    _merge(tree)
    after = _reports(tree)
    assert (after["LD"], after["LD.DD"]) == (before["LD"], before["LD.DD"])
    # The commune's report of 30/04, its last day, is now its closing one: the same figures.
    assert figures_only(after["LD.DD.KD"]) == figures_only(before["LD.DD.KD"])
    assert after["LD.DD.KD"]["forecast"] is None
    # After the merger the successor counts them, as it counted its merged organization's.
    assert attainment(scope=tree.enterprise, year=2025, as_of=TODAY).forecast == 1


def test_form_2_of_a_period_before_the_merger_finds_the_candidates_where_they_were(tree, road):
    """On 31/03/2025 the commune's candidates were its own (its cell's is archived here) and
    the enterprise had one: the school alone had none. So it stays after the merger."""
    Candidate.objects.filter(pk=road["in_cell"].pk).update(archived_at=timezone.now())
    make_candidate(tree.enterprise, step=Step.CLASS)

    def without_candidates():
        form = bieu2(organization=tree.district, period=periods.parse("2025-Q1"), today=TODAY)
        return next(r for r in form_json(form)["organizations"] if r["key"] == "organizations.no_candidates")

    before = without_candidates()
    assert before["this_period"] == 1
    _merge(tree)
    assert without_candidates() == before


def test_the_migration_hands_over_what_a_merger_before_it_left(tree, road):
    """A database merged before transfers existed: the candidates stayed at the merged
    organization. The migration moves them as a merger now does."""
    migration = __import__("admissions.migrations.0012_transfer_candidates_of_merged", fromlist=["transfer"])
    _merge(tree)
    after_merger = sorted(Candidate.objects.values_list("pk", "organization_id"))
    transfers = sorted(CandidateTransfer.objects.values_list("candidate_id", "organization_id", "valid_until"))
    CandidateTransfer.objects.all().delete()  # as a merger left them before
    Candidate.objects.filter(pk__in=[road["resolved"].pk, road["early"].pk]).update(organization=tree.commune)

    migration.transfer(apps, None)
    assert sorted(Candidate.objects.values_list("pk", "organization_id")) == after_merger
    assert sorted(CandidateTransfer.objects.values_list("candidate_id", "organization_id", "valid_until")) == transfers
    migration.transfer(apps, None)  # a second run finds nothing left to move
    assert CandidateTransfer.objects.count() == len(transfers)


# ---------------------------------------------------------------- moved by hand


def test_a_candidate_moves_to_another_cell_with_the_pipeline_and_the_cached_answers(tree, users):
    from admissions import tally
    from admissions.services import candidate_transfer
    from reports.cache import attainment_cached

    candidate = make_candidate(tree.school, step=Step.CELL_RESOLUTION, name="Võ Văn E")
    forecast = {
        org.code: attainment_cached(scope=org, year=2025, as_of=TODAY).forecast
        for org in (tree.school, tree.enterprise)
    }
    assert forecast == {"LD.DD.THPT": 1, "LD.DD.DN": 0}

    candidate_transfer(
        candidate=candidate,
        organization=tree.enterprise,
        on_date=D(2025, 6, 1),
        user=users.district_planner,
        today=TODAY,
    )
    candidate.refresh_from_db()
    assert candidate.organization == tree.enterprise
    assert list(candidate.transfers.values_list("organization__code", "valid_until")) == [("LD.DD.THPT", D(2025, 6, 1))]
    forecast = {
        org.code: attainment_cached(scope=org, year=2025, as_of=TODAY).forecast
        for org in (tree.school, tree.enterprise)
    }
    assert forecast == {"LD.DD.THPT": 0, "LD.DD.DN": 1}  # neither answer served stale
    kept = tally.current()
    tally.rebuild()
    assert tally.current() == kept
    # The candidate's page shows who moved the file, from when, and between which organizations.
    from admissions.selectors import history_rows

    with translation.override("vi"):
        (last, *_older) = history_rows(candidate)
    assert last["record"].history_user == users.district_planner
    assert last["reason"] == "chuyển nơi bồi dưỡng từ ngày 01/06/2025"
    assert ("chi bộ bồi dưỡng", "Chi bộ Trường THPT Đơn Dương", "Chi bộ Công ty TNHH Đồng Thúy") in last["changes"]


@pytest.mark.parametrize(
    "where, day, message",
    [
        ("enterprise", D(2025, 7, 1), "tương lai"),
        ("enterprise", D(2024, 12, 31), "bước trước"),
        ("school", D(2025, 6, 1), "đang được bồi dưỡng tại"),
        ("founded_later", D(2025, 6, 1), "được thành lập ngày 15/06/2025"),
        ("dissolved", D(2025, 6, 1), "đã giải thể"),
    ],
)
def test_a_move_that_cannot_be_is_refused_and_changes_nothing(tree, where, day, message):
    from django.core.exceptions import ValidationError

    from admissions.services import candidate_transfer
    from organizations.services import organization_create, organization_dissolve

    candidate = make_candidate(tree.school, step=Step.CELL_RESOLUTION)
    targets = {"enterprise": tree.enterprise, "school": tree.school}
    if where == "founded_later":
        targets[where] = organization_create(
            parent=tree.district,
            code="LD.DD.MOI",
            name="Chi bộ Mới",
            form="grassroots_cell",
            sector="other",
            founded_on=D(2025, 6, 15),
            today=TODAY,
        )
    if where == "dissolved":
        organization_dissolve(organization=tree.enterprise, on_date=D(2025, 5, 1), today=TODAY)
        targets[where] = tree.enterprise
    with translation.override("vi"), pytest.raises(ValidationError, match=message):
        candidate_transfer(candidate=candidate, organization=targets[where], on_date=day, user=None, today=TODAY)
    candidate.refresh_from_db()
    assert candidate.organization == tree.school and not CandidateTransfer.objects.exists()


def test_the_page_offers_only_organizations_of_the_users_scope(client_for, tree, users):
    candidate = make_candidate(tree.school, step=Step.CELL_RESOLUTION)
    url = reverse("admissions:transfer", kwargs={"pk": candidate.pk})
    client = client_for("admin")  # of the province
    page = client.get(url).content.decode()
    assert "Chi bộ Công ty TNHH Đồng Thúy" in page and "Thành ủy Phan Rang" not in page
    response = client.post(url, {"organization": tree.other_city.pk, "on_date": "2025-06-01"})
    assert response.status_code == 200  # refused by the form: another province's organization
    candidate.refresh_from_db()
    assert candidate.organization == tree.school
    response = client.post(
        url, {"organization": tree.enterprise.pk, "on_date": "2025-06-01", "reason": "Đổi nơi làm việc"}
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.organization == tree.enterprise


def test_form_2_of_a_period_before_a_move_by_hand_finds_the_candidate_where_they_were(tree):
    """On 31/03/2025 each of Đơn Dương's grassroots organizations had a candidate; the
    school's moved to the enterprise in June. The first quarter's form still counts no
    organization without candidates (the tree did not change: today's tree is read)."""
    from admissions.services import candidate_transfer

    moving = make_candidate(tree.school, step=Step.CLASS)
    for org in (tree.commune, tree.enterprise):
        make_candidate(org, step=Step.CLASS)

    def without_candidates():
        form = bieu2(organization=tree.district, period=periods.parse("2025-Q1"), today=TODAY)
        return next(r for r in form_json(form)["organizations"] if r["key"] == "organizations.no_candidates")

    before = without_candidates()
    assert before["this_period"] == 0
    candidate_transfer(candidate=moving, organization=tree.enterprise, on_date=D(2025, 6, 1), user=None, today=TODAY)
    assert without_candidates() == before


def test_reports_of_a_day_before_a_move_by_hand_place_the_candidate_where_they_were(tree):
    """The tree did not change, so the reports read the tallies, which count the candidate
    where they are now: a report of a day before the move counts them, in its forecast and
    in what the deadlines can still bring to the ceremony, at the school, as before the
    move (and as the readers of a past day's tree do)."""
    from admissions.services import candidate_transfer

    moving = make_candidate(tree.school, step=Step.CELL_RESOLUTION, name="Võ Văn E")
    make_candidate(tree.enterprise, step=Step.DECISION)
    make_candidate(tree.school, step=Step.CLASS)  # not yet in the pipeline: counts nowhere
    scopes = (tree.school, tree.enterprise, tree.district, tree.province)

    def reports(day):
        with translation.override("vi"):
            return {org.code: attainment_json(attainment(scope=org, year=2025, as_of=day)) for org in scopes}

    before = reports(D(2025, 5, 31))
    assert {code: data["forecast"] for code, data in before.items()} == {
        "LD.DD.THPT": 1,
        "LD.DD.DN": 1,
        "LD.DD": 2,
        "LD": 2,
    }
    candidate_transfer(candidate=moving, organization=tree.enterprise, on_date=D(2025, 6, 1), user=None, today=TODAY)
    assert reports(D(2025, 5, 31)) == before
    after = reports(D(2025, 6, 1))
    assert {code: data["forecast"] for code, data in after.items()} == {
        "LD.DD.THPT": 0,
        "LD.DD.DN": 2,
        "LD.DD": 2,
        "LD": 2,
    }
