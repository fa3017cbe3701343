"""A report sent upward is a document signed the day it is sent: its place-and-date line
is that day, its figures are counted to the period's end (or the sending day, while the
period runs), and a year report sent before the year ends locks only what it signed."""

import datetime as dt
import re
import subprocess

from organizations.locks import lock_on
from organizations.models import PeriodLock
from submissions import services

from .test_reports_engine import admit
from .test_submissions import year_end  # noqa: F401

D = dt.date


def _text(field, tmp_path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(field.read())
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout


def test_a_quarter_report_sent_later_is_dated_the_day_it_was_sent(year_end, users, tree, tmp_path):  # noqa: F811
    sub = services.submit(
        organization=tree.district, period="2025-Q3", user=users.district_planner, today=D(2025, 10, 14), results="x"
    )
    assert sub.snapshot["as_of"] == "2025-09-30"
    text = _text(sub.pdf, tmp_path)
    assert re.search(r"ngày 14 tháng 10 năm 2025", text), text[:600]
    assert "ngày 30 tháng 09 năm 2025" not in text
    assert "đến ngày 30/09/2025" in text  # the figures' day, in the body


def test_a_year_report_sent_before_the_year_ends_locks_only_what_it_signed(year_end, users, tree):  # noqa: F811
    sub = services.submit(
        organization=tree.district, period="2025", user=users.district_planner, today=D(2025, 12, 22), results="x"
    )
    assert sub.snapshot["as_of"] == "2025-12-22"
    services.approve(submission=sub, user=users.province_planner)
    lock = PeriodLock.objects.get()
    assert (lock.start, lock.end) == (D(2025, 1, 1), D(2025, 12, 22))
    assert lock_on(organization=tree.school, day=D(2025, 12, 20), today=D(2026, 1, 5)) == lock
    # the last days of the year stay open: an admission of 27/12 is no change to what was signed
    assert lock_on(organization=tree.school, day=D(2025, 12, 27), today=D(2026, 1, 5)) is None
    admit(tree.school, D(2025, 12, 27))
