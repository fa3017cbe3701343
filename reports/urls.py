from django.urls import path

from . import bieu2_views, views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:org_pk>/", views.dashboard, name="dashboard"),
    path("<int:org_pk>/admissions/", views.admissions, name="admissions"),
    path("<int:org_pk>/compare/", views.compare, name="compare"),
    path("<int:org_pk>/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<int:org_pk>/export.pdf", views.export_pdf, name="export_pdf"),
    path("<int:org_pk>/exports/<int:job_pk>/", views.export_job, name="export_job"),
    path("<int:org_pk>/history/", views.history, name="history"),
    path("<int:org_pk>/bieu2/", bieu2_views.form, name="bieu2"),
    path("<int:org_pk>/bieu2.xlsx", bieu2_views.form_xlsx, name="bieu2_xlsx"),
    path("<int:org_pk>/bieu2.pdf", bieu2_views.form_pdf, name="bieu2_pdf"),
    path("<int:org_pk>/bieu2/admissions/", bieu2_views.admissions, name="bieu2_admissions"),
    path("<int:org_pk>/history/template.xlsx", views.history_template, name="history_template"),
]
