"""Import candidates and past admissions from .xlsx: every row or none.

Each row is one person at the step they have reached (the steps before it are not
in the file, so they are not recorded); a row with a ceremony date is a past
admission. Every row is checked first; if any is bad nothing is saved and every bad
row is listed with its reasons.
"""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from organizations import access
from organizations.access import Perm
from organizations.models import Organization
from organizations.text import fold
from organizations.xlsx import ImportFailed, RowError, SheetError, choice_lookup, parse_date, read_rows

from . import selectors
from .categories import CATEGORY_ABBREVIATIONS, Category
from .models import Admission, Candidate, Education, Gender, Outcome, Step, StepRecord, national_id_validator
from .services import _stamp, age_on, rule
from .workdays import add_working_days

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
}
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


def candidates_import(*, upload, under: Organization, user, today: dt.date) -> list[Candidate]:
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
    codes = {row.text("organization") for row in rows}
    known = {o.code: o for o in Organization.objects.filter(code__in=codes)}
    writable = set(
        access.organizations(user, Perm.EDIT_ADMISSIONS)
        .filter(path__startswith=under.path, code__in=codes)
        .values_list("code", flat=True)
    )
    seen: dict[tuple, int] = {}
    parsed, errors = [], []
    for row in rows:
        problems: list[str] = []
        code = row.text("organization")
        org = known.get(code)
        if org is None:
            problems.append(_("unknown organization “%(code)s”") % {"code": code})
        elif code not in writable:
            problems.append(_("organization “%(code)s” is outside your scope") % {"code": code})
        elif not org.is_active:
            problems.append(_("organization “%(code)s” is dissolved") % {"code": code})
        name = " ".join(row.text("full_name").split())
        if not name:
            problems.append(_("the name is empty"))
        dob = _date(row.values.get("date_of_birth"), problems, _("Date of birth"), required=True)
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
        ceremony = _date(row.values.get("ceremony_date"), problems, _("Ceremony date"))
        decision = _date(row.values.get("decision_date"), problems, _("Decision date"), required=ceremony is not None)
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
            step_date = _date(row.values.get("step_date"), problems, _("Step date"), required=True)
        for label, day in ((_("Date of birth"), dob), (_("Step date"), step_date), (_("Ceremony date"), ceremony)):
            if day and day > today:
                problems.append(_("%(column)s is in the future") % {"column": label})
        if ceremony and decision and ceremony < decision:
            problems.append(_("the ceremony is before the decision"))
        checked_on = ceremony or (step_date if step and step >= Step.CELL_RESOLUTION else None)
        if dob and checked_on and age_on(dob, checked_on) < rule("MIN_AGE_YEARS"):
            problems.append(
                _("under-age: %(age)d on %(date)s, admission needs %(min)d full years")
                % {
                    "age": age_on(dob, checked_on),
                    "date": checked_on.strftime("%d/%m/%Y"),
                    "min": rule("MIN_AGE_YEARS"),
                }
            )
        if dob and name:
            for key in [("name", fold(name), dob)] + ([("id", national_id)] if national_id else []):
                if key in seen:
                    problems.append(_("the same person as row %(row)d") % {"row": seen[key]})
                    break
                seen[key] = row.number
            duplicates = selectors.likely_duplicates(
                user=user, full_name=name, date_of_birth=dob, national_id=national_id
            )
            twin = duplicates.first()
            if twin is not None:
                problems.append(
                    _("duplicate of %(name)s (%(org)s) already on record")
                    % {"name": twin.full_name, "org": twin.organization.name}
                )
        if problems:
            errors.append(RowError(row.number, "; ".join(problems)))
        else:
            parsed.append(
                (
                    row,
                    org,
                    name,
                    dob,
                    gender,
                    category,
                    education,
                    national_id,
                    step,
                    step_date,
                    decision,
                    decision_number,
                    ceremony,
                )
            )
    if errors:
        raise ImportFailed(errors)

    created = []
    with transaction.atomic():
        for (
            row,
            org,
            name,
            dob,
            gender,
            category,
            education,
            national_id,
            step,
            step_date,
            decision,
            number,
            ceremony,
        ) in parsed:
            candidate = Candidate(
                organization=org,
                full_name=name,
                date_of_birth=dob,
                gender=gender,
                category=category,
                education=education,
                ethnicity=row.text("ethnicity") or "Kinh",
                religion=row.text("religion"),
                national_id=national_id,
                step=Step.CEREMONY if ceremony else step,
                step_date=ceremony or step_date,
                outcome=Outcome.ADMITTED if ceremony else Outcome.IN_PROGRESS,
                outcome_date=ceremony,
                notes=_("Imported from Excel: earlier steps not recorded."),
            )
            if not ceremony and step == Step.CELL_RESOLUTION:
                candidate.due_on = add_working_days(step_date, rule("DECISION_WORKING_DAYS"))
            elif not ceremony and step == Step.DECISION:
                candidate.due_on = add_working_days(step_date, rule("CEREMONY_WORKING_DAYS"))
            _stamp(candidate, user, gettext_noop("import"))
            candidate.save()
            records = (
                [(Step.DECISION, decision, number), (Step.CEREMONY, ceremony, "")]
                if ceremony
                else [(step, step_date, row.text("document_number"))]
            )
            for record_step, day, document in records:
                record = StepRecord(
                    candidate=candidate, step=record_step, date=day, document_number=document, recorded_by=user
                )
                _stamp(record, user, gettext_noop("import"))
                record.save()
            if ceremony:
                probation_due = ceremony + relativedelta(months=rule("PROBATION_MONTHS"))
                admission = Admission(
                    candidate=candidate,
                    organization=org,
                    category=category,
                    ceremony_date=ceremony,
                    decision_number=number,
                    decision_date=decision,
                    probation_due=probation_due,
                    recognition_due=add_working_days(probation_due, rule("RECOGNITION_WORKING_DAYS")),
                )
                _stamp(admission, user, gettext_noop("import"))
                admission.save()
            created.append(candidate)
    return created
