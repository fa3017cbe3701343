"""Reports sent upward: submit, return with a comment, resubmit, approve (which locks a
year); the figures frozen at submission; the status board and its lateness; the command's
JSON; notifications once."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from organizations.locks import lock_on
from organizations.models import PeriodLock
from quotas.models import Milestone, Recurrence
from submissions import selectors, services
from submissions.models import Notification, ReportSubmission, ReviewStep, Status

from .test_reports_engine import admit, make_plan

D = dt.date
TODAY = D(2026, 1, 20)


@pytest.fixture
def year_end(tree):
    """The province asks every committee directly under it for the year review by 31/12."""
    plan = make_plan(tree.province, first_year=2024)
    Milestone.objects.create(
        plan=plan, title="Đánh giá, tổng kết cuối năm", due_on=D(2024, 12, 31), recurrence=Recurrence.YEARLY
    )
    admit(tree.school, D(2025, 5, 10))
    admit(tree.cell, D(2025, 9, 1))
    return tree


def _submit(tree, users, **kw):
    return services.submit(
        organization=tree.district,
        period="2025",
        user=users.district_planner,
        today=TODAY,
        results="Kết quả năm 2025",
        **kw,
    )


def test_the_whole_road_submit_return_resubmit_approve_locks_the_year(year_end, users, tree):
    sub = _submit(tree, users)
    assert sub.status == Status.SUBMITTED
    assert sub.snapshot["attainment"]["actual"] == 2
    assert sub.snapshot["bieu2"]["rows"][0]["this_period"] == 2
    assert sub.pdf.read(5) == b"%PDF-" and sub.xlsx.size > 0
    with pytest.raises(ValidationError, match="comment"):
        services.return_submission(submission=sub, user=users.province_planner, comment="  ")
    sub = services.return_submission(submission=sub, user=users.province_planner, comment="Bổ sung hạn chế")
    assert sub.status == Status.RETURNED
    sub = _submit(tree, users, limitations="Còn ít")
    assert ReportSubmission.objects.count() == 1
    sub = services.approve(submission=sub, user=users.province_planner)
    assert [s.action for s in ReviewStep.objects.filter(submission=sub)] == ["submit", "return", "submit", "approve"]
    assert sub.approved_by == users.province_planner
    lock = PeriodLock.objects.get()
    assert (lock.organization, lock.start, lock.end) == (tree.district, D(2025, 1, 1), D(2025, 12, 31))
    assert lock.source == f"submission:{sub.pk}" and lock.reason.startswith("Báo cáo năm 2025 đã được duyệt ngày")
    assert lock.locked_at == sub.approved_at and lock.locked_by == users.province_planner  # locked when approved
    assert lock_on(organization=tree.school, day=D(2025, 6, 1), today=TODAY) == lock
    assert sub.history.count() >= 4


def test_a_quarter_approved_locks_nothing(year_end, users, tree):
    sub = services.submit(
        organization=tree.district, period="2025-Q2", user=users.district_planner, today=TODAY, results="Quý II"
    )
    services.approve(submission=sub, user=users.province_planner)
    assert not PeriodLock.objects.exists()


@pytest.mark.parametrize(
    ("who", "message"),
    [("viewer", "Chỉ cán bộ kế hoạch"), ("clerk", "Chỉ cán bộ kế hoạch"), ("outsider", "Chỉ cán bộ kế hoạch")],
)
def test_only_a_planner_of_the_organization_submits(year_end, users, tree, who, message):
    from django.utils import translation

    with translation.override("vi"), pytest.raises(ValidationError, match=message):
        services.submit(organization=tree.district, period="2025", user=getattr(users, who), today=TODAY, results="x")
    assert not ReportSubmission.objects.exists()


def test_invalid_transitions_are_refused(year_end, users, tree):
    draft = services.save_draft(organization=tree.district, period="2025", user=users.district_planner, results="x")
    with pytest.raises(ValidationError):
        services.approve(submission=draft, user=users.province_planner)
    with pytest.raises(ValidationError):  # the district does not review itself
        services.return_submission(submission=draft, user=users.district_planner, comment="x")
    sub = _submit(tree, users)
    with pytest.raises(ValidationError):  # its own planner cannot approve it
        services.approve(submission=sub, user=users.district_planner)
    with pytest.raises(ValidationError):
        _submit(tree, users)  # twice
    services.approve(submission=sub, user=users.province_planner)
    with pytest.raises(ValidationError):
        services.return_submission(submission=sub, user=users.province_planner, comment="muộn")
    with pytest.raises(ValidationError):
        services.save_draft(organization=tree.district, period="2025", user=users.district_planner, results="y")
    with pytest.raises(ValidationError):  # a root has no level above
        services.submit(organization=tree.province, period="2025", user=users.admin, today=TODAY, results="x")
    with pytest.raises(ValidationError):
        services.submit(organization=tree.district, period="2025-02-01..2025-03-01", user=users.admin, today=TODAY)


def test_the_snapshot_survives_later_changes_and_the_diff_shows_them(year_end, users, tree, client_for):
    sub = _submit(tree, users)
    admit(tree.school, D(2025, 11, 3))  # recorded after submitting, dated inside the year
    sub.refresh_from_db()
    assert sub.snapshot["attainment"]["actual"] == 2
    now = services.freeze(tree.district, selectors.parse_period("2025"), TODAY)
    diffs = {d.label: (d.submitted, d.now) for d in selectors.differences(sub.snapshot, now=now)}
    assert diffs["Kết nạp từ đầu năm"] == (2, 3)
    assert all(old != new for old, new in diffs.values())
    assert selectors.admissions_changed_after(sub, period=selectors.parse_period("2025")) == 1
    rows = {
        r.organization.code: r
        for r in selectors.board(tree.province, period=selectors.parse_period("2025"), today=TODAY)[0]
    }
    assert rows["LD.DD"].changed and not rows["LD.DL"].changed
    page = client_for("province_planner").get(
        reverse(
            "submissions:review", kwargs={"org_pk": tree.province.pk, "child_pk": tree.district.pk, "period": "2025"}
        )
    )
    html = page.content.decode()
    assert 'data-testid="differences"' in html and 'data-testid="admissions-changed"' in html


def test_the_snapshot_holds_no_candidate_name(year_end, users, tree):
    from admissions.models import Candidate

    sub = _submit(tree, users)
    text = json.dumps(sub.snapshot, ensure_ascii=False)
    names = list(Candidate.objects.values_list("full_name", flat=True))
    assert names and not [n for n in names if n in text]


def test_lateness_against_the_milestone(year_end, users, tree):
    period = selectors.parse_period("2025")
    due = selectors.deadline(tree.district, period=period)
    assert due.due_on == D(2025, 12, 31) and not due.working_days
    rows, _ = selectors.board(tree.province, period=period, today=D(2025, 12, 30))
    assert not any(r.late for r in rows)
    rows, _ = selectors.board(tree.province, period=period, today=D(2026, 1, 2))
    assert all(r.late for r in rows)  # nobody submitted, the deadline passed
    services.submit(
        organization=tree.district,
        period="2025",
        user=users.district_planner,
        today=TODAY,
        results="x",
        at=dt.datetime(2025, 12, 30, 9, tzinfo=dt.UTC),
    )
    rows = {r.organization.code: r for r in selectors.board(tree.province, period=period, today=D(2026, 1, 2))[0]}
    assert not rows["LD.DD"].late and rows["LD.DL"].late
    assert due.late_by(D(2026, 1, 5)) == 5


def test_lateness_in_working_days_where_the_milestone_says_so(tree):
    plan = make_plan(tree.province, first_year=2025)
    Milestone.objects.create(
        plan=plan, title="Báo cáo quý trong 10 ngày làm việc", due_on=D(2025, 4, 15), recurrence=Recurrence.QUARTERLY
    )
    due = selectors.deadline(tree.district, period=selectors.parse_period("2025-Q2"))
    assert due.due_on == D(2025, 7, 15) and due.working_days
    assert due.late_by(D(2025, 7, 21)) == 4  # Wed 16 … Mon 21: four working days


def _command(*args):
    out = StringIO()
    call_command("submissions", *args, stdout=out)
    return out.getvalue()


def test_the_command_json_has_exactly_the_keys(year_end, users, tree):
    sub = _submit(tree, users)
    services.approve(submission=sub, user=users.province_planner)
    rows = json.loads(_command("--org", "LD", "--period", "2025", "--format", "json"))
    assert all(
        set(r) == {"org", "code", "period", "status", "late", "submitted_at", "approved_at", "locked"} for r in rows
    )
    by_code = {r["code"]: r for r in rows}
    assert by_code["LD.DD"]["status"] == "approved" and by_code["LD.DD"]["locked"] is True
    assert dt.datetime.fromisoformat(by_code["LD.DD"]["approved_at"])
    assert by_code["LD.DL"] == {**by_code["LD.DL"], "status": "not_started", "submitted_at": None, "locked": False}
    assert "LD.DD" in _command("--org", "LD", "--period", "2025")
    with pytest.raises(CommandError, match="No organization"):
        _command("--org", "XX", "--period", "2025")
    with pytest.raises(CommandError, match="not a report period"):
        _command("--org", "LD", "--period", "2025-13")


@override_settings(MAILERS={"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}})
def test_a_returned_report_notifies_the_submitter_once_and_mails(year_end, users, tree):
    users.district_planner.email = "dd@example.org"
    users.district_planner.save()
    sub = _submit(tree, users)
    services.return_submission(submission=sub, user=users.province_planner, comment="Bổ sung")
    notes = Notification.objects.filter(user=users.district_planner)
    assert notes.count() == 1 and "Bổ sung" in notes.get().text
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["dd@example.org"]


def test_notify_due_runs_daily_without_repeating(year_end, users, tree):
    for _ in range(2):
        call_command("notify_due", "--today", "2025-12-24", stdout=StringIO())
    due = Notification.objects.filter(user=users.district_planner, key__startswith="due:")
    assert due.count() == 1 and "31/12/2025" in due.get().text
    for _ in range(2):
        call_command("notify_due", "--today", "2026-01-05", stdout=StringIO())
    late = Notification.objects.filter(user=users.province_planner, key__startswith="late:", key__endswith=":2025")
    assert late.count() == 1  # once, naming Đơn Dương and Đà Lạt
    assert "Huyện ủy Đơn Dương" in late.get().text and "Thành ủy Đà Lạt" in late.get().text


def test_the_bell_counts_unread_and_the_list_marks_them_read(users, client_for):
    Notification.objects.create(user=users.district_planner, text="Báo cáo bị trả lại", link="/")
    client = client_for("district_planner")
    assert 'data-testid="unread">1<' in client.get(reverse("home")).content.decode()
    assert "Báo cáo bị trả lại" in client.get(reverse("submissions:notifications")).content.decode()
    assert 'data-testid="unread"' not in client.get(reverse("home")).content.decode()


def test_the_board_reads_a_fixed_number_of_queries(year_end, users, tree, client_for, django_assert_max_num_queries):
    client = client_for("province_planner")
    url = reverse("submissions:board", kwargs={"org_pk": tree.province.pk, "period": "2025"})
    client.get(url)
    with django_assert_max_num_queries(14) as few:
        client.get(url)
    from organizations.services import organization_create

    for i in range(15):
        tree.province.refresh_from_db()
        child = organization_create(
            parent=tree.province, name=f"Huyện ủy Thử {i}", code=f"LD.T{i}", form="district", sector="other"
        )
        services.save_draft(organization=child, period="2025", user=users.province_planner, results="x")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('data-testid="board-row"') == 17


def test_a_viewer_sees_statuses_and_approved_figures(year_end, users, tree, client_for):
    sub = _submit(tree, users)
    viewer = client_for("viewer")
    url = reverse("submissions:detail", kwargs={"org_pk": tree.district.pk, "period": "2025"})
    page = viewer.get(url).content.decode()
    assert 'data-testid="status-submitted"' in page and 'data-testid="frozen-figures"' not in page
    pdf = reverse("submissions:download", kwargs={"org_pk": tree.district.pk, "period": "2025", "fmt": "pdf"})
    assert viewer.get(pdf).status_code == 403
    services.approve(submission=sub, user=users.province_planner)
    page = viewer.get(url).content.decode()
    assert 'data-testid="frozen-figures"' in page and 'name="results"' not in page
    assert viewer.get(pdf).status_code == 200


def test_the_pages_submit_return_and_approve(year_end, users, tree, client_for):
    district = client_for("district_planner")
    save = reverse("submissions:save", kwargs={"org_pk": tree.district.pk, "period": "2025"})
    response = district.post(save, {"action": "submit", "results": ""}, follow=True)
    assert "Viết phần kết quả đạt được trước khi gửi" in response.content.decode()
    assert not ReportSubmission.objects.filter(status=Status.SUBMITTED).exists()
    district.post(save, {"action": "submit", "results": "Kết quả"})
    assert ReportSubmission.objects.get().status == Status.SUBMITTED
    province = client_for("province_planner")
    review = reverse(
        "submissions:review", kwargs={"org_pk": tree.province.pk, "child_pk": tree.district.pk, "period": "2025"}
    )
    province.post(review, {"action": "return", "comment": ""})
    assert ReportSubmission.objects.get().status == Status.SUBMITTED
    province.post(review, {"action": "approve"})
    assert ReportSubmission.objects.get().status == Status.APPROVED


def test_the_report_page_of_a_locked_year_names_the_approved_report(year_end, users, tree, client_for):
    client = client_for("viewer")
    url = reverse("reports:dashboard", kwargs={"org_pk": tree.district.pk}) + "?period=2025"
    assert 'data-testid="approved-report"' not in client.get(url).content.decode()
    sub = _submit(tree, users)
    services.approve(submission=sub, user=users.province_planner)
    page = client.get(url).content.decode()
    assert "Kỳ báo cáo đã khóa sổ: số liệu theo báo cáo đã duyệt ngày" in page
    assert 'data-testid="approved-figures"' in page and 'data-testid="frozen-actual">2<' in page
    assert reverse("submissions:detail", kwargs={"org_pk": tree.district.pk, "period": "2025"}) in page
    school = client.get(reverse("reports:dashboard", kwargs={"org_pk": tree.school.pk}) + "?period=2025")
    assert 'data-testid="approved-report"' not in school.content.decode()  # its own report was not approved


def test_the_pages_link_to_the_submission_and_the_board(tree, client_for):
    client = client_for("district_planner")
    page = client.get(reverse("organizations:detail", kwargs={"org_pk": tree.district.pk})).content.decode()
    assert 'data-testid="submission-link"' in page and 'data-testid="board-link"' in page
    page = client.get(
        reverse("reports:dashboard", kwargs={"org_pk": tree.district.pk}) + "?period=2025-Q2"
    ).content.decode()
    assert reverse("submissions:detail", kwargs={"org_pk": tree.district.pk, "period": "2025-Q2"}) in page


def test_a_past_periods_board_keeps_the_committees_it_had_after_a_merger(year_end, users, tree, client_for):
    """Đơn Dương, merged into Đà Lạt in January 2026, still has its approved 2025 report on
    the province's 2025 board; the 2026 board lists the committees of 2026 only."""
    from organizations.services import organization_merge

    sub = services.approve(submission=_submit(tree, users), user=users.province_planner)
    organization_merge(source=tree.district, target=tree.city, on_date=D(2026, 1, 10), today=TODAY)
    rows, _due = selectors.board(tree.province, period=selectors.parse_period("2025"), today=TODAY)
    by_code = {row.organization.code: row for row in rows}
    assert set(by_code) == {"LD.DD", "LD.DL"}
    assert by_code["LD.DD"].submission == sub and by_code["LD.DD"].status == Status.APPROVED
    assert by_code["LD.DD"].locked
    rows, _due = selectors.board(tree.province, period=selectors.parse_period("2026"), today=TODAY)
    assert [row.organization.code for row in rows] == ["LD.DL"]
    # Its 2025 report is still reviewed from the board's link; not a 2026 one.
    review = "submissions:review"
    page = client_for("province_planner").get(reverse(review, args=[tree.province.pk, "2025", tree.district.pk]))
    assert page.status_code == 200 and "Kết quả năm 2025" in page.content.decode()
    page = client_for("province_planner").get(reverse(review, args=[tree.province.pk, "2026", tree.district.pk]))
    assert page.status_code == 404


def test_the_snapshot_s_children_include_what_counts_at_the_organization_itself():
    """The snapshot's `own` row (its own records and its merged predecessors') is listed
    and compared with the children, so the rows shown add up to the total."""
    snapshot = {
        "attainment": {
            "org": "Đảng ủy xã Đơn Dương",
            "actual": 16,
            "children": [{"org": "Chi bộ Trường THPT Đơn Dương", "target": None, "actual": 10}],
            "own": {"merged": ["Đảng bộ xã Tu Tra"], "actual": 6, "forecast": None, "last_year": None},
        }
    }
    with translation.override("vi"):
        rows = selectors.summary(snapshot)["children"]
        label = "Hồ sơ tại chính Đảng ủy xã Đơn Dương và các tổ chức đã hợp nhất vào (Đảng bộ xã Tu Tra)"
        assert [(r["org"], r["actual"]) for r in rows] == [("Chi bộ Trường THPT Đơn Dương", 10), (label, 6)]
        now = {"attainment": {**snapshot["attainment"], "own": {"merged": ["Đảng bộ xã Tu Tra"], "actual": 7}}}
        assert [(d.label, d.submitted, d.now) for d in selectors.differences(snapshot, now=now)] == [(label, 6, 7)]
    assert selectors.summary({"attainment": {"children": []}})["children"] == []  # snapshots before the row


def test_a_merged_committee_s_last_report_is_its_half_year_counted_to_its_last_day(year_end, users, tree):
    """Đơn Dương merged into Đà Lạt on 01/07/2025: its year 2025 is Đà Lạt's to report (it
    holds Đơn Dương's units at the year's end); its own last report is the half year, which
    freezes what its page shows to 30/06/2025 (the school's May admission). Its report of
    the year had frozen the figures of 31/12 of a tree it was no longer part of (the demo's
    district had read 49 against its page's 24), then its last day's: a report no board
    listed."""
    from organizations.services import organization_merge
    from reports.engine import attainment

    organization_merge(source=tree.district, target=tree.city, on_date=D(2025, 7, 1), today=D(2025, 7, 1))
    tree.district.refresh_from_db()
    with pytest.raises(ValidationError, match="trước khi kỳ Năm 2025 kết thúc"):
        _submit(tree, users)
    half = services.submit(
        organization=tree.district, period="2025-6M", user=users.district_planner, today=TODAY, results="6 tháng"
    )
    page = attainment(scope=tree.district, year=2025, as_of=D(2025, 6, 30))
    assert half.snapshot["as_of"] == "2025-06-30"
    assert half.snapshot["attainment"]["actual"] == page.actual == 1


def test_a_page_of_a_day_before_the_approved_report_does_not_show_its_figures_above_its_own(
    year_end, users, tree, client_for
):
    """xã Đơn Dương's page as of 30/06/2025 showed "Kết nạp từ đầu năm 15 (tính đến
    22/12/2025)" above its own figure of that day, 0."""
    sub = _submit(tree, users)
    services.approve(submission=sub, user=users.province_planner)
    client = client_for("viewer")
    url = reverse("reports:dashboard", kwargs={"org_pk": tree.district.pk})
    before = client.get(url, {"as_of": "2025-06-30"}).content.decode()
    assert 'data-testid="approved-report"' in before  # the period is locked: said
    assert 'data-testid="approved-figures"' not in before
    assert 'data-testid="approved-figures"' in client.get(url, {"period": "2025"}).content.decode()
