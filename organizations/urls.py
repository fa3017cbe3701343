from django.urls import path

from . import import_views, lock_views, views

app_name = "organizations"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("<int:org_pk>/", views.detail, name="detail"),
    path("<int:org_pk>/children/", views.children, name="children"),
    path("<int:org_pk>/add/", views.add_child, name="add_child"),
    path("<int:org_pk>/edit/", views.edit, name="edit"),
    path("<int:org_pk>/move/", views.move, name="move"),
    path("<int:org_pk>/merge/", views.merge, name="merge"),
    path("<int:org_pk>/dissolve/", views.dissolve, name="dissolve"),
    path("<int:org_pk>/counts/add/", views.add_count, name="add_count"),
    path("<int:org_pk>/import/", import_views.import_tree, name="import"),
    path("<int:org_pk>/counts/import/", import_views.import_counts, name="import_counts"),
    path("<int:org_pk>/import/template.xlsx", import_views.import_template, name="import_template"),
    path("<int:org_pk>/reorganize/", import_views.reorganize, name="reorganize"),
    path("<int:org_pk>/reorganize/apply/", import_views.reorganize_apply, name="reorganize_apply"),
    path("<int:org_pk>/reorganize/template.xlsx", import_views.reorganize_template, name="reorganize_template"),
    path("<int:org_pk>/locks/", lock_views.lock_list, name="locks"),
    path("<int:org_pk>/locks/<int:lock_pk>/reopen/", lock_views.lock_reopen, name="lock_reopen"),
]
