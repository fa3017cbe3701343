"""How an organization names itself in its official documents (Hướng dẫn 36-HD/VPTW): the
party organization a committee leads ("ĐẢNG BỘ TỈNH LÂM ĐỒNG"), the place of the date
line, and who signs on behalf of whom. Read by the report PDF and the printed plan."""

import re

from .models import Organization, OrgForm

PREFIXES = [
    ("Tỉnh ủy ", "ĐẢNG BỘ TỈNH "),
    ("Thành ủy ", "ĐẢNG BỘ THÀNH PHỐ "),
    ("Huyện ủy ", "ĐẢNG BỘ HUYỆN "),
    ("Thị ủy ", "ĐẢNG BỘ THỊ XÃ "),
    ("Đảng ủy ", "ĐẢNG BỘ "),
    ("Đảng bộ ", "ĐẢNG BỘ "),
    ("Chi bộ ", "CHI BỘ "),
]
_PLACE_PREFIX = re.compile(
    r"^(Tỉnh ủy|Thành ủy|Huyện ủy|Thị ủy|Đảng ủy|Đảng bộ|Chi bộ)\s+(xã|phường|thị trấn)?\s*", re.I
)


def party_body(org: Organization | None) -> str:
    """ "Tỉnh ủy Lâm Đồng" → "ĐẢNG BỘ TỈNH LÂM ĐỒNG" (the party organization a committee leads)."""
    if org is None:
        return ""
    for prefix, body in PREFIXES:
        if org.name.startswith(prefix):
            return body + org.name[len(prefix) :].upper()
    return org.name.upper()


def place_name(scope: Organization, ancestors: list[Organization]) -> str:
    """The place of the date line: the district or province the scope belongs to."""
    for org in [scope, *reversed(ancestors)]:
        if org.form in (OrgForm.DISTRICT, OrgForm.PROVINCIAL):
            return _PLACE_PREFIX.sub("", org.name)
    return _PLACE_PREFIX.sub("", scope.name)


def signer(scope: Organization) -> tuple[str, str]:
    if scope.form in (OrgForm.CELL, OrgForm.GRASSROOTS_CELL):
        return "T/M CHI BỘ", "BÍ THƯ"
    if scope.form in (OrgForm.GRASSROOTS_COMMITTEE, OrgForm.PARTIAL_COMMITTEE):
        return "T/M ĐẢNG ỦY", "BÍ THƯ"
    return "T/M BAN THƯỜNG VỤ", "BÍ THƯ"
