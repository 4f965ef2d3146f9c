"""The public report form (R-M17), mounted at /report/: no login. URL names ``public_report:form``,
``public_report:townships``."""

from django.urls import path

from doudi.monitoring import views_more

app_name = "public_report"

urlpatterns = [
    path("", views_more.public_report, name="form"),
    path("townships/", views_more.public_townships, name="townships"),
]
