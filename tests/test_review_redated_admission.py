"""An admission re-dated out of a period after the period's report was sent is a change to
what the report counted: its history row of the edit carries the new date, outside the
period, and the row before it the date the report counted. The review page counts it and
the board flags the report; an admission never dated in the period flags nothing."""

import datetime as dt

from django.urls import reverse

from organizations.services import organization_move
from submissions import selectors, services

from .test_reports_engine import admit, make_plan

D = dt.date
Q3 = selectors.parse_period("2025-Q3")
SENT = D(2025, 10, 15)


def _redate(admission, day):
    """The ceremony moved to `day` (a saved edit: simple-history records its row)."""
    admission.ceremony_date = admission.decision_date = day
    admission.save()


def _pages(client, province, child) -> tuple[str, str]:
    """The province's 2025-Q3 board row of `child`, and the review page of its report."""
    kwargs = {"org_pk": province.pk, "period": Q3.key}
    board = client.get(reverse("submissions:board", kwargs=kwargs)).content.decode()
    review = client.get(reverse("submissions:review", kwargs={**kwargs, "child_pk": child.pk})).content.decode()
    return board.split(f'data-testid="board-row" data-code="{child.code}"', 1)[1].split("</tr>", 1)[0], review


def _flags(province) -> dict[str, bool]:
    rows, _due = selectors.board(province, period=Q3, today=SENT)
    return {row.organization.code: row.changed for row in rows if row.submission}


def _sent(tree, users):
    return services.submit(
        organization=tree.district, period=Q3.key, user=users.district_planner, today=SENT, results="x"
    )


def test_an_admission_re_dated_out_of_the_period_after_the_report_is_a_change(tree, users, client_for):
    """Sent with an admission of 25/09/2025, then moved to 02/10/2025 (outside 2025-Q3): the
    report's figures lose it, and the notice of changes counts it."""
    make_plan(tree.province, first_year=2024)
    admit(tree.school, D(2025, 8, 10))
    moved = admit(tree.school, D(2025, 9, 25))
    submission = _sent(tree, users)
    assert submission.snapshot["attainment"]["period_actual"] == 2
    _redate(moved, D(2025, 10, 2))
    assert selectors.admissions_changed_after(submission, period=Q3) == 1
    row, review = _pages(client_for("province_planner"), tree.province, tree.district)
    assert 'data-testid="differences"' in review
    assert 'data-testid="admissions-changed">Có 1 thay đổi' in review
    assert 'data-testid="changed"' in row
    assert _flags(tree.province) == {"LD.DD": True}


def test_a_unit_that_left_after_its_admission_was_counted_flags_the_report_it_was_counted_in(tree, users, client_for):
    """The school stood under Đơn Dương on 25/09/2025, the day the Q3 report counted its
    admission (Biểu 2), and went to Đà Lạt on 01/10: the admission re-dated to 02/10 is
    no longer under Đơn Dương in today's tree, and is still a change to that report (read
    from where its unit stood on the day it had in the period)."""
    make_plan(tree.province, first_year=2024)
    moved = admit(tree.school, D(2025, 9, 25))
    submission = _sent(tree, users)
    organization_move(organization=tree.school, new_parent=tree.city, on_date=D(2025, 10, 1), today=SENT)
    _redate(moved, D(2025, 10, 2))
    assert selectors.admissions_changed_after(submission, period=Q3) == 1
    row, review = _pages(client_for("province_planner"), tree.province, tree.district)
    assert 'data-testid="admissions-changed">Có 1 thay đổi' in review
    assert 'data-testid="changed"' in row
    assert _flags(tree.province) == {"LD.DD": True}


def test_re_dating_admissions_of_other_periods_flags_nothing(tree, users, client_for):
    """An admission of 10/05/2025 moved to 20/06/2025 (Q2 both) and one of 05/10/2025 moved
    to 12/10/2025 (Q4 both) after the Q3 report was sent were never in Q3: the report is
    unchanged, its figures as the notice."""
    make_plan(tree.province, first_year=2024)
    admit(tree.school, D(2025, 9, 25))
    spring = admit(tree.school, D(2025, 5, 10))
    autumn = admit(tree.school, D(2025, 10, 5))
    submission = _sent(tree, users)
    _redate(spring, D(2025, 6, 20))
    _redate(autumn, D(2025, 10, 12))
    assert selectors.admissions_changed_after(submission, period=Q3) == 0
    row, review = _pages(client_for("province_planner"), tree.province, tree.district)
    assert 'data-testid="admissions-changed"' not in review and 'data-testid="no-differences"' in review
    assert 'data-testid="changed"' not in row
    assert _flags(tree.province) == {"LD.DD": False}
