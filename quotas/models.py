"""Plans issued by committees and the quota rules they hold.

Every rule in the seeds is data: a kind, who it applies to (one organization or a
selector of form/sector/depth inside the issuer's subtree), an optional candidate
category, and a count range or a percent range. See docs/domain.md's table of rule kinds.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from admissions.categories import Category
from common.text import fold
from organizations.models import Organization


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    REPLACED = "replaced", _("Replaced")
    CLOSED = "closed", _("Closed")


class SignerTitle(models.TextChoices):
    """Who signs for the board, as the signature block prints it (Hướng dẫn 36-HD/VPTW):
    the value is the printed title, so an amendment's old → new reads as the document did."""

    SECRETARY = "BÍ THƯ", _("Secretary")
    DEPUTY = "PHÓ BÍ THƯ", _("Deputy secretary")
    STANDING_DEPUTY = "PHÓ BÍ THƯ THƯỜNG TRỰC", _("Standing deputy secretary")


def in_force_on(day, via: str = "") -> Q:
    """Plans in force on `day`: issued, or closed or replaced after it (their targets
    still hold for the days before). `via` leads from another model, e.g. "plan__"."""
    return Q(**{f"{via}status": PlanStatus.ISSUED}) | Q(
        **{f"{via}status__in": [PlanStatus.CLOSED, PlanStatus.REPLACED], f"{via}closed_on__gt": day}
    )


class Plan(models.Model):
    """An official plan (kế hoạch) of a committee's standing committee: "97-KH/TU"."""

    issuer = models.ForeignKey(
        Organization, verbose_name=_("issuing organization"), on_delete=models.PROTECT, related_name="plans"
    )
    number = models.CharField(_("number"), max_length=20, blank=True, help_text=_("e.g. 97; empty while a draft"))
    symbol = models.CharField(_("symbol"), max_length=30, help_text=_("e.g. KH/TU, KH/HU, KH/ThU"))
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=500)
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(
        _("last year"), null=True, blank=True, help_text=_("Empty: every year from the first year until replaced.")
    )
    implements = models.ManyToManyField(
        "self", verbose_name=_("implements"), symmetrical=False, blank=True, related_name="implemented_by"
    )
    status = models.CharField(_("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    replaced_by = models.ForeignKey(
        "self", verbose_name=_("replaced by"), null=True, blank=True, on_delete=models.PROTECT, related_name="replaces"
    )
    closed_on = models.DateField(
        _("closed on"),
        null=True,
        blank=True,
        help_text=_("The day it was closed or replaced: its targets still hold in reports of the days before."),
    )
    # Empty: the print says "BÍ THƯ" and leaves the name to be written by hand.
    signer_title = models.CharField(
        _("signer's title"), max_length=40, choices=SignerTitle.choices, blank=True, default=""
    )
    signer_name = models.CharField(
        _("signer's full name"), max_length=100, blank=True, help_text=_("Printed under the signature, without titles.")
    )
    document = models.FileField(_("signed document"), upload_to="plans/%Y/", blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords(m2m_fields=[implements])

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-first_year", "-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__isnull=True) | Q(last_year__gte=F("first_year")), name="plan_years_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}" if self.reference else self.title

    @property
    def reference(self) -> str:
        """Number and symbol as written on the document: "97-KH/TU"."""
        return f"{self.number}-{self.symbol}" if self.number else ""

    @property
    def number_label(self) -> str:
        """The plan's number where a document writes one: "97-KH/TU"; "…-KH/HU" while it
        has none (a document's "Kế hoạch số …-KH/HU")."""
        return self.reference or f"…-{self.symbol}"

    @property
    def label(self) -> str:
        """What names the plan in a list or a report's column: its reference, or its title
        while it has no number (a draft, or a plan entered without one)."""
        return self.reference or self.title

    def covers(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)


class Recurrence(models.TextChoices):
    ONCE = "once", _("Once")
    YEARLY = "yearly", _("Every year")
    QUARTERLY = "quarterly", _("Every quarter")


class MilestoneKind(models.TextChoices):
    """What a milestone asks for: only a report is a report due to the level above (the
    calendar of reports); dossiers and other tasks are deadlines of their own."""

    REPORT = "report", _("Report")
    DOSSIERS = "dossiers", _("Admission dossiers")
    OTHER = "other", _("Other task")

    @classmethod
    def of_title(cls, title: str) -> "MilestoneKind":
        """The kind a milestone's words say, where nobody chose one (a seed, an old row):
        "Hoàn tất hồ sơ kết nạp…" is dossiers; "Báo cáo…", "Đánh giá…, tổng kết…" a report."""
        words = fold(title)
        if "ho so" in words:
            return cls.DOSSIERS
        if any(w in words for w in ("bao cao", "danh gia", "tong ket", "so ket")):
            return cls.REPORT
        return cls.OTHER


class Milestone(models.Model):
    """A dated obligation of a plan: "dossiers to the board by 31/10"."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="milestones")
    # Not "trích yếu" (a document's summary line, the plan's title): what is due.
    title = models.CharField(_("what is due"), max_length=300)
    kind = models.CharField(_("kind"), max_length=16, choices=MilestoneKind.choices, default=MilestoneKind.REPORT)
    due_on = models.DateField(_("due on"), help_text=_("The first (or only) due date."))
    recurrence = models.CharField(_("recurrence"), max_length=16, choices=Recurrence.choices, default=Recurrence.ONCE)
    responsible = models.CharField(_("responsible"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on"]

    def __str__(self) -> str:
        return self.title


class RuleKind(models.TextChoices):
    COUNT = "count", _("Number of new members")
    SHARE_OF_ADMISSIONS = "share_admissions", _("Share of the subtree's new members")
    SHARE_OF_MEMBERSHIP = "share_membership", _("New members as a share of membership")
    ALLOCATION = "allocation", _("Allocation table")
    CELL_SIZE = "cell_size", _("Minimum members per cell")
    INACTIVITY = "inactivity", _("Cells without admissions for years")


class Rule(models.Model):
    """One quota rule of a plan, applying to every year the plan covers.

    Who it applies to: `target` (one organization in the issuer's subtree; empty means
    the issuer itself) or, when `applies_to_each` is set, every active organization in
    the issuer's subtree matching the selector (`forms`, `sectors`, `depth` below the
    issuer; an empty list/None matches anything). Each matched organization is measured
    on its own subtree.

    What it asks, by kind:
    * COUNT: admissions (of `category`, or all) between `min_count` and `max_count`.
    A maximum is reported as exceeded (vượt, counted as met) unless `max_is_cap`.
    * SHARE_OF_ADMISSIONS: `category`'s share of all admissions between `min_percent`
      and `max_percent`.
    * SHARE_OF_MEMBERSHIP: admissions at least `min_percent` of members at the start of the year.
    * ALLOCATION: the issuer's (or `target`'s) total `min_count` divided among children in `allocations`.
    * CELL_SIZE: every matched organization has at least `min_count` members.
    * INACTIVITY: flag matched organizations with no admission for `years_without` years or more.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(_("kind"), max_length=20, choices=RuleKind.choices)
    target = models.ForeignKey(
        Organization, verbose_name=_("organization"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applies_to_each = models.BooleanField(_("for every matching organization"), default=False)
    forms = models.JSONField(_("forms"), default=list, blank=True)
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    depth = models.PositiveSmallIntegerField(
        _("levels below the issuer"),
        null=True,
        blank=True,
        help_text=_("1 = directly under the issuer; empty = any level."),
    )
    category = models.CharField(_("candidate category"), max_length=32, choices=Category.choices, blank=True)
    min_count = models.PositiveIntegerField(_("at least"), null=True, blank=True)
    max_count = models.PositiveIntegerField(_("at most"), null=True, blank=True)
    min_percent = models.DecimalField(_("at least (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    max_percent = models.DecimalField(_("at most (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    years_without = models.PositiveSmallIntegerField(_("years without admission"), null=True, blank=True)
    is_soft = models.BooleanField(_("target to strive for (phấn đấu)"), default=True)
    # A range's maximum is a level, not a limit: going past it is "exceeded" (vượt), which
    # counts as met. Only a plan worded "không quá" / "tối đa" makes it a cap that fails.
    max_is_cap = models.BooleanField(
        _("not more than (binding upper limit)"),
        default=False,
        help_text=_("Only when the plan says “không quá” or “tối đa”: going over the maximum then fails the rule."),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    # Optimistic locking: a save names the version it was read at (see services).
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quota rule")
        verbose_name_plural = _("quota rules")
        ordering = ["plan", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_count__isnull=True) | Q(min_count__isnull=True) | Q(max_count__gte=F("min_count")),
                name="rule_count_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(max_percent__isnull=True)
                | Q(min_percent__isnull=True)
                | Q(max_percent__gte=F("min_percent")),
                name="rule_percent_range_ordered",
            ),
            models.CheckConstraint(
                condition=(Q(min_percent__isnull=True) | Q(min_percent__gte=0, min_percent__lte=100))
                & (Q(max_percent__isnull=True) | Q(max_percent__gte=0, max_percent__lte=100)),
                name="rule_percent_between_0_and_100",
            ),
            models.CheckConstraint(
                condition=~Q(applies_to_each=True, target__isnull=False), name="rule_target_or_selector"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}:{self.get_kind_display()}"


class Allocation(models.Model):
    """One row of an allocation table: a child organization's total, e.g. "03 (01 HS)"."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="allocations")
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="+"
    )
    total = models.PositiveIntegerField(_("quota"))
    order = models.PositiveSmallIntegerField(default=0)
    # Optimistic locking: two planners saving the same row, the second is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["rule", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "organization"], name="allocation_one_row_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.total}"


class SubQuota(models.Model):
    """A category's minimum within an allocation row: the "(01 HS)" of "03 (01 HS)"."""

    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="sub_quotas")
    category = models.CharField(_("candidate category"), max_length=32, choices=Category.choices)
    count = models.PositiveIntegerField(_("at least"))

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["allocation", "category"], name="subquota_one_per_category"),
        ]

    def __str__(self) -> str:
        return f"{self.count} {self.category}"


class PlanAmendment(models.Model):
    """A recorded change to an issued plan: who, when, why, and every old → new."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="amendments")
    made_on = models.DateField(_("date"))
    made_at = models.DateTimeField(auto_now_add=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Reports of the days before count with what it replaced (quotas.in_force): normally
    # the day it was made; an earlier day when it corrects an entry error or records a
    # decision taken earlier.
    in_force_from = models.DateField(_("in force from"))
    reason = models.TextField(_("reason"))
    # [{"what": "...", "old": "...", "new": "..."}, ...]
    changes = models.JSONField(_("changes"), default=list)
    # What it replaced, as the engine reads it back for a day before `in_force_from`
    # (quotas.in_force): {"rules": {"<pk>": {field: value} | null (added by it)},
    # "tables": {"<rule pk>": [[organization pk, total, {category: count}], ...]}}.
    # Empty for a change reports do not read (the plan's title, a milestone).
    before = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("plan amendment")
        verbose_name_plural = _("plan amendments")
        ordering = ["-made_at", "-pk"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="amendment_has_reason")]

    def __str__(self) -> str:
        return f"{self.plan_id} {self.made_on}: {self.reason[:40]}"
