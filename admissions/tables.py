import datetime as dt

import django_tables2 as tables
from django.utils import dateformat
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Candidate
from .selectors import ENDED_OUTCOMES, days_late


class DayColumn(tables.Column):
    """A date as dd/mm/yyyy, like DateColumn(format="d/m/Y") without its cost: DateColumn is a
    TemplateColumn that compiles a template for every cell (a third of the list's render time)."""

    def render(self, value):
        return dateformat.format(value, "d/m/Y")

    def value(self, value):
        return value.isoformat() if isinstance(value, dt.date) else value


def due_with_days_late(due: dt.date, *, today: dt.date) -> str:
    """A deadline as dd/mm/yyyy and, when past, the days late in a badge: the list's deadline
    column and the candidate's page show it alike."""
    text = dateformat.format(due, "d/m/Y")
    late = days_late(due, today=today)
    if not late:
        return text
    badge = ngettext("%(n)d day late", "%(n)d days late", late) % {"n": late}
    return format_html('{} <span class="badge bad" data-days-late="{}">{}</span>', text, late, badge)


class DueColumn(DayColumn):
    """The deadline a candidate is followed on (selectors.with_next_due: the next step's on the
    road, the recognition as a full member on probation), and how many days late when past
    it (the table's `today`): every row the overdue filter keeps shows both."""

    def render(self, value, table):
        return due_with_days_late(value, today=table.today)


class CandidateTable(tables.Table):
    full_name = tables.Column(verbose_name=_("Full name"), linkify=True, order_by=("search_name", "pk"))
    date_of_birth = DayColumn(verbose_name=_("Date of birth"))
    organization = tables.Column(
        verbose_name=_("Developing cell"),
        accessor="organization__name",
        order_by="organization__path",
        attrs={"td": {"class": "wrap"}},
    )
    category = tables.Column(verbose_name=_("Category"))
    step = tables.Column(verbose_name=_("Step"), attrs={"td": {"class": "wrap"}})
    step_date = DayColumn(verbose_name=_("Since"))
    due_on = DueColumn(verbose_name=_("Next step due"), accessor="next_due", default="")
    outcome = tables.Column(verbose_name=_("Outcome"))

    class Meta:
        model = Candidate
        fields = ("full_name", "date_of_birth", "organization", "category", "step", "step_date", "due_on", "outcome")
        # What a clerk acts on first (a phone shows the first columns without scrolling).
        sequence = ("full_name", "step", "due_on", "outcome", "step_date", "category", "date_of_birth", "organization")
        attrs = {"class": "table candidates"}
        row_attrs = {
            "data-step": lambda record: record.step,
            "data-outcome": lambda record: record.outcome,
            # Those who left the road (withdrew, moved away, not qualified) read greyed, after the others.
            "class": lambda record: "ended" if record.outcome in ENDED_OUTCOMES else "",
        }
        empty_text = _("No candidates match.")

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
