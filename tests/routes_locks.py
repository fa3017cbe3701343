"""The locked periods' routes in the URL × role matrix (see tests/matrix.py).

A lock is reopened through the organization above it (its administrators' right): the
reopen URL names that organization and a lock of one of its children. The locks here
cover 2020, far from every date the other routes post."""

import datetime as dt

from django.utils import timezone

from organizations.access import Perm

from .matrix import EVERYWHERE, Route, _org

# the organization whose administrators reopen → the child whose 2020 is locked
REOPEN = {"province": "district", "district": "school", "city": "city_school"}


def _reopen(t, extra, target):
    return {"org_pk": getattr(t, target).pk, "lock_pk": extra["locks"][REOPEN[target]].pk}


def _reopen_post(t, extra, target):
    return {"until": (timezone.localdate() + dt.timedelta(days=30)).isoformat(), "reason": "Sửa số liệu năm 2020"}


ROUTES = [
    Route("organizations:locks", _org(), Perm.VIEW, targets=EVERYWHERE),
    Route(
        "organizations:lock_reopen",
        _reopen,
        Perm.MANAGE,
        target="province",
        targets=("district", "city"),
        post=_reopen_post,
    ),
]


def extra(tree, users) -> dict:
    from organizations import locks

    made = {
        child: locks.lock_period(
            organization=getattr(tree, child),
            start=dt.date(2020, 1, 1),
            end=dt.date(2020, 12, 31),
            user=users.admin,
            reason="Báo cáo năm 2020 đã duyệt",
        )
        for child in REOPEN.values()
    }
    return {"locks": made}
