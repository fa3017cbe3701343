"""The list, tree and home pages at national scale: same answers, a fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from admissions import selectors, services
from admissions.models import Candidate, Step
from organizations import access
from organizations.access import Perm
from reports import home as reports_home
from reports.cache import data_changed

from .admissions_helpers import make_candidate, walk

D = dt.date
ALERT_DAY = D(2025, 9, 15)


@pytest.fixture
def alerting(tree):
    """One candidate or admission behind each alert, an archived one, and one in another province."""
    walk(make_candidate(tree.school, full_name="Lê Văn Trễ Hạn"), until=Step.CELL_RESOLUTION)  # decision overdue
    admitted = walk(make_candidate(tree.cell, full_name="Sắp Hết Dự Bị", date_of_birth=D(2002, 2, 2)))
    services.admission_record(candidate=admitted, ceremony_date=D(2024, 9, 30), user=None, today=D(2025, 6, 30))
    make_candidate(tree.enterprise, full_name="Đứng Yên Lâu")  # stuck at the first step since February 2024
    old = make_candidate(tree.city_school, full_name="Chứng Chỉ Cũ", source_date=D(2020, 3, 1))
    walk(old, until=Step.CLASS, road=[(Step.CLASS, D(2020, 6, 1), "GCN-1")])  # certificate expiring
    archived = make_candidate(tree.school, full_name="Đã Lưu Trữ")
    services.candidate_archive(candidate=archived, reason="nhập trùng", user=None)
    make_candidate(tree.other_city, full_name="Tỉnh Khác")
    return tree


@pytest.mark.parametrize(
    ("user_key", "org_key"),
    [("admin", "province"), ("district_planner", "district"), ("clerk", "school"), ("district_planner", "city")],
)
def test_home_alert_counts_are_the_rows_of_the_alerts_page(alerting, users, user_key, org_key):
    user, org = getattr(users, user_key), getattr(alerting, org_key)
    if not access.has_perm(user, org, Perm.VIEW_PERSONAL):
        org = alerting.province  # a planner of the district asking about the province sees the district only
    listed = {key: qs.count() for key, qs in selectors.alerts(user, organization=org, today=ALERT_DAY).items()}
    with CaptureQueriesContext(connection) as queries:
        counts, in_progress = selectors.alert_summary(user, organization=org, today=ALERT_DAY)
    assert counts == listed
    assert len(queries) == 3
    assert in_progress == selectors.candidates(user, organization=org).filter(outcome="in_progress").count()


def test_every_alert_is_counted_once_and_archived_or_outside_candidates_never(alerting, users):
    counts, in_progress = selectors.alert_summary(users.admin, organization=alerting.province, today=ALERT_DAY)
    assert counts == {
        "certificates": 1,
        "decisions": 1,
        "ceremonies": 0,
        "probation": 1,
        "recognition": 0,
        "stuck": 2,  # the one at the first step since 2024, and the one whose certificate expires
    }
    assert in_progress == 3  # the admitted one is no longer on the road; archived and other province not counted


def test_scoped_subtree_is_the_scope_then_the_subtree(alerting, users):
    orgs = [alerting.province, alerting.district, alerting.school, alerting.city, alerting.other_province]
    for user in vars(users).values():
        for org in orgs:
            expected = set(
                access.scoped(Candidate.objects.all(), user, Perm.VIEW_PERSONAL)
                .filter(organization__path__startswith=org.path)
                .values_list("pk", flat=True)
            )
            found = access.scoped_subtree(Candidate.objects.all(), user, org, Perm.VIEW_PERSONAL)
            assert set(found.values_list("pk", flat=True)) == expected, (user.username, org.code)


def test_a_subtree_inside_the_scope_is_one_prefix_condition(alerting, users):
    """PostgreSQL misjudges two overlapping LIKE prefixes: inside the scope, only one is asked."""
    inside = access.scoped_subtree(Candidate.objects.all(), users.district_planner, alerting.school, Perm.VIEW)
    assert str(inside.query).count("LIKE") == 1
    outside = access.scoped_subtree(Candidate.objects.all(), users.district_planner, alerting.province, Perm.VIEW)
    assert str(outside.query).count("LIKE") == 2


def test_home_standing_is_computed_once_per_data_version(tree, monkeypatch):
    calls = []
    real = reports_home.attainment_cached

    def counting(**kwargs):
        calls.append(kwargs["scope"].pk)
        return real(**kwargs)

    monkeypatch.setattr(reports_home, "attainment_cached", counting)
    first = reports_home.standing_cached(tree.province, ALERT_DAY)
    assert reports_home.standing_cached(tree.province, ALERT_DAY) == first
    assert calls == [tree.province.pk]
    assert set(first) == {"actual", "target", "forecast", "rules", "lagging", "worst", "percent", "behind"}
    data_changed()  # any save of the data the engine reads
    reports_home.standing_cached(tree.province, ALERT_DAY)
    assert calls == [tree.province.pk, tree.province.pk]


def test_home_standing_waits_for_the_request_already_computing_it(tree, monkeypatch):
    from django.core.cache import cache

    from common import cache as computed
    from reports.cache import data_version

    version = data_version(tree.province)
    parts = reports_home.standing_parts(tree.province, ALERT_DAY)
    key = computed.key(*parts, version)
    cache.add(computed.key(*parts, version, computed.LOCK), 1)  # another worker is computing the figures
    ready = {"actual": 7, "target": 10, "forecast": 2, "rules": 1, "lagging": 0, "worst": "on_track"}
    monkeypatch.setattr(computed.time, "sleep", lambda _s: cache.set(key, ready))
    monkeypatch.setattr(reports_home, "attainment_cached", lambda **_k: pytest.fail("computed twice"))
    assert reports_home.standing_cached(tree.province, ALERT_DAY) == ready


def test_a_candidate_stuck_at_a_step_shows_the_days_past_the_months_allowed(alerting, client_for, monkeypatch):
    from dateutil.relativedelta import relativedelta
    from django.conf import settings

    monkeypatch.setattr("common.clock.today", lambda: ALERT_DAY)
    stuck = Candidate.objects.get(full_name="Đứng Yên Lâu")
    due = stuck.step_date + relativedelta(months=settings.ADMISSION_RULES["STUCK_MONTHS"])
    page = client_for("admin").get(reverse("admissions:alerts", args=[alerting.province.pk])).content.decode()
    section = page.split('data-alert="stuck"')[1].split("</section>")[0]
    assert f'data-days-late="{(ALERT_DAY - due).days}"' in section and (ALERT_DAY - due).days > 0
