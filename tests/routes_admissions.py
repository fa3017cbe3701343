"""This app's routes in the URL × role matrix (see tests/matrix.py)."""

from organizations.access import Perm

from .matrix import Route


def _org(key="school"):
    return lambda t, extra: {"org_pk": getattr(t, key).pk}


def _candidate(key="candidate"):
    return lambda t, extra: {"pk": extra[key].pk}


ROUTES = [
    Route("admissions:list", _org(), Perm.VIEW_PERSONAL),
    Route("admissions:list", _org("city_school"), Perm.VIEW_PERSONAL, target="city_school"),
    Route("admissions:export", _org(), Perm.VIEW_PERSONAL),
    Route("admissions:board", _org(), Perm.VIEW_PERSONAL),
    Route("admissions:alerts", _org(), Perm.VIEW_PERSONAL),
    Route("admissions:create", _org(), Perm.EDIT_ADMISSIONS),
    Route("admissions:readmission", _org(), Perm.EDIT_ADMISSIONS),
    Route("admissions:import", _org(), Perm.EDIT_ADMISSIONS),
    Route("admissions:import_template", _org(), Perm.EDIT_ADMISSIONS),
    Route("admissions:detail", _candidate(), Perm.VIEW_PERSONAL),
    Route("admissions:detail", _candidate("admitted"), Perm.VIEW_PERSONAL),
    Route("admissions:edit", _candidate(), Perm.EDIT_ADMISSIONS),
    Route("admissions:advance", _candidate(), Perm.EDIT_ADMISSIONS),
    Route("admissions:admit", _candidate(), Perm.EDIT_ADMISSIONS),
    Route("admissions:recognize", _candidate("admitted"), Perm.EDIT_ADMISSIONS),
    Route("admissions:strike_off", _candidate("admitted"), Perm.EDIT_ADMISSIONS),
    Route("admissions:withdraw", _candidate(), Perm.EDIT_ADMISSIONS),
    Route("admissions:archive", _candidate(), Perm.EDIT_ADMISSIONS),
]


def extra(tree, users) -> dict:
    """Objects the routes above need (ids go into their URL kwargs)."""
    from admissions import services

    from .admissions_helpers import TODAY, make_candidate, walk

    candidate = walk(make_candidate(tree.school), until=9)
    admitted = walk(make_candidate(tree.school, full_name="Hoàng Văn Đã Vào"))
    services.admission_record(
        candidate=admitted, ceremony_date=TODAY.replace(year=2024, month=10, day=1), user=None, today=TODAY
    )
    return {"candidate": candidate, "admitted": admitted}
