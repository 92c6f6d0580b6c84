from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.notice_view, name="notice"),
    path("v/<int:number>/", views.notice_version_view, name="version"),
]
