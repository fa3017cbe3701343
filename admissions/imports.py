"""Import candidates and past admissions from .xlsx: every row or none.

Each row is one person at the step they have reached (the steps before it are not
in the file, so they are not recorded); a row with a ceremony date is a past
admission. Every row is checked by the services the pages use, with the same code:
candidate_build, advance_build and admission_build are the checks of candidate_create,
candidate_advance and admission_record, run against the row's records held in memory.
What the checks read is read once for the whole file: the organizations, the person
look-ups (party-wide admissions, likely duplicates in scope), the locks, the holidays.
If any row is bad nothing is saved and every bad row is listed with its reasons;
otherwise the rows are written together (bulk inserts with their history rows, the
tallies counted once, the cached answers of the organizations written marked stale), so
the queries of an import do not grow with its rows (bench/imports.py).

`row_by_row=True` writes each row through the page services themselves, one save at a
time (as imports did before): the reference the tests compare with, and the bench's "before".
"""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from common import cache
from common.text import fold
from common.xlsx import ImportFailed, RowError, SheetError, choice_lookup, not_found, parse_date, read_rows
from organizations import access, locks
from organizations.access import Perm
from organizations.models import Organization

from . import selectors, services, tally
from .categories import CATEGORY_ABBREVIATIONS, Category
from .models import (
    Admission,
    Candidate,
    Education,
    Gender,
    GeneralEducation,
    Introducer,
    IntroducerKind,
    MembershipEnd,
    ProfessionalLevel,
    Step,
    StepRecord,
    TheoryLevel,
    national_id_validator,
)
from .workdays import Calendar, calendar_between

__all__ = ["COLUMNS", "ImportFailed", "candidates_import", "example_rows"]

COLUMNS = {
    "organization": ("Mã chi bộ", "Mã tổ chức", "Organization code"),
    "full_name": ("Họ và tên", "Họ tên", "Full name"),
    "date_of_birth": ("Ngày sinh", "Date of birth"),
    "gender": ("Giới tính", "Gender"),
    "category": ("Đối tượng", "Category"),
    "education": ("Trình độ học vấn", "Học vấn", "Education"),
    "ethnicity": ("Dân tộc", "Ethnicity"),
    "religion": ("Tôn giáo", "Religion"),
    "national_id": ("Số CCCD", "Số định danh", "National ID"),
    "step": ("Bước", "Step"),
    "step_date": ("Ngày của bước", "Ngày", "Step date"),
    "document_number": ("Số văn bản", "Document number"),
    "decision_number": ("Số quyết định kết nạp", "Số quyết định", "Decision number"),
    "decision_date": ("Ngày quyết định", "Decision date"),
    "ceremony_date": ("Ngày kết nạp", "Ceremony date"),
    # Optional: the introducers (checked as on the page when given; required at the introductions step).
    "introducer_1": ("Người giới thiệu 1", "Introducer 1"),
    "introducer_1_since": ("Người giới thiệu 1 biết từ ngày", "Introducer 1 known since"),
    "introducer_2": ("Người giới thiệu 2", "Introducer 2"),
    "introducer_2_since": ("Người giới thiệu 2 biết từ ngày", "Introducer 2 known since"),
    "youth_union": ("Đoàn TN giới thiệu", "Youth Union introduces"),
    # Optional: dates of earlier steps, recorded (and checked) as on the page.
    "certificate_date": ("Ngày cấp giấy chứng nhận", "Certificate date"),
    "introduction_date": ("Ngày giới thiệu", "Introductions date"),
    "resolution_date": ("Ngày nghị quyết chi bộ", "Cell resolution date"),
    "provincial_consent_on": ("Ngày BTV Tỉnh ủy đồng ý", "Provincial consent date"),
    # Optional: what the statistical form of new members counts (empty: not stated).
    "youth_union_member": ("Đoàn viên", "Là đoàn viên", "Youth Union member"),
    "general_education": ("Giáo dục phổ thông", "Học vấn phổ thông", "General education"),
    "professional_level": ("Chuyên môn nghiệp vụ", "Trình độ chuyên môn", "Professional level"),
    "theory_level": ("Lý luận chính trị", "Trình độ lý luận chính trị", "Political theory level"),
    # Optional: a re-admission (kết nạp lại), with how, when and why the earlier membership ended.
    "readmission": ("Kết nạp lại", "Re-admission"),
    "earlier_membership_ended_on": ("Ngày ra khỏi Đảng", "Earlier membership ended on"),
    "earlier_membership_end": ("Hình thức ra khỏi Đảng", "How the earlier membership ended"),
    "earlier_membership_note": ("Lý do ra khỏi Đảng", "Reason the earlier membership ended"),
}
YES = {"x", "co", "yes", "true", "1", "dung"}
NO = {"khong", "no", "false", "0", "sai"}
# The ways boards write these levels, besides the labels of the choices.
GENERAL_EDUCATION_ALIASES = {
    "12/12": "upper_secondary",
    "9/12": "lower_secondary",
    "5/12": "primary",
    "thpt": "upper_secondary",
    "thcs": "lower_secondary",
}
PROFESSIONAL_ALIASES = {
    "khong": "none",
    "chua qua dao tao": "none",
    "so cap": "vocational",
    "trung cap": "vocational",
    "so cap nghe": "vocational",
    "trung cap nghe": "vocational",
    "cao dang": "college",
    "dai hoc": "university",
    "thac si": "postgraduate",
    "tien si": "postgraduate",
}
THEORY_ALIASES = {
    "khong": "none",
    "chua": "none",
    "so cap": "primary",
    "trung cap": "intermediate",
    "cao cap": "advanced",
    "cu nhan": "advanced",
}
MEMBERSHIP_END_ALIASES = {
    "xoa ten": "struck_off",
    "xin ra": "left",
    "xin ra khoi dang": "left",
    "khai tru": "expelled",
    "khong cong nhan": "not_recognized",
    "khong cong nhan dang vien chinh thuc": "not_recognized",
    "khac": "other",
}
# The optional columns giving the date of an earlier step, in the order of the road.
EARLIER_STEPS = (
    ("certificate_date", Step.CLASS),
    ("introduction_date", Step.INTRODUCTION),
    ("resolution_date", Step.CELL_RESOLUTION),
)
# Column labels and messages named in a row's problems, translated only when a row has one
# (lazily: a 10,000-row file would otherwise look up a dozen translations per row).
EARLIER_LABELS = {
    "certificate_date": gettext_lazy("Certificate date"),
    "introduction_date": gettext_lazy("Introductions date"),
    "resolution_date": gettext_lazy("Cell resolution date"),
}
INTRODUCER_SINCE = {n: lazy(lambda n: _("Introducer %(n)d known since") % {"n": n}, str)(n) for n in (1, 2)}
EXAMPLE_PADDING = ["", "", "", ""]  # the dates of earlier steps and the provincial consent
WORKING_DAY_RULES = ("DECISION_WORKING_DAYS", "CEREMONY_WORKING_DAYS", "RECOGNITION_WORKING_DAYS")
# Rows per INSERT: None lets Django take the most the database allows (on SQLite its limit on
# parameters over the table's columns, ~1,000 candidates; on PostgreSQL one statement).
BATCH = None
REQUIRED = {"organization", "full_name", "date_of_birth", "gender", "category"}


def example_rows(organization: Organization) -> list[list]:
    return [
        [
            organization.code,
            "Nguyễn Văn Mẫu",
            "15/03/2006",
            "Nam",
            "Học sinh THPT",
            "Trung học phổ thông",
            "Kinh",
            "",
            "",
            2,
            "20/09/2024",
            "GCN-01",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            *EXAMPLE_PADDING,
            "x",
            "THPT",
            "Không",
            "Không",
        ],
        [
            organization.code,
            "Trần Thị Ví Dụ",
            "02/11/1999",
            "Nữ",
            "Khác",
            "Đại học",
            "Kinh",
            "",
            "",
            "",
            "",
            "",
            "12-QĐ/HU",
            "10/01/2024",
            "20/01/2024",
            "Lê Văn Giới",
            "01/09/2021",
            "",
            "",
            "x",
            *EXAMPLE_PADDING,
            "x",
            "THPT",
            "Đại học",
            "Sơ cấp",
        ],
    ]


def _date(value, problems: list[str], label: str, required: bool = False) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(_("%(column)s is empty") % {"column": label})
        return None
    day = parse_date(value)
    if day is not None:
        return day
    text = str(value).strip()
    problems.append(_("%(column)s “%(value)s” is not a date (dd/mm/yyyy)") % {"column": label, "value": text})
    return None


def _step_lookup() -> dict[str, int]:
    lookup = {}
    for language in ("en", "vi"):
        with translation.override(language):
            lookup.update({fold(str(label)): value for value, label in Step.choices if value < Step.CEREMONY})
    return lookup


def _step(text: str, lookup: dict[str, int]) -> int | None:
    if not text:
        return Step.SOURCE
    if text.isdigit() and int(text) in Step.values and int(text) < Step.CEREMONY:
        return int(text)
    return lookup.get(fold(text))


def _introducers(row, problems: list[str]) -> list[dict]:
    """The introducers of a row: members by name and date, and the Youth Union committee if marked."""
    given = []
    for n in (1, 2):
        name = " ".join(row.text(f"introducer_{n}").split())
        since = _date(row.values.get(f"introducer_{n}_since"), problems, INTRODUCER_SINCE[n])
        if name:
            given.append({"kind": IntroducerKind.MEMBER, "full_name": name, "known_since": since})
    if row.text("youth_union"):
        given.append({"kind": IntroducerKind.YOUTH_UNION, "full_name": str(IntroducerKind.YOUTH_UNION.label)})
    return given


def _yes_no(row, key: str, label: str, problems: list[str]) -> bool | None:
    """x / có / yes → True, không / no → False, empty → None (not stated)."""
    text = row.text(key)
    if not text:
        return None
    folded = fold(text)
    if folded in YES:
        return True
    if folded in NO:
        return False
    problems.append(
        _("%(column)s “%(value)s” is neither yes (x, có) nor no (không)") % {"column": label, "value": text}
    )
    return None


def _level(row, key: str, lookup: dict[str, str], message: str, problems: list[str]) -> str:
    """A level by its label (Vietnamese or English) or the ways boards write it; empty: not stated."""
    text = row.text(key)
    if not text:
        return ""
    value = lookup.get(fold(text))
    if value is None:
        problems.append(message % {"value": text})
        return ""
    return value


def _lookups() -> dict[str, dict[str, str]]:
    general, professional = choice_lookup(GeneralEducation), choice_lookup(ProfessionalLevel)
    theory, ends = choice_lookup(TheoryLevel), choice_lookup(MembershipEnd)
    general.update(GENERAL_EDUCATION_ALIASES)
    professional.update(PROFESSIONAL_ALIASES)
    theory.update(THEORY_ALIASES)
    ends.update(MEMBERSHIP_END_ALIASES)
    return {"general": general, "professional": professional, "theory": theory, "ends": ends}


def _form_fields(row, lookups: dict, problems: list[str]) -> dict:
    """The optional columns of the statistical form of new members."""
    return {
        "youth_union_member": _yes_no(row, "youth_union_member", gettext_lazy("Youth Union member"), problems),
        "general_education": _level(
            row,
            "general_education",
            lookups["general"],
            gettext_lazy("unknown general education “%(value)s” (tiểu học, THCS, THPT)"),
            problems,
        ),
        "professional_level": _level(
            row,
            "professional_level",
            lookups["professional"],
            gettext_lazy("unknown professional level “%(value)s” (không, trung cấp, cao đẳng, đại học, sau đại học)"),
            problems,
        ),
        "theory_level": _level(
            row,
            "theory_level",
            lookups["theory"],
            gettext_lazy("unknown political theory level “%(value)s” (không, sơ cấp, trung cấp, cao cấp)"),
            problems,
        ),
    }


def _readmission(row, lookups: dict, problems: list[str]) -> dict:
    """The re-admission columns: yes/no, and when, how and why the earlier membership ended."""
    readmission = _yes_no(row, "readmission", gettext_lazy("Re-admission"), problems)
    ended_label = gettext_lazy("Earlier membership ended on")
    ended_on = _date(row.values.get("earlier_membership_ended_on"), problems, ended_label)
    how = _level(
        row,
        "earlier_membership_end",
        lookups["ends"],
        gettext_lazy(
            "unknown way the earlier membership ended “%(value)s” (xóa tên, xin ra khỏi Đảng, khai trừ, khác)"
        ),
        problems,
    )
    note = " ".join(row.text("earlier_membership_note").split())
    if readmission:
        if ended_on is None and not row.text("earlier_membership_ended_on"):
            problems.append(_("a re-admission needs the date the earlier membership ended"))
        if not how and not row.text("earlier_membership_end"):
            problems.append(_("a re-admission needs how the earlier membership ended"))
        if not note:
            problems.append(_("a re-admission needs the reason the earlier membership ended"))
    elif ended_on or how or note:
        problems.append(_("the earlier membership is given for a re-admission only (Kết nạp lại: x)"))
    return {
        "readmission": bool(readmission),
        "earlier_membership_ended_on": ended_on,
        "earlier_membership_end": how,
        "earlier_membership_note": note,
    }


def _messages(exc: ValidationError) -> list[str]:
    return [m[:1].lower() + m[1:] if m else m for m in exc.messages]


def candidates_import(
    *, upload, under: Organization, user, today: dt.date, row_by_row: bool = False
) -> list[Candidate]:
    try:
        rows = read_rows(upload, COLUMNS, required=REQUIRED)
    except SheetError as exc:
        raise ImportFailed([RowError(0, str(exc))]) from None
    if not rows:
        raise ImportFailed([RowError(0, _("The file has no data rows."))])

    genders, categories, educations = choice_lookup(Gender), choice_lookup(Category), choice_lookup(Education)
    genders.update({"nam": Gender.MALE, "nu": Gender.FEMALE})
    categories.update({fold(abbr): value for abbr, value in CATEGORY_ABBREVIATIONS.items()})
    categories.update({"hoc sinh": Category.PUPIL, "hoc sinh thpt": Category.PUPIL, "sinh vien": Category.STUDENT})
    steps = _step_lookup()
    lookups = _lookups()
    codes = {row.text("organization") for row in rows}
    known = {o.code: o for o in Organization.objects.filter(code__in=codes)}
    writable = set(
        access.organizations_under(user, under, Perm.EDIT_ADMISSIONS)
        .filter(code__in=codes)
        .values_list("code", flat=True)
    )
    seen: dict[tuple, int] = {}
    parsed, errors = [], []
    for row in rows:
        problems: list[str] = []
        code = row.text("organization")
        org = known.get(code)
        if org is None or code not in writable:  # unknown or outside: the same words
            problems.append(not_found(code))
        elif not org.is_active:
            problems.append(_("organization “%(code)s” is dissolved") % {"code": code})
        name = " ".join(row.text("full_name").split())
        if not name:
            problems.append(_("the name is empty"))
        dob = _date(row.values.get("date_of_birth"), problems, gettext_lazy("Date of birth"), required=True)
        gender = genders.get(fold(row.text("gender")))
        if gender is None:
            problems.append(_("unknown gender “%(value)s”") % {"value": row.text("gender")})
        category = categories.get(fold(row.text("category")))
        if category is None:
            problems.append(_("unknown category “%(value)s”") % {"value": row.text("category")})
        education = educations.get(fold(row.text("education"))) if row.text("education") else Education.UPPER_SECONDARY
        if education is None:
            problems.append(_("unknown education level “%(value)s”") % {"value": row.text("education")})
        national_id = row.text("national_id")
        if national_id:
            try:
                national_id_validator(national_id)
            except ValidationError as exc:
                problems.extend(exc.messages)
        ceremony = _date(row.values.get("ceremony_date"), problems, gettext_lazy("Ceremony date"))
        decision = _date(
            row.values.get("decision_date"), problems, gettext_lazy("Decision date"), required=ceremony is not None
        )
        decision_number = row.text("decision_number")
        if ceremony and not decision_number:
            problems.append(_("a past admission needs the decision number"))
        step = Step.DECISION if ceremony else _step(row.text("step"), steps)
        if step is None:
            problems.append(_("unknown step “%(value)s”") % {"value": row.text("step")})
        if ceremony:
            step_date = decision
        elif not row.text("step") and not row.text("step_date"):
            step_date = today  # a new source candidate, identified today
        else:
            step_date = _date(row.values.get("step_date"), problems, gettext_lazy("Step date"), required=True)
        introducers = _introducers(row, problems)
        earlier = []
        for key, earlier_step in EARLIER_STEPS:
            label = EARLIER_LABELS[key]
            day = _date(row.values.get(key), problems, label)
            if day is None:
                continue
            if step is not None and earlier_step >= step:
                problems.append(_("%(column)s is for a step the row has not passed") % {"column": label})
            else:
                earlier.append((earlier_step, day))
        consent = _date(row.values.get("provincial_consent_on"), problems, gettext_lazy("Provincial consent date"))
        form_fields = _form_fields(row, lookups, problems)
        readmission = _readmission(row, lookups, problems)
        if dob and name:
            for key in [("name", fold(name), dob)] + ([("id", national_id)] if national_id else []):
                if key in seen:
                    problems.append(_("the same person as row %(row)d") % {"row": seen[key]})
                    break
                seen[key] = row.number
        if problems:
            errors.append(RowError(row.number, "; ".join(problems)))
            continue
        parsed.append(
            {
                "row": row,
                "person": {
                    "organization": org,
                    "full_name": name,
                    "date_of_birth": dob,
                    "gender": gender,
                    "category": category,
                    "education": education,
                    "ethnicity": row.text("ethnicity") or "Kinh",
                    "religion": row.text("religion"),
                    "national_id": national_id,
                    "provincial_consent_on": consent,
                    **form_fields,
                    **readmission,
                },
                "earlier": earlier,
                "step": step,
                "step_date": step_date,
                "decision_number": decision_number,
                "ceremony": ceremony,
                "introducers": introducers,
            }
        )

    # The same person: one query for the whole file, party-wide and in scope.
    people = [
        (fold(p["person"]["full_name"]), p["person"]["date_of_birth"], p["person"]["national_id"]) for p in parsed
    ]
    twins = selectors.admitted_twins_many(people)
    duplicates = selectors.likely_duplicates_many(user=user, people=people)
    if row_by_row:
        return _import_row_by_row(parsed, twins, duplicates, errors, known=known, user=user, today=today)
    # The working-day calendar of every deadline the rows set, read once for the file.
    calendar = _calendar_for(parsed)
    built: list[Built] = []
    # The locks read once for the file: every check below tests its dates against them,
    # so a row dated in a locked period is a row error naming the lock.
    with transaction.atomic(), locks.read_once(today=today, organizations=known.values()):
        for item, twin, found in zip(parsed, twins, duplicates, strict=True):
            try:
                looked_up = {"twin": twin, "duplicates": found}
                built.append(_build(item, looked_up=looked_up, user=user, today=today, calendar=calendar))
            except ValidationError as exc:
                errors.append(RowError(item["row"].number, "; ".join(_messages(exc))))
        if errors:
            # Nothing is saved: every row is checked before any is written.
            raise ImportFailed(sorted(errors, key=lambda e: e.row))
        _save(built)
    return [b.candidate for b in built]


class Built:
    """One row checked by the services and not yet saved: its candidate, the step records,
    introducers and admission the services made for it (all saved together by `_save`)."""

    def __init__(self, candidate: Candidate):
        self.candidate = candidate
        self.records: dict[int, StepRecord] = {}
        self.introducers: list[Introducer] = []
        self.admission: Admission | None = None


def _calendar_for(parsed: list[dict]) -> Calendar:
    """One read of the holidays covering every deadline the file's rows may set: from the
    earliest date of the file to a probation and the longest working-day span after the latest."""
    days = [day for p in parsed for day in (p["step_date"], p["ceremony"], *(d for _s, d in p["earlier"])) if day]
    if not days:
        return Calendar()
    longest = max(services.rule(name) for name in WORKING_DAY_RULES)
    end = max(days) + relativedelta(months=services.rule("PROBATION_MONTHS"))
    return calendar_between(min(days), end + dt.timedelta(days=longest * 2 + 30))


def _build(item: dict, *, looked_up: dict, user, today: dt.date, calendar: Calendar) -> Built:
    """One row through the checks of the pages' services (candidate_build, advance_build,
    admission_build: what candidate_create, candidate_advance and admission_record check),
    against the row's own records held in memory: created, moved to its step, admitted."""
    step, step_date, ceremony = item["step"], item["step_date"], item["ceremony"]
    earlier, introducers = item["earlier"], item["introducers"]
    candidate, source = services.candidate_build(
        **item["person"],
        user=user,
        today=today,
        source_date=earlier[0][1] if earlier else step_date,
        source_document=item["row"].text("document_number") if step == Step.SOURCE else "",
        notes=_("Imported from Excel: earlier steps not recorded."),
        looked_up=looked_up,
        source_on_file=step == Step.SOURCE,
    )
    built = Built(candidate)
    if source is not None:
        built.records[Step.SOURCE] = source

    def advance(to: int, day: dt.date, **kwargs) -> None:
        record, new = services.advance_build(
            candidate=candidate,
            step=to,
            date=day,
            user=user,
            today=today,
            earlier_steps_missing=True,
            records=dict(built.records),
            introducers_on_file=list(built.introducers),
            calendar=calendar,
            **kwargs,
        )
        built.records[to] = record
        built.introducers += new

    # The earlier steps the file dates, then the row's step: each checked as on the page.
    introduced = any(earlier_step == Step.INTRODUCTION for earlier_step, _day in earlier)
    for earlier_step, day in earlier:
        advance(earlier_step, day, introducers=introducers if earlier_step == Step.INTRODUCTION else None)
    if step > Step.SOURCE:
        advance(
            step,
            step_date,
            document_number=item["decision_number"] if ceremony else item["row"].text("document_number"),
            introducers=None if introduced else introducers,
        )
    elif introducers:
        raise ValidationError(_("introducers are given for a step before the introductions"))
    if ceremony:
        built.admission, built.records[Step.CEREMONY] = services.admission_build(
            candidate=candidate,
            decision=built.records.get(Step.DECISION),
            ceremony_date=ceremony,
            user=user,
            today=today,
            twin=looked_up["twin"],
            calendar=calendar,
        )
    return built


def _save(built: list[Built]) -> None:
    """Every row at once: the candidates, their step records, introducers and admissions, each
    with its history row (who imported them), in a few statements per table; the tallies
    counted once for the file and the cached answers of the organizations written marked stale."""
    candidates = [b.candidate for b in built]
    bulk_create_with_history(candidates, Candidate, batch_size=BATCH)
    rows = {
        StepRecord: [r for b in built for r in b.records.values()],
        Introducer: [i for b in built for i in b.introducers],
        Admission: [b.admission for b in built if b.admission is not None],
    }
    for model, objects in rows.items():  # bulk_create takes each candidate's new id
        if objects:
            bulk_create_with_history(objects, model, batch_size=BATCH)
    tally.count_created([*candidates, *rows[Admission]])
    cache.organizations_changed({c.organization_id for c in candidates})


def _import_row_by_row(parsed, twins, duplicates, errors, *, known, user, today) -> list[Candidate]:
    """The reference: each row written through candidate_create, candidate_advance and
    admission_record, one save (with its history row, tally move and signals) at a time."""
    created = []
    with transaction.atomic(), locks.read_once(today=today, organizations=known.values()):
        for item, twin, found in zip(parsed, twins, duplicates, strict=True):
            try:
                with transaction.atomic():
                    created.append(_write(item, looked_up={"twin": twin, "duplicates": found}, user=user, today=today))
            except ValidationError as exc:
                errors.append(RowError(item["row"].number, "; ".join(_messages(exc))))
        if errors:
            raise ImportFailed(sorted(errors, key=lambda e: e.row))
    return created


def _write(item: dict, *, looked_up: dict, user, today: dt.date) -> Candidate:
    """One row through the services of the pages: created, moved to its step, admitted."""
    step, step_date, ceremony = item["step"], item["step_date"], item["ceremony"]
    earlier, introducers = item["earlier"], item["introducers"]
    candidate = services.candidate_create(
        **item["person"],
        user=user,
        today=today,
        source_date=earlier[0][1] if earlier else step_date,
        source_document=item["row"].text("document_number") if step == Step.SOURCE else "",
        notes=_("Imported from Excel: earlier steps not recorded."),
        looked_up=looked_up,
        source_on_file=step == Step.SOURCE,
    )
    # The earlier steps the file dates, then the row's step: each checked as on the page.
    introduced = any(earlier_step == Step.INTRODUCTION for earlier_step, _day in earlier)
    for earlier_step, day in earlier:
        services.candidate_advance(
            candidate=candidate,
            step=earlier_step,
            date=day,
            introducers=introducers if earlier_step == Step.INTRODUCTION else None,
            user=user,
            today=today,
            earlier_steps_missing=True,
        )
    if step > Step.SOURCE:
        services.candidate_advance(
            candidate=candidate,
            step=step,
            date=step_date,
            document_number=item["decision_number"] if ceremony else item["row"].text("document_number"),
            introducers=None if introduced else introducers,
            user=user,
            today=today,
            earlier_steps_missing=True,
        )
    elif introducers:
        raise ValidationError(_("introducers are given for a step before the introductions"))
    if ceremony:
        services.admission_record(
            candidate=candidate, ceremony_date=ceremony, user=user, today=today, twin=looked_up["twin"]
        )
    return candidate
