"""Exports of the attainment report: at once for small scopes, in the background for large ones.

Exports are Vietnamese documents whatever the interface language. The background path
uses Django's tasks framework with the database backend (django-tasks-db): run
`manage.py db_worker` next to the web server.
"""

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction
from django.tasks import task
from django.utils import timezone, translation

from common.db import report_reads
from common.files import PDF_TYPE
from common.text import fold
from common.workbook import XLSX_CONTENT_TYPE as XLSX_TYPE
from common.workbook import workbook_bytes
from organizations.models import Organization

from .cache import attainment_cached
from .models import ExportJob, ExportStatus
from .periods import parse
from .report import build_report

CONTENT_TYPES = {"xlsx": XLSX_TYPE, "pdf": PDF_TYPE}
# Above this many organizations in the subtree an export from the web runs in the background.
LARGE_SCOPE = 2000


def is_large(organization: Organization) -> bool:
    return Organization.objects.filter(path__startswith=organization.path).count() > LARGE_SCOPE


def filename(organization: Organization, year: int, fmt: str, period=None) -> str:
    """bao-cao-2025-<org>.xlsx for the year; bao-cao-2025-Q2-<org>.xlsx for another period."""
    slug = "-".join(fold(organization.name).split())[:60] or "bao-cao"
    when = period.key.replace("..", "-") if period is not None and period.key != str(year) else year
    return f"bao-cao-{when}-{slug}.{fmt}"


def render_export(
    *,
    organization: Organization,
    year: int,
    as_of: dt.date,
    fmt: str,
    period=None,
    progress=None,
    keep_answer: bool = True,
    dated: dt.date | None = None,
):
    """(content bytes, file name, content type) of the report for one scope.

    `dated`: the day the document is dated (a report sent upward: the sending day), else
    the day its figures are counted to. `keep_answer=False` (background exports of large
    scopes, the command) does not keep the engine's answer in the cache: for the national
    root pickling it cost 4 s and 170 MB, for a file made once."""
    if fmt not in CONTENT_TYPES:
        raise ValueError(fmt)
    with translation.override("vi"), report_reads():
        att = attainment_cached(
            scope=organization, year=year, as_of=as_of, period=period, store=keep_answer, list_failing=True
        )
        if progress:
            progress(50)
        report = build_report(att)
        report.dated = dated
        if fmt == "xlsx":
            from .xlsx import render_xlsx

            content = render_xlsx(report)
        else:
            from .pdf import render_pdf

            content = render_pdf(report)
    # Named as the document is headed: the organization's name on the count day.
    return content, filename(att.scope, year, fmt, period), CONTENT_TYPES[fmt]


def export_enqueue(*, organization: Organization, year: int, as_of: dt.date, fmt: str, user, period=None) -> ExportJob:
    job = ExportJob.objects.create(
        organization=organization,
        year=year,
        as_of=as_of,
        period=period.key if period is not None else "",
        format=fmt,
        requested_by=user,
    )
    transaction.on_commit(lambda: run_export.enqueue(job.pk))
    return job


@task
def run_export(job_pk: int) -> None:
    job = ExportJob.objects.select_related("organization").get(pk=job_pk)
    job.status, job.progress = ExportStatus.RUNNING, 5
    job.save(update_fields=["status", "progress"])

    def progress(percent):
        ExportJob.objects.filter(pk=job_pk).update(progress=percent)

    try:
        content, name, _type = render_export(
            organization=job.organization,
            year=job.year,
            as_of=job.as_of,
            period=parse(job.period) if job.period else None,
            fmt=job.format,
            progress=progress,
            keep_answer=False,
        )
    except Exception as exc:  # the job page shows the failure; the worker log has the traceback
        job.status, job.error = ExportStatus.FAILED, str(exc)[:500]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        raise
    job.file.save(name, ContentFile(content), save=False)
    job.status, job.progress, job.finished_at = ExportStatus.DONE, 100, timezone.now()
    job.save(update_fields=["file", "status", "progress", "finished_at"])


def historical_template() -> bytes:
    from .imports import TEMPLATE_COLUMNS

    # A made-up example (as in the other import templates): a real organization's figure
    # would show every user a number outside their scope, and import it if left in.
    rows = [
        TEMPLATE_COLUMNS,
        ["VD-01", 2023, "", 12, "Ví dụ: thay bằng số liệu của tổ chức, hoặc xóa dòng này"],
    ]
    return workbook_bytes(rows, title="Kết quả các năm")
