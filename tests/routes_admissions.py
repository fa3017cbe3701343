"""This app's routes in the URL × role matrix (see tests/matrix.py).

Candidate URLs use a candidate of the target cell: the school (default) or Đà Lạt's
school (a sibling subtree for the district's users and the clerk)."""

from organizations.access import Perm

from .matrix import EVERYWHERE, SIBLING, Route, _data, _org

CANDIDATE_TARGETS = ("school", SIBLING)


def _candidate(key="candidate"):
    return lambda t, extra, target: {"pk": extra["admissions"][target][key].pk}


def _new_candidate(t, extra, target):
    return {
        "organization": getattr(t, target).pk,
        "full_name": "Phạm Văn Ma Trận",
        "date_of_birth": "2004-02-03",
        "gender": "male",
        "ethnicity": "Kinh",
        "education": "upper_secondary",
        "category": "pupil",
        "introduced_by": "youth_union",
        "source_date": "2025-01-10",
    }


ROUTES = [
    Route("admissions:list", _org(), Perm.VIEW_PERSONAL, targets=EVERYWHERE),
    Route("admissions:export", _org(), Perm.VIEW_PERSONAL, targets=EVERYWHERE),
    Route("admissions:board", _org(), Perm.VIEW_PERSONAL, targets=EVERYWHERE),
    Route("admissions:alerts", _org(), Perm.VIEW_PERSONAL, targets=EVERYWHERE),
    Route("admissions:create", _org(), Perm.EDIT_ADMISSIONS, targets=CANDIDATE_TARGETS, post=_new_candidate),
    Route("admissions:readmission", _org(), Perm.EDIT_ADMISSIONS, post=_data()),
    Route("admissions:import", _org(), Perm.EDIT_ADMISSIONS, post=_data()),
    Route("admissions:import_template", _org(), Perm.EDIT_ADMISSIONS),
    Route("admissions:detail", _candidate(), Perm.VIEW_PERSONAL, targets=CANDIDATE_TARGETS),
    Route(
        "admissions:detail",
        _candidate("admitted"),
        Perm.VIEW_PERSONAL,
        targets=CANDIDATE_TARGETS,
        label="admissions:detail(admitted)",
    ),
    Route(
        "admissions:edit",
        _candidate(),
        Perm.EDIT_ADMISSIONS,
        targets=CANDIDATE_TARGETS,
        post=lambda t, extra, target: {**_new_candidate(t, extra, target), "full_name": "Nguyễn Thị Đổi Tên"},
    ),
    Route("admissions:advance", _candidate(), Perm.EDIT_ADMISSIONS, targets=CANDIDATE_TARGETS, post=_data()),
    Route("admissions:take_again", _candidate(), Perm.EDIT_ADMISSIONS, targets=CANDIDATE_TARGETS, post=_data()),
    Route(
        "admissions:admit",
        _candidate(),
        Perm.EDIT_ADMISSIONS,
        targets=CANDIDATE_TARGETS,
        post=_data(ceremony_date="2024-09-30"),
    ),
    Route(
        "admissions:recognize",
        _candidate("admitted"),
        Perm.EDIT_ADMISSIONS,
        post=_data(on_date="2025-10-02", decision_number="15-QĐ/HU"),
    ),
    Route(
        "admissions:strike_off",
        _candidate("admitted"),
        Perm.EDIT_ADMISSIONS,
        post=_data(on_date="2025-03-01", reason="Vi phạm tư cách"),
    ),
    Route(
        "admissions:withdraw",
        _candidate(),
        Perm.EDIT_ADMISSIONS,
        targets=CANDIDATE_TARGETS,
        post=_data(outcome="moved_away", on_date="2025-03-01"),
    ),
    Route(
        "admissions:transfer",
        _candidate(),
        Perm.EDIT_ADMISSIONS,
        targets=CANDIDATE_TARGETS,
        post=lambda t, extra, target: {"organization": t.enterprise.pk, "on_date": "2025-06-30"},
    ),
    Route(
        "admissions:archive",
        _candidate(),
        Perm.EDIT_ADMISSIONS,
        targets=CANDIDATE_TARGETS,
        post=_data(reason="nhập trùng"),
    ),
]


def extra(tree, users) -> dict:
    """Objects the routes above need (ids go into their URL kwargs): in each target cell,
    a candidate at step 9 and an admitted one."""
    from admissions import services

    from .admissions_helpers import TODAY, make_candidate, walk

    made = {}
    for n, key in enumerate(CANDIDATE_TARGETS):
        org = getattr(tree, key)
        born = TODAY.replace(year=2005 - n, month=5, day=10)  # not the same person twice
        candidate = walk(make_candidate(org, date_of_birth=born, full_name=f"Nguyễn Thị Ví Dụ {n}"), until=9)
        admitted = walk(make_candidate(org, date_of_birth=born, full_name=f"Hoàng Văn Đã Vào {n}"))
        services.admission_record(
            candidate=admitted, ceremony_date=TODAY.replace(year=2024, month=10, day=1), user=None, today=TODAY
        )
        made[key] = {"candidate": candidate, "admitted": admitted}
    return {"admissions": made}
