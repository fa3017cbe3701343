"""Who signs the printed plan: the plan's own title ("PHÓ BÍ THƯ" …) and name under the
signature, as the board signs it (DOCUMENT-FORMAT.md); "BÍ THƯ" and no name when not given."""

import datetime as dt
import io
import subprocess

import docx
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from common import clock
from quotas import services
from quotas.models import Plan, PlanAmendment, RuleKind

from .conftest import TODAY


@pytest.fixture
def plan(tree):
    plan = services.plan_create(
        issuer=tree.district,
        title="Kế hoạch phát triển đảng viên năm 2025",
        symbol="KH/HU",
        first_year=2025,
        last_year=2025,
    )
    services.rule_create(plan=plan, today=TODAY, kind=RuleKind.COUNT, min_count=88)
    return plan


def _signature_cell(client, plan) -> list[str]:
    """The right cell of the .docx signature table, line by line ("" for the signature's space)."""
    response = client.get(reverse("quotas:print", args=[plan.pk, "docx"]))
    assert response.status_code == 200
    book = docx.Document(io.BytesIO(response.content))
    cell = book.tables[-1].rows[0].cells[1]  # no appendix: the signature table is the last
    return [p.text for p in cell.paragraphs]


def _pdf_text(client, plan, tmp_path) -> str:
    response = client.get(reverse("quotas:print", args=[plan.pk, "pdf"]))
    assert response.status_code == 200
    path = tmp_path / "plan.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(text.split())


def test_the_plans_own_signer_is_printed_title_then_name_under_the_signature(client_for, plan, tmp_path):
    services.plan_update(plan=plan, today=TODAY, signer_title="PHÓ BÍ THƯ", signer_name="Đinh Thị Mai")
    client = client_for("district_planner")

    assert _signature_cell(client, plan) == ["T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ", "", "Đinh Thị Mai"]
    text = _pdf_text(client, plan, tmp_path)
    assert "T/M BAN THƯỜNG VỤ PHÓ BÍ THƯ" in text and text.endswith("Đinh Thị Mai")


def test_a_plan_without_a_signer_prints_as_before(client_for, plan, tmp_path):
    client = client_for("district_planner")

    assert _signature_cell(client, plan) == ["T/M BAN THƯỜNG VỤ", "BÍ THƯ", ""]  # the name written by hand
    text = _pdf_text(client, plan, tmp_path)
    assert text.endswith("T/M BAN THƯỜNG VỤ BÍ THƯ") and "PHÓ" not in text


def test_changing_an_issued_plans_signer_is_a_recorded_amendment(client_for, plan, users):
    services.plan_issue(plan=plan, number="12", issued_on=dt.date(2025, 1, 6), today=TODAY)
    client = client_for("district_planner")
    url = reverse("quotas:edit", args=[plan.pk])
    form = client.get(url).content.decode()
    assert 'name="signer_title"' in form and 'name="signer_name"' in form
    data = {
        "title": plan.title,
        "number": "12",
        "symbol": "KH/HU",
        "issued_on": "06/01/2025",
        "first_year": 2025,
        "last_year": 2025,
        "signer_title": "PHÓ BÍ THƯ THƯỜNG TRỰC",
        "signer_name": "Đinh Thị Mai",
    }
    assert client.post(url, data).status_code == 200  # an issued plan: no change without a reason
    assert not PlanAmendment.objects.exists()

    assert client.post(url, {**data, "reason": "Phó Bí thư Thường trực ký thay"}).status_code == 302
    plan = Plan.objects.get(pk=plan.pk)
    assert (plan.signer_title, plan.signer_name) == ("PHÓ BÍ THƯ THƯỜNG TRỰC", "Đinh Thị Mai")
    amendment = PlanAmendment.objects.get(plan=plan)
    assert amendment.made_by == users.district_planner and amendment.made_on == clock.today()
    assert amendment.reason == "Phó Bí thư Thường trực ký thay"
    changes = {c["what"]: (c["old"], c["new"]) for c in amendment.changes}
    assert changes == {
        "chức danh người ký": ("", "PHÓ BÍ THƯ THƯỜNG TRỰC"),
        "họ và tên người ký": ("", "Đinh Thị Mai"),
    }
    page = client.get(reverse("quotas:detail", args=[plan.pk])).content.decode()
    assert "PHÓ BÍ THƯ THƯỜNG TRỰC Đinh Thị Mai" in page  # the plan's page says who signs


def test_an_unknown_title_is_refused(plan):
    with pytest.raises(ValidationError, match="signer_title"):
        services.plan_update(plan=plan, today=TODAY, signer_title="CHỦ TỊCH")


def test_the_demo_plans_are_signed_as_the_seed_documents(seeded_demo):
    province = Plan.objects.get(number="97", symbol="KH/TU")
    don_duong = Plan.objects.get(issuer__code="LD.DD", first_year=2025)
    assert (province.signer_title, province.signer_name) == ("PHÓ BÍ THƯ", "Trần Đình Văn")  # seed 000
    assert (don_duong.signer_title, don_duong.signer_name) == ("PHÓ BÍ THƯ", "Đinh Thị Mai")  # seed 003


def test_a_copy_to_the_next_year_keeps_the_signer(plan):
    """The demo's 2026 copy of Đơn Dương's plan printed "BÍ THƯ" with no name, where its
    2025 plan is signed by the deputy secretary: the copy now starts from the same signer."""
    plan = services.plan_update(plan=plan, today=TODAY, signer_title="PHÓ BÍ THƯ", signer_name="Đinh Thị Mai")
    copy = services.plan_copy_to_year(plan=plan, year=2026)
    assert (copy.signer_title, copy.signer_name) == ("PHÓ BÍ THƯ", "Đinh Thị Mai")
