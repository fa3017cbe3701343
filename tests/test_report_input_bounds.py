"""A day typed into a report's URL outside the years a report may be of is refused on the
page, never a server error; a rate in the workbook holds the fraction it shows."""

from decimal import Decimal

from django.urls import reverse

from reports.report.table import fraction


def test_a_day_of_1900_is_refused_with_a_message_not_a_server_error(tree, client_for):
    client = client_for("district_planner")
    client.raise_request_exception = False
    said = "Chọn một ngày trong các năm từ 2000 đến 2100."
    for name in ("reports:dashboard", "reports:compare", "reports:bieu2", "reports:admissions"):
        for query in (
            {"as_of": "1900-01-01"},
            {"from": "1900-01-01", "to": "1900-02-01"},
            {"as_of": "2101-01-01"},
            {"period": "1900"},
        ):
            response = client.get(reverse(name, args=[tree.district.pk]), query)
            assert response.status_code == 200, (name, query)
            if "period" in query:
                assert "“1900” không phải là kỳ báo cáo" in response.content.decode(), (name, query)
            elif name != "reports:bieu2" or "from" in query:  # Biểu 2 is of a period, not of a day
                assert said in response.content.decode(), (name, query)


def test_an_export_of_such_a_day_goes_back_to_the_page(tree, client_for):
    client = client_for("district_planner")
    for name in ("reports:export_pdf", "reports:export_xlsx"):
        response = client.get(reverse(name, args=[tree.district.pk]), {"as_of": "1900-01-01"})
        assert response.status_code == 302 and "/export" not in response["Location"]


def test_a_rate_is_the_fraction_excel_shows():
    assert fraction(Decimal("33.3")) == 0.333
    assert fraction(Decimal("100.0")) == 1.0
    assert fraction(None) is None


def test_the_first_and_last_years_a_report_may_be_of_are_reports_not_errors(tree, client_for):
    """The bounds of 1900 once gave 2000 a server error: its same period last year (1999)
    was refused as a year no report may be of."""
    from io import StringIO

    from django.core.management import call_command

    client = client_for("district_planner")
    client.raise_request_exception = False
    for query in ({"year": "2000"}, {"as_of": "2000-06-30"}, {"period": "2000-Q1"}, {"year": "2100"}):
        for name in ("reports:dashboard", "reports:compare", "reports:bieu2", "reports:export_xlsx"):
            response = client.get(reverse(name, args=[tree.district.pk]), query)
            # 2100 has not begun: its export goes back to the page, which says so
            assert response.status_code in ((302,) if "export" in name and "2100" in str(query) else (200,))
    for year in ("2000", "2100", "2100-Q1"):
        response = client.get(reverse("submissions:board", args=[tree.district.pk, year]))
        assert response.status_code in (200, 302), year
    out = StringIO()
    call_command("attainment", "--org", tree.district.code, "--year", "2000", stdout=out)
    assert out.getvalue()
