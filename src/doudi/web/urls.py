"""The shell's own pages: ``web:home``, ``web:login``, ``web:logout``, ``web:audit`` (mounted at "" by the
project ``urls.py``, beside each app's own URLs)."""

from django.urls import path

from doudi.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("audit/", views.audit_log, name="audit"),
    path("audit/export/", views.audit_export, name="audit_export"),
]
