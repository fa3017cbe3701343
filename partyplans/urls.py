from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", login_not_required(set_language), name="set_language"),
    path("orgs/", include("organizations.urls")),
    path("plans/", include("quotas.urls")),
    path("candidates/", include("admissions.urls")),
    path("reports/", include("reports.urls")),
    path("submissions/", include("submissions.urls")),
    path("admin/", admin.site.urls),
]
