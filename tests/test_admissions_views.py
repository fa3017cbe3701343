import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from admissions import services
from admissions.models import Admission, Candidate, Step

from .admissions_helpers import TODAY, make_candidate, walk

D = dt.date


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr("common.clock.today", lambda: TODAY)
    return TODAY


def _url(name, **kwargs):
    return reverse(f"admissions:{name}", kwargs=kwargs)


def _many(org, n, start=0):
    for i in range(start, start + n):
        make_candidate(org, full_name=f"Ứng Viên Số {i:03d}", date_of_birth=D(2000, 1, 1) + dt.timedelta(days=i))


def test_clerk_sees_the_list_with_names(client_for, tree):
    make_candidate(tree.school, full_name="Nguyễn Thị Ví Dụ")
    response = client_for("clerk").get(_url("list", org_pk=tree.school.pk))
    assert response.status_code == 200
    assert "Nguyễn Thị Ví Dụ" in response.text


def test_viewers_never_see_names(client_for, tree):
    make_candidate(tree.school, full_name="Nguyễn Thị Ví Dụ")
    client = client_for("viewer")
    for url in [
        _url("list", org_pk=tree.district.pk),
        _url("board", org_pk=tree.district.pk),
        _url("alerts", org_pk=tree.district.pk),
        _url("detail", pk=Candidate.objects.get().pk),
    ]:
        assert client.get(url).status_code == 403
    for page in [reverse("home"), reverse("organizations:detail", kwargs={"org_pk": tree.school.pk})]:
        text = client.get(page).text
        assert "Ví Dụ" not in text and _url("mine") not in text


def test_outsider_and_bad_ids_get_404(client_for, tree):
    candidate = make_candidate(tree.school)
    assert client_for("outsider").get(_url("detail", pk=candidate.pk)).status_code == 404
    assert client_for("admin").get(_url("detail", pk=999_999)).status_code == 404
    assert client_for("admin").get(f"/candidates/{candidate.pk}x/").status_code == 404


def test_wrong_method_is_405(client_for, tree):
    candidate = make_candidate(tree.school)
    client = client_for("clerk")
    assert client.post(_url("detail", pk=candidate.pk)).status_code == 405
    assert client.delete(_url("advance", pk=candidate.pk)).status_code == 405


def test_planner_reads_but_cannot_write(client_for, tree):
    candidate = make_candidate(tree.school)
    client = client_for("district_planner")
    assert client.get(_url("detail", pk=candidate.pk)).status_code == 200
    assert client.post(_url("advance", pk=candidate.pk), {"step": 2, "date": "2024-03-01"}).status_code == 403
    assert candidate.steps.count() == 1


def test_my_candidates_goes_to_the_users_organization(client_for, tree):
    response = client_for("clerk").get(_url("mine"))
    assert response["Location"] == _url("list", org_pk=tree.school.pk)
    assert client_for("viewer").get(_url("mine")).status_code == 403


def test_list_query_count_does_not_grow_with_rows(client_for, tree, today):
    client = client_for("district_planner")
    url = _url("list", org_pk=tree.district.pk) + "?sort=organization&q=ung+vien&overdue="
    _many(tree.school, 3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _many(tree.cell, 40, start=10)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few) <= 8


def test_name_search_ignores_diacritics_and_filters_combine(client_for, tree):
    make_candidate(tree.school, full_name="Nguyễn Thị Ví Dụ")
    walk(make_candidate(tree.school, full_name="Trần Văn Đức", date_of_birth=D(2004, 1, 1)), until=Step.CLASS)
    client = client_for("clerk")
    text = client.get(_url("list", org_pk=tree.school.pk), {"q": "nguyen thi"}).text
    assert "Nguyễn Thị Ví Dụ" in text and "Trần Văn Đức" not in text
    text = client.get(_url("list", org_pk=tree.school.pk), {"q": "DUC"}).text
    assert "Trần Văn Đức" in text and "Nguyễn" not in text
    text = client.get(_url("list", org_pk=tree.school.pk), {"step": Step.CLASS, "year": 2024}).text
    assert "Trần Văn Đức" in text and "Nguyễn" not in text
    response = client.get(_url("list", org_pk=tree.school.pk), {"sort": "-full_name"})
    assert response.text.index("Trần Văn Đức") < response.text.index("Nguyễn Thị Ví Dụ")


def test_overdue_filter(client_for, tree, today):
    late = walk(make_candidate(tree.school, full_name="Lê Văn Trễ Hạn"), until=Step.CELL_RESOLUTION)
    assert late.due_on < TODAY
    make_candidate(tree.school, full_name="Phan Thị Đúng Hạn", date_of_birth=D(2003, 3, 3))
    text = client_for("clerk").get(_url("list", org_pk=tree.school.pk), {"overdue": "on"}).text
    assert "Lê Văn Trễ Hạn" in text and "Đúng Hạn" not in text


def test_create_warns_about_a_duplicate_then_saves_when_confirmed(client_for, tree, today):
    make_candidate(tree.school, full_name="Nguyễn Thị Ví Dụ")
    client = client_for("clerk")
    data = {
        "organization": tree.school.pk,
        "full_name": "NGUYEN THI VI DU",
        "date_of_birth": "2005-05-10",
        "gender": "female",
        "ethnicity": "Kinh",
        "education": "upper_secondary",
        "category": "pupil",
        "introduced_by": "youth_union",
        "source_date": "2025-01-10",
    }
    response = client.post(_url("create", org_pk=tree.school.pk), data)
    assert response.status_code == 200
    assert "Tích" in response.text or "không phải cùng một người" in response.text.lower()
    assert Candidate.objects.count() == 1
    response = client.post(_url("create", org_pk=tree.school.pk), {**data, "allow_duplicate": "on"})
    assert response.status_code == 302
    assert Candidate.objects.count() == 2


def test_create_refuses_an_organization_outside_scope(client_for, tree, today):
    response = client_for("clerk").post(
        _url("create", org_pk=tree.school.pk),
        {
            "organization": tree.city_school.pk,
            "full_name": "Ai Đó",
            "date_of_birth": "2005-05-10",
            "gender": "male",
            "ethnicity": "Kinh",
            "education": "upper_secondary",
            "category": "pupil",
            "introduced_by": "none",
            "source_date": "2025-01-10",
        },
    )
    assert response.status_code == 200
    assert not Candidate.objects.exists()


def test_advance_form_shows_the_vietnamese_reason_and_saves_nothing(client_for, tree, today):
    candidate = make_candidate(tree.school)
    client = client_for("clerk")
    response = client.post(_url("advance", pk=candidate.pk), {"step": Step.CLASS, "date": "2024-01-01"})
    assert response.status_code == 200
    assert "không được trước bước trước" in response.text
    assert candidate.steps.count() == 1
    response = client.post(
        _url("advance", pk=candidate.pk), {"step": Step.CLASS, "date": "2024-03-01", "document_number": "GCN-9"}
    )
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.step == Step.CLASS


def test_the_candidate_pages_read_dates_day_first_in_any_browser_language(client_for, tree, today):
    """06/03/2024 is 6 March, as a clerk types it, whatever language the browser speaks; the
    forms show dates back the same way (not a browser date picker reading mm/dd/yyyy)."""
    candidate = make_candidate(tree.school)
    client = client_for("clerk")
    client.post(_url("advance", pk=candidate.pk), {"step": Step.CLASS, "date": "06/03/2024"})
    assert candidate.steps.get(step=Step.CLASS).date == D(2024, 3, 6)
    page = client.get(_url("edit", pk=candidate.pk)).text
    assert 'type="date"' not in page and 'placeholder="dd/mm/yyyy"' in page
    assert candidate.date_of_birth.strftime("%d/%m/%Y") in page
    no_such_day = client.post(_url("advance", pk=candidate.pk), {"step": Step.HELPERS, "date": "31/02/2024"})
    assert no_such_day.status_code == 200
    assert not candidate.steps.filter(step=Step.HELPERS).exists()


def test_introductions_through_the_form(client_for, tree, today):
    candidate = walk(make_candidate(tree.school), until=Step.VERIFICATION)
    client = client_for("clerk")
    form = {
        "step": Step.INTRODUCTION,
        "date": "2024-07-01",
        "introducer1_kind": "member",
        "introducer1_name": "Ông A",
        "introducer1_since": "2023-07-01",
    }
    response = client.post(_url("advance", pk=candidate.pk), {**form, "introducer2_kind": "member"})
    assert response.status_code == 200 and candidate.introducers.count() == 0
    response = client.post(
        _url("advance", pk=candidate.pk), {**form, "introducer2_kind": "youth_union", "introducer2_name": "BCH Đoàn"}
    )
    assert response.status_code == 302 and candidate.introducers.count() == 2


def test_log_admission_and_recognition(client_for, tree, today):
    candidate = walk(make_candidate(tree.school))
    client = client_for("clerk")
    assert client.post(_url("admit", pk=candidate.pk), {"ceremony_date": "2024-09-01"}).status_code == 200
    assert not Admission.objects.exists()
    assert client.post(_url("admit", pk=candidate.pk), {"ceremony_date": "2024-09-30"}).status_code == 302
    admission = Admission.objects.get()
    assert admission.organization == tree.school
    response = client.post(_url("recognize", pk=candidate.pk), {"on_date": "2025-06-01", "decision_number": "9"})
    assert response.status_code == 200  # before the end of probation
    page = client.get(_url("detail", pk=candidate.pk)).text
    assert "123-QĐ/HU" in page and "30/09/2025" in page


def test_a_decision_recorded_without_its_number_is_given_it_at_the_ceremony(client_for, tree, today):
    """The decision step takes no number; the admission needs one: the form asks for it
    (before, the candidate could never be admitted: the form had no field for it)."""
    candidate = walk(make_candidate(tree.school), until=Step.DECISION - 1)
    services.candidate_advance(
        candidate=candidate, step=Step.DECISION, date=D(2024, 9, 20), document_number="", user=None, today=TODAY
    )
    client = client_for("clerk")
    with translation.override("vi"):
        page = client.get(_url("admit", pk=candidate.pk)).text
        assert "Số quyết định kết nạp" in page
        response = client.post(_url("admit", pk=candidate.pk), {"ceremony_date": "2024-09-30"})
        assert response.status_code == 200 and not Admission.objects.exists()  # the number is required
    form = {"ceremony_date": "2024-09-30", "decision_number": "77-QĐ/HU"}
    assert client.post(_url("admit", pk=candidate.pk), form).status_code == 302
    assert Admission.objects.get().decision_number == "77-QĐ/HU"
    # A decision recorded with its number: nothing more is asked.
    other = walk(make_candidate(tree.school, full_name="Người Khác", date_of_birth=D(2001, 2, 2)))
    assert "decision_number" not in client.get(_url("admit", pk=other.pk)).text


def test_a_grassroots_cells_board_has_no_committee_resolution_column(client_for, tree):
    client = client_for("district_planner")
    with translation.override("vi"):
        label = str(Step.COMMITTEE_RESOLUTION.label)
    assert label not in client.get(_url("board", org_pk=tree.school.pk)).text  # a grassroots cell
    assert label in client.get(_url("board", org_pk=tree.commune.pk)).text  # its cells have one


def test_board_shows_counts_and_names(client_for, tree):
    walk(make_candidate(tree.school, full_name="Cột Bảy"), until=Step.CELL_RESOLUTION)
    make_candidate(tree.school, full_name="Cột Một", date_of_birth=D(2001, 1, 1))
    response = client_for("clerk").get(_url("board", org_pk=tree.school.pk))
    columns = {c["step"]: c for c in response.context["columns"]}
    assert columns[Step.CELL_RESOLUTION]["count"] == 1 and columns[Step.SOURCE]["count"] == 1
    assert "Cột Bảy" in response.text and "Cột Một" in response.text


def test_alerts_page_and_home_section(client_for, tree, monkeypatch):
    monkeypatch.setattr("common.clock.today", lambda: D(2025, 9, 15))
    walk(make_candidate(tree.school, full_name="Lê Văn Trễ Hạn"), until=Step.CELL_RESOLUTION)
    admitted = walk(make_candidate(tree.school, full_name="Sắp Hết Dự Bị", date_of_birth=D(2002, 2, 2)))
    services.admission_record(candidate=admitted, ceremony_date=D(2024, 9, 30), user=None, today=TODAY)
    client = client_for("clerk")
    response = client.get(_url("alerts", org_pk=tree.school.pk))
    alerts = response.context["alerts"]
    assert [c.full_name for c in alerts["decisions"]["rows"]] == ["Lê Văn Trễ Hạn"]
    assert alerts["decisions"]["rows"][0].due_on.strftime("%d/%m/%Y") in response.text
    assert [a.candidate.full_name for a in alerts["probation"]["rows"]] == ["Sắp Hết Dự Bị"]
    assert "Hết thời gian dự bị trong 30 ngày tới" in response.text
    home = client.get(reverse("home"))
    assert 'data-testid="admissions-alerts"' in home.text
    assert 'data-testid="admissions-alerts"' not in client_for("viewer").get(reverse("home")).text


def test_withdraw_and_archive_from_the_pages(client_for, tree, today):
    candidate = make_candidate(tree.school)
    client = client_for("clerk")
    response = client.post(_url("withdraw", pk=candidate.pk), {"outcome": "moved_away", "on_date": "2025-03-01"})
    assert response.status_code == 302
    response = client.post(_url("archive", pk=candidate.pk), {"reason": "nhập trùng"})
    assert response.status_code == 302
    assert Candidate.objects.get().archived_at is not None
    assert "Ví Dụ" not in client.get(_url("list", org_pk=tree.school.pk)).text


@pytest.mark.parametrize("page", ["board", "alerts"])
def test_board_and_alerts_run_a_fixed_number_of_queries(client_for, tree, today, page):
    client = client_for("district_planner")
    url = _url(page, org_pk=tree.district.pk)
    walk(make_candidate(tree.school, full_name="Một Người"), until=Step.CELL_RESOLUTION)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(12):
        walk(
            make_candidate(tree.cell, category="farmer", full_name=f"Người Số {i}", date_of_birth=D(1990, 1, 1 + i)),
            until=Step(1 + i % 8),
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_board_quick_form_records_the_next_step_and_returns_to_the_board(client_for, tree, today):
    candidate = make_candidate(tree.school)
    client = client_for("clerk")
    board = _url("board", org_pk=tree.school.pk)
    assert 'class="quick-advance"' in client.get(board).text
    response = client.post(
        _url("advance", pk=candidate.pk),
        {"step": Step.CLASS, "date": "2024-03-01", "document_number": "GCN-1", "next": board},
    )
    assert response["Location"] == board
    candidate.refresh_from_db()
    assert candidate.step == Step.CLASS
    # a foreign "next" is ignored
    response = client.post(
        _url("advance", pk=candidate.pk), {"step": Step.HELPERS, "date": "2024-03-05", "next": "https://evil.example/"}
    )
    assert response["Location"] == candidate.get_absolute_url()


def test_export_holds_only_the_scope_and_the_filter(client_for, tree, today):
    import io

    from openpyxl import load_workbook

    make_candidate(tree.school, full_name="Trong Trường")
    make_candidate(tree.cell, full_name="Ở Thôn", category="farmer", date_of_birth=D(1990, 2, 2))
    make_candidate(tree.city_school, full_name="Ở Đà Lạt", date_of_birth=D(2005, 2, 2))

    def names(user, org, **params):
        response = client_for(user).get(_url("export", org_pk=org.pk), params)
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        return sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))

    assert names("clerk", tree.school) == ["Trong Trường"]
    assert names("district_planner", tree.district) == ["Trong Trường", "Ở Thôn"]
    assert names("district_planner", tree.district, category="farmer") == ["Ở Thôn"]
    assert names("province_planner", tree.province, q="da lat") == ["Ở Đà Lạt"]


def test_submitting_the_empty_filter_form_filters_nothing(client_for, tree):
    walk(make_candidate(tree.school, full_name="Đã Học Lớp"), until=Step.CLASS)
    make_candidate(tree.school, full_name="Mới Vào Nguồn", date_of_birth=D(2003, 3, 3))
    blank = {"q": "", "step": "", "category": "", "outcome": "", "year": ""}
    text = client_for("clerk").get(_url("list", org_pk=tree.school.pk), blank).text
    assert "Đã Học Lớp" in text and "Mới Vào Nguồn" in text
    assert '<option value="" selected>Tất cả</option>' in text


def test_detail_shows_who_changed_what_old_to_new(client_for, tree, users, today):
    candidate = make_candidate(tree.school, users.clerk)
    services.candidate_advance(
        candidate=candidate, step=Step.CLASS, date=D(2024, 3, 1), document_number="GCN-1", user=users.clerk, today=TODAY
    )
    client = client_for("clerk")
    with CaptureQueriesContext(connection) as queries:
        text = client.get(_url("detail", pk=candidate.pk)).text
    assert "01/02/2024 → <strong>01/03/2024</strong>" in text
    assert "Đưa vào diện tạo nguồn → <strong>Học lớp bồi dưỡng nhận thức về Đảng</strong>" in text
    assert ">clerk<" in text
    assert len(queries) <= 12


def test_history_reasons_are_shown_in_the_readers_language(client_for, tree, users):
    """The services store their reasons as English keys; pages show them translated."""
    candidate = walk(make_candidate(tree.school, user=users.clerk), until=Step.CLASS, user=users.clerk)
    html = client_for("clerk").get(_url("detail", pk=candidate.pk)).content.decode()
    history = html.split("<h2>Lịch sử thay đổi</h2>", 1)[1]
    assert "(chuyển bước)" in history and "Tạo mới" in history
    assert "advanced" not in history and "Created" not in history and "created" not in history


def test_the_board_names_the_next_step_and_marks_the_days_late(client_for, tree, monkeypatch):
    monkeypatch.setattr("common.clock.today", lambda: D(2025, 9, 15))
    late = walk(make_candidate(tree.school, full_name="Lê Văn Trễ Hạn"), until=Step.CELL_RESOLUTION)
    make_candidate(tree.school, full_name="Cột Một", date_of_birth=D(2001, 1, 1))
    page = client_for("clerk").get(_url("board", org_pk=tree.school.pk)).content.decode()
    days = (D(2025, 9, 15) - late.due_on).days
    assert f'data-days-late="{days}"' in page and f"trễ {days} ngày" in page
    # The quick buttons say the step by name (a grassroots cell goes on to the decision), not "→ 9".
    with translation.override("vi"):
        decision, certificate = str(Step.DECISION.label), str(Step.CLASS.label)
    assert f"→ {decision}" in page and f"→ {certificate}" in page
    assert "→ 9<" not in page and "→ 2<" not in page


def test_the_list_marks_overdue_candidates_with_the_days_late(client_for, tree, monkeypatch):
    monkeypatch.setattr("common.clock.today", lambda: D(2025, 9, 15))
    late = walk(make_candidate(tree.school, full_name="Lê Văn Trễ Hạn"), until=Step.CELL_RESOLUTION)
    page = client_for("clerk").get(_url("list", org_pk=tree.school.pk)).content.decode()
    days = (D(2025, 9, 15) - late.due_on).days
    assert f'data-days-late="{days}"' in page and f"trễ {days} ngày" in page


def test_the_alerts_give_the_days_late_and_a_link_to_act(client_for, tree, monkeypatch):
    monkeypatch.setattr("common.clock.today", lambda: D(2026, 1, 15))
    late = walk(make_candidate(tree.school, full_name="Lê Văn Trễ Hạn"), until=Step.CELL_RESOLUTION)
    admitted = walk(make_candidate(tree.school, full_name="Chưa Công Nhận", date_of_birth=D(2002, 2, 2)))
    admission = services.admission_record(candidate=admitted, ceremony_date=D(2024, 9, 30), user=None, today=TODAY)
    response = client_for("clerk").get(_url("alerts", org_pk=tree.school.pk))
    page = response.content.decode()
    assert f'data-days-late="{(D(2026, 1, 15) - late.due_on).days}"' in page
    assert f'data-days-late="{(D(2026, 1, 15) - admission.recognition_due).days}"' in page
    assert _url("advance", pk=late.pk) in page and _url("recognize", pk=admitted.pk) in page
    # A viewer of names who cannot write sees the days late but no link to act.
    planner_page = client_for("district_planner").get(_url("alerts", org_pk=tree.district.pk)).content.decode()
    assert _url("advance", pk=late.pk) not in planner_page


def test_the_probation_heading_says_the_alert_window_of_the_settings(client_for, tree, settings):
    settings.ADMISSION_RULES = {**settings.ADMISSION_RULES, "ALERT_DAYS": 45}
    response = client_for("clerk").get(_url("alerts", org_pk=tree.school.pk))
    assert "Hết thời gian dự bị trong 45 ngày tới" in response.text


def test_the_biểu_2_fields_filter_the_list_and_go_into_the_export(client_for, tree, today):
    """Issue 15: find the records Biểu 2 counts, and those that do not state what it needs."""
    import io

    from openpyxl import load_workbook

    make_candidate(
        tree.school,
        full_name="Đoàn Viên Đủ",
        youth_union_member=True,
        general_education="upper_secondary",
        professional_level="university",
        theory_level="primary",
    )
    make_candidate(tree.school, full_name="Chưa Khai Gì", date_of_birth=D(2003, 3, 3))
    make_candidate(
        tree.school,
        full_name="Không Phải Đoàn Viên",
        date_of_birth=D(1990, 4, 4),
        youth_union_member=False,
        general_education="lower_secondary",
        professional_level="none",
        theory_level="none",
    )
    client = client_for("clerk")
    url = _url("list", org_pk=tree.school.pk)

    def listed(**params):
        text = client.get(url, params).text
        return {n for n in ("Đoàn Viên Đủ", "Chưa Khai Gì", "Không Phải Đoàn Viên") if n in text}

    assert listed(youth_union_member="yes") == {"Đoàn Viên Đủ"}
    assert listed(youth_union_member="no") == {"Không Phải Đoàn Viên"}
    assert listed(youth_union_member="not_stated") == {"Chưa Khai Gì"}
    assert listed(general_education="upper_secondary") == {"Đoàn Viên Đủ"}
    assert listed(professional_level="none") == {"Không Phải Đoàn Viên"}
    assert listed(theory_level="not_stated") == {"Chưa Khai Gì"}
    assert listed(readmission="yes") == set()
    assert len(listed(readmission="no")) == 3
    text = client.get(url).text
    assert "Chưa khai" in text and "Lý luận chính trị" in text

    response = client.get(_url("export", org_pk=tree.school.pk), {"youth_union_member": "yes"})

    def sheet_rows(response):
        return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))

    rows = sheet_rows(response)
    header, row = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert len(rows) == 2
    for title in ("Kết nạp lại", "Đoàn viên", "Giáo dục phổ thông", "Chuyên môn nghiệp vụ", "Lý luận chính trị"):
        assert title in header
    assert row["Họ và tên"] == "Đoàn Viên Đủ" and row["Đoàn viên"] == "Có" and row["Kết nạp lại"] == "Không"
    assert row["Giáo dục phổ thông"] == "Trung học phổ thông"
    assert row["Chuyên môn nghiệp vụ"] == "Đại học" and row["Lý luận chính trị"] == "Sơ cấp"
    response = client.get(_url("export", org_pk=tree.school.pk), {"q": "chua khai"})
    header, values = sheet_rows(response)
    row = dict(zip(header, values, strict=True))
    assert row["Đoàn viên"] == row["Lý luận chính trị"] == "Chưa khai"
    assert row["Hạn bước tiếp theo"] != "Chưa khai"
