"""Mounted at ``monitoring/supervision/`` by ``web/urls.py``. Names: ``supervision:page``, ``supervision:export``."""

from django.urls import path

from doudi.monitoring.supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.supervision_page, name="page"),
    path("export.xlsx", views.supervision_export, name="export"),
]
