from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import MemberCount, Membership, Organization, Reorganization


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Records that change only through the app's services (their checks, the history and,
    for organizations, the path history and the tallies): shown, never edited, here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    """Organizations are created, edited, moved, merged and dissolved in the app
    (organizations/services.py); treebeard's admin moved nodes past all of that."""

    list_display = ["name", "code", "form", "sector", "depth", "dissolved_on"]
    list_filter = ["form", "sector", "depth"]
    search_fields = ["name", "search_name", "code"]
    ordering = ["path"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organization", "role"]
    list_filter = ["role"]
    autocomplete_fields = ["organization", "user"]
    search_fields = ["user__username", "organization__name"]


@admin.register(MemberCount)
class MemberCountAdmin(SimpleHistoryAdmin):
    list_display = ["organization", "as_of", "members"]
    autocomplete_fields = ["organization"]


@admin.register(Reorganization)
class ReorganizationAdmin(admin.ModelAdmin):
    """Applied by the reorganization page or command (organizations/reorganize.py): a record, read-only."""

    list_display = ["decision", "decision_date", "organization", "applied_at", "applied_by", "file_name"]
    date_hierarchy = "applied_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
