import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node

from common.choices import ChoiceLabels
from common.text import fold


class OrgForm(models.TextChoices):
    """The level/form of a party organization."""

    CENTRAL = "central", _("Central committee")
    PROVINCIAL = "provincial", _("Provincial committee")
    DISTRICT = "district", _("City/district committee")
    BLOC = "bloc", _("Bloc committee")
    COMMUNE = "commune", _("Commune/ward committee under the province")
    GRASSROOTS_COMMITTEE = "grassroots_committee", _("Grassroots committee")
    GRASSROOTS_CELL = "grassroots_cell", _("Grassroots cell")
    PARTIAL_COMMITTEE = "partial_committee", _("Partial committee")
    CELL = "cell", _("Cell")


class Sector(models.TextChoices):
    HIGH_SCHOOL = "high_school", _("High school")
    UNIVERSITY = "university", _("College/university")
    SCHOOL = "school", _("Other school (primary, lower secondary)")
    NON_STATE_ENTERPRISE = "non_state_enterprise", _("Non-state enterprise")
    STATE_ENTERPRISE = "state_enterprise", _("State enterprise")
    COMMUNE = "commune", _("Commune/ward/town")
    VILLAGE = "village", _("Village/residential group")
    AGENCY = "agency", _("Agency")
    POLICE = "police", _("Police")
    MILITARY = "military", _("Military")
    OTHER = "other", _("Other")


# Forms that are grassroots organizations (TCCSĐ): allocation tables and "every
# grassroots organization" rules select these.
GRASSROOTS_FORMS = (OrgForm.GRASSROOTS_COMMITTEE, OrgForm.GRASSROOTS_CELL)
# Committees above the grassroots: their members are those of their grassroots organizations
# (and of the cells standing directly under them: `holds_own_members`), and most have no
# sector of their own ("Khác").
UPPER_COMMITTEE_FORMS = (OrgForm.CENTRAL, OrgForm.PROVINCIAL, OrgForm.DISTRICT, OrgForm.BLOC, OrgForm.COMMUNE)
# Cells and partial committees standing directly under a committee above the grassroots (a
# village cell under a commune committee since 2025) hold their own members, as a
# grassroots organization does.
UNDER_COMMITTEE_FORMS = (OrgForm.CELL, OrgForm.PARTIAL_COMMITTEE)


def holds_own_members(form: str, parent_form: str | None) -> bool:
    """Whether an organization's members are its own part of the committees above it: a
    grassroots organization, or a cell (or partial committee) directly under a committee
    above the grassroots. A committee's members are the sum of these in its subtree (the
    cells of a grassroots committee are in their committee's count)."""
    return form in GRASSROOTS_FORMS or (form in UNDER_COMMITTEE_FORMS and parent_form in UPPER_COMMITTEE_FORMS)


class Organization(ChoiceLabels, MP_Node):
    """A party organization in the tree (materialized path from django-treebeard).

    Organizations are never deleted: they are dissolved or merged, and keep the
    admissions they made. Moves keep the old position in OrganizationPath so a report
    for a past year sees the tree as it was.
    """

    steplen = 4

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    search_name = models.CharField(max_length=255, editable=False, db_index=True)
    form = models.CharField(_("form"), max_length=32, choices=OrgForm.choices)
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    is_invented = models.BooleanField(
        _("invented demo data"),
        default=False,
        help_text=_("Demo organizations not named in the source documents."),
    )
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords(excluded_fields=["search_name", "numchild"])

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        indexes = [
            # Prefix (LIKE 'path%') lookups on PostgreSQL need pattern ops unless the
            # database collation is C.
            models.Index(fields=["path"], name="org_path_prefix", opclasses=["varchar_pattern_ops"]),
            # The children of a node (depth + 1 under its path) without reading its whole
            # subtree: expanding the national root read 288,000 rows for its 34 children.
            models.Index(fields=["depth", "path"], name="org_depth_path", opclasses=["", "varchar_pattern_ops"]),
            models.Index(fields=["form", "sector"], name="org_form_sector"),
            # Every report asks whether anything was dissolved or merged by its day: a few
            # dissolved organizations, not a scan of the whole tree.
            models.Index(fields=["dissolved_on"], name="org_dissolved", condition=Q(dissolved_on__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True)
                | Q(founded_on__isnull=True)
                | Q(dissolved_on__gte=models.F("founded_on")),
                name="org_dissolved_after_founded",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = fold(self.name)
        super().save(*args, **kwargs)

    @property
    def shows_sector(self) -> bool:
        """Whether the sector says something: not "Khác" on a committee above the grassroots."""
        return not (self.form in UPPER_COMMITTEE_FORMS and self.sector == Sector.OTHER)

    @property
    def is_active(self) -> bool:
        return self.dissolved_on is None

    def parent_path(self) -> str:
        return self.path[: -self.steplen]

    def ancestor_paths(self) -> list[str]:
        return [self.path[:i] for i in range(self.steplen, len(self.path), self.steplen)]

    @property
    def last_day(self):
        """The last day a merged or dissolved organization stood (its reports end there);
        None while it stands."""
        return None if self.dissolved_on is None else self.dissolved_on - dt.timedelta(days=1)

    def existed_on(self, day) -> bool:
        return (self.founded_on is None or self.founded_on <= day) and (
            self.dissolved_on is None or day < self.dissolved_on
        )


class OrganizationPath(models.Model):
    """A past position of an organization in the tree.

    Written by the move and merge services for the moved organization and every
    descendant: from `valid_from` (None = since the beginning) until `valid_until`
    (exclusive) the organization sat at `path`. The current position is
    Organization.path.
    """

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="past_paths")
    path = models.CharField(max_length=255)
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["organization", "valid_until"], name="orgpath_org_until")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="orgpath_interval_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} at {self.path} until {self.valid_until}"


class PastKind(models.Model):
    """The form and sector an organization had until a day.

    Written by services.organization_update when a change of form or sector is dated
    (a cell grown into a grassroots committee, a commune committee placed directly under
    the province): until `valid_until` (exclusive) the organization was `form`/`sector`.
    Reports of a day before it read these (organizations.positions.TreeOnDay.kinds); the
    current form and sector are the organization's own fields."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="past_kinds")
    form = models.CharField(max_length=32, choices=OrgForm.choices)
    sector = models.CharField(max_length=32, choices=Sector.choices)
    valid_until = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["valid_until"], name="pastkind_until")]
        constraints = [
            models.UniqueConstraint(fields=["organization", "valid_until"], name="pastkind_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.form}/{self.sector} until {self.valid_until}"


class PastName(models.Model):
    """The name an organization had until a day.

    Written by services.organization_update when a rename is dated ("Đảng bộ xã" becoming
    "Đảng ủy xã", a committee renamed by the 2025 reorganization): until `valid_until`
    (exclusive) the organization was called `name`. Reports of a day before it show that
    name (organizations.positions.names_on); a rename changes no figure, so it never sends
    a report to the records (unlike PastKind)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="past_names")
    name = models.CharField(max_length=255)
    valid_until = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["valid_until"], name="pastname_until")]
        constraints = [
            models.UniqueConstraint(fields=["organization", "valid_until"], name="pastname_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.name} until {self.valid_until}"

    @property
    def last_day(self):
        """The last day the organization bore this name."""
        return self.valid_until - dt.timedelta(days=1)


class MemberCountQuerySet(models.QuerySet):
    def latest_on(self, day):
        """The counts that are their organization's latest on `day` (at most one each)."""
        return self.filter(Q(as_of__lte=day) & (Q(until__isnull=True) | Q(until__gt=day)))

    def refresh_until(self, organization_ids=None) -> int:
        """Set `until` of the counts of these organizations (all when None) to the date of
        the next count of the same organization (None for the latest), in one statement.
        Every write of counts calls it: `MemberCount.save` and `delete` for one count, and
        a bulk load (bulk_create, COPY) for the organizations it wrote counts of."""
        rows = self.all() if organization_ids is None else self.filter(organization_id__in=list(organization_ids))
        following = MemberCount.objects.filter(organization_id=OuterRef("organization_id"), as_of__gt=OuterRef("as_of"))
        return rows.update(until=Subquery(following.order_by("as_of").values("as_of")[:1]))


class MemberCount(models.Model):
    """The number of party members of an organization on a date (entered or imported).

    `until` is stored, not entered: the date of the organization's next count (None for
    its latest), so "the latest count on day D" is the one row with `as_of <= D` and
    (`until` null or after D), readable as a join for every organization at once. It
    depends only on the counts of the same organization (moves and mergers leave it
    alone) and is kept by `refresh_until` on every write."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="member_counts"
    )
    as_of = models.DateField(_("as of"))
    members = models.PositiveIntegerField(_("party members"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    until = models.DateField(null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["until"])
    objects = MemberCountQuerySet.as_manager()

    class Meta:
        verbose_name = _("member count")
        verbose_name_plural = _("member counts")
        ordering = ["-as_of"]
        constraints = [models.UniqueConstraint(fields=["organization", "as_of"], name="membercount_one_per_date")]

    def __str__(self) -> str:
        return f"{self.organization} {self.as_of}: {self.members}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._refresh_until(kwargs.get("using") or self._state.db)

    def delete(self, *args, **kwargs):
        using = kwargs.get("using") or self._state.db
        result = super().delete(*args, **kwargs)
        self._refresh_until(using)
        return result

    def _refresh_until(self, using) -> None:
        # One statement for the organization's counts; this instance's `until` in memory
        # is not read again (the engine reads the stored rows).
        MemberCount.objects.using(using).refresh_until([self.organization_id])


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    PLANNER = "planner", _("Planner")
    CLERK = "clerk", _("Clerk")
    VIEWER = "viewer", _("Viewer")


class Membership(models.Model):
    """A user's role over the subtree of one organization."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="org_memberships")
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="membership_one_role_per_org")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.organization}"


class Reorganization(models.Model):
    """A reorganization applied at once from a file (organizations.reorganize): the decision
    it carries out and what it did, so the tree's history shows it as one operation."""

    decision = models.CharField(_("decision"), max_length=255, blank=True)
    decision_date = models.DateField(_("date of the decision"), null=True, blank=True)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reorganizations",
        help_text=_("The committee whose tree it changed (empty: several trees)."),
    )
    applied_at = models.DateTimeField(_("applied at"))
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    summary = models.JSONField(_("summary"), default=dict)

    class Meta:
        verbose_name = _("reorganization")
        verbose_name_plural = _("reorganizations")
        ordering = ["-applied_at", "-pk"]

    def __str__(self) -> str:
        return self.decision or f"{self.applied_at:%d/%m/%Y}"


class PeriodLock(models.Model):
    """A closed period of one organization's subtree (organizations.locks): admissions,
    candidates' steps and member counts dated inside [start, end] under it can no longer
    be created, changed or deleted, unless a reopening is in force."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="period_locks"
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    reason = models.CharField(_("reason"), max_length=255)
    source = models.CharField(
        _("source"), max_length=64, blank=True, help_text=_("What locked it, e.g. the approved report submission.")
    )
    locked_at = models.DateTimeField(_("locked at"))
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("period lock")
        verbose_name_plural = _("period locks")
        ordering = ["-end", "organization_id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "start", "end"], name="periodlock_one_per_span"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="periodlock_end_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"


class LockReopening(models.Model):
    """A lock lifted by an administrator of the level above, with a reason, through `until`
    (inclusive): from the day after, the period is locked again by itself."""

    lock = models.ForeignKey(
        PeriodLock, verbose_name=_("period lock"), on_delete=models.PROTECT, related_name="reopenings"
    )
    reason = models.TextField(_("reason"))
    until = models.DateField(_("open until"))
    opened_at = models.DateTimeField(_("opened at"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lock reopening")
        verbose_name_plural = _("lock reopenings")
        ordering = ["-opened_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.lock} open until {self.until:%d/%m/%Y}"
