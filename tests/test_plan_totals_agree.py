"""A plan that states its committee's total twice (a count target and an allocation table)
says so on its page when one was amended without the other."""

import datetime as dt

from django.urls import reverse

from quotas import services
from quotas.models import RuleKind

from .test_reports_engine import make_plan, make_rule


def test_the_plan_page_warns_when_its_two_totals_differ(tree, client_for):
    plan = make_plan(tree.district, first_year=2026, last_year=2026, number="5", symbol="KH/HU")
    count = make_rule(plan, RuleKind.COUNT, min_count=30)
    make_rule(plan, RuleKind.ALLOCATION, min_count=30)
    page = client_for("district_planner").get(reverse("quotas:detail", args=[plan.pk])).content.decode()
    assert 'data-testid="totals-disagree"' not in page
    today = dt.date(2026, 3, 1)
    services.rule_update(rule=count, version=count.version, user=None, today=today, reason="Bổ sung", min_count=32)
    page = client_for("district_planner").get(reverse("quotas:detail", args=[plan.pk])).content.decode()
    assert 'data-testid="totals-disagree"' in page
    assert "32 ở chỉ tiêu số lượng và 30 ở bảng phân bổ" in page
