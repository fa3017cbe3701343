import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.text import fold

from .categories import Category
from .models import Candidate, GeneralEducation, Outcome, ProfessionalLevel, Step, TheoryLevel

NOT_STATED = "not_stated"
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class StatedChoiceFilter(django_filters.ChoiceFilter):
    """A choice of a field records may leave empty (the Biểu 2 fields): its values, then "Not stated"."""

    def __init__(self, *args, choices, nullable=False, **kwargs):
        self.nullable = nullable  # a yes/no field stored as NULL when not stated, else "" when not stated
        super().__init__(*args, choices=[*choices, (NOT_STATED, _("Not stated"))], **kwargs)

    def filter(self, qs, value):
        if value in ("", None):
            return qs
        name = self.field_name
        if value == NOT_STATED:
            return qs.filter(**{f"{name}__isnull": True} if self.nullable else {name: ""})
        if self.nullable:
            return qs.filter(**{name: value == "yes"})
        return qs.filter(**{name: value})


# The years a step of the road can fall in: from the Party's founding; up to the last year
# plans are typed for (common.forms.YearField).
FIRST_YEAR, LAST_YEAR = 1930, 2100


class StepYearField(forms.IntegerField):
    """A year typed in the list's filter, or carried by a link (?year=): one message for
    anything but a year the road can hold, never a date the database cannot build."""

    def __init__(self, **kwargs):
        super().__init__(min_value=FIRST_YEAR, max_value=LAST_YEAR, **kwargs)

    def clean(self, value):
        try:
            return super().clean(value)
        except ValidationError:
            message = _("Enter a year from %(first)d to %(last)d.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
            raise ValidationError(message, code="invalid") from None


class StepYearFilter(django_filters.Filter):
    field_class = StepYearField


class CandidateFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name"), method="search")
    step = django_filters.ChoiceFilter(label=_("Step"), choices=Step.choices)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    outcome = django_filters.ChoiceFilter(label=_("Outcome"), choices=Outcome.choices)
    # A year out of range is refused with a message and the list kept whole (no error page).
    # `year` is the year of the latest step (what `?year=` has always meant, links keep it):
    # someone admitted in one year and recognized the next falls under the next. The year a
    # clerk means by "admitted in 2025" is the ceremony's (the date quotas count): `admitted_year`.
    year = StepYearFilter(label=_("Year of the latest step"), field_name="step_date", lookup_expr="year")
    admitted_year = StepYearFilter(label=_("Admission year"), field_name="admission__ceremony_date", lookup_expr="year")
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue", widget=forms.CheckboxInput)
    # What Biểu 2 counts (issue 15): find the records to complete before the period's form.
    readmission = django_filters.ChoiceFilter(label=_("Re-admission"), choices=YES_NO, method="filter_readmission")
    youth_union_member = StatedChoiceFilter(label=_("Youth Union member"), choices=YES_NO, nullable=True)
    general_education = StatedChoiceFilter(label=_("General education"), choices=GeneralEducation.choices)
    professional_level = StatedChoiceFilter(label=_("Professional level"), choices=ProfessionalLevel.choices)
    theory_level = StatedChoiceFilter(label=_("Political theory level"), choices=TheoryLevel.choices)

    class Meta:
        model = Candidate
        fields = [
            "q",
            "step",
            "category",
            "outcome",
            "year",
            "admitted_year",
            "overdue",
            "readmission",
            "youth_union_member",
            "general_education",
            "professional_level",
            "theory_level",
        ]

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def search(self, queryset, name, value):
        folded = fold(value)
        return queryset.filter(search_name__contains=folded) if folded else queryset

    def filter_readmission(self, queryset, name, value):
        return queryset.filter(readmission=value == "yes") if value else queryset

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Q(outcome=Outcome.IN_PROGRESS, due_on__lt=self.today)
            | Q(
                admission__recognition_due__lt=self.today,
                admission__recognized_on__isnull=True,
                admission__struck_off_on__isnull=True,
                admission__archived_at__isnull=True,
            )
        )
