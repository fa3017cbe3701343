"""The demo as `./run.sh demo` loads it (`seed_demo --reorganized`): the boards' work before
1 July 2025, the reorganization, then their work on the new tree. Nothing in it is dated
after an organization's end, and every signed figure is the one its page shows."""

import datetime as dt
import json
import re
from io import StringIO

from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from admissions.models import Admission, Candidate, CandidateTransfer, Outcome, Step, StepRecord
from organizations.models import LockReopening, Organization
from quotas.models import Plan, PlanStatus, RuleKind
from reports.engine import attainment
from reports.periods import parse as parse_period
from reports.serialize import attainment_json
from submissions.models import ReportSubmission, Status
from submissions.services import report_day


def test_no_dissolved_committee_plans_a_year_after_its_end(reorganized_demo):
    ended = Plan.objects.filter(issuer__dissolved_on__isnull=False).select_related("issuer")
    assert ended.exists()  # the districts' 2024 and 2025 plans stay theirs
    for plan in ended:
        assert plan.first_year <= plan.issuer.dissolved_on.year, (plan.issuer.code, plan.first_year)


def test_the_2025_year_reports_are_the_communes_that_took_the_districts_place(reorganized_demo):
    out = StringIO()
    call_command("submissions", "--org", "LD", "--period", "2025", "--format", "json", stdout=out)
    board = {row["code"]: row for row in json.loads(out.getvalue())}
    for code in ("LD.X-DONDUONG", "LD.X-DUCTRONG"):
        assert board[code]["status"] == "approved" and board[code]["locked"] is True, board[code]
    sent = set(ReportSubmission.objects.values_list("organization__code", flat=True))
    assert sent == {"LD.X-DONDUONG", "LD.X-DUCTRONG"}
    # the reorganization came first: no approved year had to be reopened for it
    assert not LockReopening.objects.exists()


def test_each_approved_report_holds_the_figures_its_page_shows_for_its_day(reorganized_demo):
    approved = ReportSubmission.objects.filter(status=Status.APPROVED).select_related("organization")
    assert approved.count() == 2
    for submission in approved:
        org, period = submission.organization, parse_period(submission.period)
        # counted to the day it was sent (22/12 and 30/12/2025), as a board sending it then got it
        day = report_day(period, timezone.localtime(submission.submitted_at).date())
        assert submission.snapshot["as_of"] == day.isoformat() < "2025-12-31"
        now = attainment_json(attainment(scope=org, year=period.year, as_of=day, period=period))
        signed = submission.snapshot["attainment"]
        assert signed == now, org.code  # every figure, rule and row
        assert signed["actual"] > 0


def test_the_commune_that_took_don_duongs_place_plans_the_current_year(reorganized_demo, client):
    today = timezone.localdate()
    if today.year <= 2025:
        return  # the reorganization's own year: the district's 2025 plan is the year's plan
    commune = Organization.objects.get(code="LD.X-DONDUONG")
    plan = Plan.objects.get(issuer=commune, first_year=today.year)
    assert plan.status == PlanStatus.ISSUED and plan.issued_on <= today and plan.symbol == "KH/ĐU"
    assert [parent.issuer.code for parent in plan.implements.all()] == ["LD"]
    table = plan.rules.get(kind=RuleKind.ALLOCATION)
    rows = {row.organization.code: row.total for row in table.allocations.select_related("organization")}
    assert rows == {"LD.DD.THPT-DD": 3, "LD.DD.DTNT": 2}
    # what the commune's planner reads: its own target for the year
    result = attainment(scope=commune, year=today.year, as_of=today)
    assert result.target == 30
    # "mỗi chi bộ thôn, tổ dân phố, trường THPT, trường học": the school cells directly under
    # the commune (grassroots cells) are measured too, not only the village cells
    size = next(r for r in result.rules if r.kind == RuleKind.CELL_SIZE)
    assert size.matched == 5, size.matched
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="donduong.kehoach"))
    page = client.get(reverse("reports:dashboard", kwargs={"org_pk": commune.pk}), {"year": today.year})
    assert page.status_code == 200
    headline = re.search(r'data-testid="actual">(.*?)</dd>', page.content.decode(), re.S).group(1)
    assert f"{result.actual}</a> / 30" in headline, headline


def test_a_signed_report_says_why_its_bieu2_total_differs_from_its_figures(reorganized_demo, client):
    """Biểu 2 counts each admission where its unit stood on the ceremony day (before
    01/07/2025, under the district), the report where it stands on the report's day: the
    commune's signed report shows both, and says why they differ."""
    from django.contrib.auth import get_user_model

    submission = ReportSubmission.objects.get(organization__code="LD.X-DONDUONG", period="2025")
    rows = {r["key"]: r["this_period"] for r in submission.snapshot["bieu2"]["rows"]}
    assert rows["total"] != submission.snapshot["attainment"]["period_actual"]
    client.force_login(get_user_model().objects.get(username="tinh.kehoach"))
    url = reverse("submissions:detail", kwargs={"org_pk": submission.organization_id, "period": "2025"})
    text = client.get(url).content.decode()
    assert 'data-testid="frozen-bieu2-note"' in text and "theo tổ chức đảng tại ngày kết nạp" in text


def test_a_report_sent_before_the_year_ended_is_read_as_signed_up_to_its_day(reorganized_demo, client):
    """Đơn Dương's 2025 report was counted to 22/12/2025 and an admission of 27/12 came
    after it: the year's page says it is locked up to that day, the board says so, and the
    review finds no change in what was signed."""
    from django.contrib.auth import get_user_model

    commune = Organization.objects.get(code="LD.X-DONDUONG")
    province = Organization.objects.get(code="LD")
    client.force_login(get_user_model().objects.get(username="tinh.kehoach"))
    page = client.get(reverse("reports:dashboard", kwargs={"org_pk": commune.pk}), {"year": 2025}).content.decode()
    notice = page.split('data-testid="approved-report"', 1)[1].split("</li>", 1)[0]
    assert "khóa sổ đến ngày 22/12/2025" in notice
    board = client.get(reverse("submissions:board", kwargs={"org_pk": province.pk, "period": "2025"}))
    assert "Khóa sổ đến ngày 22/12/2025" in board.content.decode()
    url = reverse("submissions:review", kwargs={"org_pk": province.pk, "child_pk": commune.pk, "period": "2025"})
    review = client.get(url).content.decode()
    assert 'data-testid="no-differences"' in review and 'data-testid="admissions-changed"' not in review


def test_nothing_is_entered_at_a_commune_from_the_day_it_was_merged(reorganized_demo):
    """A board enters nothing at a commune from the day it was merged into a new commune
    committee (01/07/2025): its candidates on the road that day went on at the new commune
    (the merger hands them over, keeping where they were until that day), so their later
    steps, admissions and closed files are the new commune's. Only a recognition of a
    member it admitted before may come later (the admission stays its own)."""
    day = dt.date(2025, 7, 1)
    later = Admission.objects.filter(
        organization__dissolved_on__isnull=False, ceremony_date__gte=F("organization__dissolved_on")
    )
    assert list(later.values_list("organization__code", "ceremony_date")) == []
    transfers: dict[int, list[CandidateTransfer]] = {}
    for transfer in CandidateTransfer.objects.select_related("organization").order_by("valid_until"):
        transfers.setdefault(transfer.candidate_id, []).append(transfer)

    def ended_at(candidate_id: int, current: Organization, on: dt.date) -> str | None:
        """The code of where the candidate stood `on` that day, when it had ended by then."""
        held = transfers.get(candidate_id, [])
        place = next((t.organization for t in held if on < t.valid_until), current)
        return place.code if place.dissolved_on and on >= place.dissolved_on else None

    steps = StepRecord.objects.exclude(step=Step.RECOGNITION).select_related("candidate__organization")
    late = [
        (code, record.step, record.date)
        for record in steps
        if (code := ended_at(record.candidate_id, record.candidate.organization, record.date))
    ]
    assert late == []
    closed = Candidate.objects.exclude(outcome__in=[Outcome.IN_PROGRESS, Outcome.ADMITTED]).select_related(
        "organization"
    )
    assert [c.pk for c in closed if ended_at(c.pk, c.organization, c.outcome_date)] == []
    # e.g. Quảng Lập's candidates on the road on 01/07/2025: admitted later by xã Quảng Lập
    handed = Admission.objects.filter(
        organization__code="LD.X-QUANGLAP",
        candidate__transfers__organization__code="LD.DD.QL",
        candidate__transfers__valid_until=day,
    )
    assert handed.exists() and not handed.filter(ceremony_date__lt=day).exists()
    out = StringIO()
    call_command("check_dissolved", stdout=out)
    assert "No dissolved organization holds records after its dissolution." in out.getvalue()


def _district_rows(code: str, day: dt.date) -> dict[str, tuple]:
    """{organization: (quota, admitted, status)} of Đơn Dương's 2025 allocation table as the
    report of `code` shows it on `day`; the report's own target beside it."""
    report = attainment(scope=Organization.objects.get(code=code), year=2025, as_of=day)
    tables = [table for table in report.allocations if table.subject.code == "LD.DD"]
    rows = {row.org.name: (row.total, row.actual, row.status) for table in tables for row in table.rows}
    return rows, report.target


def _a_cell_moves_in_2026() -> None:
    """A move after 31/12/2025: the 2025 reports are read from the tree of their day."""
    from organizations.services import organization_move

    cell = Organization.objects.get(name="Chi bộ Tổ dân phố Thạnh Mỹ 2")
    new_parent = Organization.objects.get(code="LD.X-DUCTRONG")
    organization_move(organization=cell, new_parent=new_parent, on_date=dt.date(2026, 3, 1), today=timezone.localdate())


def test_a_district_s_allocation_row_reaches_the_moved_cell_s_report_as_the_province_s_shows_it(reorganized_demo):
    """Đơn Dương's 2025 table allocated 3 (01 HS) to the high school's cell, which moved under
    the new commune when the district was dissolved (01/07/2025). The province's report of
    31/12/2025 lists that row up to the district's last day; the cell's own report and the
    commune's list the same row with the same figures (they showed none), the commune's
    with the rows of the communes merged into it, and the quota, over with the district,
    gives them no target for the year."""
    school, boarding = "Chi bộ Trường THPT Đơn Dương", "Chi bộ Trường Phổ thông Dân tộc Nội trú THCS Đơn Dương"
    for moved in (False, True):
        if moved:
            _a_cell_moves_in_2026()
        day = dt.date(2025, 12, 31)
        province, _ = _district_rows("LD", day)
        assert province[school] == (3, 3, "met") and province[boarding][2] == "not_met", moved
        own, target = _district_rows("LD.DD.THPT-DD", day)
        assert own == {school: province[school]} and target is None, moved
        # The commune's: its schools' rows, and those of the communes merged into it (their
        # figures are its own since), as the province reads them.
        commune, target = _district_rows("LD.X-DONDUONG", day)
        merged = ("Đảng bộ thị trấn Thạnh Mỹ", "Đảng bộ xã Tu Tra", "Đảng bộ xã Đạ Ròn")
        assert commune == {name: province[name] for name in (school, boarding, *merged)}, moved
        assert target is None, moved
    # On 30/06/2025, the district's last day, the quota is the cell's target; in 2026 no table.
    own, target = _district_rows("LD.DD.THPT-DD", dt.date(2025, 6, 30))
    assert own[school][0] == 3 and target == 3
    report = attainment(scope=Organization.objects.get(code="LD.X-DONDUONG"), year=2026, as_of=dt.date(2026, 6, 30))
    assert not [table for table in report.allocations if table.subject.code == "LD.DD"]


def test_the_commune_s_page_lists_the_district_s_rows_of_its_cells(reorganized_demo, client):
    client.force_login(User.objects.get(username="donduong.kehoach"))
    page = client.get(
        reverse("reports:dashboard", args=[Organization.objects.get(code="LD.X-DONDUONG").pk]), {"as_of": "2025-12-31"}
    ).content.decode()
    assert "Kèm theo Kế hoạch số … của Ban Thường vụ Huyện ủy Đơn Dương" in page
    assert "Huyện ủy Đơn Dương (giải thể ngày 01/07/2025): số thực hiện tính đến ngày 30/06/2025" in page
    # Each row says it too, the moved school's as the merged communes' (it read the plain
    # name, as if its row ran to 31/12 like the children table's beside it).
    table = page.split("PHÂN BỔ CHỈ TIÊU", 1)[1]
    assert "Chi bộ Trường THPT Đơn Dương (đến 30/06/2025)" in table
    assert "Đảng bộ thị trấn Thạnh Mỹ (đến 30/06/2025)" in table


def test_the_ended_district_s_rows_give_the_commune_s_cells_no_target_in_its_table(reorganized_demo):
    """The children table of xã Đơn Dương on 31/12/2025 gave its schools the district's
    quotas (3 and 2) with a rate and status counted to 30/06 beside their whole year's
    admissions, where the engine, the JSON and the cells' own pages give them none."""
    from reports.report import children_table

    commune = Organization.objects.get(code="LD.X-DONDUONG")
    report = attainment(scope=commune, year=2025, as_of=dt.date(2025, 12, 31))
    table = children_table(report)
    rows = {row[1]: row for row in table.rows}
    for name in ("Chi bộ Trường THPT Đơn Dương", "Chi bộ Trường Phổ thông Dân tộc Nội trú THCS Đơn Dương"):
        _n, _name, target, _actual, rate, *_rest, status = rows[name]
        assert (target, rate, status) == (None, None, None), name
    # On the district's last day the quota is the school's target (its own row, its own report).
    school = Organization.objects.get(code="LD.DD.THPT-DD")
    assert attainment(scope=school, year=2025, as_of=dt.date(2025, 6, 30)).target == 3


def test_a_dissolved_district_s_rule_reads_closed_in_the_cell_s_report_of_its_last_day(reorganized_demo):
    """On 30/06/2025, Đức Trọng's last day, its 159-KH/HU "each high school admits a pupil"
    is over: the province's and the district's reports read it "not met" for the high
    school's cell; so does the cell's own report (it read "on track"), while 97-KH/TU's
    same target runs on."""
    day = dt.date(2025, 6, 30)
    statuses = {}
    for code in ("LD", "LD.DT", "LD.DT.DTR"):
        report = attainment(scope=Organization.objects.get(code=code), year=2025, as_of=day)
        for rule in report.rules:
            if rule.plan.number == "159" and rule.category == "pupil":
                (found,) = [m for m in rule.measurements if m.org.code == "LD.DT.DTR"]
                statuses[code] = found.status
    assert statuses == {"LD": "not_met", "LD.DT": "not_met", "LD.DT.DTR": "not_met"}
    own = attainment(scope=Organization.objects.get(code="LD.DT.DTR"), year=2025, as_of=day)
    (running,) = [r for r in own.rules if r.plan.number == "97" and r.category == "pupil"]
    assert running.status == "on_track"


def test_a_page_without_rules_of_its_own_names_the_ended_table_below(reorganized_demo, client):
    client.force_login(User.objects.get(username="donduong.kehoach"))
    school = Organization.objects.get(code="LD.DD.DTNT")
    page = client.get(reverse("reports:dashboard", args=[school.pk]), {"as_of": "2025-12-31"}).content.decode()
    assert "Kèm theo Kế hoạch số … của Ban Thường vụ Huyện ủy Đơn Dương" in page
    assert "Chưa có kế hoạch đã ban hành đặt chỉ tiêu cho tổ chức và năm này" not in page
    assert "Ngoài các dòng của tổ chức trong bảng phân bổ dưới đây" in page


def test_a_pdf_without_rules_says_so_instead_of_a_page_with_an_empty_table(reorganized_demo):
    """Section II of the provincial police committee's PDF of 31/12/2025 was a landscape
    page holding only a table's header ("STT | Số kế hoạch")."""
    from reports.pdf import render_pdf_html
    from reports.report import build_report

    police = Organization.objects.get(code="LD.CAT")
    html = render_pdf_html(build_report(attainment(scope=police, year=2025, as_of=dt.date(2025, 12, 31))))
    section = html.split("II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", 1)[1].split("III.", 1)[0]
    assert "<table" not in section
    assert "Ngoài các dòng của tổ chức trong bảng phân bổ tại Phụ lục kèm theo" in section
    commune = Organization.objects.get(code="LD.X-DONDUONG")
    html = render_pdf_html(build_report(attainment(scope=commune, year=2025, as_of=dt.date(2025, 6, 30))))
    assert "Chưa có kế hoạch đã ban hành đặt chỉ tiêu cho tổ chức trong năm 2025." in html


def test_the_json_says_the_ended_committee_s_table_is_counted_to_its_last_day(reorganized_demo):
    out = StringIO()
    call_command("attainment", "--org", "LD.X-DONDUONG", "--as-of", "2025-12-31", "--format", "json", stdout=out)
    (table,) = json.loads(out.getvalue())["allocations"]
    assert (table["org"], table["ended_on"], table["partial"]) == ("Huyện ủy Đơn Dương", "2025-07-01", True)
    rows = {row["org"]: row["ended_on"] for row in table["children"]}
    assert rows["Đảng bộ xã Tu Tra"] == "2025-07-01"  # merged into xã Đơn Dương that day
    assert rows["Chi bộ Trường THPT Đơn Dương"] is None  # stands on, under the commune


def test_a_period_that_ended_before_the_commune_was_founded_is_refused_on_every_surface(reorganized_demo, client):
    """xã Đơn Dương (founded 01/07/2025): Biểu 2 of 2025-6M was refused, its report page,
    workbook and PDF of 2025-Q2 read as reports of zeros "as of 30/06/2025"."""
    from django.core.management import CommandError

    commune = Organization.objects.get(code="LD.X-DONDUONG")
    said = "Tổ chức được thành lập ngày 01/07/2025, sau khi Quý II năm 2025 kết thúc: không có báo cáo của kỳ này."
    client.force_login(User.objects.get(username="donduong.kehoach"))
    page = client.get(reverse("reports:dashboard", args=[commune.pk]), {"period": "2025-Q2"}).content.decode()
    assert said in page
    for name in ("reports:export_pdf", "reports:export_xlsx"):
        response = client.get(reverse(name, args=[commune.pk]), {"period": "2025-Q2"})
        assert response.status_code == 302 and "/export" not in response["Location"], name
        assert said in client.get(response["Location"]).content.decode(), name  # said on the page
    try:
        call_command("attainment", "--org", commune.code, "--period", "2025-Q2", stdout=StringIO())
    except CommandError as exc:
        assert str(exc) == said
    else:
        raise AssertionError("the command made a report of a period before the founding")
    # A day before the founding inside a period it stood in: the report says it did not exist yet.
    page = client.get(reverse("reports:dashboard", args=[commune.pk]), {"as_of": "2025-06-30"}).content.decode()
    assert said not in page and "01/07/2025" in page


def test_a_closed_rule_is_not_one_line_with_a_running_one(reorganized_demo):
    """Chi bộ THPT Đức Trọng on 30/06/2025: 159-KH/HU's "each high school" is over (the
    district's last day, not met), 97-KH/TU's same target runs on (on track); the summary
    printed them as one line "97-KH/TU · 159-KH/HU … Đúng tiến độ"."""
    from reports.report import build_report

    cell = Organization.objects.get(code="LD.DT.DTR")
    report = build_report(attainment(scope=cell, year=2025, as_of=dt.date(2025, 6, 30)))
    rows = [row for row in report.summary.rows if "học sinh" in " ".join(str(c) for c in row)]
    plans = sorted(" ".join(str(c) for c in row if "KH/" in str(c)) for row in rows)
    assert len(rows) == 2 and all("·" not in p for p in plans), rows
    statuses = sorted(str(row[-1]) for row in rows)
    assert statuses == ["not_met", "on_track"], statuses


def test_a_row_of_the_ended_district_s_table_links_to_the_admissions_it_counts(reorganized_demo, client):
    """On xã Đơn Dương's page of 31/12/2025 the high school's row reads 3 (counted to the
    district's last day) and linked to the 4 admitted by 31/12."""
    from lxml import html as lxml_html

    client.force_login(User.objects.get(username="donduong.kehoach"))
    commune = Organization.objects.get(code="LD.X-DONDUONG")
    page = lxml_html.fromstring(
        client.get(reverse("reports:dashboard", args=[commune.pk]), {"as_of": "2025-12-31"}).content
    )
    (table,) = [t for t in page.xpath("//section[contains(., 'Huyện ủy Đơn Dương (giải thể')]//table")]
    (row,) = [r for r in table.xpath(".//tr") if "Chi bộ Trường THPT Đơn Dương" in r.text_content()]
    link = row.xpath(".//a[contains(@href, '/admissions/')]")[0]
    assert link.text_content().strip() == "3"
    assert "as_of=2025-06-30" in link.get("href")
    listed = lxml_html.fromstring(client.get(link.get("href")).content).text_content()
    assert "Chọn một ngày" not in listed
    admitted = Admission.objects.filter(
        organization__code="LD.DD.THPT-DD", ceremony_date__year=2025, ceremony_date__lte=dt.date(2025, 6, 30)
    )
    assert admitted.count() == 3
    for admission in admitted:
        assert admission.candidate.full_name in listed
    later = Admission.objects.filter(
        organization__code="LD.DD.THPT-DD", ceremony_date__gt=dt.date(2025, 6, 30), ceremony_date__year=2025
    )
    assert later.exists() and not any(a.candidate.full_name in listed for a in later)
