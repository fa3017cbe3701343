"""What the printed plan says: one neutral structure of the document (`plan_document()`),
built from what the app holds; the renderers only lay it out.

The document's fixed words are Vietnamese whatever the interface language: they are data
here, not translations.
"""

import copy
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from common import clock
from common.text import fold
from organizations.documents import party_body, place_name, signer
from organizations.models import Organization, OrgForm
from organizations.positions import ancestors_on, children_on, names_on

from ..models import Plan, PlanStatus, Recurrence, RuleKind
from ..selectors import plan_rules, table_of_the_total
from ..sentences import allocation_notation, two_digits

NATION = "ĐẢNG CỘNG SẢN VIỆT NAM"
DOC_TYPE = "KẾ HOẠCH"
DRAFT_MARK = "DỰ THẢO"
RECIPIENTS_LABEL = "Nơi nhận:"
APPENDIX_LABEL = "Phụ lục"
APPENDIX_COLUMNS = ("STT", "TCCSĐ", "CHỈ TIÊU")
TOTAL_LABEL = "Tổng cộng"
TARGETS_HEADING = "CHỈ TIÊU"
MILESTONES_HEADING = "TỔ CHỨC THỰC HIỆN"
ROMAN = ("I", "II", "III", "IV", "V")
BLANK = "\u00a0" * 6  # room to write a number or a day by hand
ELLIPSIS = "…"

# Committees whose standing committee (Ban Thường vụ) issues and signs.
_STANDING_COMMITTEES = (OrgForm.PROVINCIAL, OrgForm.DISTRICT, OrgForm.BLOC, OrgForm.COMMUNE)
_CELLS = (OrgForm.CELL, OrgForm.GRASSROOTS_CELL)


@dataclass(frozen=True)
class Cell:
    """One line of the header block; `style` says how it is set (see the renderers)."""

    text: str
    style: str = ""  # superior | issuer | star | number | nation | dateline | ""


@dataclass
class Paragraph:
    text: str
    style: str = "body"  # heading | lead | body | item


@dataclass
class Appendix:
    label: str  # "Phụ lục", "Phụ lục 2"
    caption: str  # "PHÂN BỔ CHỈ TIÊU PHÁT TRIỂN ĐẢNG NĂM 2025"
    attached_to: str  # "(Kèm theo Kế hoạch số …-KH/HU, ngày … của Ban Thường vụ Huyện ủy Đơn Dương)"
    columns: tuple[str, ...]
    rows: list[tuple[str, str, str]]
    total: tuple[str, str, str]


@dataclass
class PlanDocument:
    title: str  # the file's title: "Kế hoạch số 97-KH/TU — …"
    filename: str  # without extension
    draft: bool
    header: list[tuple[Cell, Cell]]  # rows of the two-column header block
    doc_type: str
    subject: str
    body: list[Paragraph]
    on_behalf: str  # "T/M BAN THƯỜNG VỤ"
    signer_title: str  # "BÍ THƯ", "PHÓ BÍ THƯ"
    recipients: list[str]
    signer_name: str = ""  # under the space for the signature: "Đinh Thị Mai"; empty: written by hand
    appendices: list[Appendix] = field(default_factory=list)
    amended: list[str] = field(default_factory=list)  # under the subject: "(Sửa đổi, bổ sung ngày …: …)"

    def lines(self) -> list[str]:
        """Every line of text in reading order (for tests and plain-text checks)."""
        out = [DRAFT_MARK] if self.draft else []
        out += [c.text for row in self.header for c in row if c.text]
        out += [self.doc_type, self.subject, *self.amended] + [p.text for p in self.body]
        out += [RECIPIENTS_LABEL, *self.recipients, self.on_behalf, self.signer_title]
        out += [self.signer_name] if self.signer_name else []
        for a in self.appendices:
            out += [a.label, a.caption, a.attached_to, *a.columns]
            out += [text for row in [*a.rows, a.total] for text in row if text]
        return out


# --- building --------------------------------------------------------------------------------


def _date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _first_lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _subject(title: str) -> str:
    """The subject line under "KẾ HOẠCH": the title without a leading "Kế hoạch"."""
    text = " ".join(unicodedata.normalize("NFC", title).split())
    if text[:9].lower() == "kế hoạch " and len(text) > 9:
        text = text[9:]
    return text[:1].upper() + text[1:]


def committee(org: Organization) -> str:
    """The committee that leads `org`: "Đảng bộ xã Ka Đô" is led by "Đảng ủy xã Ka Đô"."""
    if org.form not in _CELLS and org.name.startswith("Đảng bộ "):
        return "Đảng ủy " + org.name[len("Đảng bộ ") :]
    return org.name


def board(org: Organization) -> str:
    """Who issues and signs for `org`: "Ban Thường vụ Tỉnh ủy Lâm Đồng", "Đảng ủy xã …", "Chi bộ …"."""
    if org.form in _STANDING_COMMITTEES:
        return f"Ban Thường vụ {committee(org)}"
    return committee(org)


def attached_to(plan: Plan, issuer: Organization) -> str:
    day = _date(plan.issued_on) if plan.issued_on else ELLIPSIS
    return f"(Kèm theo Kế hoạch số {plan.number_label}, ngày {day} của {board(issuer)})"


def _dateline(place: str, day: dt.date | None) -> str:
    if day is None:
        return f"{place}, ngày{BLANK}tháng{BLANK}năm{BLANK}"
    return f"{place}, ngày {day:%d} tháng {day:%m} năm {day:%Y}"


def _header(plan: Plan, issuer: Organization, ancestors: list[Organization]) -> list[tuple[Cell, Cell]]:
    """The header block as in the seeds: superior and issuer left, the Party's name right;
    the place and date on the row of the star; the number under it."""
    parent = ancestors[-1] if ancestors else None
    superior = party_body(parent) if parent is not None and parent.form != OrgForm.CENTRAL else ""
    number = f"Số {plan.number}-{plan.symbol}" if plan.number else f"Số{BLANK}-{plan.symbol}"
    left = ([Cell(superior, "superior")] if superior else []) + [Cell(committee(issuer).upper(), "issuer")]
    rows = [(left[0], Cell(NATION, "nation"))] + [(c, Cell("")) for c in left[1:]]
    rows.append((Cell("*", "star"), Cell(_dateline(place_name(issuer, ancestors), plan.issued_on), "dateline")))
    rows.append((Cell(number, "number"), Cell("")))
    return rows


def _years(plan: Plan) -> str:
    if plan.last_year == plan.first_year:
        return f"năm {plan.first_year}"
    if plan.last_year is None:
        return f"hằng năm, từ năm {plan.first_year}"
    return f"hằng năm, giai đoạn {plan.first_year} - {plan.last_year}"


def _milestone(m) -> str:
    said = fold(m.title)  # "(định kỳ hằng quý)" already in the title: not said twice
    if m.recurrence == Recurrence.YEARLY:
        when = ("" if "hang nam" in said else "hằng năm, ") + f"trước ngày {m.due_on:%d/%m}"
    elif m.recurrence == Recurrence.QUARTERLY:
        when = ("" if "hang quy" in said else "hằng quý, ") + f"lần đầu trước ngày {_date(m.due_on)}"
    else:
        when = f"trước ngày {_date(m.due_on)}"
    text = f"{m.title.rstrip(' .;')}, {when}."
    return f"{m.responsible.rstrip(' .:')}: {text}" if m.responsible.strip() else text


def _amended(plan: Plan) -> list[str]:
    """The amendments the printed plan holds, one line a day with the board's reasons:
    "(Sửa đổi, bổ sung ngày 15/03/2025: …)". Not the record of its closing (the last
    amendment of a closed or replaced plan, made the day it closed: services.plan_close),
    which changes nothing the document says."""
    records = list(plan.amendments.order_by("made_at", "pk"))
    if plan.status in (PlanStatus.CLOSED, PlanStatus.REPLACED) and records and records[-1].made_on == plan.closed_on:
        records.pop()
    reasons: dict[dt.date, list[str]] = {}
    for record in records:
        said = reasons.setdefault(record.made_on, [])
        reason = " ".join(record.reason.split()).rstrip(" .;")
        if reason and reason not in said:
            said.append(reason)
    return [f"(Sửa đổi, bổ sung ngày {_date(day)}: {'; '.join(said)})" for day, said in sorted(reasons.items())]


def _recipients(issuer: Organization, parent: Organization | None, has_children: bool) -> list[str]:
    lines = []
    if parent is not None and parent.form != OrgForm.CENTRAL:
        lines.append(f"{board(parent)} (báo cáo)")
        if parent.form in _STANDING_COMMITTEES:
            lines.append(f"Ban Tổ chức {committee(parent)}")
    elif issuer.form == OrgForm.PROVINCIAL:
        lines += ["Ban Tổ chức Trung ương (báo cáo)"]
    if issuer.form in _STANDING_COMMITTEES:
        lines.append(f"Các đồng chí Ủy viên Ban Thường vụ {committee(issuer)}")
    if has_children:
        lines.append(f"Các tổ chức đảng trực thuộc {issuer.name}")
    lines.append(f"Lưu Văn phòng {committee(issuer)}" if issuer.form not in _CELLS else "Lưu hồ sơ chi bộ")
    return lines


def _appendix_caption(plan: Plan, owner: Organization) -> str:
    if plan.last_year == plan.first_year:
        years = f"NĂM {plan.first_year}"
    elif plan.last_year is None:
        years = f"HẰNG NĂM, TỪ NĂM {plan.first_year}"
    else:
        years = f"GIAI ĐOẠN {plan.first_year} - {plan.last_year}"
    whose = "" if owner.pk == plan.issuer_id else f" CỦA {owner.name.upper()}"
    return f"PHÂN BỔ CHỈ TIÊU PHÁT TRIỂN ĐẢNG{whose} {years}"


def plan_document(plan: Plan) -> PlanDocument:
    """The plan as a document, from what the app holds (a handful of queries). An issued
    plan prints as it was signed: on its day of issue, the organizations named as then,
    the party organization above the issuer then, and the organizations under it then as
    its recipients (a district dissolved since sent its plan to the units it held); a
    draft, as of today."""
    signed_on = plan.issued_on or clock.today()
    names = names_on(signed_on)
    issuer = copy.copy(plan.issuer)  # named as on the day (the caller's plan keeps its own)
    names.rename([issuer])
    ancestors = ancestors_on(issuer, signed_on)
    parent = ancestors[-1] if ancestors else None
    rules = plan_rules(plan, names=names)
    subject = _subject(plan.title)

    body: list[Paragraph] = []
    for parent_plan in plan.implements.select_related("issuer").order_by("issued_on", "pk"):
        names.rename([parent_plan.issuer])
        day = f", ngày {_date(parent_plan.issued_on)}" if parent_plan.issued_on else ""
        body.append(
            Paragraph(
                f"Thực hiện Kế hoạch số {parent_plan.number_label}{day} của {board(parent_plan.issuer)}"
                f" về {_first_lower(_subject(parent_plan.title))};"
            )
        )
    body.append(Paragraph(f"{board(issuer)} xây dựng Kế hoạch {_first_lower(subject)} như sau:"))

    headings = iter(ROMAN)
    appendices: list[Appendix] = []
    tables = [row for row in rules if row.rule.kind == RuleKind.ALLOCATION and row.table]
    if rules:
        body.append(Paragraph(f"{next(headings)}. {TARGETS_HEADING}", "heading"))
        body.append(Paragraph(f"Chỉ tiêu {_years(plan)}:", "lead"))
        # A total stated by a count rule and an allocation table alike is one item, with its appendix.
        once = table_of_the_total(rules)
        listed = [row for row in rules if not (once and row is once[1])]
        for number, row in enumerate(listed, start=1):
            sentence = row.sentence
            table = once[1] if once and row is once[0] else row
            if table in tables:
                label = APPENDIX_LABEL + (f" {tables.index(table) + 1}" if len(tables) > 1 else "")
                sentence += f" ({label.lower()} kèm theo)"
            body.append(Paragraph(f"{number}. {sentence}.", "item"))
    milestones = list(plan.milestones.all())
    if milestones:
        body.append(Paragraph(f"{next(headings)}. {MILESTONES_HEADING}", "heading"))
        for number, m in enumerate(milestones, start=1):
            body.append(Paragraph(f"{number}. {_milestone(m)}", "item"))

    for index, row in enumerate(tables, start=1):
        owner = row.rule.target or issuer
        lines, total, subs = [], 0, {}
        for number, (allocation, notation) in enumerate(row.table, start=1):
            lines.append((two_digits(number), allocation.organization.name, notation))
            total += allocation.total
            for s in allocation.sub_quotas.all():
                subs[s.category] = subs.get(s.category, 0) + s.count
        appendices.append(
            Appendix(
                label=APPENDIX_LABEL + (f" {index}" if len(tables) > 1 else ""),
                caption=_appendix_caption(plan, owner),
                attached_to=attached_to(plan, issuer),
                columns=APPENDIX_COLUMNS,
                rows=lines,
                total=("", TOTAL_LABEL, allocation_notation(total, subs)),
            )
        )

    # The title is the plan's own where the board gave it (a deputy often signs); the
    # issuer's usual one otherwise, as reports print.
    on_behalf, usual_title = signer(issuer)
    has_children = children_on(issuer, signed_on).exists()
    ascii_ref = fold(plan.reference or "du thao").replace("/", "-").replace(" ", "-")
    return PlanDocument(
        title=f"Kế hoạch số {plan.number_label} — {subject}",
        filename=f"ke-hoach-{plan.pk}-{re.sub(r'[^a-z0-9-]', '', ascii_ref)}",
        draft=plan.status == PlanStatus.DRAFT,
        header=_header(plan, issuer, ancestors),
        doc_type=DOC_TYPE,
        subject=subject,
        body=body,
        on_behalf=on_behalf,
        signer_title=plan.signer_title or usual_title,
        signer_name=plan.signer_name,
        recipients=_recipients(issuer, parent, has_children),
        appendices=appendices,
        amended=_amended(plan),
    )
