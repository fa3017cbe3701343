from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .models import MemberCount, Membership, Organization


@admin.register(Organization)
class OrganizationAdmin(TreeAdmin, SimpleHistoryAdmin):
    form = movenodeform_factory(Organization, exclude=["search_name"])
    list_display = ["name", "code", "form", "sector", "dissolved_on"]
    list_filter = ["form", "sector"]
    search_fields = ["name", "search_name", "code"]


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
