"""Historical results entered as counts, for years before records were kept here."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from admissions.categories import Category
from organizations.models import Organization


class HistoricalResult(models.Model):
    """Admissions of an organization's subtree in a past year, as a count.

    Seed 001 quotes 191 admitted in Đà Lạt in 2023; seed 002 quotes 3 pupils and 5
    enterprise workers for Đức Trọng in 2020–2023. `category` empty means all new
    members. The engine adds these to the counts of the admission records (a board
    enters a past year's count for what it has no records of; a year with neither reads
    "no data"); after a merger, a result counts with its organization's successor.

    A total over several years ("2020–2023: 03 pupils", seed 002) is one row with
    `first_year` set (2020) and `year` its last year (2023): it is a total of that
    period, shown as such, and never split into or counted as any single year.
    """

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="historical_results"
    )
    year = models.PositiveSmallIntegerField(_("year"), help_text=_("For a total over several years: the last one."))
    first_year = models.PositiveSmallIntegerField(
        _("from year"),
        null=True,
        blank=True,
        help_text=_("Only for a total over several years (2020–2023): the first year of the period."),
    )
    category = models.CharField(_("candidate category"), max_length=32, choices=Category.choices, blank=True)
    count = models.PositiveIntegerField(_("new members"))
    source = models.CharField(_("source"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("historical result")
        verbose_name_plural = _("historical results")
        ordering = ["organization", "-year", "category"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year", "category"], name="historicalresult_one_per_key"),
            models.CheckConstraint(
                condition=models.Q(first_year__isnull=True) | models.Q(first_year__lt=models.F("year")),
                name="historicalresult_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.period} {self.category or '*'}: {self.count}"

    @property
    def is_period(self) -> bool:
        return self.first_year is not None

    @property
    def period(self) -> str:
        return f"{self.first_year}–{self.year}" if self.first_year else str(self.year)


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ExportJob(models.Model):
    """A report export written in the background, kept for download."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    as_of = models.DateField()
    period = models.CharField(max_length=32, blank=True)  # a reports.periods key; blank: the year
    format = models.CharField(max_length=8)  # xlsx | pdf
    status = models.CharField(max_length=16, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    file = models.FileField(upload_to="exports/%Y/", blank=True)
    error = models.CharField(max_length=500, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.year} {self.format} {self.status}"
