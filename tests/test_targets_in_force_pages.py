"""The day an amendment takes effect, on the pages: asked beside its reason (empty: today),
refused in Vietnamese when it cannot be, listed with the plan's amendments, and said by the
report of a day before it."""

import datetime as dt

import pytest
from django.urls import reverse

from quotas import services
from quotas.models import Allocation, PlanAmendment, RuleKind

from .conftest import TODAY

D = dt.date


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("common.clock.today", lambda: TODAY)


@pytest.fixture
def plan(tree):
    plan = services.plan_create(
        issuer=tree.district, title="Kế hoạch 2025", symbol="KH/HU", first_year=2025, last_year=2025
    )
    services.rule_create(plan=plan, today=D(2025, 1, 5), kind=RuleKind.COUNT, min_count=30)
    table = services.rule_create(plan=plan, today=D(2025, 1, 5), kind=RuleKind.ALLOCATION, min_count=10)
    services.allocation_set(rule=table, rows=[services.RowInput(tree.school.pk, 5, {})], today=D(2025, 1, 5))
    services.plan_issue(plan=plan, number="12", issued_on=D(2025, 1, 5), today=D(2025, 1, 5))
    return plan


def _edit(client, plan, **extra):
    rule = plan.rules.get(kind=RuleKind.COUNT)
    data = {"kind": "count", "min_count": 40, "is_soft": "on", "version": rule.version, **extra}
    return client.post(reverse("quotas:rule_edit", args=[plan.pk, rule.pk]), data)


def test_the_rule_editor_asks_from_which_day_the_amendment_is_in_force(client_for, plan):
    client = client_for("district_planner")
    rule = plan.rules.get(kind=RuleKind.COUNT)
    form = client.get(reverse("quotas:rule_edit", args=[plan.pk, rule.pk])).content.decode()
    assert "Có hiệu lực từ ngày" in form and 'name="in_force_from"' in form

    refused = _edit(client, plan, reason="Nghị quyết bổ sung", in_force_from="01/07/2025")  # after TODAY
    assert refused.status_code == 200
    assert "không thể có hiệu lực sau ngày hôm nay" in refused.content.decode()
    assert not PlanAmendment.objects.exists() and plan.rules.get(kind=RuleKind.COUNT).min_count == 30

    assert _edit(client, plan, reason="Sửa lỗi nhập liệu", in_force_from="01/01/2025").status_code == 302
    amendment = PlanAmendment.objects.get()
    assert (amendment.made_on, amendment.in_force_from) == (TODAY, D(2025, 1, 1))
    page = client.get(reverse("quotas:detail", args=[plan.pk])).content.decode()
    assert "Có hiệu lực từ ngày" in page and "01/01/2025" in page


def test_left_empty_the_amendment_is_in_force_from_today(client_for, plan):
    assert _edit(client_for("district_planner"), plan, reason="Nghị quyết bổ sung").status_code == 302
    assert PlanAmendment.objects.get().in_force_from == TODAY


def test_the_grid_refuses_a_day_it_cannot_read_and_saves_nothing(client_for, plan, tree):
    client = client_for("district_planner")
    table = plan.rules.get(kind=RuleKind.ALLOCATION)
    url = reverse("quotas:allocations", args=[plan.pk, table.pk])
    row = Allocation.objects.get()
    data = {
        "reason": "Điều chỉnh",
        f"total-{tree.school.pk}": 8,
        f"version-{tree.school.pk}": row.version,
        "in_force_from": "31/02/2025",
    }
    page = client.post(url, data)
    assert page.status_code == 200 and "Có hiệu lực từ ngày: Nhập ngày" in page.content.decode()
    assert Allocation.objects.get().total == 5 and not PlanAmendment.objects.exists()

    assert client.post(url, {**data, "in_force_from": "01/03/2025"}).status_code == 302
    assert Allocation.objects.get().total == 8
    assert PlanAmendment.objects.get().in_force_from == D(2025, 3, 1)


def test_the_report_of_a_day_before_the_amendment_says_what_it_counts_against(client_for, plan, tree):
    client = client_for("district_planner")
    assert _edit(client, plan, reason="Nghị quyết bổ sung", in_force_from="01/06/2025").status_code == 302
    url = reverse("reports:dashboard", args=[tree.district.pk])
    before = client.get(url, {"as_of": "2025-05-31"}).content.decode()
    assert "Chỉ tiêu tính theo kế hoạch có hiệu lực ngày 31/05/2025" in before
    assert "12-KH/HU, điều chỉnh ngày 30/06/2025, có hiệu lực từ ngày 01/06/2025" in before
    after = client.get(url, {"as_of": "2025-06-30"}).content.decode()
    assert "Chỉ tiêu tính theo kế hoạch có hiệu lực ngày" not in after


def test_the_comparison_of_a_day_before_the_amendment_says_so_too(client_for, plan, tree):
    client = client_for("district_planner")
    assert _edit(client, plan, reason="Nghị quyết bổ sung", in_force_from="01/06/2025").status_code == 302
    url = reverse("reports:compare", args=[tree.province.pk])
    page = client_for("province_planner").get(url, {"as_of": "2025-05-31"}).content.decode()
    assert 'data-testid="amended-after"' in page and "có hiệu lực từ ngày 01/06/2025" in page
    page = client_for("province_planner").get(url, {"as_of": "2025-06-30"}).content.decode()
    assert 'data-testid="amended-after"' not in page


def test_the_import_page_says_a_day_it_refuses_under_its_field(client_for, plan, tree):
    """A day after today was listed among the file's rows ("Dòng —"), as if a row were wrong."""
    from tests.test_quotas_views import xlsx

    table = plan.rules.get(kind=RuleKind.ALLOCATION)
    url = reverse("quotas:allocation_import", args=[plan.pk, table.pk])
    upload = xlsx([("01", "Chi bộ Trường THPT Đơn Dương", "08")])
    page = client_for("district_planner").post(
        url, {"file": upload, "reason": "Điều chỉnh", "in_force_from": "01/07/2025"}
    )
    text = page.content.decode()
    assert page.status_code == 200 and "không thể có hiệu lực sau ngày hôm nay" in text
    assert "Dòng —" not in text and Allocation.objects.get().total == 5


def test_the_command_refuses_a_day_with_its_reason_and_saves_nothing(plan, users, tmp_path):
    from django.core.management import CommandError, call_command

    from tests.test_quotas_views import xlsx

    table = plan.rules.get(kind=RuleKind.ALLOCATION)
    path = tmp_path / "phan-bo.xlsx"
    path.write_bytes(xlsx([("01", "Chi bộ Trường THPT Đơn Dương", "08")]).getvalue())
    args = ["import_xlsx", "allocation", str(path), "--org", "LD.DD", "--user", "district_planner"]
    with pytest.raises(CommandError, match="31/12/2025"):  # the command's today is 2026's: the plan is over
        call_command(*args, "--rule", str(table.pk), "--reason", "Điều chỉnh", "--in-force-from", "2026-01-02")
    assert Allocation.objects.get().total == 5
