import datetime as dt
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from admissions.categories import Category
from common.forms import EMPTY_FILTER_LABEL, DateField, YearField
from organizations.forms import ScopedOrganizationChoiceField
from organizations.models import Organization

from . import periods

CUSTOM = "custom"  # the chooser's "from … to …" option


@dataclass(frozen=True)
class Chosen:
    """What a report page shows: the period, the plan year and the day it is counted to."""

    period: periods.Period
    year: int
    as_of: dt.date

    @property
    def is_year(self) -> bool:
        """The plain year (the default): URLs then carry only year and as_of, as before."""
        return self.period.key == str(self.year)

    def params(self) -> dict:
        """The query parameters that keep this choice while drilling down."""
        params = {"year": self.year, "as_of": self.as_of.isoformat()}
        if not self.is_year:
            params["period"] = self.period.key
        return params


class PeriodForm(forms.Form):
    """The year and "as of" date every report page keeps while drilling down, and the report
    period: a named period of the year (`period=2025-Q2`, any key of reports/periods.py)
    or any span (`from`/`to`, dd/mm/yyyy)."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    as_of = DateField(label=_("As of"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Added by name: "from" is a Python keyword, and `period()` is a method.
        self.fields["period"] = forms.CharField(label=_("Period"), max_length=32, required=False)
        self.fields["from"] = DateField(label=_("From"), required=False)
        self.fields["to"] = DateField(label=_("To"), required=False)
        year = self.initial.get("year") or self.data.get("year") or dt.date.today().year
        try:
            year = int(year)
        except (TypeError, ValueError):
            year = 0
        if not 2000 <= year <= 2100:  # the choices of a bad year: this year's (the form reports the error)
            year = dt.date.today().year
        self.fields["period"].widget = forms.Select(
            choices=[
                *((p.key, p.label) for p in periods.named_periods(year)),
                (CUSTOM, _("From … to … (the days below)")),
            ]
        )

    def clean(self):
        data = super().clean()
        key, first, last = data.get("period"), data.get("from"), data.get("to")
        if self.errors:
            return data
        try:
            if key == CUSTOM or (not key and (first or last)):
                if not (first and last):
                    raise ValueError(_("Give both the first and the last day of the period."))
                data["report_period"] = periods.between(first, last)
            elif key:
                period = periods.parse(key)
                year = data.get("year")
                if year and year != period.year and ".." not in period.key:
                    # The same kind of period in the year chosen beside it (Q2 → Q2 of that year).
                    period = periods.parse(f"{year}{period.key[4:]}")
                data["report_period"] = period
        except ValueError as exc:
            self.add_error("period" if key and key != CUSTOM else "from", str(exc))
        return data

    def chosen(self, today: dt.date, last_day: dt.date | None = None) -> Chosen:
        """The period (default: the year), its plan year and the day it is counted to: the
        `as_of` given, else the period's last day or today while it runs; never after a
        merged or dissolved organization's `last_day`. A form with errors gives the default."""
        chosen = self.cleaned_data.get("report_period") if self.is_valid() else None
        if chosen is None:
            year, as_of = self.period(today, last_day)
            return Chosen(periods.parse(str(year)), year, as_of)
        # Never after the period's end nor after today; a day before it starts means nothing for it.
        as_of = self.cleaned_data.get("as_of")
        if as_of is None or as_of < chosen.start:
            as_of = chosen.as_of(today)
        as_of = min(as_of, chosen.end, today)
        if last_day is not None:
            as_of = min(as_of, last_day)
        return Chosen(chosen, chosen.year, as_of)

    def period(self, today: dt.date, last_day: dt.date | None = None) -> tuple[int, dt.date]:
        """(year, as_of): defaults to this year and today, or the year's last day for a past year.

        An organization that was merged or dissolved has reports up to its `last_day`:
        a later year or day is read as that day."""
        if last_day is not None:
            today = min(today, last_day)
        data = self.cleaned_data if self.is_valid() else {}
        year = data.get("year") or today.year
        as_of = data.get("as_of")
        if last_day is not None and year > last_day.year:
            year, as_of = last_day.year, last_day
        if as_of is None:
            as_of = today if year >= today.year else dt.date(year, 12, 31)
        as_of = min(as_of, today)  # no report is counted to a day that has not come
        if last_day is not None:
            as_of = min(as_of, last_day)
        return year, as_of


class AdmissionFilterForm(PeriodForm):
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", EMPTY_FILTER_LABEL), *Category.choices], required=False
    )


class HistoricalResultForm(forms.Form):
    # Every organization of the scope, those ended in the reorganization too (their past
    # years are what boards enter), labelled with their last day.
    organization = ScopedOrganizationChoiceField(label=_("Organization"), queryset=Organization.objects.none())
    year = YearField(label=_("Year"))
    first_year = YearField(
        label=_("From year"),
        required=False,
        help_text=_("Only for a total over several years (2020–2023): the first year; “Year” is the last."),
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", _("All new members")), *Category.choices], required=False
    )
    count = forms.IntegerField(label=_("New members"), min_value=0)
    source = forms.CharField(label=_("Source"), max_length=300, required=False)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations.order_by("path")


class HistoricalImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))
