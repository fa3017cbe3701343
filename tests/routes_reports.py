"""This app's routes in the URL × role matrix (see tests/matrix.py)."""

from organizations.access import Perm
from tests.matrix import EVERYWHERE, SIBLING, Route, _org

JOB_TARGETS = ("school", SIBLING, "district")


def _history_row(t, extra, target):
    return {"organization": getattr(t, target).pk, "year": 2023, "category": "pupil", "count": 2, "source": "ma trận"}


ROUTES = [
    Route("reports:dashboard", _org(), Perm.VIEW, targets=EVERYWHERE),
    Route("reports:compare", _org(), Perm.VIEW),
    Route("reports:export_xlsx", _org(), Perm.VIEW),
    Route("reports:export_pdf", _org(), Perm.VIEW),
    Route("reports:admissions", _org(), Perm.VIEW_PERSONAL, targets=EVERYWHERE),
    Route("reports:bieu2", _org(), Perm.VIEW, targets=EVERYWHERE),
    Route("reports:bieu2_xlsx", _org(), Perm.VIEW, targets=EVERYWHERE),
    Route("reports:bieu2_pdf", _org(), Perm.VIEW, targets=EVERYWHERE),
    Route("reports:bieu2_admissions", _org(), Perm.VIEW_PERSONAL, targets=EVERYWHERE),
    Route("reports:history", _org(), Perm.EDIT_PLANS, targets=EVERYWHERE, post=_history_row),
    Route("reports:history_template", _org(), Perm.EDIT_PLANS),
    Route(
        "reports:export_job",
        lambda t, extra, target: {"org_pk": getattr(t, target).pk, "job_pk": extra["export_jobs"][target].pk},
        Perm.VIEW,
        targets=JOB_TARGETS,
    ),
]


def extra(tree, users) -> dict:
    """Objects the routes above need (ids go into their URL kwargs): a queued export job
    of every target."""
    import datetime as dt

    from reports.models import ExportJob

    jobs = {
        key: ExportJob.objects.create(
            organization=getattr(tree, key),
            year=2025,
            as_of=dt.date(2025, 6, 30),
            format="xlsx",
            requested_by=users.admin,
        )
        for key in JOB_TARGETS
    }
    return {"export_jobs": jobs}
