"""Form pieces every app shares: one date input and the empty choice's label."""

from django import forms
from django.utils.translation import gettext_lazy as _

# What a Vietnamese user writes, then the ISO form old links and bookmarks carry (?as_of=2026-06-30).
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
EMPTY_CHOICE_LABEL = _("— Select —")
# A filter left empty keeps every row.
EMPTY_FILTER_LABEL = _("All")


class DateInput(forms.TextInput):
    """A dd/mm/yyyy text box: the browser's own date picker follows the browser's language
    (mm/dd/yyyy in an English-language Chromium), this one always reads the Vietnamese way."""

    def __init__(self, attrs=None):
        defaults = {
            "placeholder": "dd/mm/yyyy",
            "pattern": r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}",
            "inputmode": "numeric",
            "autocomplete": "off",
            "size": "10",
            "title": _("Day/month/year, e.g. 30/06/2026"),
        }
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value):
        if hasattr(value, "strftime"):
            return value.strftime("%d/%m/%Y")
        return super().format_value(value)


class DateField(forms.DateField):
    widget = DateInput
    input_formats = DATE_INPUT_FORMATS
    default_error_messages = {"invalid": _("Enter a date as day/month/year, e.g. 30/06/2026.")}


class YearField(forms.IntegerField):
    """A calendar year as plans and counts are typed: 1990 to 2100 unless told otherwise."""

    def __init__(self, *, min_value=1990, max_value=2100, **kwargs):
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)
