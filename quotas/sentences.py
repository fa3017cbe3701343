"""Quota rules as the plain Vietnamese sentences of a plan.

Plans are official Vietnamese documents, so the sentence is Vietnamese whatever the
interface language: "Phấn đấu mỗi tổ chức đảng trường THPT kết nạp ít nhất 01 học sinh".
Callers select_related("plan__issuer", "target") to avoid a query per rule.
"""

from decimal import Decimal

from admissions.categories import ABBREVIATION_OF, Category
from organizations.models import GRASSROOTS_FORMS, OrgForm, Sector

from .models import Rule, RuleKind

CATEGORY_NOUN = {
    Category.PUPIL: "học sinh",
    Category.STUDENT: "sinh viên",
    Category.NON_STATE_WORKER: "công nhân, người lao động trong doanh nghiệp ngoài Nhà nước",
    Category.ENTERPRISE_OWNER: "chủ doanh nghiệp, cán bộ quản lý doanh nghiệp",
    Category.CIVIL_SERVANT: "cán bộ, công chức, viên chức",
    Category.FARMER: "nông dân",
    Category.MILITIA: "dân quân tự vệ",
    Category.DEMOBILIZED: "quân nhân xuất ngũ",
    Category.OTHER: "đối tượng khác",
}

SECTOR_PHRASE = {
    Sector.HIGH_SCHOOL: "trường THPT",
    Sector.UNIVERSITY: "trường cao đẳng, đại học",
    Sector.SCHOOL: "trường học",
    Sector.NON_STATE_ENTERPRISE: "doanh nghiệp ngoài Nhà nước",
    Sector.STATE_ENTERPRISE: "doanh nghiệp nhà nước",
    Sector.COMMUNE: "xã, phường, thị trấn",
    Sector.VILLAGE: "thôn, tổ dân phố",
    Sector.AGENCY: "cơ quan",
    Sector.POLICE: "công an",
    Sector.MILITARY: "quân đội",
    Sector.OTHER: "khác",
}

FORM_NOUN = {
    OrgForm.CENTRAL: "Ban Chấp hành Trung ương",
    OrgForm.PROVINCIAL: "tỉnh ủy",
    OrgForm.DISTRICT: "thành ủy, huyện ủy",
    OrgForm.BLOC: "đảng ủy khối",
    OrgForm.COMMUNE: "đảng ủy xã, phường",
    OrgForm.GRASSROOTS_COMMITTEE: "đảng bộ cơ sở",
    OrgForm.GRASSROOTS_CELL: "chi bộ cơ sở",
    OrgForm.PARTIAL_COMMITTEE: "đảng bộ bộ phận",
    OrgForm.CELL: "chi bộ",
}


def two_digits(n: int) -> str:
    """Counts are written zero-padded in party documents: 01, 03, 88, 180."""
    return f"{n:02d}"


def percent(value: Decimal) -> str:
    text = f"{value.normalize():f}" if value is not None else ""
    return text.replace(".", ",") + "%"


def allocation_notation(total: int, sub_quotas: dict[str, int] | None = None) -> str:
    """ "03 (01 HS)": the total, then category minimums in brackets."""
    parts = [
        f"{two_digits(count)} {ABBREVIATION_OF.get(category, category)}"
        for category, count in (sub_quotas or {}).items()
        if count
    ]
    return two_digits(total) + (f" ({', '.join(parts)})" if parts else "")


def _who(rule: Rule) -> str:
    """The noun phrase for the organizations a selector matches."""
    forms = set(rule.forms or [])
    if forms and forms <= set(GRASSROOTS_FORMS):
        noun = "tổ chức cơ sở đảng" if forms == set(GRASSROOTS_FORMS) else FORM_NOUN[next(iter(forms))]
    elif len(forms) == 1:
        noun = FORM_NOUN[next(iter(forms))]
    else:
        noun = "tổ chức đảng"
    sectors = [SECTOR_PHRASE[s] for s in rule.sectors or [] if s in SECTOR_PHRASE]
    phrase = noun + (" " + ", ".join(sectors) if sectors else "")
    if rule.depth == 1:
        phrase += f" trực thuộc {rule.plan.issuer.name}"
    return phrase


def _subject(rule: Rule) -> str:
    if rule.applies_to_each:
        return "mỗi " + _who(rule)
    return (rule.target or rule.plan.issuer).name


def _count_range(rule: Rule, noun: str) -> str:
    """A range's upper end is a level (“từ 05 đến 10”) unless the rule makes it a cap
    (“không quá 10”: `max_is_cap`)."""
    low, high = rule.min_count, rule.max_count
    cap = getattr(rule, "max_is_cap", False)
    if low is not None and high is not None:
        if low == high:
            return f"{two_digits(low)} {noun}" + (" (không quá)" if cap else "")
        if cap:
            return f"ít nhất {two_digits(low)}, không quá {two_digits(high)} {noun}"
        return f"từ {two_digits(low)} đến {two_digits(high)} {noun}"
    if low is not None:
        return f"ít nhất {two_digits(low)} {noun}"
    if high is not None:
        return f"{'không quá' if cap else 'đến'} {two_digits(high)} {noun}"
    return noun


def _percent_range(rule: Rule) -> str:
    low, high = rule.min_percent, rule.max_percent
    cap = getattr(rule, "max_is_cap", False)
    if low is not None and high is not None:
        if cap:
            return f"từ {percent(low)} trở lên, không quá {percent(high)}"
        return f"từ {percent(low)} đến {percent(high)}"
    if low is not None:
        return f"từ {percent(low)} trở lên"
    if high is not None:
        return f"{'không quá' if cap else 'đến'} {percent(high)}"
    return ""


def rule_bounds(rule: Rule) -> str:
    """The figures of a rule as its sentence writes them, without the noun: "ít nhất 01",
    "từ 05 đến 10", "từ 2% đến 5%", "02 năm trở lên" ("" when it sets none)."""
    if rule.kind in (RuleKind.SHARE_OF_ADMISSIONS, RuleKind.SHARE_OF_MEMBERSHIP):
        return _percent_range(rule)
    if rule.kind == RuleKind.INACTIVITY:
        return f"{two_digits(rule.years_without)} năm trở lên" if rule.years_without else ""
    return " ".join(_count_range(rule, "").split())


def rule_sentence(rule: Rule) -> str:
    """The rule written as a board would write it in a plan."""
    noun = CATEGORY_NOUN.get(rule.category, "đảng viên") if rule.category else "đảng viên"
    subject = _subject(rule)
    kind = rule.kind
    if kind == RuleKind.COUNT:
        text = f"{subject} kết nạp {_count_range(rule, noun)}"
    elif kind == RuleKind.SHARE_OF_ADMISSIONS:
        whose = "của toàn đảng bộ" if rule.applies_to_each else f"của toàn đảng bộ {subject}"
        text = f"{noun} chiếm {_percent_range(rule)} trong tổng số đảng viên mới kết nạp {whose}"
        if rule.applies_to_each:
            text += f" (đối với {subject})"
    elif kind == RuleKind.SHARE_OF_MEMBERSHIP:
        # "đạt … so với": the share is of the members at the start of the year, not of the admissions.
        text = f"{subject} kết nạp đảng viên mới đạt {_percent_range(rule)} so với tổng số đảng viên đầu năm"
    elif kind == RuleKind.ALLOCATION:
        total = f"{two_digits(rule.min_count)} đảng viên" if rule.min_count is not None else "đảng viên mới"
        text = f"{subject} kết nạp {total}, phân bổ chỉ tiêu cho các tổ chức trực thuộc"
    elif kind == RuleKind.CELL_SIZE:
        text = f"{subject} có từ {two_digits(rule.min_count or 0)} đảng viên trở lên"
    elif kind == RuleKind.INACTIVITY:
        years = two_digits(rule.years_without or 0)
        text = (
            f"chú trọng {_who(rule) if rule.applies_to_each else subject} {years} năm trở lên không kết nạp đảng viên"
        )
    else:  # pragma: no cover - every kind is handled above
        text = str(rule)
    if rule.is_soft and kind != RuleKind.INACTIVITY:
        text = "phấn đấu " + text
    return text[0].upper() + text[1:]
