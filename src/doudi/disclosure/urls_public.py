"""The public disclosure pages, mounted at /public/: no login. URL names ``disclosure_public:index``,
``:region``, ``:recipients`` and ``:statistics`` (a county's or township's 12-digit code)."""

from django.urls import path

from doudi.disclosure import views_public

app_name = "disclosure_public"

urlpatterns = [
    path("", views_public.index, name="index"),
    path("<str:code>/", views_public.region, name="region"),
    path("<str:code>/recipients/", views_public.recipients, name="recipients"),
    path("<str:code>/statistics/", views_public.statistics, name="statistics"),
]
