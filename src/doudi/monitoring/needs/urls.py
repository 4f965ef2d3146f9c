"""The department portal's pages, mounted in ``monitoring.urls`` (namespace ``monitoring``)."""

from django.urls import path

from doudi.monitoring.needs import views

urlpatterns = [
    path("needs/", views.queue, name="needs"),
    path("needs/<int:pk>/answer/", views.answer, name="needs_answer"),
    path("needs/<int:pk>/reveal/", views.reveal, name="needs_reveal"),
    path("needs/upload/", views.upload, name="needs_upload"),
    path("needs/export/", views.export, name="needs_export"),
    path("needs/chart/", views.chart, name="needs_chart"),
    path("needs/status/", views.status_query, name="needs_status"),
    path("needs/owed/", views.owed_list, name="needs_owed"),
]
