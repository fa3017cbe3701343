import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.text import fold

from .categories import Category
from .models import Candidate, Outcome, Step


class CandidateFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name"), method="search")
    step = django_filters.ChoiceFilter(label=_("Step"), choices=Step.choices)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    outcome = django_filters.ChoiceFilter(label=_("Outcome"), choices=Outcome.choices)
    year = django_filters.NumberFilter(label=_("Year"), field_name="step_date", lookup_expr="year")
    overdue = django_filters.BooleanFilter(label=_("Overdue"), method="filter_overdue", widget=forms.CheckboxInput)

    class Meta:
        model = Candidate
        fields = ["q", "step", "category", "outcome", "year", "overdue"]

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def search(self, queryset, name, value):
        folded = fold(value)
        return queryset.filter(search_name__contains=folded) if folded else queryset

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
