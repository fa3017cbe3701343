"""The report commands refuse a count day before the organization's founding, as they refuse
a period ended before it: a report of zeros about an organization that did not exist yet."""

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from organizations.models import Organization

D = dt.date
ROOT = Path(__file__).resolve().parent.parent


def test_the_attainment_command_refuses_a_day_before_the_founding(reorganized_demo):
    """xã Đơn Dương was founded on 01/07/2025: its report as of 30/06/2025 answered 0
    admitted, nothing saying it did not exist; its 2025-6M was refused already."""
    commune = Organization.objects.get(code="LD.X-DONDUONG")
    assert commune.founded_on == D(2025, 7, 1)
    with pytest.raises(CommandError) as refused:
        call_command("attainment", "--org", "LD.X-DONDUONG", "--as-of", "2025-06-30", "--format", "json")
    with translation.override("vi"):
        from django.utils.translation import gettext as _

        said = _("It was founded on %(day)s, after %(as_of)s: it has no report counted to that day.") % {
            "day": "01/07/2025",
            "as_of": "30/06/2025",
        }
    assert str(refused.value) == said
    assert said.startswith("Tổ chức được thành lập ngày 01/07/2025, sau ngày 30/06/2025")  # in Vietnamese
    with pytest.raises(CommandError, match="01/07/2025"):
        call_command("attainment", "--org", "LD.X-DONDUONG", "--period", "2025-6M", "--format", "json")
    with pytest.raises(CommandError, match="01/07/2025"):
        call_command("attainment", "--org", "LD.X-DONDUONG", "--year", "2025", "--as-of", "2025-01-31")
    # From its founding day it has a report (its predecessors' admissions count with it).
    out = StringIO()
    call_command("attainment", "--org", "LD.X-DONDUONG", "--as-of", "2025-07-01", "--format", "json", stdout=out)
    assert json.loads(out.getvalue())["code"] == "LD.X-DONDUONG"


def test_the_refusal_has_its_vietnamese():
    source = json.loads((ROOT / "locale" / "vi-reports.json").read_text(encoding="utf-8"))
    assert source["It was founded on %(day)s, after %(as_of)s: it has no report counted to that day."] == (
        "Tổ chức được thành lập ngày %(day)s, sau ngày %(as_of)s: không có báo cáo tính đến ngày này."
    )
