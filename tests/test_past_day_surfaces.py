"""A board reading the reorganized demo for a past day gets that day's figures, or a clear
refusal, never a form or report of a day that does not fit what it asked:

* an "as of" day without a year reports on that day's year (pages, exports, commands: one
  rule, reports.periods.choose); a day before the year or period asked is refused;
* Biểu 2 of a committee for a period it never stood in is refused (as sending its report
  is), the periods it stood in only partly are still made;
* the admissions behind a figure say how the figure counts them: where the organizations
  stand on the report's day, as the dashboard does (not Biểu 2's rule)."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse
from lxml import html as lxml_html

from organizations.models import Organization

PROVINCE, DISTRICT, COMMUNE, SCHOOL = "LD", "LD.DD", "LD.X-DONDUONG", "LD.DD.THPT-DD"


def _org(code: str) -> Organization:
    return Organization.objects.get(code=code)


def _get(client, name: str, code: str, params: dict, user: str = "tinh.kehoach"):
    client.force_login(get_user_model().objects.get(username=user))
    return client.get(reverse(f"reports:{name}", args=[_org(code).pk]), params)


def _page(response):
    assert response.status_code == 200
    return lxml_html.fromstring(response.content.decode())


def _text(page, testid: str) -> str:
    return " ".join(" ".join(e.text_content().split()) for e in page.xpath(f'//*[@data-testid="{testid}"]'))


def _rule_sentence(page) -> str:
    """The sentence under the title of the admissions behind a figure."""
    (sentence,) = page.xpath('//section[@class="card"]/p[@class="muted"]')
    return " ".join(sentence.text_content().split())


def _messages(page) -> str:
    return " ".join(" ".join(li.text_content().split()) for li in page.xpath('//ul[@class="messages"]/li'))


def _attainment(*args: str) -> dict:
    out = StringIO()
    call_command("attainment", *args, stdout=out)
    return json.loads(out.getvalue())


# ------------------------------------------------------------- 1. an "as of" day without a year


def test_the_attainment_command_reports_on_the_year_of_its_as_of_day(reorganized_demo):
    asked = _attainment("--org", PROVINCE, "--as-of", "2025-06-30")
    explicit = _attainment("--org", PROVINCE, "--year", "2025", "--as-of", "2025-06-30")
    assert (asked["year"], asked["as_of"]) == (2025, "2025-06-30")
    assert asked["actual"] == explicit["actual"] > 0  # the province's first half of 2025, not zeros of 2026


def test_a_day_before_the_year_or_period_asked_is_refused_by_the_command(reorganized_demo):
    with pytest.raises(CommandError, match=r"30/06/2025 ở trước kỳ “Năm 2026”.*báo cáo năm 2025"):
        _attainment("--org", PROVINCE, "--year", "2026", "--as-of", "2025-06-30")
    with pytest.raises(CommandError, match=r"30/06/2025 ở trước kỳ “Quý III năm 2025”"):
        _attainment("--org", PROVINCE, "--period", "2025-Q3", "--as-of", "2025-06-30")
    # A day after the year asked reads as its last day: the year whole.
    late = _attainment("--org", PROVINCE, "--year", "2024", "--as-of", "2025-06-30")
    assert (late["year"], late["as_of"]) == (2024, "2024-12-31")


def test_the_dashboard_reports_on_the_year_of_its_as_of_day(reorganized_demo, client):
    page = _page(_get(client, "dashboard", PROVINCE, {"as_of": "2025-06-30"}))
    explicit = _page(_get(client, "dashboard", PROVINCE, {"year": "2025", "as_of": "2025-06-30"}))
    assert page.xpath('//input[@id="id_year"]/@value') == ["2025"]
    assert _text(page, "actual") == _text(explicit, "actual")
    assert not _text(page, "actual").startswith("0")
    assert "Năm 2026" not in page.text_content() and not _messages(page)


def test_the_dashboard_refuses_a_day_before_the_year_asked_and_says_why(reorganized_demo, client):
    page = _page(_get(client, "dashboard", PROVINCE, {"year": "2026", "as_of": "2025-06-30"}))
    assert "Ngày báo cáo 30/06/2025 ở trước kỳ “Năm 2026” (bắt đầu từ ngày 01/01/2026)" in _messages(page)
    # Not a report of 2026 counted to 30/06/2025 (its zeros read "not begun").
    assert "bắt đầu từ ngày 01/01/2026: các chỉ tiêu" not in page.text_content()


def test_the_drill_down_and_the_export_read_the_year_of_their_as_of_day(reorganized_demo, client):
    dashboard = _page(_get(client, "dashboard", PROVINCE, {"year": "2025", "as_of": "2025-06-30"}))
    admissions = _page(_get(client, "admissions", PROVINCE, {"as_of": "2025-06-30"}))
    assert admissions.xpath("//h1")[0].text_content().strip().endswith("năm 2025")
    assert _rule_sentence(admissions).startswith(_text(dashboard, "actual").split()[0] + " đảng viên")

    response = _get(client, "export_xlsx", SCHOOL, {"as_of": "2025-06-30"})
    assert response.status_code == 200
    assert "bao-cao-2025-" in response["Content-Disposition"]


def test_the_period_chooser_keeps_only_a_day_the_reader_chose(reorganized_demo, client):
    """The chooser is sent with every field: a default day kept in it would be a day before
    the next year chosen, refused. Left empty, changing the year reads the new one."""
    page = _page(_get(client, "dashboard", PROVINCE, {"year": "2025"}))
    assert page.xpath('//input[@id="id_as_of"]/@value') in ([], [""])
    assert page.xpath('//input[@id="id_year"]/@value') == ["2025"]
    changed = _page(_get(client, "dashboard", PROVINCE, {"year": "2026", "period": "2025", "as_of": ""}))
    assert changed.xpath('//input[@id="id_year"]/@value') == ["2026"] and not _messages(changed)
    typed = _page(_get(client, "dashboard", PROVINCE, {"year": "2025", "as_of": "2025-06-30"}))
    assert typed.xpath('//input[@id="id_as_of"]/@value') == ["30/06/2025"]


# ------------------------------------------------- 2. Biểu 2 of a period the committee never stood in


ENDED = "Huyện ủy Đơn Dương đã sáp nhập hoặc giải thể từ ngày 01/07/2025 (ngày hoạt động cuối cùng: 30/06/2025)"


def test_bieu2_of_a_period_after_the_district_ended_is_refused_by_the_command(reorganized_demo):
    with pytest.raises(CommandError, match=r"trước khi kỳ “Quý III năm 2025” bắt đầu"):
        call_command("bieu2", "--org", DISTRICT, "--period", "2025-Q3", stdout=StringIO())
    with pytest.raises(CommandError, match="đã sáp nhập hoặc giải thể từ ngày 01/07/2025"):
        call_command("bieu2", "--org", DISTRICT, "--from", "2025-08-01", "--to", "2025-08-31", stdout=StringIO())
    # The periods it stood in, if only partly, are made as before: cut at its last day.
    for key in ("2025", "2025-6M"):
        out = StringIO()
        call_command("bieu2", "--org", DISTRICT, "--period", key, stdout=out)
        form = json.loads(out.getvalue())
        assert (form["period"]["start"], form["period"]["end"]) == ("2025-01-01", "2025-06-30")
    # Without a period: its last year (not this year, which it never stood in).
    out = StringIO()
    call_command("bieu2", "--org", DISTRICT, stdout=out)
    assert json.loads(out.getvalue())["period"]["end"] == "2025-06-30"


def test_bieu2_of_a_period_after_the_district_ended_is_refused_on_the_page(reorganized_demo, client):
    page = _page(_get(client, "bieu2", DISTRICT, {"period": "2025-Q3"}, user="donduong.kehoach"))
    assert ENDED in _text(page, "not-standing")
    assert not page.xpath('//table[@data-testid="bieu2"]')
    assert not page.xpath('//*[@data-testid="bieu2-xlsx" or @data-testid="bieu2-pdf"]')
    assert "01/07/2025 đến ngày 01/07/2025" not in page.text_content()
    # Its files are refused too, and so are the admissions behind a cell.
    for name in ("bieu2_xlsx", "bieu2_pdf"):
        response = _get(client, name, DISTRICT, {"period": "2025-Q3"}, user="donduong.kehoach")
        assert response.status_code == 302
    assert _get(client, "bieu2_admissions", DISTRICT, {"period": "2025-Q3"}).status_code == 404
    # The year and its first six months, which it stood in partly, still have their form.
    for key in ("2025", "2025-6M"):
        page = _page(_get(client, "bieu2", DISTRICT, {"period": key}, user="donduong.kehoach"))
        assert page.xpath('//table[@data-testid="bieu2"]') and page.xpath('//*[@data-testid="bieu2-xlsx"]')
        assert not _text(page, "not-standing")


def test_bieu2_of_a_period_before_the_commune_was_founded_is_refused(reorganized_demo, client):
    page = _page(_get(client, "bieu2", COMMUNE, {"period": "2025-Q1"}))
    assert "Đảng ủy xã Đơn Dương được thành lập ngày 01/07/2025, sau khi kỳ “Quý I năm 2025” đã kết thúc" in _text(
        page, "not-standing"
    )
    with pytest.raises(CommandError, match="được thành lập ngày 01/07/2025"):
        call_command("bieu2", "--org", COMMUNE, "--period", "2025-Q1", stdout=StringIO())


# -------------------------------------------------- 3. what the admissions behind a figure count


def test_the_admissions_behind_a_figure_say_they_count_as_the_report_does(reorganized_demo, client):
    """16 admissions of 2025 count at xã Đơn Dương in the tree of 31/12/2025 (with the
    communes merged into it), as its dashboard says; Biểu 2, which places each where its
    organization stood on the ceremony date, counts 8 (before 01/07 the commune did not exist)."""
    params = {"year": "2025", "as_of": "2025-12-31"}
    sentence = _rule_sentence(_page(_get(client, "admissions", COMMUNE, params)))
    dashboard = _page(_get(client, "dashboard", COMMUNE, params))
    out = StringIO()
    call_command("bieu2", "--org", COMMUNE, "--period", "2025", stdout=out)
    by_ceremony_day = json.loads(out.getvalue())["rows"][0]["this_period"]

    assert _text(dashboard, "actual").split()[0] == "16" and sentence.startswith("16 đảng viên")
    assert by_ceremony_day == 8
    assert "tại thời điểm kết nạp" not in sentence
    assert "tính theo tổ chức đảng tại ngày báo cáo 31/12/2025 (tổ chức đã hợp nhất tính vào tổ chức kế thừa)" in (
        sentence
    )


# --- a period begun after the organization ended ----------------------------------------------


def test_a_report_of_a_period_begun_after_its_end_is_refused_not_read_as_not_begun(reorganized_demo, client):
    """Huyện ủy Đơn Dương's last day was 30/06/2025: its 2025-Q3 report was shown as "not
    begun" with no figures (Q3 "begins on 01/07/2025"); it has no report of that period."""
    response = _get(client, "dashboard", DISTRICT, {"period": "2025-Q3"})
    page = _page(response)
    said = " ".join(" ".join(li.text_content().split()) for li in page.xpath('//ul[@class="messages"]/li'))
    assert "30/06/2025" in said and "không có báo cáo của kỳ đó" in said
    with pytest.raises(CommandError, match="không có báo cáo của kỳ đó"):
        call_command("attainment", "--org", DISTRICT, "--period", "2025-Q3", stdout=StringIO())
    # The periods it stood in, whole or in part, still read as before.
    out = StringIO()
    call_command("attainment", "--org", DISTRICT, "--period", "2025-6M", stdout=out)
    assert json.loads(out.getvalue())["as_of"] == "2025-06-30"


def test_an_export_of_a_day_before_the_organization_was_founded_is_refused(tree, client_for):
    """xã Đơn Dương's PDF as of 30/06/2025 (founded 01/07/2025) read as a plain report of
    zeros; its page said first that it did not exist yet. The report of that day still says
    so, but no document is made of it (a board would sign a report of a committee that did
    not exist): the export is refused with the message the commands give, as one of days to
    come is; the year-end's is made."""
    import datetime as dt

    from django.urls import reverse

    from organizations.models import Organization
    from reports.engine import attainment
    from reports.report import build_report

    Organization.objects.filter(pk=tree.commune.pk).update(founded_on=dt.date(2025, 7, 1))
    tree.commune.refresh_from_db()
    june = build_report(attainment(scope=tree.commune, year=2025, as_of=dt.date(2025, 6, 30)))
    assert "Thành lập ngày 01/07/2025: vào ngày báo cáo, tổ chức chưa được thành lập" in june.summary.caption
    year_end = build_report(attainment(scope=tree.commune, year=2025, as_of=dt.date(2025, 12, 31)))
    assert "Thành lập ngày" not in year_end.summary.caption
    client = client_for("district_planner")
    page = client.get(reverse("reports:dashboard", args=[tree.commune.pk]), {"as_of": "2025-06-30"}).content.decode()
    assert "không xuất được báo cáo của ngày này" in page
    for name in ("reports:export_pdf", "reports:export_xlsx"):
        response = client.get(reverse(name, args=[tree.commune.pk]), {"as_of": "2025-06-30"}, follow=True)
        assert response.redirect_chain and "attachment" not in response.get("Content-Disposition", "")
        assert "Tổ chức được thành lập ngày 01/07/2025, sau ngày 30/06/2025: không có báo cáo tính đến ngày này." in (
            response.content.decode()
        )
    response = client.get(reverse("reports:export_pdf", args=[tree.commune.pk]), {"as_of": "2025-12-31"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_the_form_2_link_keeps_the_span_the_page_counts(tree, client_for):
    """From the province's page as of 30/06/2025 (30 admitted) the Biểu 2 button opened the
    whole year's form (70); from a quarter's page, the year's."""
    client = client_for("district_planner")
    url = reverse("reports:dashboard", args=[tree.district.pk])

    def link(**query):
        page = lxml_html.fromstring(client.get(url, query).content)
        return page.xpath("//*[@data-testid='bieu2-link']")[0].get("href").split("?")[1]

    assert link(as_of="2025-06-30") == "from=2025-01-01&to=2025-06-30"
    assert link(year="2025") == "period=2025"
    assert link(period="2025-Q3") == "period=2025-Q3"


def test_an_export_of_a_refused_period_is_not_a_file_of_another_one(tree, client_for):
    """The dissolved district's PDF for 2025-Q3 (begun after its last day) downloaded its
    2025 report instead, the refusal lost with the download."""
    import datetime as dt

    from organizations.services import organization_dissolve

    organization_dissolve(organization=tree.city_school, on_date=dt.date(2025, 7, 1), today=dt.date(2025, 7, 1))
    client = client_for("admin")
    for name in ("reports:export_pdf", "reports:export_xlsx"):
        response = client.get(reverse(name, args=[tree.city_school.pk]), {"period": "2025-Q3"})
        assert response.status_code == 302 and "/export" not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "trước khi Quý III năm 2025 bắt đầu" in page
