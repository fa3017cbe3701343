import django_filters
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization

from .models import Plan, PlanStatus


class PlanTable(tables.Table):
    reference = tables.Column(verbose_name=_("Number"), accessor="number", order_by=("number",))
    title = tables.LinkColumn("quotas:detail", args=[tables.A("pk")], verbose_name=_("Title"))
    issuer = tables.Column(verbose_name=_("Issuing organization"), order_by=("issuer__path",))
    issued_on = tables.DateColumn(format="d/m/Y", verbose_name=_("Issued on"))
    years = tables.Column(verbose_name=_("Years"), accessor="first_year", order_by=("first_year",))
    status = tables.Column(verbose_name=_("Status"))

    class Meta:
        model = Plan
        fields = ("reference", "title", "issuer", "issued_on", "years", "status")
        attrs = {"class": "table"}
        order_by = ("-first_year",)
        per_page = 50

    def render_reference(self, record):
        return record.reference or "—"

    def render_years(self, record):
        if record.last_year is None:
            return _("from %(year)d") % {"year": record.first_year}
        if record.last_year == record.first_year:
            return str(record.first_year)
        return f"{record.first_year}–{record.last_year}"


class PlanFilter(django_filters.FilterSet):
    year = django_filters.NumberFilter(label=_("Year"), method="filter_year")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PlanStatus.choices)
    issuer = django_filters.ModelChoiceFilter(
        label=_("Issuing organization"), queryset=Organization.objects.none(), method="filter_issuer"
    )
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")

    class Meta:
        model = Plan
        fields = ["year", "status", "issuer", "q"]

    def __init__(self, *args, issuers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["issuer"].queryset = issuers if issuers is not None else Organization.objects.none()

    def filter_year(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(first_year__lte=value) & (Q(last_year__isnull=True) | Q(last_year__gte=value)))

    def filter_issuer(self, queryset, name, value):
        return queryset.filter(issuer__path__startswith=value.path)

    def filter_q(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(title__icontains=value) | Q(number__icontains=value) | Q(symbol__icontains=value))
