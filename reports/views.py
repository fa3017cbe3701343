import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_tables2 import RequestConfig

from admissions.categories import Category
from common import clock
from common.audit import with_last_change
from common.db import report_reads
from common.files import attachment, serve_file
from common.imports import run_import
from common.views import form_page
from common.workbook import xlsx_response
from organizations import access
from organizations.access import Perm, org_view
from organizations.positions import ancestors_on, name_on

from . import dashboard as dashboard_body
from . import exports
from .cache import attainment_cached as attainment
from .engine import admissions_in
from .engine.measure import closing
from .forms import (
    BEFORE_PERIOD,
    OUT_OF_RANGE,
    AdmissionFilterForm,
    HistoricalImportForm,
    HistoricalResultForm,
    PeriodForm,
)
from .imports import TEMPLATE_COLUMNS, historical_import
from .models import ExportJob, ExportStatus, HistoricalResult
from .periods import before_founding_message, count_day, not_begun_message
from .report import amended_after_note
from .report.compare import compare_choices, compare_rows, rule_kinds
from .services import historical_result_record
from .tables import HistoricalResultTable, admission_table

PAGE_SIZE = 100


def _chosen(request, organization, form=None):
    """The period a report page shows (default: the year as of today; reports/periods.choose);
    a bad one in the URL is said, in the user's language, and the default shown instead."""
    form = PeriodForm(request.GET) if form is None else form
    chosen = form.chosen(clock.today(), organization.last_day, organization.founded_on)
    errors = form.period_errors() if request.GET else {}
    if errors:
        bad = [m for name in ("period", "from", "to") for e in errors.get(name, []) for m in e.messages]
        bad += [m for e in errors.get("as_of", []) if e.code in (BEFORE_PERIOD, OUT_OF_RANGE) for m in e.messages]
        if bad:
            messages.error(request, " ".join(bad) + " " + _("Showing the default period instead."))
        else:
            messages.error(request, _("The year or date is not valid; showing the default period instead."))
    return chosen


def _ended(organization) -> dict:
    """What a page of a merged or dissolved organization says first (empty when active)."""
    if organization.dissolved_on is None:
        return {}
    return {
        "ended_on": organization.dissolved_on,
        "last_day": organization.last_day,
        "successor": organization.merged_into,
    }


def _not_yet(request, organization, as_of) -> dict:
    """What a page of a day before the organization was founded says first: it did not
    exist, and which organizations merged into it (their pages hold that day's figures;
    linked where the user may view them)."""
    if organization.founded_on is None or as_of >= organization.founded_on:
        return {}
    # Those standing that day: one founded later and merged into it since held no figure of the day.
    merged = [o for o in organization.merged_from.order_by("name") if o.existed_on(as_of)]
    predecessors = [(o, access.has_perm(request.user, o, Perm.VIEW)) for o in merged]
    return {"founded_on": organization.founded_on, "predecessors": predecessors}


def _chain(request, organization, day: dt.date):
    """The breadcrumbs of a report of `day` (its count day): the organizations it stood under
    that day, named as they were (positions.ancestors_on: those dissolved since included),
    each with whether the reader may open its report (else its name is shown unlinked).
    The query of today's parents, as before; one more only when the organization or its
    parents moved after the day (a past day before a reorganization)."""
    return [(o, access.has_perm(request.user, o, Perm.VIEW)) for o in ancestors_on(organization, day)]


@require_GET
def index(request):
    """The dashboard of the user's first organization (or the tree roots to choose from)."""
    roots = list(access.top_organizations(request.user))
    if len(roots) == 1:
        return redirect("reports:dashboard", org_pk=roots[0].pk)
    return render(request, "reports/index.html", {"roots": roots})


def _name_on(organization, year: int, as_of: dt.date) -> str:
    """What a report page of `year` as of `as_of` calls the organization in its title and
    headings: its name (positions.name_on) on the count day. One query. The dashboard's
    breadcrumbs are of that day too (`_chain`); other links keep today's name."""
    return name_on(organization, count_day(organization, year, as_of))


@require_GET
@org_view(Perm.VIEW)
def dashboard(request, organization):
    chosen = _chosen(request, organization)
    chain = _chain(request, organization, count_day(organization, chosen.year, chosen.as_of))
    view = dashboard_body.View(
        org_pk=organization.pk,
        year=chosen.year,
        as_of=chosen.as_of.isoformat(),
        period="" if chosen.is_year else chosen.period.key,
        language=request.LANGUAGE_CODE,
        can_see_names=access.has_perm(request.user, organization, Perm.VIEW_PERSONAL),
        can_edit_history=access.has_perm(request.user, organization, Perm.EDIT_PLANS),
        chain_visible="".join("1" if visible else "0" for _org, visible in chain),
        reach=dashboard_body.reach_of(request.user, organization),
    )
    body = dashboard_body.body(view, organization)
    context = {
        "org": organization,
        "name": body.name,  # the report's title: as its heading, the name of its day
        "body": mark_safe(body.html),
        "computed_at": body.computed_at,
        "period": chosen.period,
        "as_of": chosen.as_of,
        "period_query": urlencode(chosen.params()),
        **_ended(organization),
        # Its report of its last day is its closing one.
        "closing": closing(organization, chosen.year, chosen.as_of),
        "not_begun": chosen.period.not_begun(chosen.as_of),
        **_not_yet(request, organization, chosen.as_of),
    }
    return render(request, "reports/dashboard.html", context)


@require_GET
@org_view(Perm.VIEW_PERSONAL)
def admissions(request, organization):
    """The admissions behind a figure: names need VIEW_PERSONAL (viewers get 403). The
    header gives the figure as the report counts it; the rows are those the user may see."""
    form = AdmissionFilterForm(request.GET, last_day=organization.last_day)
    chosen = _chosen(request, organization, form)
    year, as_of = chosen.year, chosen.as_of
    category = form.chosen_category()
    if bad_category := form.bad_category():
        messages.error(request, bad_category)
    # The year to date (the achieved figures), or with `in_period` the period's own admissions.
    in_period = form.cleaned_data.get("in_period", False) and not chosen.is_year
    first_day = chosen.period.start if in_period else dt.date(year, 1, 1)
    counted = admissions_in(organization, first_day, min(as_of, dt.date(year, 12, 31)))
    if category:
        counted = counted.filter(category=category)
    # Names shown are only those the user may see: the subtree is within scope, and so are
    # the organizations merged into one of it, whose admissions count here. The others are
    # counted, not shown (their organization stands elsewhere now: a cell moved out).
    rows = counted.filter(access.scoped_records_q(request.user, Perm.VIEW_PERSONAL))
    table = admission_table(rows.order_by("ceremony_date", "pk"))
    RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(table)
    total = counted.count()
    context = {
        "org": organization,
        "name": _name_on(organization, year, as_of),  # the list's heading: of its day
        "table": table,
        "total": total,
        "hidden": total - table.paginator.count,
        "shown": table.paginator.count,
        "year": year,
        "as_of": as_of,
        "category": Category(category).label if category else "",
        "form": form,
        "period": chosen.period if in_period else None,
        "query": urlencode(chosen.params()),
    }
    return render(request, "reports/admissions.html", context)


@require_GET
@org_view(Perm.VIEW)
def compare(request, organization):
    """Every committee directly under the organization side by side on one kind of rule."""
    period = _chosen(request, organization)
    year, as_of = period.year, period.as_of
    with report_reads():
        att = attainment(scope=organization, year=year, as_of=as_of, period=period.period)
    choices = compare_choices(att)
    chosen = request.GET.get("rule") or (choices[0][0] if choices else "")
    if chosen and chosen not in rule_kinds(att):  # a target of the report with no row is said so
        raise Http404
    sort = request.GET.get("sort", "org")
    rows = compare_rows(att, chosen, sort)
    # Linked where the reader may open them: a dissolved committee's units may stand outside
    # the reader's organizations now (the rows carry their paths of the report's day).
    visible = set(
        access.organizations(request.user).filter(pk__in=[row["org"].pk for row in rows]).values_list("pk", flat=True)
    )
    for row in rows:
        row["visible"] = row["org"].pk in visible
    context = {
        "org": organization,
        "choices": choices,
        "chosen": chosen,
        "rows": rows,
        "sort": sort,
        "year": year,
        "as_of": as_of,
        "query": urlencode({**period.params(), "rule": chosen}),
        "period_query": urlencode(period.params()),
        # The form choosing the target keeps the period it was opened with.
        "period_params": period.params(),
        "period": att.period,
        # the targets of the day, when a plan was amended since: as the dashboard says it
        "amended_note": amended_after_note(att),
    }
    return render(request, "reports/compare.html", context)


def _export(request, organization, fmt):
    form = PeriodForm(request.GET)
    chosen = _chosen(request, organization, form)
    year, as_of, period = chosen.year, chosen.as_of, chosen.period
    if request.GET and not form.is_valid():  # a period refused: said on the page, no file of another one
        return redirect(reverse("reports:dashboard", args=[organization.pk]) + "?" + urlencode(chosen.params()))
    # A report a board would sign about days to come, or about days before the organization existed.
    if period.not_begun(as_of):
        refused = not_begun_message(period)
    else:
        refused = before_founding_message(organization, year, as_of)
    if refused:
        messages.error(request, refused)
        return redirect(reverse("reports:dashboard", args=[organization.pk]) + "?" + urlencode(chosen.params()))
    if exports.is_large(organization):
        job = exports.export_enqueue(
            organization=organization, year=year, as_of=as_of, period=period, fmt=fmt, user=request.user
        )
        return redirect("reports:export_job", org_pk=organization.pk, job_pk=job.pk)
    content, filename, content_type = exports.render_export(
        organization=organization, year=year, as_of=as_of, period=period, fmt=fmt
    )
    return attachment(content, content_type=content_type, filename=filename)


@require_GET
@org_view(Perm.VIEW)
def export_xlsx(request, organization):
    return _export(request, organization, "xlsx")


@require_GET
@org_view(Perm.VIEW)
def export_pdf(request, organization):
    return _export(request, organization, "pdf")


@require_GET
@org_view(Perm.VIEW)
def export_job(request, organization, job_pk):
    # Exports hold aggregated figures only: anyone who may view the organization may fetch them.
    job = get_object_or_404(ExportJob, pk=job_pk, organization=organization)
    if request.GET.get("download") and job.status == ExportStatus.DONE:
        return serve_file(
            job.file, filename=job.file.name.rsplit("/", 1)[-1], content_type=exports.CONTENT_TYPES[job.format]
        )
    template = "reports/_export_job.html" if request.htmx else "reports/export_job.html"
    return render(request, template, {"org": organization, "job": job})


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_PLANS)
def history(request, organization):
    """Enter and import the counts of past years (historical results)."""
    editable = access.organizations_under(request.user, organization, Perm.EDIT_PLANS)
    form = HistoricalResultForm(request.POST or None, organizations=editable)
    import_form = HistoricalImportForm()
    errors = []

    def back(_saved=None):
        return redirect("reports:history", org_pk=organization.pk)

    def render_page():
        results = HistoricalResultTable(
            with_last_change(HistoricalResult.objects.filter(organization__path__startswith=organization.path))
            .select_related("organization")
            .order_by("-year", "organization__path", "category")
        )
        RequestConfig(request, paginate={"per_page": PAGE_SIZE}).configure(results)
        context = {
            "org": organization,
            "form": form,
            "import_form": import_form,
            "errors": errors,
            "results": results,
            "columns": TEMPLATE_COLUMNS,
        }
        return render(request, "reports/history.html", context)

    if request.method == "POST" and "file" in request.FILES:
        import_form = HistoricalImportForm(request.POST, request.FILES)
        form = HistoricalResultForm(organizations=editable)
        if import_form.is_valid():
            errors = run_import(
                request,
                lambda: len(historical_import(upload=request.FILES["file"], under=organization, user=request.user)),
                _("%(n)d historical results imported."),
            )
            if errors is None:
                return back()
        return render_page()
    return form_page(
        request,
        form,
        save=lambda data: historical_result_record(
            organization=data["organization"],
            year=data["year"],
            category=data["category"],
            count=data["count"],
            source=data["source"],
            first_year=data.get("first_year"),
            user=request.user,
        ),
        success=_("Historical result saved."),
        redirect_to=back,
        render_page=render_page,
    )


@require_GET
@org_view(Perm.EDIT_PLANS)
def history_template(request, organization):
    return xlsx_response(exports.historical_template(), "ket-qua-cac-nam-truoc.xlsx")
