"""The public complaint pages, mounted at /complaint/: no login. ``complaints_public:form`` (file a
complaint), ``complaints_public:townships`` (htmx options), ``complaints_public:status`` (lookup by tracking
number and check field, and the appeal)."""

from django.urls import path

from doudi.complaints import views_public

app_name = "complaints_public"
urlpatterns = [
    path("", views_public.form, name="form"),
    path("townships/", views_public.townships, name="townships"),
    path("status/", views_public.status, name="status"),
]
