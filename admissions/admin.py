from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Admission, Candidate, Holiday


@admin.register(Holiday)
class HolidayAdmin(SimpleHistoryAdmin):
    """The working-day calendar: an administrator adds or corrects public holidays here."""

    list_display = ["date", "name"]
    date_hierarchy = "date"
    search_fields = ["name"]


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Candidates and admissions change only through the app's services (checks, history)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
