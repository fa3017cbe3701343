from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from common.admin import ReadOnlyAdmin

from .models import Admission, Candidate, Holiday
from .services import deadlines_refresh


@admin.register(Holiday)
class HolidayAdmin(SimpleHistoryAdmin):
    """The working-day calendar: an administrator adds or corrects public holidays and
    make-up working days (weekend days worked for a swapped day off) here."""

    list_display = ["date", "name", "working"]
    list_filter = ["working"]
    date_hierarchy = "date"
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        old = Holiday.objects.filter(pk=obj.pk).values_list("date", flat=True).first() if change else None
        super().save_model(request, obj, form, change)
        for day in {obj.date, old} - {None}:
            deadlines_refresh(around=day)

    def delete_model(self, request, obj):
        day = obj.date
        super().delete_model(request, obj)
        deadlines_refresh(around=day)

    def delete_queryset(self, request, queryset):
        days = list(queryset.values_list("date", flat=True))
        super().delete_queryset(request, queryset)
        for day in days:
            deadlines_refresh(around=day)


@admin.register(Candidate)
class CandidateAdmin(ReadOnlyAdmin):
    list_display = ["full_name", "organization", "step", "step_date", "outcome", "archived_at"]
    list_filter = ["outcome", "step", "category"]
    list_select_related = ["organization"]
    search_fields = ["search_name"]


@admin.register(Admission)
class AdmissionAdmin(ReadOnlyAdmin):
    list_display = ["candidate", "organization", "ceremony_date", "probation_due", "recognized_on", "archived_at"]
    list_select_related = ["organization", "candidate"]
    date_hierarchy = "ceremony_date"
