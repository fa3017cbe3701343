"""How an organization names itself in its official documents (Hướng dẫn 36-HD/VPTW): the
party organization a committee leads ("ĐẢNG BỘ TỈNH LÂM ĐỒNG"), the place of the date
line, and who signs on behalf of whom. Read by the report PDF and the printed plan."""

import re

from .models import GRASSROOTS_FORMS, Organization, OrgForm, Sector

# The symbol of the issuing body after the kind of document (Hướng dẫn 36-HD/VPTW): "TU" for a
# province (a centrally-run city's Thành ủy too), for a committee under the province the
# kind of town it leads ("HU" district, "ThU" city, "TX" town, "QU" urban district).
DISTRICT_SYMBOLS = (("Thành ủy ", "ThU"), ("Thị ủy ", "TX"), ("Quận ủy ", "QU"))
SYMBOL = {
    OrgForm.PROVINCIAL: "TU",
    OrgForm.DISTRICT: "HU",
    OrgForm.BLOC: "ĐU",
    OrgForm.COMMUNE: "ĐU",
    OrgForm.GRASSROOTS_COMMITTEE: "ĐU",
    OrgForm.PARTIAL_COMMITTEE: "ĐU",
    OrgForm.GRASSROOTS_CELL: "CB",
    OrgForm.CELL: "CB",
}


def document_symbol(scope: Organization, kind: str = "BC") -> str:
    """ "BC/HU" for Huyện ủy Đơn Dương, "BC/ThU" for Thành ủy Đà Lạt, "BC/TU" for a province,
    "BC/ĐU" for a commune's Đảng ủy; `kind` "KH" for a plan (the printed plan, the plan forms)."""
    if scope.form == OrgForm.DISTRICT:
        for prefix, symbol in DISTRICT_SYMBOLS:
            if scope.name.startswith(prefix):
                return f"{kind}/{symbol}"
    symbol = SYMBOL.get(scope.form)
    return f"{kind}/{symbol}" if symbol else kind


PREFIXES = [
    ("Tỉnh ủy ", "ĐẢNG BỘ TỈNH "),
    ("Thành ủy ", "ĐẢNG BỘ THÀNH PHỐ "),
    ("Huyện ủy ", "ĐẢNG BỘ HUYỆN "),
    ("Thị ủy ", "ĐẢNG BỘ THỊ XÃ "),
    ("Đảng ủy ", "ĐẢNG BỘ "),
    ("Đảng bộ ", "ĐẢNG BỘ "),
    ("Chi bộ ", "CHI BỘ "),
]
_BODY = r"^(Tỉnh ủy|Thành ủy|Huyện ủy|Thị ủy|Đảng ủy|Đảng bộ|Chi bộ)\s+"
_PLACE_PREFIX = re.compile(_BODY + r"(xã|phường|thị trấn)?\s*", re.I)


def party_body(org: Organization | None) -> str:
    """ "Tỉnh ủy Lâm Đồng" → "ĐẢNG BỘ TỈNH LÂM ĐỒNG" (the party organization a committee leads)."""
    if org is None:
        return ""
    for prefix, body in PREFIXES:
        if org.name.startswith(prefix):
            return body + org.name[len(prefix) :].upper()
    return org.name.upper()


def _place(org: Organization) -> str:
    """ "Đảng ủy xã Đơn Dương" → "Đơn Dương"; a ward named by a number keeps its kind
    ("Đảng bộ Phường 1" → "Phường 1"): a number alone names no place."""
    place = _PLACE_PREFIX.sub("", org.name)
    if place[:1].isdigit():
        return re.sub(_BODY, "", org.name, flags=re.I)
    return place


def _is_commune(org: Organization) -> bool:
    """A commune, ward or town committee: under the province since 2025 (OrgForm.COMMUNE),
    or a grassroots committee of a commune under a district before."""
    return org.form == OrgForm.COMMUNE or (org.sector == Sector.COMMUNE and org.form in GRASSROOTS_FORMS)


def place_name(scope: Organization, ancestors: list[Organization]) -> str:
    """The place of the date line (Hướng dẫn 36-HD/VPTW): the commune, ward or town for the
    party organizations in it ("Đơn Dương" for Đảng ủy xã Đơn Dương and its cells), else the
    district or province the scope belongs to."""
    for org in [scope, *reversed(ancestors)]:
        if _is_commune(org) or org.form in (OrgForm.DISTRICT, OrgForm.PROVINCIAL):
            return _place(org)
    return _place(scope)


def signer(scope: Organization) -> tuple[str, str]:
    if scope.form in (OrgForm.CELL, OrgForm.GRASSROOTS_CELL):
        return "T/M CHI BỘ", "BÍ THƯ"
    if scope.form in (OrgForm.GRASSROOTS_COMMITTEE, OrgForm.PARTIAL_COMMITTEE):
        return "T/M ĐẢNG ỦY", "BÍ THƯ"
    return "T/M BAN THƯỜNG VỤ", "BÍ THƯ"
