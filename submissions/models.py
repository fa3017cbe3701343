"""Reports sent upward: an organization's report for a period, submitted to its parent,
reviewed (approved or returned with a comment), its figures frozen when submitted."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.files import PrivateStorage
from organizations.models import Organization


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")  # never stored: a board's empty cell
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


STORED_STATUSES = [(s.value, s.label) for s in Status if s != Status.NOT_STARTED]


class ReportSubmission(models.Model):
    """One organization's report for one period (a key of reports/periods.py)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="submissions"
    )
    period = models.CharField(_("period"), max_length=32)
    status = models.CharField(_("status"), max_length=16, choices=STORED_STATUSES, default=Status.DRAFT)
    results = models.TextField(_("results"), blank=True)
    limitations = models.TextField(_("limitations"), blank=True)
    proposals = models.TextField(_("proposals"), blank=True)
    # The figures as submitted: {"attainment": reports.serialize.attainment_json,
    # "bieu2": reports.bieu2.form_json} — aggregated figures only, never a candidate's name.
    snapshot = models.JSONField(_("figures as submitted"), null=True, blank=True)
    frozen_at = models.DateTimeField(_("figures read at"), null=True, blank=True)  # real time, never backdated
    pdf = models.FileField(storage=PrivateStorage, upload_to="submissions/%Y/", blank=True)
    xlsx = models.FileField(storage=PrivateStorage, upload_to="submissions/%Y/", blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report submission")
        verbose_name_plural = _("report submissions")
        ordering = ["organization__path", "period"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "period"], name="reportsubmission_one_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.period} {self.status}"


class Action(models.TextChoices):
    SUBMIT = "submit", _("Submitted")
    RETURN = "return", _("Returned")
    APPROVE = "approve", _("Approved")


class ReviewStep(models.Model):
    submission = models.ForeignKey(ReportSubmission, on_delete=models.PROTECT, related_name="steps")
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("at"))
    comment = models.TextField(_("comment"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.action} {self.at:%d/%m/%Y}"


class Notification(models.Model):
    """A message in the app for one user (and by e-mail when configured): a report returned,
    due soon, or children late. `link` is a page of the app."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(_("text"), max_length=500)
    link = models.CharField(max_length=300, blank=True)  # a page of the app
    key = models.CharField(max_length=120, blank=True)  # one per (user, key): idempotent reminders
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~models.Q(key=""), name="notification_one_per_key"
            ),
        ]

    def __str__(self) -> str:
        return self.text
