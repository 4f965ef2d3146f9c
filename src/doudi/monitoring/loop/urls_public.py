"""The public report form (R-M17), mounted at /report/: no login. URL names ``public_report:form``,
``public_report:townships``, ``public_report:status`` (lookup by tracking number)."""

from django.urls import path

from doudi.monitoring.loop import views_more

app_name = "public_report"

urlpatterns = [
    path("", views_more.public_report, name="form"),
    path("townships/", views_more.public_townships, name="townships"),
    path("status/", views_more.public_status, name="status"),
]
