"""Region pages, mounted at ``regions/``: ``regions:tree``, ``regions:region``, ``regions:children``,
``regions:add``."""

from django.urls import path, re_path

from doudi.regions import views

app_name = "regions"

urlpatterns = [
    path("", views.tree, name="tree"),
    re_path(r"^(?P<code>\d{12})/$", views.region_page, name="region"),
    re_path(r"^(?P<code>\d{12})/children/$", views.children, name="children"),
    re_path(r"^(?P<code>\d{12})/add/$", views.add, name="add"),
]
