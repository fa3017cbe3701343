import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from admissions.categories import Category
from partyplans.forms import EMPTY_FILTER_LABEL, DateField


class PeriodForm(forms.Form):
    """The year and "as of" date every report page keeps while drilling down."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    as_of = DateField(label=_("As of"), required=False)

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
        if last_day is not None:
            as_of = min(as_of, last_day)
        return year, as_of


class AdmissionFilterForm(PeriodForm):
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", EMPTY_FILTER_LABEL), *Category.choices], required=False
    )


class HistoricalResultForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=None)
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    first_year = forms.IntegerField(
        label=_("From year"),
        min_value=1990,
        max_value=2100,
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
