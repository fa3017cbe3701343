from django.urls import path

from . import allocation_views, document_views, rule_views, views

app_name = "quotas"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("org/<int:org_pk>/", views.org_plans, name="org_plans"),
    path("org/<int:org_pk>/new/", views.plan_create, name="create"),
    path("org/<int:org_pk>/cascade/", views.cascade, name="cascade"),
    path("org/<int:org_pk>/implement/<int:plan_pk>/", views.plan_implement, name="implement"),
    path("<int:plan_pk>/", views.plan_detail, name="detail"),
    path("<int:plan_pk>/print.<str:fmt>", document_views.plan_print, name="print"),
    path("<int:plan_pk>/document/", document_views.plan_document, name="document"),
    path("<int:plan_pk>/edit/", views.plan_edit, name="edit"),
    path("<int:plan_pk>/issue/", views.plan_issue, name="issue"),
    path("<int:plan_pk>/close/", views.plan_close, name="close"),
    path("<int:plan_pk>/copy/", views.plan_copy, name="copy"),
    path("<int:plan_pk>/milestones/new/", views.milestone_create, name="milestone_create"),
    path("<int:plan_pk>/rules/new/", rule_views.rule_create, name="rule_create"),
    path("<int:plan_pk>/rules/preview/", rule_views.rule_preview, name="rule_preview"),
    path("<int:plan_pk>/rules/<int:rule_pk>/", rule_views.rule_edit, name="rule_edit"),
    path("<int:plan_pk>/rules/<int:rule_pk>/delete/", rule_views.rule_delete, name="rule_delete"),
    path("<int:plan_pk>/rules/<int:rule_pk>/allocations/", allocation_views.allocation_grid, name="allocations"),
    path(
        "<int:plan_pk>/rules/<int:rule_pk>/allocations/import/",
        allocation_views.allocation_import_view,
        name="allocation_import",
    ),
    path(
        "<int:plan_pk>/rules/<int:rule_pk>/allocations/template.xlsx",
        allocation_views.allocation_template,
        name="allocation_template",
    ),
]
