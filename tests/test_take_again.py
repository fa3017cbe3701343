"""Steps whose validity runs out before the cell resolution are taken again (PROCEDURE.md:
introductions more than 12 months old are redone with the opinions; the class certificate
is valid 60 months). Before, the road refused the cell resolution and offered nothing else:
the file was stuck until someone archived it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from admissions import services
from admissions.models import Candidate, Step

from .admissions_helpers import TWO_MEMBERS, make_candidate, walk

D = dt.date
LATER = D(2025, 8, 15)  # the introductions of 01/07/2024 are 13 months old


def _at_introductions(org):
    return walk(make_candidate(org), until=Step.INTRODUCTION)


def test_stale_introductions_are_redone_and_the_road_goes_on(tree):
    candidate = _at_introductions(tree.school)
    with pytest.raises(ValidationError, match="làm lại giới thiệu|redo the introductions"):
        services.candidate_advance(candidate=candidate, step=Step.CELL_RESOLUTION, date=LATER, user=None, today=LATER)
    assert services.steps_to_take_again(candidate, LATER) == [Step.INTRODUCTION]

    new_members = [{**m, "full_name": m["full_name"] + " Mới"} for m in TWO_MEMBERS]
    services.step_take_again(
        candidate=candidate,
        step=Step.INTRODUCTION,
        date=D(2025, 8, 10),
        document_number="3-KNĐ/2025",
        introducers=new_members,
        user=None,
        today=LATER,
    )
    candidate = Candidate.objects.get(pk=candidate.pk)
    # The first introductions stay on record as they were: the road of every past day reads
    # as before (a step record moved to 2025 would say the candidate was not introduced yet
    # on 31/12/2024). The redone ones are on record beside them, with their introducers.
    record = candidate.steps.get(step=Step.INTRODUCTION)
    assert (record.date, record.document_number) == (D(2024, 7, 1), "3-KNĐ")
    (renewal,) = candidate.renewals.all()
    assert (renewal.step, renewal.date, renewal.document_number) == (Step.INTRODUCTION, D(2025, 8, 10), "3-KNĐ/2025")
    assert candidate.step_date == D(2025, 8, 10)
    assert sorted(i.full_name for i in renewal.introducers.all()) == sorted(m["full_name"] for m in new_members)
    assert candidate.introducers.filter(renewal=None).count() == 2  # the first ones, kept
    assert services.steps_to_take_again(candidate, LATER) == []
    services.candidate_advance(candidate=candidate, step=Step.CELL_RESOLUTION, date=LATER, user=None, today=LATER)
    assert Candidate.objects.get(pk=candidate.pk).step == Step.CELL_RESOLUTION


@pytest.mark.parametrize(
    ("today", "step", "date", "introducers", "message"),
    [
        # Still fresh: nothing to take again.
        (D(2025, 6, 30), Step.INTRODUCTION, D(2025, 6, 30), TWO_MEMBERS, "taken again|làm lại"),
        # The certificate is valid 60 months.
        (LATER, Step.CLASS, D(2025, 8, 1), None, "taken again|làm lại"),
        (LATER, Step.INTRODUCTION, D(2025, 8, 20), TWO_MEMBERS, "future|tương lai"),
        (LATER, Step.INTRODUCTION, D(2024, 6, 1), TWO_MEMBERS, "after the one it replaces|sau ngày"),
        (LATER, Step.INTRODUCTION, D(2025, 8, 10), TWO_MEMBERS[:1], "Introducers rule|giới thiệu"),
    ],
)
def test_what_is_not_taken_again_changes_nothing(tree, today, step, date, introducers, message):
    candidate = _at_introductions(tree.school)
    with pytest.raises(ValidationError, match=message):
        services.step_take_again(
            candidate=candidate, step=step, date=date, introducers=introducers, user=None, today=today
        )
    record = candidate.steps.get(step=Step.INTRODUCTION)
    assert record.date == D(2024, 7, 1) and candidate.introducers.count() == 2 and not candidate.renewals.exists()


def test_an_expired_class_certificate_is_renewed(tree):
    candidate = make_candidate(tree.school, source_date=D(2019, 12, 1))
    road = [
        (Step.CLASS, D(2020, 1, 10), "GCN-2020"),
        (Step.HELPERS, D(2024, 10, 1), ""),
        (Step.APPLICATION, D(2024, 11, 2), "1-KNĐ"),
        (Step.VERIFICATION, D(2024, 12, 3), "TT-07"),
        (Step.INTRODUCTION, D(2025, 1, 5), "3-KNĐ"),
    ]
    today = D(2025, 2, 1)  # the certificate expired on 10/01/2025
    candidate = walk(candidate, until=Step.INTRODUCTION, road=road, today=today)
    assert services.steps_to_take_again(candidate, today) == [Step.CLASS]
    services.step_take_again(candidate=candidate, step=Step.CLASS, date=D(2025, 1, 25), user=None, today=today)
    candidate = Candidate.objects.get(pk=candidate.pk)
    assert candidate.steps.get(step=Step.CLASS).date == D(2020, 1, 10)  # the first certificate, kept
    assert candidate.renewals.get().date == D(2025, 1, 25)
    assert candidate.step_date == D(2025, 1, 5)  # still at the introductions of 05/01
    # A resolution dated before the class was attended again reads the certificate of that
    # day: the one of 2020, expired on 10/01/2025.
    with pytest.raises(ValidationError, match="hết hạn|expired"):
        services.candidate_advance(
            candidate=candidate, step=Step.CELL_RESOLUTION, date=D(2025, 1, 20), user=None, today=today
        )
    services.candidate_advance(candidate=candidate, step=Step.CELL_RESOLUTION, date=today, user=None, today=today)


def test_nothing_is_taken_again_after_the_cell_resolution(tree):
    candidate = walk(make_candidate(tree.school), until=Step.CELL_RESOLUTION)
    assert services.steps_to_take_again(candidate, LATER) == []
    with pytest.raises(ValidationError):
        services.step_take_again(
            candidate=candidate,
            step=Step.INTRODUCTION,
            date=D(2025, 8, 10),
            introducers=TWO_MEMBERS,
            user=None,
            today=LATER,
        )


def test_the_candidate_page_says_what_to_take_again_and_its_form_does_it(client_for, tree, monkeypatch):
    from django.urls import reverse

    monkeypatch.setattr("common.clock.today", lambda: LATER)
    candidate = _at_introductions(tree.school)
    client = client_for("clerk")
    page = client.get(reverse("admissions:detail", args=[candidate.pk])).text
    assert 'data-testid="take-again"' in page and 'data-testid="take-again-note"' in page
    assert "Cần làm lại trước khi chi bộ ra nghị quyết: Giới thiệu" in page
    url = reverse("admissions:take_again", args=[candidate.pk])
    form = {
        "step": Step.INTRODUCTION,
        "date": "2025-08-10",
        "document_number": "3-KNĐ/2025",
        "introducer1_kind": "member",
        "introducer1_name": "Trần Văn Mới",
        "introducer1_since": "2023-01-01",
        "introducer2_kind": "youth_union",
        "introducer2_name": "Ban Chấp hành Đoàn trường",
    }
    refused = client.post(url, {**form, "introducer1_name": ""})
    assert refused.status_code == 200 and candidate.steps.get(step=Step.INTRODUCTION).date == D(2024, 7, 1)
    assert client.post(url, form).status_code == 302
    assert candidate.renewals.get().date == D(2025, 8, 10)
    page = client.get(reverse("admissions:detail", args=[candidate.pk])).text
    assert 'data-testid="take-again"' not in page and 'data-testid="taken-again"' in page
    assert "giới thiệu làm lại ngày 10/08/2025" in page
    assert "không có bước nào cần làm lại" in client.get(url).text


def test_introductions_of_a_locked_year_are_redone_and_the_locked_figures_do_not_move(tree):
    """The introductions of 01/07/2024 are in a year whose report is approved (locked): they
    are redone in 2025 all the same (a new record), and the road of 2024 reads as it did."""
    from django.utils import timezone

    from organizations.models import PeriodLock

    candidate = _at_introductions(tree.school)
    PeriodLock.objects.create(
        organization=tree.district, start=D(2024, 1, 1), end=D(2024, 12, 31), reason="2024", locked_at=timezone.now()
    )
    services.step_take_again(
        candidate=candidate,
        step=Step.INTRODUCTION,
        date=D(2025, 8, 10),
        introducers=TWO_MEMBERS,
        user=None,
        today=LATER,
    )
    assert candidate.steps.get(step=Step.INTRODUCTION).date == D(2024, 7, 1)
    services.candidate_advance(candidate=candidate, step=Step.CELL_RESOLUTION, date=LATER, user=None, today=LATER)


def test_the_certificate_alert_ends_once_the_class_is_attended_again(tree, client_for, monkeypatch):
    from django.urls import reverse

    today = D(2025, 2, 1)
    monkeypatch.setattr("common.clock.today", lambda: today)
    candidate = walk(
        make_candidate(tree.school, source_date=D(2019, 12, 1)),
        until=Step.APPLICATION,
        road=[
            (Step.CLASS, D(2020, 1, 10), "GCN"),
            (Step.HELPERS, D(2024, 10, 1), ""),
            (Step.APPLICATION, D(2024, 11, 2), ""),
        ],
        today=today,
    )
    alerts = reverse("admissions:alerts", args=[tree.school.pk])
    client = client_for("clerk")
    page = client.get(alerts).text
    assert candidate.full_name in page and reverse("admissions:take_again", args=[candidate.pk]) in page
    services.step_take_again(candidate=candidate, step=Step.CLASS, date=D(2025, 1, 25), user=None, today=today)
    assert reverse("admissions:take_again", args=[candidate.pk]) not in client.get(alerts).text


def test_a_certificate_expiring_soon_is_hurried_not_taken_again(tree, client_for, monkeypatch):
    """Valid until 10/01/2025, seen on 01/01/2025: the alert links the next step, as before;
    one taken again and expiring in turn is dated by its renewal."""
    from django.urls import reverse

    from admissions.selectors import certificate_dates

    today = D(2025, 1, 1)
    monkeypatch.setattr("common.clock.today", lambda: today)
    candidate = walk(
        make_candidate(tree.school, source_date=D(2019, 12, 1)),
        until=Step.HELPERS,
        road=[(Step.CLASS, D(2020, 1, 10), "GCN"), (Step.HELPERS, D(2024, 10, 1), "")],
        today=today,
    )
    page = client_for("clerk").get(reverse("admissions:alerts", args=[tree.school.pk])).text
    assert candidate.full_name in page
    assert reverse("admissions:advance", args=[candidate.pk]) in page
    assert reverse("admissions:take_again", args=[candidate.pk]) not in page
    later = D(2025, 2, 1)
    services.step_take_again(candidate=candidate, step=Step.CLASS, date=D(2025, 1, 20), user=None, today=later)
    (dated,) = certificate_dates(Candidate.objects.filter(pk=candidate.pk))
    assert dated.certificate_on == D(2025, 1, 20)
