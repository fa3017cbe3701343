"""Admin classes shared by the apps."""

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class NoEditMixin:
    """An admin page that shows its records and never adds, changes or deletes one."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(NoEditMixin, SimpleHistoryAdmin):
    """Records that change only through the app's services (their checks, the history and,
    for organizations, the path history and the tallies): shown, never edited, here."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """simple-history's page of an old version saves its form on POST (a "revert") with the
        view permission alone: here it is shown, never saved (a locked period would not hold)."""
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
