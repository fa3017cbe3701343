"""A candidate list as .xlsx, and the import of candidates and past admissions with its template."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common import clock
from common.imports import import_page, note
from common.workbook import xlsx_download
from organizations import locks
from organizations.access import Perm, org_view

from . import forms, imports, selectors
from .filters import CandidateFilter

EXPORT_COLUMNS = [
    ("Họ và tên", "full_name"),
    ("Ngày sinh", "date_of_birth"),
    ("Giới tính", "get_gender_display"),
    ("Dân tộc", "ethnicity"),
    ("Đối tượng", "get_category_display"),
    ("Chi bộ", "organization.name"),
    ("Mã chi bộ", "organization.code"),
    ("Bước", "get_step_display"),
    ("Từ ngày", "step_date"),
    # The deadline the list shows (selectors.with_next_due): the recognition on probation.
    ("Hạn bước tiếp theo", "next_due"),
    ("Kết quả", "get_outcome_display"),
    # What Biểu 2 counts (issue 15); "Chưa khai" where the record does not state it.
    ("Kết nạp lại", "readmission"),
    ("Đoàn viên", "youth_union_member"),
    ("Giáo dục phổ thông", "get_general_education_display"),
    ("Chuyên môn nghiệp vụ", "get_professional_level_display"),
    ("Lý luận chính trị", "get_theory_level_display"),
]
BIEU2_COLUMNS = {
    "readmission",
    "youth_union_member",
    *(f"get_{f}_display" for f in ("general_education", "professional_level", "theory_level")),
}


def _cell(attr, value):
    """A Biểu 2 yes/no as the form writes it, and "Chưa khai" where the record does not state it."""
    if attr not in BIEU2_COLUMNS:
        return value
    if isinstance(value, bool):
        return "Có" if value else "Không"
    return "Chưa khai" if value in (None, "") else value


@require_GET
@org_view(Perm.VIEW_PERSONAL)
def export(request, organization):
    """The filtered list as .xlsx (same scope, filters and deadlines as the page). A filter
    the page refuses (a year out of range) sends the reader back to the page, which says why."""
    filterset = CandidateFilter(
        request.GET or None,
        queryset=selectors.with_next_due(selectors.candidates(request.user, organization=organization)),
        today=clock.today(),
    )
    if filterset.is_bound and not filterset.is_valid():
        return redirect(f"{reverse('admissions:list', args=[organization.pk])}?{request.GET.urlencode()}")

    def rows():
        yield [title for title, _attr in EXPORT_COLUMNS]
        for candidate in filterset.qs.order_by("organization__path", "search_name", "pk").iterator(chunk_size=2000):
            row = []
            for _title, attr in EXPORT_COLUMNS:
                value = candidate
                for part in attr.split("."):
                    value = getattr(value, part)
                row.append(_cell(attr, value() if callable(value) else value))
            yield row

    return xlsx_download(rows(), title="Quan chung uu tu", filename=f"quan-chung-{organization.code}.xlsx")


@require_http_methods(["GET", "POST"])
@org_view(Perm.EDIT_ADMISSIONS)
def import_candidates(request, organization):
    listing = reverse("admissions:list", args=[organization.pk])
    return import_page(
        request,
        forms.ImportForm(request.POST or None, request.FILES or None),
        run=lambda data: len(
            imports.candidates_import(upload=data["file"], under=organization, user=request.user, today=clock.today())
        ),
        success=_("%(n)d candidates imported."),
        done=listing,
        title=_("Import candidates"),
        heading=_("Import candidates and past admissions into %(name)s") % {"name": organization.name},
        back_url=listing,
        back_label=organization.name,
        notes=[
            note(
                _(
                    "The first sheet needs the columns: organization code, full name, date of birth, gender, "
                    "category; optionally education, ethnicity, religion, national ID, step (number or name) and "
                    "its date and document number. A row with a ceremony date, decision number and decision date "
                    "is a past admission."
                ),
                reverse("admissions:import_template", args=[organization.pk]),
                _("Download a template"),
            ),
            note(
                _(
                    "Optional too: the introducers (two members with the date since when each has known the "
                    "candidate, or one and the Youth Union committee), the dates of the certificate, the "
                    "introductions and the cell resolution, and the provincial consent. Every row is checked as "
                    "the pages check it."
                )
            ),
        ],
        lock_banner=locks.banner_locks(organization=organization, today=clock.today()),
    )


@require_GET
@org_view(Perm.EDIT_ADMISSIONS)
def import_template(request, organization):
    rows = [[titles[0] for titles in imports.COLUMNS.values()], *imports.example_rows(organization)]
    widths = dict.fromkeys("ABCDEFGHIJKLMNOP", 22)
    return xlsx_download(rows, title="Quan chung uu tu", filename="mau-nhap-quan-chung.xlsx", widths=widths)
