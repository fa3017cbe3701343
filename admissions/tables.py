import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Candidate


class CandidateTable(tables.Table):
    full_name = tables.Column(verbose_name=_("Full name"), linkify=True, order_by=("search_name", "pk"))
    date_of_birth = tables.DateColumn(verbose_name=_("Date of birth"), format="d/m/Y")
    organization = tables.Column(
        verbose_name=_("Developing cell"), accessor="organization__name", order_by="organization__path"
    )
    category = tables.Column(verbose_name=_("Category"))
    step = tables.Column(verbose_name=_("Step"))
    step_date = tables.DateColumn(verbose_name=_("Since"), format="d/m/Y")
    due_on = tables.DateColumn(verbose_name=_("Next step due"), format="d/m/Y", default="")
    outcome = tables.Column(verbose_name=_("Outcome"))

    class Meta:
        model = Candidate
        fields = ("full_name", "date_of_birth", "organization", "category", "step", "step_date", "due_on", "outcome")
        attrs = {"class": "table candidates"}
        row_attrs = {"data-step": lambda record: record.step}
        empty_text = _("No candidates match.")
