from django.urls import path

from . import views

app_name = "submissions"

urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("<int:org_pk>/<str:period>/", views.detail, name="detail"),
    path("<int:org_pk>/<str:period>/save/", views.save, name="save"),
    path("<int:org_pk>/<str:period>/report.<str:fmt>", views.download, name="download"),
    path("<int:org_pk>/<str:period>/board/", views.board, name="board"),
    path("<int:org_pk>/<str:period>/review/<int:child_pk>/", views.review, name="review"),
]
