"""The reports board's "Thay đổi sau khi gửi" flag also hears of the changes to the people a
sent report counts (the particulars its Biểu 2 reads: sex, date of birth, ethnicity,
religion, education…), not only of those to their admissions; and the review page names
each changed figure so that it can be read: a plan without a number as "Kế hoạch số …",
a Biểu 2 row with its group."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from admissions.models import Admission, Candidate, Gender
from admissions.services.candidates import candidate_update
from organizations import locks
from organizations.models import Organization, PeriodLock
from organizations.positions import counted_under
from organizations.services import organization_create
from quotas.models import RuleKind
from reports.bieu2.counting import ADMISSION_FIELDS
from submissions import selectors, services
from submissions.models import ReportSubmission

from .test_reports_engine import admit, allocate, make_plan, make_rule

D = dt.date
TODAY = D(2026, 1, 20)
YEAR = selectors.parse_period("2025")
CHANGED = 'data-testid="changed"'


def _board_row(html: str, code: str) -> str:
    return html.split(f'data-testid="board-row" data-code="{code}"', 1)[1].split("</tr>", 1)[0]


def _board(client, parent: Organization, period: str = "2025") -> str:
    return client.get(reverse("submissions:board", kwargs={"org_pk": parent.pk, "period": period})).content.decode()


def _review(client, parent: Organization, child: Organization, period: str = "2025") -> str:
    url = reverse("submissions:review", kwargs={"org_pk": parent.pk, "child_pk": child.pk, "period": period})
    return client.get(url).content.decode()


def _differences(html: str) -> list[str]:
    """The labels of the review page's table of figures changed since the submission."""
    table = html.split('data-testid="differences"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    return [row.split("<td>", 1)[1].split("</td>", 1)[0] for row in body.split("<tr>")[1:]]


def _edit(candidate: Candidate, user, **fields) -> None:
    candidate_update(candidate=Candidate.objects.get(pk=candidate.pk), user=user, today=TODAY, **fields)


@pytest.fixture
def sent(tree, users):
    """The province's plan, without a number yet (a rule for the district and its allocation
    table); a woman admitted at the district's school on 10/05/2025 without her general
    education stated; the district's 2025 report sent on 20/01/2026."""
    plan = make_plan(tree.province, first_year=2024, number="")
    make_rule(plan, RuleKind.COUNT, target=tree.district, min_count=5)
    allocate(make_rule(plan, RuleKind.ALLOCATION, target=tree.province, min_count=10), tree.district, 6)
    woman = admit(tree.school, D(2025, 5, 10)).candidate
    _edit(woman, users.district_planner, gender=Gender.FEMALE)  # corrected before the report
    submission = services.submit(
        organization=tree.district, period="2025", user=users.district_planner, today=TODAY, results="x"
    )
    women = next(row for row in submission.snapshot["bieu2"]["rows"] if row["key"] == "women")
    assert women["this_period"] == 1
    return woman


def test_a_change_of_sex_of_a_member_the_report_counts_flags_it_on_the_board(sent, tree, users, client_for):
    """Her record changed from female to male after the report was sent: its Biểu 2 counted
    one woman, now none. The board flags the report, and the review page says why."""
    client = client_for("province_planner")
    assert CHANGED not in _board_row(_board(client, tree.province), "LD.DD")
    _edit(sent, users.district_planner, gender=Gender.MALE)
    assert CHANGED in _board_row(_board(client, tree.province), "LD.DD")
    review = _review(client, tree.province, tree.district)
    assert "Biểu 2 — Nữ" in _differences(review)
    assert 'data-testid="people-changed">Có 1 thay đổi về thông tin của người được kết nạp trong kỳ' in review
    assert 'data-testid="admissions-changed"' not in review  # her admission itself is unchanged
    submission = ReportSubmission.objects.get(organization=tree.district, period="2025")
    assert selectors.candidates_changed_after(submission, period=YEAR) == 1
    assert selectors.admissions_changed_after(submission, period=YEAR) == 0


def test_each_field_the_form_reads_flags_the_report(sent, tree, users):
    """Whichever of the particulars Biểu 2 counts is corrected, the report is flagged."""
    corrections = {
        "date_of_birth": D(1990, 1, 1),
        "ethnicity": "Cơ Ho",
        "religion": "Công giáo",
        "youth_union_member": True,
        "general_education": "lower_secondary",
        "professional_level": "university",
        "theory_level": "primary",
    }
    read = {f.removeprefix("candidate__") for f in ADMISSION_FIELDS if f.startswith("candidate__")}
    assert set(corrections) | {"gender"} == read
    for name, value in corrections.items():
        with transaction.atomic():
            _edit(sent, users.district_planner, **{name: value})
            rows, _due = selectors.board(tree.province, period=YEAR, today=TODAY)
            assert {r.organization.code: r.changed for r in rows if r.submission} == {"LD.DD": True}, name
            transaction.set_rollback(True)
        rows, _due = selectors.board(tree.province, period=YEAR, today=TODAY)
        assert {r.organization.code: r.changed for r in rows if r.submission} == {"LD.DD": False}, name


def test_changes_that_touch_nothing_the_report_counts_leave_it_unflagged(sent, tree, users, client_for):
    """Her notes and her name are none of the form's figures; a man on the road (not
    admitted) who turns out to be a woman, a woman admitted in 2024 and one admitted in
    Đà Lạt are none of the people the district's 2025 report counts."""
    client = client_for("province_planner")
    on_the_road = Candidate.objects.create(
        organization=tree.school,
        full_name="Trần Văn Đường",
        date_of_birth=D(2001, 2, 3),
        gender=Gender.MALE,
        education="upper_secondary",
        category="other",
        step_date=D(2025, 3, 1),
    )
    earlier = admit(tree.school, D(2024, 11, 5)).candidate
    elsewhere = admit(tree.city_school, D(2025, 6, 1)).candidate
    _edit(sent, users.district_planner, notes="Đã chuyển sinh hoạt về thôn", full_name="Nguyễn Thị Hoa")
    _edit(on_the_road, users.district_planner, gender=Gender.FEMALE)
    _edit(earlier, users.district_planner, gender=Gender.FEMALE, ethnicity="Chu Ru")
    _edit(elsewhere, users.province_planner, gender=Gender.FEMALE)
    assert CHANGED not in _board_row(_board(client, tree.province), "LD.DD")
    review = _review(client, tree.province, tree.district)
    assert 'data-testid="no-differences"' in review and 'data-testid="people-changed"' not in review
    submission = ReportSubmission.objects.get(organization=tree.district, period="2025")
    assert selectors.candidates_changed_after(submission, period=YEAR) == 0


def test_a_correction_undone_before_the_report_was_sent_is_not_a_change_after_it(tree, users):
    """Her sex was corrected twice before the report was sent, and her notes after: the
    row after it changes no field the form reads, whatever the rows before it did."""
    make_plan(tree.province, first_year=2024)
    woman = admit(tree.school, D(2025, 5, 10)).candidate
    _edit(woman, users.district_planner, gender=Gender.FEMALE)
    _edit(woman, users.district_planner, gender=Gender.MALE)
    services.submit(organization=tree.district, period="2025", user=users.district_planner, today=TODAY, results="x")
    _edit(woman, users.district_planner, notes="Bổ sung lý lịch")
    rows, _due = selectors.board(tree.province, period=YEAR, today=TODAY)
    assert {r.organization.code: r.changed for r in rows if r.submission} == {"LD.DD": False}


def test_the_board_reads_every_report_s_people_in_a_fixed_number_of_queries(tree, users, django_assert_num_queries):
    """However many committees sent their report, the board reads the changes to their
    people in the same query as the rest; each flag is what the review page counts."""

    def board():
        rows, _due = selectors.board(tree.province, period=YEAR, today=TODAY)
        return {row.organization.code: row.changed for row in rows if row.submission}

    def send(organization):
        services.submit(organization=organization, period="2025", user=users.admin, today=TODAY, results="x")

    make_plan(tree.province, first_year=2024)
    people = {"LD.DD": admit(tree.school, D(2025, 5, 10)).candidate, "LD.DL": admit(tree.city_school, D(2025, 8, 1))}
    people["LD.DL"] = people["LD.DL"].candidate
    send(tree.district)
    send(tree.city)
    _edit(people["LD.DL"], users.admin, gender=Gender.FEMALE)
    board()
    with CaptureQueriesContext(connection) as few:
        assert board() == {"LD.DD": False, "LD.DL": True}
    for i in range(3):
        tree.province.refresh_from_db()
        child = organization_create(
            parent=tree.province, name=f"Huyện ủy Thử {i}", code=f"LD.T{i}", form="district", sector="other"
        )
        people[child.code] = admit(child, D(2025, 9, 1)).candidate
        send(child)
        if i:
            _edit(people[child.code], users.admin, religion="Phật giáo")
    with django_assert_num_queries(len(few.captured_queries)):
        flags = board()
    assert flags == {"LD.DD": False, "LD.DL": True, "LD.T0": False, "LD.T1": True, "LD.T2": True}
    for submission in ReportSubmission.objects.select_related("organization"):
        counted = selectors.candidates_changed_after(submission, period=YEAR)
        assert (counted > 0) == flags[submission.organization.code], submission.organization.code


def test_the_review_page_names_a_plan_without_a_number_and_each_bieu2_row_with_its_group(sent, tree, users, client_for):
    """A rule of a plan without a number reads "Kế hoạch số …: …" (as a document writes a
    number not yet given), never ": …"; a row of a group of Biểu 2 reads with its group
    ("Chưa khai" ends six of them)."""
    _edit(sent, users.district_planner, general_education="lower_secondary")
    admit(tree.school, D(2025, 6, 2))  # recorded after the report: the rule's count changed
    labels = _differences(_review(client_for("province_planner"), tree.province, tree.district))
    assert [label for label in labels if "Huyện ủy Đơn Dương kết nạp ít nhất 05" in label] == [
        "Kế hoạch số …: Phấn đấu Huyện ủy Đơn Dương kết nạp ít nhất 05 đảng viên — Huyện ủy Đơn Dương"
    ], labels
    assert "Biểu 2 — Trình độ giáo dục phổ thông — Trung học cơ sở" in labels
    assert "Biểu 2 — Trình độ lý luận chính trị — Chưa khai" in labels, labels
    assert "Biểu 2 — Chưa khai" not in labels
    assert not [label for label in labels if label.startswith(":")]
    # Every figure of the report is named so: the allocation rows of that plan too.
    submission = ReportSubmission.objects.get(organization=tree.district, period="2025")
    names = [label for label, _value in selectors.figures(submission.snapshot).values()]
    assert "Kế hoạch số …: phân bổ — Huyện ủy Đơn Dương" in names
    assert not [label for label in names if label.startswith(":")]
    assert "Biểu 2 — Chia theo tuổi đời — Tuổi bình quân" in names
    assert "Biểu 2 — Chia theo nghề nghiệp — Khác" in names
    assert "Biểu 2 — Nữ" in names  # the rows above the groups keep their own names


# ------------------------------------------------------------------ the demo, as the auditor saw it


@pytest.fixture
def province_planner(reorganized_demo, client):
    client.force_login(get_user_model().objects.get(username="tinh.kehoach"))
    return client


def test_on_the_demo_a_member_of_xa_don_duong_recorded_as_a_man_flags_its_2025_report(province_planner):
    """Đảng ủy xã Đơn Dương's approved 2025 report, counted to 22/12/2025, counted a woman
    admitted there in 2025; the year reopened, her record is corrected to male: the
    province's board flags the report, the review page names the changed row of Biểu 2.
    Before that, the same correction of a member admitted in Đức Trọng, or of a woman
    admitted in Đơn Dương on 28/12/2025 (after the report's day), leaves it unflagged."""
    province, commune = Organization.objects.get(code="LD"), Organization.objects.get(code="LD.X-DONDUONG")
    submission = ReportSubmission.objects.get(organization=commune, period="2025")
    day = selectors.counted_to(submission)
    admin = get_user_model().objects.get(username="quantri")
    today = timezone.localdate()
    for lock in PeriodLock.objects.all():
        locks.reopen(lock=lock, until=today, reason="Sửa lý lịch đảng viên", user=admin, today=today)

    def admitted(code, first, last):
        rows = Admission.objects.filter(archived_at__isnull=True, ceremony_date__gte=first, ceremony_date__lte=last)
        counted = counted_under(Organization.objects.get(code=code)).records(rows).order_by("ceremony_date")
        return [a.candidate for a in counted.select_related("candidate")]

    def flip(candidate):
        sex = Gender.MALE if candidate.gender == Gender.FEMALE else Gender.FEMALE
        candidate_update(candidate=candidate, user=admin, today=today, gender=sex)
        return CHANGED in _board_row(_board(province_planner, province), "LD.X-DONDUONG")

    assert not flip(admitted("LD.X-DUCTRONG", D(2025, 1, 1), D(2025, 12, 31))[0])
    late = [c for c in admitted("LD.X-DONDUONG", day + dt.timedelta(days=1), D(2025, 12, 31))]
    assert late and not flip(late[0])
    women = [c for c in admitted("LD.X-DONDUONG", D(2025, 7, 1), day) if c.gender == Gender.FEMALE]
    assert flip(women[0])
    labels = _differences(_review(province_planner, province, commune))
    assert "Biểu 2 — Nữ" in labels
    assert not [label for label in labels if label.startswith(":")]


def test_a_rule_over_many_organizations_is_compared_on_how_many_meet_it():
    """The review compared a rule over each high school on the sum of their admissions
    ("— | 1"), a figure no report shows; it compares "1/3 đạt" as the report says it."""
    from submissions.selectors import figures

    rule = {"plan": "159-KH/HU", "rule": "Phấn đấu mỗi tổ chức cơ sở đảng trường THPT kết nạp ít nhất 01 học sinh",
            "kind": "count", "org": None, "category": "pupil", "actual": 1, "matched": 3, "meeting": 1,
            "target_min": 1, "share_min": None}  # fmt: skip
    single = {**rule, "rule": "Phấn đấu kết nạp ít nhất 30", "org": "Đảng ủy xã Đức Trọng", "category": None,
              "actual": 26, "matched": 1, "meeting": 0, "target_min": 30}  # fmt: skip
    out = figures({"attainment": {"rules": [rule, single]}})
    values = {label: value for label, value in out.values()}
    assert values[f"159-KH/HU: {rule['rule']}"] == "1/3 đạt"
    assert values[f"159-KH/HU: {single['rule']} — Đảng ủy xã Đức Trọng"] == 26


def test_figures_that_differ_with_no_record_of_the_period_changed_say_where_they_come_from(
    sent, tree, users, client_for
):
    """A target added to the plan after the report was sent: the review lists it as a
    difference while no admission and nobody admitted changed, which read as if records of
    the period had been changed. It says the difference comes from other records or from
    how the figures are counted; with an admission changed, it does not say so."""
    from quotas.models import Plan

    plan = Plan.objects.get(issuer=tree.province)
    make_rule(plan, RuleKind.COUNT, target=tree.school, min_count=1)
    html = _review(client_for("province_planner"), tree.province, tree.district)
    assert _differences(html) and 'data-testid="differences-elsewhere"' in html
    assert "các số liệu dưới đây khác do các dữ liệu khác" in html
    admit(tree.school, D(2025, 6, 2))  # recorded after the report: a change of the period
    html = _review(client_for("province_planner"), tree.province, tree.district)
    assert 'data-testid="admissions-changed"' in html and 'data-testid="differences-elsewhere"' not in html
