"""The statistical form of new members (Biểu 2): the demo's Đơn Dương 2025 checked by hand,
scoping, the command, the files; placement across moves and mergers on a small tree."""

import datetime as dt
import io
import json
import subprocess
from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from admissions.categories import OCCUPATION_OF, OCCUPATIONS, Category
from admissions.models import Admission
from admissions.services import age_on
from common.text import fold
from organizations.models import Organization
from organizations.services import organization_create, organization_merge, organization_move
from reports import periods
from reports.bieu2 import GROUPS, bieu2

from .conftest import takes_cells
from .test_reports_engine import admit

D = dt.date
YEAR = periods.parse("2025")


@pytest.fixture
def vi():
    with translation.override("vi"):
        yield


def _form(code="LD.DD", period=YEAR, **kw):
    return bieu2(organization=Organization.objects.get(code=code), period=period, today=timezone.localdate(), **kw)


def _values(form, column="this_period") -> dict:
    return {row.key: getattr(row, column) for row in [*form.rows, *form.organization_rows]}


def _group_keys(form, prefix):
    return [row.key for row in form.rows if row.group == prefix and row.key != "mean_age"]


# ---------------------------------------------------------------- the demo, by hand


def test_don_duong_2025_by_hand(seeded_demo, vi):
    form = _form(with_ids=True)
    got = _values(form)
    dd = Organization.objects.get(code="LD.DD")
    # Nothing in the demo moved: the admissions of the subtree with a 2025 ceremony, as they are.
    admissions = list(
        Admission.objects.filter(
            organization__path__startswith=dd.path, ceremony_date__year=2025, archived_at__isnull=True
        ).select_related("candidate")
    )
    people = [(a, a.candidate) for a in admissions]
    ages = [age_on(c.date_of_birth, a.ceremony_date) for a, c in people]
    expected = {
        "total": len(people),
        "readmitted": sum(a.readmission for a, _c in people),
        "women": sum(c.gender == "female" for _a, c in people),
        "ethnic_minority": sum(c.ethnicity != "Kinh" for _a, c in people),
        "religious": sum(bool(c.religion) for _a, c in people),
        "youth_union": sum(c.youth_union_member is True for _a, c in people),
        "youth_union.not_stated": sum(c.youth_union_member is None for _a, c in people),
        "age.18-30": sum(a <= 30 for a in ages),
        "age.31-40": sum(30 < a <= 40 for a in ages),
        "age.41-50": sum(40 < a <= 50 for a in ages),
        "age.51-60": sum(50 < a <= 60 for a in ages),
        "age.over-60": sum(a > 60 for a in ages),
        "mean_age": round(sum(ages) / len(ages), 1),
    }
    for key, _label in OCCUPATIONS:
        expected[f"occupation.{key}"] = sum(OCCUPATION_OF[a.category] == key for a, _c in people)
    for field, prefix in (
        ("general_education", "education"),
        ("professional_level", "professional"),
        ("theory_level", "theory"),
    ):
        values = Counter(getattr(c, field) or "not_stated" for _a, c in people)
        for key in _group_keys(form, prefix):
            expected[key] = values[key.split(".", 1)[1]]
    assert {key: got[key] for key in expected} == expected

    # A form worth reading: women, minorities (K'Ho and Chu Ru), believers, Youth Union
    # members, several education levels, a re-admission; and some records not stated.
    assert got["total"] >= 40
    assert got["readmitted"] == 1
    assert 0 < got["women"] < got["total"] and 0 < got["ethnic_minority"] < got["total"]
    assert got["religious"] > 0 and got["youth_union"] > 0
    assert sum(1 for key in _group_keys(form, "education") if got[key] and not key.endswith("not_stated")) >= 2
    assert sum(1 for key in _group_keys(form, "professional") if got[key] and not key.endswith("not_stated")) >= 3
    assert got["education.not_stated"] > 0
    assert {line.label for line in form.by_ethnicity} >= {"Kinh", "K'Ho", "Chu Ru"}

    # Every group adds up to the total, in both columns; so do the continuation lists.
    for column in ("this_period", "same_period_last_year"):
        values = _values(form, column)
        for prefix, _heading, _choices in GROUPS:
            assert sum(values[key] for key in _group_keys(form, prefix)) == values["total"], prefix
        lists = (form.by_ethnicity, form.by_religion)
        assert [sum(getattr(li, column) for li in lines) for lines in lists] == [values["total"]] * 2

    # The cells' admissions are those counted.
    assert len(form.ids[("women", "this")]) == got["women"]
    assert sorted(form.ids[("total", "this")]) == sorted(a.pk for a, _c in people)

    # The organizations: every grassroots organization of Đơn Dương admitted someone in 2025.
    grassroots = Organization.objects.filter(
        path__startswith=dd.path, form__in=["grassroots_cell", "grassroots_committee"]
    ).count()
    assert got["organizations.admitted"] + got["organizations.none_admitted"] == grassroots
    assert got["organizations.admitted"] == grassroots


def test_the_total_agrees_with_attainment(seeded_demo):
    for code in ("LD.DD", "LD.DT", "LD"):
        out = StringIO()
        call_command("attainment", "--org", code, "--year", "2025", stdout=out)
        actual = json.loads(out.getvalue())["actual"]
        out = StringIO()
        call_command("bieu2", "--org", code, "--period", "2025", stdout=out)
        data = json.loads(out.getvalue())
        assert data["rows"][0] == {**data["rows"][0], "key": "total", "this_period": actual}, code


def test_same_period_last_year_and_percent(seeded_demo):
    # The province admitted in 2024 too (seed 002: Lado Taxi); a quarter's figures sit inside the year's.
    form = _form("LD", periods.parse("2025"))
    total = form.row("total")
    assert total.same_period_last_year > 0
    assert total.percent == round(total.this_period * 100 / total.same_period_last_year, 1)
    assert _form("LD.DD").row("total").percent == "—"  # nothing in 2024: no percentage
    quarters = [_form("LD.DD", periods.parse(f"2025-Q{q}")).row("total").this_period for q in (1, 2, 3, 4)]
    assert sum(quarters) == _form("LD.DD").row("total").this_period


def test_a_handful_of_queries_whatever_the_size(seeded_demo, django_assert_max_num_queries):
    # The organization (1); the days the tree changed, whether anything merged and the ids
    # of the organizations counted under it when they are few (3); per column the
    # admissions, the grassroots organizations and those with candidates (3 × 2); the
    # names of the form's day of organizations renamed since (1); the counts entered for its
    # years (1).
    with django_assert_max_num_queries(12):
        small = _form("LD.DD.TT", with_ids=True)
    with django_assert_max_num_queries(12):
        big = _form("LD", with_ids=True)
    assert big.row("total").this_period > small.row("total").this_period > 0


# ---------------------------------------------------------------- the command


def test_the_command_json_keys(seeded_demo):
    out = StringIO()
    call_command("bieu2", "--org", "LD.DD", "--period", "2025", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert {"org", "period", "rows", "by_ethnicity", "by_religion"} <= set(data)
    assert data["org"] == "Huyện ủy Đơn Dương"
    assert data["period"]["key"] == "2025" and data["period"]["label"] == "Năm 2025"
    keys = [row["key"] for row in data["rows"]]
    for key in ("total", "readmitted", "women", "ethnic_minority", "religious", "youth_union", "mean_age"):
        assert key in keys
    for key in ("age.18-30", "age.31-40", "age.41-50", "age.51-60", "age.over-60"):
        assert key in keys
    for prefix in ("occupation", "age", "education", "professional", "theory"):
        assert f"{prefix}.not_stated" in keys
    assert [f"occupation.{key}" for key, _label in OCCUPATIONS] == [k for k in keys if k.startswith("occupation.")][:-1]
    for row in data["rows"]:
        assert set(row) == {"key", "label", "this_period", "same_period_last_year", "percent"}
    assert all(row["percent"] == "—" for row in data["rows"] if not row["same_period_last_year"])
    for line in data["by_ethnicity"] + data["by_religion"]:
        assert set(line) == {"label", "this_period", "same_period_last_year"}
    assert data["rows"][0]["label"] == "Tổng số đảng viên mới kết nạp"


def test_the_command_takes_from_to(seeded_demo):
    out = StringIO()
    call_command("bieu2", "--org", "LD.DD", "--from", "2025-01-01", "--to", "2025-03-31", stdout=out)
    data = json.loads(out.getvalue())
    assert data["period"]["key"] == "2025-Q1"  # a span that is a named period gets its name
    assert data["rows"][0]["this_period"] == _form("LD.DD", periods.parse("2025-Q1")).row("total").this_period
    out = StringIO()
    call_command("bieu2", "--org", "LD.DD", "--from", "2025-02-01", "--to", "2025-04-30", stdout=out)
    assert json.loads(out.getvalue())["period"]["key"] == "2025-02-01..2025-04-30"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--period", "2025-Q5"], "không phải"),
        (["--period", "năm ngoái"], "2025-Q1"),
        (["--from", "2025-13-01", "--to", "2025-12-31"], "not a date"),
        (["--from", "2025-05-01", "--to", "2025-04-01"], "kết thúc trước"),
        (["--from", "2025-05-01"], "--to"),
        (["--format", "xlsx"], "--output"),
    ],
)
def test_the_command_says_what_is_wrong(db, args, message):
    organization_create(parent=None, code="LD.DD", name="Huyện ủy Đơn Dương", form="district", sector="other")
    with pytest.raises(CommandError) as exc:
        call_command("bieu2", "--org", "LD.DD", *args, stdout=StringIO())
    assert message in str(exc.value)


# ---------------------------------------------------------------- the files


def test_the_workbook_reads_back(seeded_demo, tmp_path):
    path = tmp_path / "bieu2.xlsx"
    call_command(
        "bieu2", "--org", "LD.DD", "--period", "2025", "--format", "xlsx", "--output", str(path), stdout=StringIO()
    )
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["Biểu 2", "Biểu 2 (tiếp)"]
    sheet = workbook["Biểu 2"]
    cells = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    texts = [str(c) for row in cells for c in row if c is not None]
    assert "ĐẢNG BỘ TỈNH LÂM ĐỒNG" in texts and "HUYỆN ỦY ĐƠN DƯƠNG" in texts
    assert "THỐNG KÊ ĐẢNG VIÊN MỚI KẾT NẠP" in texts and "Huyện ủy Đơn Dương" in texts
    assert any(t.startswith("Năm 2025 (từ 01/01/2025 đến 31/12/2025)") for t in texts)
    assert "Người lập biểu" in texts and "BAN TỔ CHỨC" in texts
    form = _form()
    by_label = {row[1]: row for row in cells if row[2] is not None and isinstance(row[1], str)}
    total = by_label["Tổng số đảng viên mới kết nạp"]
    assert total[2:5] == [form.row("total").this_period, 0, "—"]
    assert by_label["   Nữ"][2] == form.row("women").this_period
    assert int(sheet.page_setup.paperSize) == 9 and sheet.page_setup.orientation == "portrait"
    assert cells[7][:2] == ["STT", "Chỉ tiêu"] and sheet.print_title_rows.replace("$", "") == "8:8"
    more = [[c for c in row] for row in workbook["Biểu 2 (tiếp)"].iter_rows(values_only=True)]
    kinh = next(row for row in more if row[1] == "Kinh")
    assert kinh[2] == next(li.this_period for li in form.by_ethnicity if li.label == "Kinh")
    totals = [row for row in more if row[1] == "Tổng cộng"]
    assert [row[2] for row in totals] == [form.row("total").this_period] * 2


def test_the_pdf_renders(seeded_demo, tmp_path):
    path = tmp_path / "bieu2.pdf"
    call_command(
        "bieu2", "--org", "LD.DD", "--period", "2025", "--format", "pdf", "--output", str(path), stdout=StringIO()
    )
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    for expected in (
        "HUYỆN ỦY ĐƠN DƯƠNG",
        "THỐNG KÊ ĐẢNG VIÊN MỚI KẾT NẠP",
        "Năm 2025",
        "Tổng số đảng viên mới kết nạp",
        "Chu Ru",
        "Người lập biểu",
        "BAN TỔ CHỨC",
        "Biểu 2 (tiếp)",
    ):
        assert expected in text, expected


# ---------------------------------------------------------------- scope


def _login(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_a_planner_sees_the_form_with_links_to_names(seeded_demo, client):
    dd = Organization.objects.get(code="LD.DD")
    page = _login(client, "donduong.kehoach").get(reverse("reports:bieu2", args=[dd.pk]), {"period": "2025"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "bieu2/admissions/" in html and "Tổng số đảng viên mới kết nạp" in html
    women = client.get(reverse("reports:bieu2_admissions", args=[dd.pk]), {"period": "2025", "row": "women"})
    assert women.status_code == 200
    rows = women.context["table"].rows
    assert len(rows) == _form().row("women").this_period
    assert {r.record.candidate.gender for r in rows} == {"female"}
    assert client.get(reverse("reports:bieu2_admissions", args=[dd.pk]), {"row": "nonsense"}).status_code == 404
    assert client.get(reverse("reports:bieu2_admissions", args=[dd.pk]), {"row": "mean_age"}).status_code == 404
    # The dashboard links to the form.
    dashboard = client.get(reverse("reports:dashboard", args=[dd.pk]), {"year": "2025"})
    assert reverse("reports:bieu2", args=[dd.pk]) in dashboard.content.decode()


def test_a_viewer_gets_counts_without_names(seeded_demo, client):
    dt_ = Organization.objects.get(code="LD.DT")
    _login(client, "xem.ductrong")
    page = client.get(reverse("reports:bieu2", args=[dt_.pk]), {"period": "2025"})
    assert page.status_code == 200
    assert "bieu2/admissions/" not in page.content.decode()
    assert page.context["form"].ids == {}
    assert page.context["form"].row("total").this_period > 0
    assert client.get(reverse("reports:bieu2_admissions", args=[dt_.pk]), {"row": "total"}).status_code == 403
    assert client.get(reverse("reports:bieu2_xlsx", args=[dt_.pk])).status_code == 200
    # Outside their district: nothing.
    dd = Organization.objects.get(code="LD.DD")
    assert client.get(reverse("reports:bieu2", args=[dd.pk])).status_code == 404


def test_an_outsider_gets_nothing(seeded_demo, client):
    dd = Organization.objects.get(code="LD.DD")
    _login(client, "ninhthuan")
    for name in ("reports:bieu2", "reports:bieu2_xlsx", "reports:bieu2_pdf", "reports:bieu2_admissions"):
        assert client.get(reverse(name, args=[dd.pk]), {"period": "2025"}).status_code == 404, name


def test_a_bad_period_on_the_page_shows_this_year(seeded_demo, client):
    dd = Organization.objects.get(code="LD.DD")
    page = _login(client, "donduong.kehoach").get(reverse("reports:bieu2", args=[dd.pk]), {"period": "2025-Q9"})
    assert page.status_code == 200
    assert page.context["period"].key == str(timezone.localdate().year)
    assert "2025-Q9" in " ".join(str(m) for m in page.context["messages"])


def test_a_year_in_the_query_as_the_report_pages_write_it_is_that_year(seeded_demo, client):
    dd = Organization.objects.get(code="LD.DD")
    page = _login(client, "donduong.kehoach").get(reverse("reports:bieu2", args=[dd.pk]), {"year": "2025"})
    assert page.context["period"].key == "2025"


def test_a_bad_year_in_the_query_shows_this_year_and_says_so(seeded_demo, client):
    dd = Organization.objects.get(code="LD.DD")
    page = _login(client, "donduong.kehoach").get(reverse("reports:bieu2", args=[dd.pk]), {"year": "20x5"})
    assert page.status_code == 200
    assert page.context["period"].key == str(timezone.localdate().year)
    assert "20x5" in " ".join(str(m) for m in page.context["messages"])


# ---------------------------------------------------------------- across moves and mergers


def test_admissions_count_where_their_organization_stood_on_the_ceremony_date(tree):
    """The school moves from Đơn Dương to Đà Lạt on 1 July; the commune merges into the
    enterprise's cell on 1 October (an invented merger): each admission counts where its
    organization stood on its ceremony day."""
    admit(tree.school, D(2025, 3, 1), Category.PUPIL)
    admit(tree.school, D(2025, 8, 1), Category.PUPIL)
    admit(tree.cell, D(2025, 5, 1), Category.FARMER)
    admit(tree.commune, D(2025, 11, 1), Category.FARMER)  # after the merger: with the successor
    today = D(2025, 12, 31)
    organization_move(organization=tree.school, new_parent=tree.city, on_date=D(2025, 7, 1), today=today)
    takes_cells(tree.enterprise)
    organization_merge(source=tree.commune, target=tree.enterprise, on_date=D(2025, 10, 1), today=today)

    def total(org, period="2025"):
        org.refresh_from_db()
        return bieu2(organization=org, period=periods.parse(period), today=today).row("total").this_period

    assert total(tree.district) == 3  # the school's March admission, the cell's, the commune's November one
    assert total(tree.city) == 1  # the school's August admission
    assert total(tree.province) == 4
    assert total(tree.enterprise) == 1  # the commune's November admission; the cell's May one stays in May's place
    assert total(tree.district, "2025-Q1") == 1 and total(tree.city, "2025-Q3") == 1
    # The merged commune's form ends on its last day (30/09), like its dashboard.
    tree.commune.refresh_from_db()
    form = bieu2(organization=tree.commune, period=YEAR, today=today)
    assert (form.period.end, form.row("total").this_period) == (D(2025, 9, 30), 1)  # the cell's May admission
    assert form.last_period.end == D(2024, 9, 30)


def test_the_organizations_block_reads_the_tree_of_its_last_day(tree):
    """The school admits in March and moves to Đà Lạt on 1 July: Đà Lạt's block of
    grassroots organizations (read in the tree of the period's last day) counts it among
    those that admitted, in 2025 and as 2026's same period last year, not among those
    that admitted nobody; its organizations add up to those standing that day."""
    admit(tree.school, D(2025, 3, 1), Category.PUPIL)
    today = D(2025, 12, 31)
    organization_move(organization=tree.school, new_parent=tree.city, on_date=D(2025, 7, 1), today=today)
    tree.city.refresh_from_db()
    form = bieu2(organization=tree.city, period=YEAR, today=today)
    assert (form.row("organizations.admitted").this_period, form.row("organizations.none_admitted").this_period) == (
        1,
        1,  # Trần Phú
    )
    later = bieu2(organization=tree.city, period=periods.parse("2026"), today=D(2026, 12, 2))
    last = {row.key: row.same_period_last_year for row in later.organization_rows}
    assert (last["organizations.admitted"], last["organizations.none_admitted"]) == (1, 1)


def test_blank_fields_count_as_not_stated(tree):
    admit(tree.school, D(2025, 3, 1), Category.PUPIL)
    form = bieu2(organization=tree.district, period=YEAR, today=D(2025, 12, 31))
    values = _values(form)
    assert values["total"] == 1
    for prefix in ("education", "professional", "theory", "youth_union"):
        assert values[f"{prefix}.not_stated"] == 1
    assert values["occupation.pupils"] == 1 and values["occupation.not_stated"] == 0
    assert fold(form.by_religion[0].label) in ("no religion", "khong")


# ---------------------------------------------------------------- the footnote on moves


def test_the_form_says_when_its_subtree_changed_during_the_period(tree, client_for, django_assert_num_queries):
    """Biểu 2 places an admission where its organization stood on the ceremony date, the
    attainment report where it stands on the report's day: after a move inside the period
    the form says so (page, .xlsx, PDF), and says nothing when nothing moved."""
    import io

    from reports.bieu2_exports import moved_within, render_pdf_html, render_xlsx

    admit(tree.school, D(2025, 3, 1), Category.PUPIL)
    today = D(2025, 12, 31)
    organization_move(organization=tree.school, new_parent=tree.city, on_date=D(2025, 7, 1), today=today)
    for org in (tree.district, tree.city, tree.other_province):
        org.refresh_from_db()

    def form(org, period="2025"):
        return bieu2(organization=org, period=periods.parse(period), today=today)

    district = form(tree.district)
    with django_assert_num_queries(1):
        assert moved_within(district) is True
    assert moved_within(form(tree.city)) is True  # moved in
    assert moved_within(form(tree.district, "2025-Q1")) is False  # before the move
    assert moved_within(form(tree.other_province)) is False
    with translation.override("vi"):
        html = render_pdf_html(form(tree.district), today=today)
        assert 'data-testid="bieu2-moved"' in html and "tại ngày kết nạp" in html
        assert "<th>Dân tộc</th>" in html and "<th>Tôn giáo</th>" in html and "<th>Chia theo" not in html
        assert 'data-testid="bieu2-moved"' not in render_pdf_html(form(tree.district, "2025-Q1"), today=today)
        workbook = load_workbook(io.BytesIO(render_xlsx(form(tree.district), today=today)))
    texts = [c for row in workbook["Biểu 2"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any(t.startswith("(*) Từ đầu cùng kỳ năm trước đến hết kỳ này có tổ chức đảng") for t in texts)
    more = [row for row in workbook["Biểu 2 (tiếp)"].iter_rows(values_only=True) if row[0] == "STT"]
    assert [row[1] for row in more] == ["Dân tộc", "Tôn giáo"]
    page = client_for("district_planner").get(reverse("reports:bieu2", args=[tree.district.pk]) + "?period=2025")
    assert 'data-testid="bieu2-moved"' in page.content.decode()


def test_a_running_period_is_beside_the_same_days_last_year(tree):
    """On 01/03/2026 the year 2026 has run two months: last year's column counts 2025 to
    01/03/2025 (as the dashboard does), not the whole of 2025. A period that is over is
    beside the whole same period."""
    from .test_reports_engine import admit

    admit(tree.school, D(2025, 2, 1))
    admit(tree.school, D(2025, 6, 1))
    admit(tree.school, D(2026, 2, 10))
    running = bieu2(organization=tree.district, period=periods.parse("2026"), today=D(2026, 3, 1))
    total = running.row("total")
    assert (total.this_period, total.same_period_last_year) == (1, 1)
    assert (running.counted_to, running.last_period.start, running.last_period.end) == (
        D(2026, 3, 1),
        D(2025, 1, 1),
        D(2025, 3, 1),
    )
    over = bieu2(organization=tree.district, period=periods.parse("2025"), today=D(2026, 3, 1))
    assert (over.row("total").this_period, over.counted_to, over.last_period.end) == (2, None, D(2024, 12, 31))
    with translation.override("vi"):
        from reports.bieu2 import form_json

        assert form_json(running)["period"]["counted_to"] == "2026-03-01"
        assert form_json(over)["period"]["counted_to"] is None


def test_counts_entered_for_its_years_are_named_and_compare_nothing(tree, client_for):
    """A year entered as a count (Kết quả các năm trước) holds no person: the form counts
    the recorded admissions alone, names the counts it leaves out, and compares nothing (a
    province that entered 85 for 2024 and recorded 1 read "7000 %" beside 70)."""
    import io

    from reports.bieu2 import form_json
    from reports.bieu2_exports import render_pdf_html, render_xlsx
    from reports.models import HistoricalResult

    admit(tree.school, D(2024, 12, 1), Category.PUPIL)
    admit(tree.school, D(2025, 3, 1), Category.PUPIL)
    admit(tree.cell, D(2025, 4, 1))
    HistoricalResult.objects.create(organization=tree.district, year=2022, count=40)  # no year of the form
    today = D(2025, 12, 31)

    def form(period="2025"):
        return bieu2(organization=tree.district, period=periods.parse(period), today=today)

    plain = form()
    assert (plain.row("total").percent, plain.entered) == (200.0, {})
    HistoricalResult.objects.create(organization=tree.district, year=2024, count=85, source="Báo cáo tổng kết 2024")
    HistoricalResult.objects.create(organization=tree.school, year=2024, category=Category.PUPIL, count=2)
    HistoricalResult.objects.create(organization=tree.school, first_year=2020, year=2024, count=7)
    entered = form()
    total = entered.row("total")
    assert (total.this_period, total.same_period_last_year) == (2, 1)  # the records, as before
    assert entered.entered == {(2020, 2024): 7, (2024, 2024): 87}
    assert {r.percent for r in [*entered.rows, *entered.organization_rows]} == {"—"}
    assert form_json(entered)["entered"] == [
        {"first_year": 2020, "last_year": 2024, "count": 7},
        {"first_year": 2024, "last_year": 2024, "count": 87},
    ]
    assert form("2025-Q1").entered  # its same period last year is part of 2024
    with translation.override("vi"):
        html = render_pdf_html(entered, today=today)
        assert 'data-testid="bieu2-entered"' in html and "2020–2024: 7; 2024: 87" in html
        assert 'data-testid="bieu2-entered"' not in render_pdf_html(plain, today=today)
        workbook = load_workbook(io.BytesIO(render_xlsx(entered, today=today)))
    texts = [c for row in workbook["Biểu 2"].iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any(t.startswith("(**) Số đảng viên mới được nhập là số của cả năm") for t in texts)
    assert not [row for row in workbook["Biểu 2"].iter_rows(values_only=True) if isinstance(row[4], float)]
    page = client_for("district_planner").get(reverse("reports:bieu2", args=[tree.district.pk]) + "?period=2025")
    assert 'data-testid="bieu2-entered"' in page.content.decode()


def test_the_form_is_issued_by_the_committee_as_the_attainment_report_is(tree):
    """The header's issuing body is the committee that leads the organization ("ĐẢNG ỦY XÃ
    KA ĐÔ" for "Đảng bộ xã Ka Đô"), as on the attainment report the same board signs."""
    from reports.bieu2_exports import heading, render_pdf_html, render_xlsx
    from reports.engine import attainment
    from reports.pdf import document_parts

    today = dt.date(2025, 12, 31)
    form = bieu2(organization=tree.commune, period=periods.parse("2025"), today=today)
    att = attainment(scope=tree.commune, year=2025, as_of=today)
    assert heading(form)["issuer"] == document_parts(att)["issuer"] == "ĐẢNG ỦY XÃ KA ĐÔ"
    assert "ĐẢNG ỦY XÃ KA ĐÔ" in render_pdf_html(form, today=today)
    cells = load_workbook(io.BytesIO(render_xlsx(form, today=today)))
    assert "ĐẢNG ỦY XÃ KA ĐÔ" in [c.value for row in cells.active.iter_rows() for c in row]
