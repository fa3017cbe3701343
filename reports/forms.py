import datetime as dt
from dataclasses import dataclass

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from admissions.categories import Category
from common import clock
from common.forms import EMPTY_FILTER_LABEL, DateField, YearField
from organizations.forms import ScopedOrganizationChoiceField
from organizations.models import Organization

from . import periods

PERIOD_FIELDS = ("year", "as_of", "period", "from", "to", NON_FIELD_ERRORS)
CUSTOM = "custom"  # the chooser's "from … to …" option
BEFORE_PERIOD = "before_period"  # the error of an "as of" day before a period that has begun
OUT_OF_RANGE = "out_of_range"  # a day of a year no report is of (1900)


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
        year = self.initial.get("year") or self.data.get("year") or clock.today().year
        try:
            year = int(year)
        except (TypeError, ValueError):
            year = 0
        if not 2000 <= year <= 2100:  # the choices of a bad year: this year's (the form reports the error)
            year = clock.today().year
        self.fields["period"].widget = forms.Select(
            choices=[
                *((p.key, p.label) for p in periods.named_periods(year)),
                (CUSTOM, _("From … to … (the days below)")),
            ]
        )

    def clean(self):
        data = super().clean()
        for name in ("as_of", "from", "to"):  # the years a report may be of, as `year`
            day = data.get(name)
            if day is not None and not periods.FIRST_YEAR <= day.year <= periods.LAST_YEAR:
                self.add_error(
                    name, forms.ValidationError(_("Choose a day of a year from 2000 to 2100."), code=OUT_OF_RANGE)
                )
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

    def period_errors(self) -> dict:
        """The errors of the period's own fields, {field: [ValidationError]}: a subclass's
        other fields (AdmissionFilterForm's category) neither drop the period nor are said
        as a bad period."""
        return {name: errors for name, errors in self.errors.as_data().items() if name in PERIOD_FIELDS}

    def chosen(self, today: dt.date, last_day: dt.date | None = None, founded_on: dt.date | None = None) -> Chosen:
        """The period (default: the year, of the `as_of` day given, else this one), its plan
        year and the day it is counted to, by the one rule of pages, exports and commands
        (periods.choose; `last_day`: a merged or dissolved organization's, `founded_on` its
        founding). A form with
        errors gives the default; an `as_of` before a period that has begun is such an
        error, added here (it depends on today)."""
        data = self.cleaned_data if self.is_bound and not self.period_errors() else {}
        try:
            period, as_of = periods.choose(
                today,
                period=data.get("report_period"),
                year=data.get("year"),
                as_of=data.get("as_of"),
                last_day=last_day,
                founded_on=founded_on,
            )
        except ValueError as exc:
            self.add_error("as_of", forms.ValidationError(str(exc), code=BEFORE_PERIOD))
            period, as_of = periods.choose(today, last_day=last_day)
        return Chosen(period, period.year, as_of)


class AdmissionFilterForm(PeriodForm):
    """The admissions behind a figure: the report's period, the category the figure counts,
    and `in_period` (the period's own admissions, not the year to date). A bad period keeps
    the category, a bad category the period: the view says which one it could not apply.

    `last_day`: the organization's, when it ended. A report of a period begun after it (the
    province's Q3 report, a district dissolved on 01/07) counts that committee's year to
    its last day (its rule cards say so), and so does its list: the plan year to that day."""

    category = forms.ChoiceField(
        label=_("Category"), choices=[("", EMPTY_FILTER_LABEL), *Category.choices], required=False
    )
    in_period = forms.BooleanField(required=False)

    def __init__(self, *args, last_day: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.last_day = last_day

    def clean(self):
        data = super().clean()
        period, last_day = data.get("report_period"), self.last_day
        if (
            period is not None
            and last_day is not None
            and last_day < period.start
            and last_day.year == period.year
            and not data.get("in_period")  # the period's own admissions: it has none (said)
        ):
            del data["report_period"]
            data["year"] = period.year
        return data

    def chosen_category(self) -> str:
        """The category asked for, "" for every one (and for a bad one: `bad_category`)."""
        return "" if not self.is_bound or "category" in self.errors else self.cleaned_data.get("category", "")

    def bad_category(self) -> str | None:
        """The message for a category that is none: the list then shows every category."""
        if not self.is_bound or "category" not in self.errors:
            return None
        return _("“%(value)s” is not a category of new members: the list shows every category.") % {
            "value": self.data.get("category", "")
        }


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
