"""The public notice pages, mounted at /notices/: no login. URL names ``casework_public:notice`` (one
running notice by its key) and ``casework_public:township`` (a township's running notices)."""

from django.urls import path

from doudi.casework import views_public

app_name = "casework_public"

urlpatterns = [
    path("n/<str:public_key>/", views_public.notice, name="notice"),
    path("<str:township_code>/", views_public.township, name="township"),
]
