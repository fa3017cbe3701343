import django_tables2 as tables
from django.db.models import F, Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from admissions.models import Admission
from organizations.positions import name_as_of
from organizations.selectors import with_last_day
from reports.models import HistoricalResult


def admission_table(rows) -> "AdmissionTable":
    """The table of the admissions `rows`, each organization named as on the ceremony day:
    its name of that day (renamed since: PastName), or, for a record kept at an
    organization already merged by then, its successor's."""
    merged_by_then = Q(organization__merged_into__isnull=False, organization__dissolved_on__lte=F("ceremony_date"))
    rows = rows.select_related("candidate", "organization", "organization__merged_into").annotate(
        organization_then=name_as_of("ceremony_date"),
        merged_by_then=merged_by_then,
    )
    return AdmissionTable(rows)


class AdmissionTable(tables.Table):
    """The admissions behind a figure (names: VIEW_PERSONAL only): build it with admission_table."""

    full_name = tables.Column(_("Full name"), accessor="candidate__full_name", order_by=("candidate__search_name",))
    organization = tables.Column(_("Organization at admission"), accessor="organization_then")
    category = tables.Column(_("Category at admission"))
    ceremony_date = tables.DateColumn(format="d/m/Y", verbose_name=_("Ceremony date"))
    decision_number = tables.Column(_("Decision number"))

    class Meta:
        model = Admission
        fields = ("full_name", "organization", "category", "ceremony_date", "decision_number")
        order_by = ("ceremony_date",)
        attrs = {"class": "table", "data-testid": "admissions"}
        empty_text = _("No admissions.")

    def render_organization(self, value, record):
        if record.merged_by_then:
            return format_html(
                '{} <span class="muted">({})</span>',
                record.organization.merged_into.name,
                _("recorded at %(name)s, merged into it by then") % {"name": value},
            )
        return value


class HistoricalResultTable(tables.Table):
    organization = tables.Column(_("Organization"), accessor="organization__name", order_by=("organization__path",))
    year = tables.Column(_("Year"))
    category = tables.Column(_("Category"), default=_("All new members"))

    def render_organization(self, record):
        return with_last_day(record.organization.name, record.organization.dissolved_on)

    def render_year(self, record):
        return record.period

    count = tables.Column(_("New members"), attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    source = tables.Column(_("Source"))
    changed_by = tables.Column(_("Entered by"), default="—", orderable=False)
    changed_at = tables.DateTimeColumn(format="d/m/Y H:i", verbose_name=_("Entered on"), orderable=False)

    class Meta:
        model = HistoricalResult
        fields = ("organization", "year", "category", "count", "source", "changed_by", "changed_at")
        attrs = {"class": "table", "data-testid": "historical"}
        empty_text = _("None entered.")
