"""The demo's 2025 cycle of year reports: seeded once the 2025 year report is overdue."""

import datetime as dt
import json
from io import StringIO

from django.core.management import call_command

from organizations.locks import lock_on
from organizations.models import Organization
from submissions.models import ReportSubmission, ReviewStep


def _board():
    out = StringIO()
    call_command("submissions", "--org", "LD", "--period", "2025", "--format", "json", stdout=out)
    return {row["code"]: row for row in json.loads(out.getvalue())}


def test_the_demo_has_a_complete_2025_cycle(seeded_demo):
    board = _board()
    for code in ("LD.DD", "LD.DT"):
        assert board[code]["status"] == "approved" and board[code]["locked"] is True and board[code]["late"] is False
    assert board["LD.DL"]["status"] == "not_started" and board["LD.DL"]["late"] is True
    steps = list(ReviewStep.objects.filter(submission__organization__code="LD.DT").values_list("action", flat=True))
    assert steps == ["submit", "return", "submit", "approve"]
    assert ReviewStep.objects.get(submission__organization__code="LD.DT", action="return").comment
    school = Organization.objects.filter(path__startswith=Organization.objects.get(code="LD.DD").path, depth=4).first()
    assert lock_on(organization=school, day=dt.date(2025, 9, 1), today=dt.date.today()) is not None
    out = StringIO()
    call_command("seed_demo", stdout=out)  # a second run changes nothing
    assert ReviewStep.objects.count() == 6 and ReportSubmission.objects.count() == 2


def test_no_cycle_before_the_deadline(demo_on):
    # The 2025 year report is due on or after 31/12/2025. Seeded on 29/11/2025, as the
    # figures of tests/test_reports_demo.py are (one demo snapshot for both).
    demo_on(dt.date(2025, 11, 29))
    assert not ReportSubmission.objects.exists()
