"""Candidates on the road to admission, the steps they take, and admissions.

The admission date that quotas count is the ceremony date. The organization and
category at admission are copied onto the Admission so they stay as they were if
the organization later moves or merges.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.choices import ChoiceLabels
from common.text import fold
from organizations.models import Organization

from .categories import Category


class Step(models.IntegerChoices):
    """The road, in order (docs/domain.md, docs/statute-rules.md)."""

    SOURCE = 1, _("Identified as a source candidate")
    CLASS = 2, _("Awareness class certificate")
    HELPERS = 3, _("Official members assigned to help")
    APPLICATION = 4, _("Application and personal-history dossier")
    VERIFICATION = 5, _("Background verification")
    INTRODUCTION = 6, _("Introductions")
    CELL_RESOLUTION = 7, _("Cell resolution")
    COMMITTEE_RESOLUTION = 8, _("Grassroots committee resolution")
    DECISION = 9, _("Admission decision")
    CEREMONY = 10, _("Admission ceremony")
    RECOGNITION = 11, _("Recognized as full member")


class Outcome(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    ADMITTED = "admitted", _("Admitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    NOT_QUALIFIED = "not_qualified", _("Not qualified")
    MOVED_AWAY = "moved_away", _("Moved away")


def followed_rank():
    """0 for candidates on the road, 1 for those admitted (on probation), 2 for those who
    left it: the candidate lists' first sort key, and the index that serves it."""
    return Case(
        When(outcome=Outcome.IN_PROGRESS, then=Value(0)),
        When(outcome=Outcome.ADMITTED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Education(models.TextChoices):
    PRIMARY = "primary", _("Primary")
    LOWER_SECONDARY = "lower_secondary", _("Lower secondary")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary")
    VOCATIONAL = "vocational", _("Vocational/college")
    UNIVERSITY = "university", _("University")
    POSTGRADUATE = "postgraduate", _("Postgraduate")


class GeneralEducation(models.TextChoices):
    """General education (học vấn phổ thông), apart from the professional level (Biểu 2)."""

    PRIMARY = "primary", _("Primary")
    LOWER_SECONDARY = "lower_secondary", _("Lower secondary")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary")


class ProfessionalLevel(models.TextChoices):
    """Professional (vocational or academic) qualification (chuyên môn nghiệp vụ)."""

    NONE = "none", _("No professional qualification")
    VOCATIONAL = "vocational", _("Vocational")
    COLLEGE = "college", _("College")
    UNIVERSITY = "university", _("University")
    POSTGRADUATE = "postgraduate", _("Postgraduate")


class TheoryLevel(models.TextChoices):
    """Political theory level (lý luận chính trị)."""

    NONE = "none", _("No political theory training")
    PRIMARY = "primary", _("Elementary political theory")
    INTERMEDIATE = "intermediate", _("Intermediate political theory")
    ADVANCED = "advanced", _("Advanced political theory")


class MassOrganization(models.TextChoices):
    YOUTH_UNION = "youth_union", _("Youth Union")
    TRADE_UNION = "trade_union", _("Trade union")
    WOMENS_UNION = "womens_union", _("Women's Union")
    FARMERS_UNION = "farmers_union", _("Farmers' Union")
    VETERANS = "veterans", _("Veterans' Association")
    FATHERLAND_FRONT = "fatherland_front", _("Fatherland Front")
    NONE = "none", _("None")


class MembershipEnd(models.TextChoices):
    """How an earlier membership ended (for a re-admission)."""

    STRUCK_OFF = "struck_off", _("Struck off the list of members")
    LEFT = "left", _("Left the party at own request")
    EXPELLED = "expelled", _("Expelled")
    NOT_RECOGNIZED = "not_recognized", _("Not recognized as a full member after probation")
    OTHER = "other", _("Other")


national_id_validator = RegexValidator(r"^\d{12}$", _("A national ID number has exactly 12 digits."))


# The notes of a person the demo invented start with this (devdata writes it; pages show a badge instead).
DEMO_NOTE = "Nhân vật hư cấu — dữ liệu minh họa."


class Candidate(ChoiceLabels, models.Model):
    organization = models.ForeignKey(
        Organization, verbose_name=_("developing cell"), on_delete=models.PROTECT, related_name="candidates"
    )
    full_name = models.CharField(_("full name"), max_length=120)
    search_name = models.CharField(max_length=120, editable=False, db_index=True)
    date_of_birth = models.DateField(_("date of birth"))
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=50, default="Kinh")
    religion = models.CharField(_("religion"), max_length=50, blank=True)
    education = models.CharField(_("education"), max_length=20, choices=Education.choices)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    # What the statistical form of new members (Biểu 2) counts; blank: not stated.
    youth_union_member = models.BooleanField(_("Youth Union member"), null=True, blank=True)
    general_education = models.CharField(
        _("general education"), max_length=20, choices=GeneralEducation.choices, blank=True
    )
    professional_level = models.CharField(
        _("professional level"), max_length=20, choices=ProfessionalLevel.choices, blank=True
    )
    theory_level = models.CharField(_("political theory level"), max_length=16, choices=TheoryLevel.choices, blank=True)
    introduced_by = models.CharField(
        _("introduced by"), max_length=20, choices=MassOrganization.choices, default=MassOrganization.NONE
    )
    national_id = models.CharField(
        _("national ID number"), max_length=12, blank=True, validators=[national_id_validator]
    )
    notes = models.TextField(_("notes"), blank=True)
    # The furthest step reached and when (kept in step with StepRecord by the services).
    step = models.PositiveSmallIntegerField(_("step"), choices=Step.choices, default=Step.SOURCE)
    step_date = models.DateField(_("since"))
    # The deadline of the next step in working days (decision, ceremony), kept by the services.
    due_on = models.DateField(_("next step due"), null=True, blank=True, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.IN_PROGRESS)
    outcome_date = models.DateField(_("outcome date"), null=True, blank=True)
    provincial_consent_on = models.DateField(
        _("provincial standing committee consent"), null=True, blank=True, help_text=_("Required when over 60.")
    )
    # Re-admission (kết nạp lại): a former member on the road again, a procedure of its own.
    readmission = models.BooleanField(_("re-admission"), default=False)
    earlier_membership_ended_on = models.DateField(_("earlier membership ended on"), null=True, blank=True)
    earlier_membership_end = models.CharField(
        _("how the earlier membership ended"), max_length=16, choices=MembershipEnd.choices, blank=True
    )
    earlier_membership_note = models.CharField(_("reason the earlier membership ended"), max_length=300, blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    archive_reason = models.CharField(_("reason for archiving"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["search_name"])

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["search_name", "pk"]
        indexes = [
            # Every read per organization (lists and their paginator, the home page's alerts,
            # the engine's pipeline) is of live candidates only: a partial index holding what
            # those counts filter on, so PostgreSQL counts from the index without the table.
            models.Index(
                fields=["organization", "outcome", "step", "step_date", "due_on"],
                name="candidate_live_org",
                condition=Q(archived_at__isnull=True),
            ),
            # The lists' order (followed first, then by name) read in order from an index: a
            # province's first page stops after 25 rows instead of sorting its 60,000.
            models.Index(
                followed_rank(), "search_name", "id", name="candidate_followed", condition=Q(archived_at__isnull=True)
            ),
            # The pipeline of a past day (counting.pipeline_on): those on the road now, or who
            # left it (admitted, withdrew, stopped) after the day, past the cell's resolution.
            # PostgreSQL ORs the two instead of reading the 2 million candidates (a province's
            # past day: 0.5 against 0.23 s on the national data); whether either moved after
            # a day (counting.pipeline_changed_after) is a look at each index's end.
            models.Index(
                fields=["step_date"],
                name="candidate_on_road",
                condition=Q(archived_at__isnull=True, outcome=Outcome.IN_PROGRESS, step__gte=Step.CELL_RESOLUTION),
            ),
            models.Index(
                fields=["outcome_date"],
                name="candidate_left_road",
                condition=Q(archived_at__isnull=True, step__gte=Step.CELL_RESOLUTION),
            ),
            models.Index(fields=["search_name", "date_of_birth"], name="candidate_name_dob"),
            models.Index(fields=["national_id"], name="candidate_national_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(readmission=False)
                | (Q(earlier_membership_ended_on__isnull=False) & ~Q(earlier_membership_end="")),
                name="candidate_readmission_has_earlier_end",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.search_name = fold(self.full_name)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("admissions:detail", kwargs={"pk": self.pk})


class CandidateTransfer(models.Model):
    """Where a candidate was developed until a day.

    Written when the candidate's file moves to another organization: by hand
    (services.candidates.candidate_transfer: they changed school, workplace or residence)
    or with a merger of their organization (transfer_with_merger: the successor's staff
    carry the file on). The candidate's `organization` is where they are now; until
    `valid_until` (exclusive) they were at `organization` here. Reports of an earlier day
    read from the records place them there (reports/past.py, Biểu 2)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="transfers")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    valid_until = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["valid_until"], name="candidatetransfer_until")]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "valid_until"], name="candidatetransfer_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id} at {self.organization_id} until {self.valid_until}"


class StepTaken(models.Model):
    """What a step taken records: its date and document number, who entered it."""

    step = models.PositiveSmallIntegerField(_("step"), choices=Step.choices)
    date = models.DateField(_("date"))
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True


class StepRecord(StepTaken):
    """A step taken, with its date and document number."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="steps")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["candidate", "step"]
        constraints = [models.UniqueConstraint(fields=["candidate", "step"], name="step_once_per_candidate")]

    def __str__(self) -> str:
        return f"{self.candidate_id}:{self.step}@{self.date}"


class StepRenewal(StepTaken):
    """A step taken again because its validity ran out before the cell resolution: the
    awareness class attended again, the introductions and opinions redone (PROCEDURE.md).
    The step keeps its first record, so the road reads as it stood on every past day (a
    locked year's figures do not move); the checks of the steps after it read the latest
    date (services.steps.valid_records)."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="renewals")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("step taken again")
        verbose_name_plural = _("steps taken again")
        ordering = ["candidate", "date", "pk"]

    def __str__(self) -> str:
        return f"{self.candidate_id}:{self.step} again @{self.date}"


class IntroducerKind(models.TextChoices):
    MEMBER = "member", _("Official party member")
    YOUTH_UNION = "youth_union", _("Youth Union committee")


class Introducer(models.Model):
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="introducers")
    kind = models.CharField(_("kind"), max_length=16, choices=IntroducerKind.choices, default=IntroducerKind.MEMBER)
    full_name = models.CharField(_("full name"), max_length=120)
    known_since = models.DateField(_("has known the candidate since"), null=True, blank=True)
    # Set for the introducers of introductions redone (null: those of the first ones).
    renewal = models.ForeignKey(
        StepRenewal, null=True, blank=True, on_delete=models.CASCADE, related_name="introducers"
    )

    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.full_name


# A member admitted and still on probation: neither recognized as a full member, nor struck
# off, nor archived (the alerts, the lists' deadlines, the deadlines' refresh and an index).
ON_PROBATION = Q(recognized_on__isnull=True, struck_off_on__isnull=True, archived_at__isnull=True)


class Admission(ChoiceLabels, models.Model):
    """A person admitted: the ceremony date is the admission date quotas count."""

    candidate = models.OneToOneField(Candidate, on_delete=models.PROTECT, related_name="admission")
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization at admission"), on_delete=models.PROTECT, related_name="admissions"
    )
    category = models.CharField(_("category at admission"), max_length=32, choices=Category.choices)
    ceremony_date = models.DateField(_("ceremony date"), db_index=True)
    decision_number = models.CharField(_("decision number"), max_length=60)
    decision_date = models.DateField(_("decision date"))
    probation_due = models.DateField(_("probation ends"))
    # The cell considers recognition within N working days after probation ends.
    recognition_due = models.DateField(_("recognition due"), null=True, blank=True)
    recognized_on = models.DateField(_("recognized as full member on"), null=True, blank=True)
    recognition_decision = models.CharField(_("recognition decision"), max_length=60, blank=True)
    # Full membership runs from the end of the probation, even when the cell recognizes late.
    full_member_from = models.DateField(_("full member from"), null=True, blank=True)
    # Copied from the candidate: reports count re-admissions apart (Biểu 2).
    readmission = models.BooleanField(_("re-admission"), default=False)
    struck_off_on = models.DateField(_("struck off on"), null=True, blank=True)
    struck_off_reason = models.CharField(_("reason for striking off"), max_length=300, blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    archive_reason = models.CharField(_("reason for archiving"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("admission")
        verbose_name_plural = _("admissions")
        ordering = ["-ceremony_date", "pk"]
        indexes = [
            models.Index(fields=["ceremony_date", "organization"], name="admission_date_org"),
            # A subtree's live admissions between two days (the months of a report): one probe
            # per organization instead of a year of the whole country's admissions.
            models.Index(
                fields=["organization", "ceremony_date"],
                name="admission_live_org_date",
                condition=Q(archived_at__isnull=True),
            ),
            # The alerts of the home page count the admissions still on probation in a subtree:
            # a small index (one year of admissions) instead of a scan of every admission.
            models.Index(
                fields=["organization", "probation_due", "recognition_due"],
                name="admission_on_probation",
                condition=ON_PROBATION,
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ceremony_date__gte=models.F("decision_date")), name="admission_ceremony_after_decision"
            ),
            models.CheckConstraint(
                condition=~Q(recognized_on__isnull=False, struck_off_on__isnull=False),
                name="admission_recognized_or_struck_off",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate_id} @ {self.ceremony_date}"

    @property
    def recognized_late(self) -> bool:
        """Recognized after the recognition deadline (still a full member from the end of the probation)."""
        return bool(self.recognized_on and self.recognition_due and self.recognized_on > self.recognition_due)


class Holiday(models.Model):
    """A day of the working-day calendar that differs from the week (an administrator edits it).

    A public holiday is a day off; a make-up working day (`working`) is a weekend day
    worked in exchange for a day off that bridges a holiday (the government swaps them).
    """

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    working = models.BooleanField(
        _("make-up working day"),
        default=False,
        help_text=_("A weekend day worked in exchange for a day off (a swap to bridge a holiday)."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date}: {self.name}"


class Tally(models.Model):
    """Counts derived from admissions and candidates, kept for every node of the tree.

    A national report would otherwise join a million admissions with 300,000
    organizations for every roll-up. Each row counts, for one path and one of its
    ancestors' paths alike (so a province's figure is one row, not a sum over its
    subtree):
    * ADMITTED: admissions not archived, by the path where their organization stands
      today (or, once merged, its successor), the ceremony year and the category at
      admission; reports of a day after which the tree changed recount from the
      records instead (reports/past.py);
    * PIPELINE: candidates in progress past the cell's resolution, not archived, by
      their organization's current path and their category (year 0);
    * ENTERED: historical results (reports.HistoricalResult) of more than 0 new members,
      how many rows, by the path where their organization counts today, their (last)
      year and category: whether any was entered under a node in some years is one index
      probe (the inactivity rules), where the results themselves would be a scan.
    Kept in step by admissions/tally.py (on every save and delete, and when a subtree
    moves; ENTERED by reports/entered.py); `manage.py retally` rebuilds it from the
    records. Rows may hold n = 0.
    """

    class Kind(models.TextChoices):
        ADMITTED = "a", _("admissions")
        PIPELINE = "p", _("pipeline")
        ENTERED = "h", _("historical results")

    kind = models.CharField(max_length=1, choices=Kind.choices)
    path = models.CharField(max_length=255)
    depth = models.PositiveSmallIntegerField()
    year = models.PositiveSmallIntegerField()
    category = models.CharField(max_length=32)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "path", "year", "category"], name="tally_key")]
        indexes = [models.Index(fields=["kind", "depth", "path", "year"], name="tally_depth_path")]

    def __str__(self):
        return f"{self.kind} {self.path} {self.year} {self.category}: {self.n}"
