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

Each row's cells are read and checked in import_checks.py. The reference the tests compare
with (each row written through the page services, one save at a time, as imports did
before) is tests/reference_import.py.
"""

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from common import cache
from common.imports import insert_with_history, read_or_fail, register
from common.text import fold
from common.xlsx import ImportFailed, RowError
from organizations import locks
from organizations.access import Perm
from organizations.models import Organization

from . import selectors, services, tally
from .import_checks import parse_rows
from .models import Admission, Candidate, CandidateTransfer, Introducer, Step, StepRecord
from .workdays import Calendar, calendar_between

__all__ = ["COLUMNS", "ImportFailed", "candidates_import", "check_file", "example_rows"]

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
EXAMPLE_PADDING = ["", "", "", ""]  # the dates of earlier steps and the provincial consent
WORKING_DAY_RULES = ("DECISION_WORKING_DAYS", "CEREMONY_WORKING_DAYS", "RECOGNITION_WORKING_DAYS")
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


def error_messages(exc: ValidationError) -> list[str]:
    return [m[:1].lower() + m[1:] if m else m for m in exc.messages]


@dataclass
class Checked:
    """A file read and each row checked on its own (`parsed`: the good rows; `errors`: the
    bad ones), with the person look-ups of the good rows, in their order."""

    parsed: list[dict]
    errors: list[RowError]
    known: dict[str, Organization]  # the organizations the file names, by code
    twins: list
    duplicates: list


def refuse_dissolved(under: Organization) -> None:
    """An import into a dissolved organization is refused once, before the file is read:
    its units stand under other organizations now (a district of the 2025 reorganization),
    so every row would otherwise be refused as not found under it. A merged one is not:
    the files it did not enter in time are imported as it would have entered them then,
    each row checked with its dates (import_checks._merged_problems)."""
    if under.dissolved_on is None or under.merged_into_id is not None:
        return
    raise ValidationError(
        _(
            "%(org)s was dissolved on %(date)s: its units now stand under other organizations."
            " Import into an organization standing today."
        )
        % {"org": under.name, "date": under.dissolved_on.strftime("%d/%m/%Y")},
        code="dissolved",
    )


def check_file(*, upload, under: Organization, user, today: dt.date) -> Checked:
    """Read and check every row on its own, and look up the people once for the whole file
    (none of it into a dissolved organization: `refuse_dissolved`, a ValidationError)."""
    refuse_dissolved(under)
    rows = read_or_fail(upload, COLUMNS, required=REQUIRED)
    parsed, errors, known = parse_rows(rows, under=under, user=user, today=today)
    # The same person: one query for the whole file, party-wide and in scope.
    people = [
        (fold(p["person"]["full_name"]), p["person"]["date_of_birth"], p["person"]["national_id"]) for p in parsed
    ]
    return Checked(
        parsed,
        errors,
        known,
        selectors.admitted_twins_many(people),
        selectors.likely_duplicates_many(user=user, people=people),
    )


def candidates_import(*, upload, under: Organization, user, today: dt.date) -> list[Candidate]:
    checked = check_file(upload=upload, under=under, user=user, today=today)
    parsed, errors = checked.parsed, checked.errors
    # The working-day calendar of every deadline the rows set, read once for the file.
    calendar = _calendar_for(parsed)
    built: list[Built] = []
    # The locks read once for the file: every check below tests its dates against them,
    # so a row dated in a locked period is a row error naming the lock.
    # The successors a merged organization's rows are handed over to are checked there too.
    successors = [target for item in parsed for _day, _source, target in item["handovers"]]
    with transaction.atomic(), locks.read_once(today=today, organizations=[*checked.known.values(), *successors]):
        for item, twin, found in zip(parsed, checked.twins, checked.duplicates, strict=True):
            try:
                looked_up = {"twin": twin, "duplicates": found}
                built.append(_build(item, looked_up=looked_up, user=user, today=today, calendar=calendar))
            except ValidationError as exc:
                errors.append(RowError(item["row"].number, "; ".join(error_messages(exc))))
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
        self.transfers: list[CandidateTransfer] = []


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
    against the row's own records held in memory: created, moved to its step, admitted.

    A row at an organization merged since, whose road began before the merger: the
    candidate is created there, and handed over on the merger's day as the merger did
    (`item["handovers"]`, services.merger_handover) when still on the road then, so each
    step and the admission is checked (and recorded) where it was taken."""
    step, step_date, ceremony = item["step"], item["step_date"], item["ceremony"]
    earlier, introducers = item["earlier"], item["introducers"]
    handovers = list(item["handovers"])
    candidate, source = services.candidate_build(
        **item["person"],
        user=user,
        today=today,
        source_date=earlier[0][1] if earlier else step_date,
        source_document=item["row"].text("document_number") if step == Step.SOURCE else "",
        notes=_("Imported from Excel: earlier steps not recorded."),
        looked_up=looked_up,
        source_on_file=step == Step.SOURCE,
        begun_before_merger=bool(item["person"]["organization"].merged_into_id),
    )
    built = Built(candidate)
    if source is not None:
        built.records[Step.SOURCE] = source

    def hand_over(until: dt.date | None) -> None:
        """The mergers effective by `until` (every one left when None) hand the candidate over."""
        while handovers and (until is None or handovers[0][0] <= until):
            day, source_org, target = handovers.pop(0)
            built.transfers.append(
                services.merger_handover(candidate, source=source_org, target=target, on_date=day, user=user)
            )

    def advance(to: int, day: dt.date, **kwargs) -> None:
        hand_over(day)
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
        hand_over(ceremony)
        built.admission, built.records[Step.CEREMONY] = services.admission_build(
            candidate=candidate,
            decision=built.records.get(Step.DECISION),
            ceremony_date=ceremony,
            user=user,
            today=today,
            twin=looked_up["twin"],
            calendar=calendar,
        )
    else:
        hand_over(None)  # still on the road on the day of each merger after its last step
    return built


def _save(built: list[Built]) -> None:
    """Every row at once: the candidates, their step records, introducers and admissions, each
    with its history row (who imported them), in a few statements per table; the tallies
    counted once for the file and the cached answers of the organizations written marked stale."""
    candidates = [b.candidate for b in built]
    insert_with_history(candidates, Candidate)
    rows = {
        StepRecord: [r for b in built for r in b.records.values()],
        Introducer: [i for b in built for i in b.introducers],
        Admission: [b.admission for b in built if b.admission is not None],
    }
    for model, objects in rows.items():  # bulk_create takes each candidate's new id
        if objects:
            insert_with_history(objects, model)
    transfers = [t for b in built for t in b.transfers]
    if transfers:  # unhistoried, as a merger writes them (services.transfer_with_merger)
        CandidateTransfer.objects.bulk_create(transfers)
    tally.count_created([*candidates, *rows[Admission]])
    cache.organizations_changed({c.organization_id for c in candidates} | {t.organization_id for t in transfers})


register(
    "candidates",
    lambda *, upload, organization, user, today, **_options: len(
        candidates_import(upload=upload, under=organization, user=user, today=today)
    ),
    perm=Perm.EDIT_ADMISSIONS,
)
