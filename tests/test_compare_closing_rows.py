"""The compare page's row of a committee whose last day is the count day reads the final
statuses of its own closing report, as the children table does; a committee standing on keeps
its running status."""

import datetime as dt
from pathlib import Path

from organizations.models import Organization
from reports.engine import Status, attainment
from reports.report.compare import compare_rows

from .test_compare_ended import MID_YEAR, _by_name, _compare

D = dt.date
ROOT = Path(__file__).resolve().parent.parent


def test_the_compare_row_of_a_committee_on_its_last_day_has_its_own_reports_status(reorganized_demo, client):
    """On 30/06/2025, Huyện ủy Đơn Dương's last day, 97-KH/TU's "each high school at least
    one pupil" (2 of its 4 schools) read "Đúng tiến độ" in the province's comparison, while
    the district's own report of that day and the province's children table say "Không
    đạt": the schools go on under the commune, but the district's year is over. The Đức
    Trọng and Đà Lạt rows already read their final status."""
    rows = _by_name(_compare(client, MID_YEAR, "count:pupil"))
    assert rows["Huyện ủy Đơn Dương"][:7] == ["97-KH/TU", "2 / 4", "4", "6", "", "", "Không đạt"]
    assert rows["Huyện ủy Đức Trọng"][6] == "Không đạt"
    assert rows["Thành ủy Đà Lạt"][6] == "Không đạt"

    district = Organization.objects.get(code="LD.DD")
    own = attainment(scope=district, year=2025, as_of=D(2025, 6, 30))
    (pupils,) = [r for r in own.rules if r.kind == "count" and r.category == "pupil"]
    assert pupils.status == Status.NOT_MET
    province = attainment(scope=Organization.objects.get(code="LD"), year=2025, as_of=D(2025, 6, 30))
    (child,) = [c for c in province.children if c.org.pk == district.pk]
    assert child.status == Status.NOT_MET
    (row,) = [row for row in compare_rows(province, "count:pupil") if row["org"].pk == district.pk]
    assert (row["status"], row["meeting"], row["measured"]) == (pupils.status, pupils.meeting, pupils.matched)
    # Its figures are the day's: only the status is final.
    assert (row["target_min"], row["actual"]) == (4, 6)


def test_a_committee_standing_on_after_the_count_day_keeps_its_running_status(reorganized_demo):
    """The university's committee stands on: its 2 of 15 students are behind on 30/06, not
    "not met" (the year runs)."""
    province = attainment(scope=Organization.objects.get(code="LD"), year=2025, as_of=D(2025, 6, 30))
    (row,) = compare_rows(province, "count:student")
    assert row["status"] == Status.BEHIND
