import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from admissions.models import Admission
from reports.models import HistoricalResult


class AdmissionTable(tables.Table):
    """The admissions behind a figure (names: VIEW_PERSONAL only)."""

    full_name = tables.Column(_("Full name"), accessor="candidate__full_name", order_by=("candidate__search_name",))
    organization = tables.Column(_("Organization at admission"), accessor="organization__name")
    category = tables.Column(_("Category at admission"))
    ceremony_date = tables.DateColumn(format="d/m/Y", verbose_name=_("Ceremony date"))
    decision_number = tables.Column(_("Decision number"))

    class Meta:
        model = Admission
        fields = ("full_name", "organization", "category", "ceremony_date", "decision_number")
        order_by = ("ceremony_date",)
        attrs = {"class": "table", "data-testid": "admissions"}
        empty_text = _("No admissions.")


class HistoricalResultTable(tables.Table):
    organization = tables.Column(_("Organization"), accessor="organization__name", order_by=("organization__path",))
    year = tables.Column(_("Year"))
    category = tables.Column(_("Category"), default=_("All new members"))

    def render_year(self, record):
        return record.period

    count = tables.Column(_("New members"), attrs={"td": {"class": "num"}, "th": {"class": "num"}})
    source = tables.Column(_("Source"))

    class Meta:
        model = HistoricalResult
        fields = ("organization", "year", "category", "count", "source")
        attrs = {"class": "table", "data-testid": "historical"}
        empty_text = _("None entered.")
