"""This app's routes in the URL × role matrix (see tests/matrix.py)."""

from organizations.access import Perm
from tests.matrix import Route


def _org(key="school"):
    return lambda t, extra: {"org_pk": getattr(t, key).pk}


ROUTES = [
    Route("reports:dashboard", _org(), Perm.VIEW),
    Route("reports:compare", _org(), Perm.VIEW),
    Route("reports:export_xlsx", _org(), Perm.VIEW),
    Route("reports:export_pdf", _org(), Perm.VIEW),
    Route("reports:admissions", _org(), Perm.VIEW_PERSONAL),
    Route("reports:bieu2", _org(), Perm.VIEW),
    Route("reports:bieu2_xlsx", _org(), Perm.VIEW),
    Route("reports:bieu2_pdf", _org(), Perm.VIEW),
    Route("reports:bieu2_admissions", _org(), Perm.VIEW_PERSONAL),
    Route("reports:history", _org(), Perm.EDIT_PLANS),
    Route("reports:history_template", _org(), Perm.EDIT_PLANS),
    Route(
        "reports:export_job",
        lambda t, extra: {"org_pk": t.school.pk, "job_pk": extra["export_job"].pk},
        Perm.VIEW,
    ),
]


def extra(tree, users) -> dict:
    """Objects the routes above need (ids go into their URL kwargs)."""
    import datetime as dt

    from reports.models import ExportJob

    job = ExportJob.objects.create(
        organization=tree.school, year=2025, as_of=dt.date(2025, 6, 30), format="xlsx", requested_by=users.admin
    )
    return {"export_job": job}
