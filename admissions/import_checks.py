"""Reading and checking each row of the candidate import (admissions/imports.py): the
cells as the pages' forms read them (dates dd/mm/yyyy, choices by their Vietnamese or
English labels and the ways boards write them), every problem of a row listed together."""

import datetime as dt
import functools

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.text import fold
from common.xlsx import Row, RowError, choice_lookup, not_found, parse_date
from organizations import access
from organizations.access import Perm
from organizations.models import Organization

from .categories import CATEGORY_ABBREVIATIONS, Category
from .models import (
    Education,
    Gender,
    GeneralEducation,
    IntroducerKind,
    MembershipEnd,
    ProfessionalLevel,
    Step,
    TheoryLevel,
    national_id_validator,
)

# The cells of choices (gender, category, steps, levels…) repeat down a file: folded once each.
_fold = functools.lru_cache(maxsize=4096)(fold)
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
    return lookup.get(_fold(text))


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
    folded = _fold(text)
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
    value = lookup.get(_fold(text))
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


def _successors(known: dict[str, Organization]) -> dict[int, Organization]:
    """The organizations the merged ones of `known` were merged into, chains of mergers
    followed: one query per link of the longest chain, none without a merged one."""
    found: dict[int, Organization] = {}
    wanted = {o.merged_into_id for o in known.values() if o.merged_into_id is not None}
    while wanted - set(found):
        more = Organization.objects.in_bulk(wanted - set(found))
        found.update(more)
        wanted = {o.merged_into_id for o in more.values() if o.merged_into_id is not None}
    return found


def _chain(org: Organization, successors: dict[int, Organization]) -> list[tuple[dt.date, Organization, Organization]]:
    """The mergers `org` went through: (the day, from, into), in order."""
    chain, seen = [], {org.pk}
    while org.merged_into_id is not None and org.merged_into_id not in seen:
        target = successors[org.merged_into_id]
        chain.append((org.dissolved_on, org, target))
        seen.add(target.pk)
        org = target
    return chain


def _merged_problems(
    org: Organization, chain: list, *, begins: dt.date | None, ceremony: dt.date | None, user
) -> tuple[list[str], list]:
    """A row at `org`, merged (`chain`: its mergers), whose road begins on `begins`: the
    problems, and the mergers that hand its candidate over (still on the road on their day).
    A road begun from the merger's day is its successor's: the row names the successor. One
    begun before it is `org`'s, as a board would have entered it then: its steps dated before
    the merger stay there, and a candidate still on the road that day goes on at the
    successor, as the merger hands candidates over (services.merger_handover); its later
    steps and admission are the successor's, which the user must be able to edit."""
    if begins is None:  # the row's dates are wrong already
        return [], []
    merged_on, _org, target = chain[0]
    if begins >= merged_on:
        successor = target
        for later_day, _from, into in chain[1:]:
            if later_day <= begins:
                successor = into
        message = _(
            "organization “%(code)s” was merged into %(target)s on %(date)s: a row dated from that day"
            " belongs to %(successor)s (code “%(successor_code)s”)"
        ) % {
            "code": org.code,
            "target": target.name,
            "date": merged_on.strftime("%d/%m/%Y"),
            "successor": successor.name,
            "successor_code": successor.code,
        }
        return [message], []
    handovers = [link for link in chain if ceremony is None or ceremony >= link[0]]
    problems = []
    for day, source, target in handovers:
        if not access.has_perm(user, target, Perm.EDIT_ADMISSIONS):
            problems.append(
                _(
                    "organization “%(code)s” was merged into %(target)s on %(date)s, where a candidate still on"
                    " the road that day goes on: you cannot edit its records"
                )
                % {"code": source.code, "target": target.name, "date": day.strftime("%d/%m/%Y")}
            )
    last = handovers[-1][2] if handovers else None
    if last is not None and not last.is_active and last.merged_into_id is None:
        problems.append(_("organization “%(code)s” is dissolved") % {"code": last.code})
    return problems, handovers


def parse_rows(
    rows: list[Row], *, under: Organization, user, today: dt.date
) -> tuple[list[dict], list[RowError], dict]:
    """Every row read and checked on its own: (the good rows as the services' arguments,
    the errors of the bad ones, the organizations the file names by code)."""
    genders, categories, educations = choice_lookup(Gender), choice_lookup(Category), choice_lookup(Education)
    genders.update({"nam": Gender.MALE, "nu": Gender.FEMALE})
    categories.update({fold(abbr): value for abbr, value in CATEGORY_ABBREVIATIONS.items()})
    categories.update({"hoc sinh": Category.PUPIL, "hoc sinh thpt": Category.PUPIL, "sinh vien": Category.STUDENT})
    steps = _step_lookup()
    lookups = _lookups()
    codes = {row.text("organization") for row in rows}
    known = {o.code: o for o in Organization.objects.filter(code__in=codes)}
    successors = _successors(known)
    chains = {o.code: _chain(o, successors) for o in known.values() if o.merged_into_id is not None}
    writable = set(
        access.organizations_under(user, under, Perm.EDIT_ADMISSIONS)
        .filter(code__in=codes | {o.code for o in successors.values()})
        .values_list("code", flat=True)
    )
    # A merged organization's records are its successor's staff's (access.records_under):
    # a row at it is theirs to import too.
    writable |= {code for code, chain in chains.items() if chain[-1][2].code in writable}
    seen: dict[tuple, int] = {}
    parsed, errors = [], []
    for row in rows:
        problems: list[str] = []
        code = row.text("organization")
        org = known.get(code)
        if org is None or code not in writable:  # unknown or outside: the same words
            problems.append(not_found(code))
            org = None
        elif not org.is_active and code not in chains:  # a merged one: checked with the row's dates
            problems.append(_("organization “%(code)s” is dissolved") % {"code": code})
        name = " ".join(row.text("full_name").split())
        if not name:
            problems.append(_("the name is empty"))
        dob = _date(row.values.get("date_of_birth"), problems, gettext_lazy("Date of birth"), required=True)
        gender = genders.get(_fold(row.text("gender")))
        if gender is None:
            problems.append(_("unknown gender “%(value)s”") % {"value": row.text("gender")})
        category = categories.get(_fold(row.text("category")))
        if category is None:
            problems.append(_("unknown category “%(value)s”") % {"value": row.text("category")})
        education = educations.get(_fold(row.text("education"))) if row.text("education") else Education.UPPER_SECONDARY
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
            if step is not None and earlier_step > step:
                problems.append(_("%(column)s is for a step the row has not passed") % {"column": label})
            elif step is not None and earlier_step == step:
                # The row's own step (a cell resolution date on a row at step 7): the same
                # date as the step date, recorded once; a different one is a contradiction.
                if step_date is not None and day != step_date:
                    problems.append(
                        _("%(column)s %(date)s is not the step date of the row")
                        % {"column": label, "date": day.strftime("%d/%m/%Y")}
                    )
            else:
                earlier.append((earlier_step, day))
        handovers = []
        if org is not None and code in chains:
            begins = earlier[0][1] if earlier else step_date
            merged, handovers = _merged_problems(org, chains[code], begins=begins, ceremony=ceremony, user=user)
            problems += merged
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
                "handovers": handovers,
            }
        )
    return parsed, errors, known
