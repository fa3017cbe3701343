"""This app's routes in the URL × role matrix (see tests/matrix.py).

The review page's organization is the reviewer's (the parent): the planner role there; the
child is one directly under it."""

from organizations.access import Perm
from tests.matrix import EVERYWHERE, SIBLING, Route

APPROVED = "2025"  # an approved report of every target: its files, its page
SUBMITTED = "2025-Q3"  # a submitted report of every child reviewed
DRAFTED = "2025-Q2"  # nothing yet: the narrative POST creates a draft
REVIEWS = {"district": "school", "city": "city_school", "province": "district"}


def _at(period):
    return lambda t, extra, target: {"org_pk": getattr(t, target).pk, "period": period}


def _file(fmt):
    return lambda t, extra, target: {"org_pk": getattr(t, target).pk, "period": APPROVED, "fmt": fmt}


def _review(t, extra, target):
    return {"org_pk": getattr(t, target).pk, "child_pk": getattr(t, REVIEWS[target]).pk, "period": SUBMITTED}


ROUTES = [
    Route("submissions:detail", _at(APPROVED), Perm.VIEW, targets=EVERYWHERE),
    Route("submissions:board", _at(APPROVED), Perm.VIEW, target="district", targets=("city", "province")),
    Route("submissions:download", _file("pdf"), Perm.VIEW, targets=EVERYWHERE),
    Route(
        "submissions:save",
        _at(DRAFTED),
        Perm.EDIT_PLANS,
        targets=EVERYWHERE,
        get=False,
        post=lambda t, extra, target: {"action": "draft", "results": "Kết quả (ma trận)"},
    ),
    Route(
        "submissions:review",
        _review,
        Perm.EDIT_PLANS,
        target="district",
        targets=("city", "province"),
        post=lambda t, extra, target: {"action": "return", "comment": "Bổ sung (ma trận)"},
    ),
]


def extra(tree, users) -> dict:
    """An approved year report (with a small PDF) of every organization, and a submitted Q3
    report of each child reviewed; made directly, without rendering."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from submissions.models import ReportSubmission, Status

    now = timezone.now()
    for key in ("school", "city_school", "district", "city", "province", SIBLING):
        org = getattr(tree, key)
        sub, _ = ReportSubmission.objects.get_or_create(
            organization=org,
            period=APPROVED,
            defaults={"status": Status.APPROVED, "submitted_at": now, "approved_at": now, "snapshot": {}},
        )
        sub.pdf.save(f"matrix-{org.pk}.pdf", ContentFile(b"%PDF-1.4 matrix"), save=True)
    for child in set(REVIEWS.values()):
        ReportSubmission.objects.create(
            organization=getattr(tree, child),
            period=SUBMITTED,
            status=Status.SUBMITTED,
            submitted_at=now,
            submitted_by=users.district_planner,
            results="Kết quả",
            snapshot={},
        )
    return {}
