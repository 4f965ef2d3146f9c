"""Mounted at ``dashboards/``. Names: ``dashboards:page``, ``dashboards:export``."""

from django.urls import path

from doudi.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.page, name="page"),
    path("export.xlsx", views.export, name="export"),
]
