"""The statistical form of new members (Biểu 2): the page, its .xlsx and PDF, and the
admissions behind each cell (names: VIEW_PERSONAL only; viewers see the counts)."""

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from admissions.models import Admission
from common import clock
from common.db import report_reads
from common.files import PDF_TYPE, attachment
from common.workbook import xlsx_response
from common.xlsx import parse_date
from organizations import access
from organizations.access import Perm, org_view

from . import periods
from .bieu2 import bieu2 as compute
from .bieu2 import entered_note, founded_note, moved_note, moved_within
from .tables import admission_table

PAGE_SIZE = 100
COLUMNS = ("this", "last")


def _period(request, today: dt.date, organization) -> tuple[periods.Period, bool]:
    """The period the query string names (`period=2025-Q1`, or `from` and `to` as
    dd/mm/yyyy or ISO; `year=2025`, as the report pages name a year, is that year), by
    default the year of the report pages (this one, or a merged or dissolved
    organization's last); and whether the query was bad."""
    default = periods.choose(today, last_day=organization.last_day)[0]
    start, end = request.GET.get("from", "").strip(), request.GET.get("to", "").strip()
    key = request.GET.get("period", "").strip() or request.GET.get("year", "").strip()
    try:
        if start or end:
            first, last = parse_date(start), parse_date(end)
            if first is None or last is None:
                raise ValueError(_("Give both dates of the period (dd/mm/yyyy)."))
            period = periods.between(first, last, checked=True)
        elif key:
            period = periods.parse(key)
        else:
            return default, False
    except ValueError as exc:
        messages.error(request, _("%(error)s Showing this year instead.") % {"error": exc})
        return default, True
    if period.not_begun(today):  # no form is filed about days to come
        messages.error(request, periods.not_begun_message(period))
        return default, True
    return period, False


def _query(period: periods.Period) -> str:
    if ".." not in period.key:  # a named period
        return urlencode({"period": period.key})
    return urlencode({"from": period.start.isoformat(), "to": period.end.isoformat()})


@require_GET
@org_view(Perm.VIEW)
def form(request, organization):
    today = clock.today()
    period, _bad = _period(request, today, organization)
    years = range(today.year, today.year - 4, -1)
    choices = [(year, periods.named_periods(year)) for year in years]
    # A period it never stood in (ended before it began, founded after it ended) has no form,
    # as it has no report to send (the same rule): said instead of a form of zeros.
    not_standing = periods.not_standing_message(organization, period)
    if not_standing:
        context = {
            "org": organization,
            "name": organization.name,
            "period": period,
            "choices": choices,
            "not_standing": not_standing,
        }
        return render(request, "reports/bieu2.html", context)
    names = access.has_perm(request.user, organization, Perm.VIEW_PERSONAL)
    with report_reads():
        result = compute(organization=organization, period=period, today=today, with_ids=names)
    context = {
        "org": organization,
        "name": result.organization.name,  # the form's heading: as on its day (bieu2 renames it)
        "form": result,
        "table": result.table(),
        "names": names,
        "query": _query(result.period),
        "choices": choices,
        "period": result.period,  # a merged or dissolved organization's ends on its last day
        "continued": [(_("By ethnic group"), result.by_ethnicity), (_("By religion"), result.by_religion)],
        "moved": moved_note() if moved_within(result) else "",
        "entered": entered_note(result),
        "founded": founded_note(result),
    }
    return render(request, "reports/bieu2.html", context)


def _filename(organization, period, ext: str) -> str:
    return f"bieu2-{organization.code}-{period.key}.{ext}".replace("..", "_")


def _rendered(request, organization, ext: str):
    """The form of the period the request asks for, as an xlsx or pdf file's bytes, and that
    period; None for a period it cannot make (the message says why)."""
    today = clock.today()
    period, bad = _period(request, today, organization)
    if bad:
        return None
    not_standing = periods.not_standing_message(organization, period)
    if not_standing:
        messages.error(request, not_standing)
        return None
    with report_reads(), translation.override("vi"):
        from . import bieu2_exports  # openpyxl and the PDF library: imported when a file is made

        render = bieu2_exports.render_xlsx if ext == "xlsx" else bieu2_exports.render_pdf
        result = compute(organization=organization, period=period, today=today)
        content = render(result, today=today)
    # Named by the period the form holds: a dissolved district's "2025" is its first half.
    return content, _filename(organization, result.period, ext)


@require_GET
@org_view(Perm.VIEW)
def form_xlsx(request, organization):
    """Counts only: anyone who may view the organization may download it."""
    rendered = _rendered(request, organization, "xlsx")
    if rendered is None:
        return redirect("reports:bieu2", org_pk=organization.pk)
    return xlsx_response(*rendered)


@require_GET
@org_view(Perm.VIEW)
def form_pdf(request, organization):
    rendered = _rendered(request, organization, "pdf")
    if rendered is None:
        return redirect("reports:bieu2", org_pk=organization.pk)
    content, filename = rendered
    return attachment(content, content_type=PDF_TYPE, filename=filename)


@require_GET
@org_view(Perm.VIEW_PERSONAL)
def admissions(request, organization):
    """The admissions behind one cell of the form (`row`, `column` this|last)."""
    today = clock.today()
    period, _bad = _period(request, today, organization)
    key, column = request.GET.get("row", "total"), request.GET.get("column", "this")
    if column not in COLUMNS or not periods.stood_in(organization, period):  # no form, no cell
        raise Http404
    with report_reads():
        result = compute(organization=organization, period=period, today=today, with_ids=True)
    row = result.row(key)
    if row is None or not row.links:
        raise Http404
    span = result.period if column == "this" else result.last_period
    ids = result.ids.get((key, column), [])
    # Names shown are only those the user may see where the admissions' organizations stand
    # now; the others are counted in the cell, so the header says how many are not shown.
    rows = access.scoped(Admission.objects.filter(pk__in=ids), request.user, Perm.VIEW_PERSONAL)
    table = admission_table(rows.order_by("ceremony_date", "pk"))
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    context = {
        "org": organization,
        "name": result.organization.name,  # as the form it is a cell of names it
        "table": table,
        "row": row,
        "period": span,
        # While the period runs, this period's column is counted to today (as the form says,
        # "tính đến ngày …"); last year's ends on the same day a year before (its span).
        "counted_to": result.counted_to if column == "this" else None,
        "total": len(ids),
        "hidden": len(ids) - table.paginator.count,
        "shown": table.paginator.count,
        "query": _query(period),
    }
    return render(request, "reports/bieu2_admissions.html", context)
