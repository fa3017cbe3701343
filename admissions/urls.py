from django.urls import path

from . import import_views, views

app_name = "admissions"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("org/<int:org_pk>/", views.candidate_list, name="list"),
    path("org/<int:org_pk>/export.xlsx", import_views.export, name="export"),
    path("org/<int:org_pk>/board/", views.board, name="board"),
    path("org/<int:org_pk>/alerts/", views.alerts, name="alerts"),
    path("org/<int:org_pk>/new/", views.candidate_create, name="create"),
    path("org/<int:org_pk>/readmission/", views.readmission_create, name="readmission"),
    path("org/<int:org_pk>/import/", import_views.import_candidates, name="import"),
    path("org/<int:org_pk>/import/template.xlsx", import_views.import_template, name="import_template"),
    path("<int:pk>/", views.candidate_detail, name="detail"),
    path("<int:pk>/edit/", views.candidate_edit, name="edit"),
    path("<int:pk>/advance/", views.candidate_advance, name="advance"),
    path("<int:pk>/take-again/", views.candidate_take_again, name="take_again"),
    path("<int:pk>/admit/", views.admission_record, name="admit"),
    path("<int:pk>/recognize/", views.admission_recognize, name="recognize"),
    path("<int:pk>/strike-off/", views.admission_strike_off, name="strike_off"),
    path("<int:pk>/withdraw/", views.candidate_withdraw, name="withdraw"),
    path("<int:pk>/transfer/", views.candidate_transfer, name="transfer"),
    path("<int:pk>/archive/", views.candidate_archive, name="archive"),
]
