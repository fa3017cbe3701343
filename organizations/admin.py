from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from common.admin import NoEditMixin, ReadOnlyAdmin

from .models import LockReopening, MemberCount, Membership, Organization, PeriodLock, Reorganization


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
class MemberCountAdmin(ReadOnlyAdmin):
    """Member counts are entered and imported in the app (organizations/services.py
    `member_count_record`: a locked period refuses them there, with the audit); the admin
    edited them past that, so it only shows them now."""

    list_display = ["organization", "as_of", "members", "note"]
    list_select_related = ["organization"]
    date_hierarchy = "as_of"
    search_fields = ["organization__name", "organization__code"]


class LockReopeningInline(admin.TabularInline):
    model = LockReopening
    fields = ["opened_at", "opened_by", "until", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PeriodLock)
class PeriodLockAdmin(ReadOnlyAdmin):
    """Locked by an approved report, reopened on the app's page (organizations/locks.py)."""

    list_display = ["organization", "start", "end", "reason", "locked_at", "locked_by"]
    list_select_related = ["organization", "locked_by"]
    date_hierarchy = "end"
    search_fields = ["organization__name", "organization__code", "reason"]
    inlines = [LockReopeningInline]


@admin.register(LockReopening)
class LockReopeningAdmin(ReadOnlyAdmin):
    list_display = ["lock", "until", "reason", "opened_at", "opened_by"]
    list_select_related = ["lock__organization", "opened_by"]
    date_hierarchy = "opened_at"


@admin.register(Reorganization)
class ReorganizationAdmin(NoEditMixin, admin.ModelAdmin):
    """Applied by the reorganization page or command (organizations/reorganize.py): a record, read-only."""

    list_display = ["decision", "decision_date", "organization", "applied_at", "applied_by", "file_name"]
    date_hierarchy = "applied_at"
