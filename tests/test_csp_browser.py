"""The main pages run under the Content-Security-Policy without a single violation:
no inline script or handler, no style or script htmx injects, nothing from elsewhere."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from organizations.models import Membership, Role
from quotas import services
from quotas.models import RuleKind

from .admissions_helpers import make_candidate
from .test_browser import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = dt.date(2025, 6, 30)
WATCH = """document.addEventListener("securitypolicyviolation", (e) => {
  (window.__csp = window.__csp || []).push(e.violatedDirective + " " + e.blockedURI);
});"""


@pytest.fixture
def pages(tree):
    user = get_user_model().objects.create_user(username="bt.planner", password="browser-pass-1")
    Membership.objects.create(user=user, organization=tree.province, role=Role.PLANNER)
    plan = services.plan_create(issuer=tree.province, title="KH tỉnh", symbol="KH/TU", first_year=2025)
    table = services.rule_create(plan=plan, today=TODAY, kind=RuleKind.ALLOCATION, min_count=75)
    services.allocation_set(rule=table, rows=[services.RowInput(tree.district.pk, 30, {})], today=TODAY)
    candidate = make_candidate(tree.school)
    return [
        reverse("home"),
        reverse("organizations:tree"),
        reverse("quotas:detail", args=[plan.pk]),
        reverse("quotas:allocations", args=[plan.pk, table.pk]),
        reverse("admissions:list", args=[tree.school.pk]),
        reverse("admissions:detail", args=[candidate.pk]),
        reverse("reports:dashboard", args=[tree.province.pk]),
    ]


def test_no_content_security_policy_violation_on_the_main_pages(page, live_server, pages):
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.add_init_script(WATCH)
    login(page, live_server)
    for url in pages:
        response = page.goto(live_server.url + url)
        assert response.status == 200, url
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        if url == reverse("organizations:tree"):  # htmx at work: a lazy branch, then collapse all
            page.locator("li.node[data-org='LD.DD'] > details > summary").click()
            page.locator("li.node[data-org='LD.DD.KD']").wait_for()
            page.locator("[data-collapse]").click()
        if "allocations" in url:  # the grid's own script at work
            page.locator("input.total").first.fill("31")
        violations = page.evaluate("window.__csp || []")
        assert not violations, (url, violations)
    assert not [m for m in messages if "Content Security Policy" in m], messages
