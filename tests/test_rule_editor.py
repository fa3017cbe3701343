"""The rule editor: only the fields of the chosen kind count, and the sentence the plan
will print is previewed while the user types."""

import pytest
from django.urls import reverse

from quotas import services
from quotas.models import Rule, RuleKind


@pytest.fixture
def plan(tree):
    return services.plan_create(issuer=tree.district, title="Kế hoạch", symbol="KH/HU", first_year=2025)


def test_the_preview_prints_the_plans_sentence(client_for, plan, tree):
    url = reverse("quotas:rule_preview", args=[plan.pk])
    client = client_for("district_planner")
    html = client.get(url, {"kind": "count", "min_count": "5", "is_soft": "on"}).content.decode()
    assert "Phấn đấu Huyện ủy Đơn Dương kết nạp ít nhất 05 đảng viên" in html
    html = client.get(
        url, {"kind": "share_admissions", "category": "non_state_worker", "min_percent": "2", "max_percent": "5"}
    ).content.decode()
    assert "chiếm từ 2% đến 5% trong tổng số đảng viên mới kết nạp" in html
    # Half typed: a hint, not an error, and no sentence cut off before its figure.
    assert client.get(url, {"kind": "", "min_count": "x"}).status_code == 200
    html = client.get(url, {"kind": "count", "is_soft": "on"}).content.decode()
    assert "kết nạp đảng viên" not in html and "Nhập chỉ tiêu để xem câu" in html
    html = client.get(url, {"kind": "inactivity", "applies_to_each": "on"}).content.decode()
    assert "năm trở lên" not in html


def test_the_preview_runs_a_fixed_number_of_queries(client_for, plan, django_assert_max_num_queries):
    client = client_for("district_planner")
    url = reverse("quotas:rule_preview", args=[plan.pk])
    with django_assert_max_num_queries(8):
        assert client.get(url, {"kind": "count", "min_count": "5", "is_soft": "on"}).status_code == 200


def test_a_checkbox_reads_on_the_line_of_its_label(client_for, plan):
    html = client_for("district_planner").get(reverse("quotas:rule_create", args=[plan.pk])).content.decode()
    assert '<label class="check" for="id_applies_to_each"><input type="checkbox"' in html


def test_the_preview_is_for_planners_of_the_plan_only(client_for, plan):
    url = reverse("quotas:rule_preview", args=[plan.pk])
    assert client_for("viewer").get(url, {"kind": "count"}).status_code == 403
    assert client_for("outsider").get(url, {"kind": "count"}).status_code == 404


def test_the_editor_marks_each_field_with_its_kinds(client_for, plan):
    html = client_for("district_planner").get(reverse("quotas:rule_create", args=[plan.pk])).content.decode()
    assert 'data-field="years_without" data-kinds="inactivity"' in html
    assert 'data-field="min_percent" data-kinds="share_admissions share_membership"' in html
    assert 'id="rule-preview"' in html


def test_fields_of_another_kind_are_ignored_on_save(client_for, plan, tree):
    """A percentage typed before switching to a count rule is hidden, so it must not block the save."""
    response = client_for("district_planner").post(
        reverse("quotas:rule_create", args=[plan.pk]),
        {"kind": "count", "min_count": "4", "min_percent": "3", "years_without": "2", "is_soft": "on"},
    )
    assert response.status_code == 302
    rule = Rule.objects.get()
    assert rule.kind == RuleKind.COUNT and rule.min_count == 4
    assert rule.min_percent is None and rule.years_without is None


def test_the_organization_or_the_selector_not_both(client_for, plan, tree):
    response = client_for("district_planner").post(
        reverse("quotas:rule_create", args=[plan.pk]),
        {
            "kind": "count",
            "min_count": "1",
            "applies_to_each": "on",
            "target": tree.school.pk,
            "sectors": ["high_school"],
        },
    )
    assert response.status_code == 302
    rule = Rule.objects.get()
    assert rule.applies_to_each and rule.target is None and rule.sectors == ["high_school"]
