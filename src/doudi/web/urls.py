"""Staff web pages. The project ``urls.py`` mounts this at "" (the API lives under "api/v1/").

URL names: ``web:home``, ``web:login``, ``web:logout``, ``web:audit``; ``registry:search``,
``registry:export``, ``registry:quality``, ``registry:household``, ``registry:reveal_id``,
``registry:reveal_facts``; ``regions:tree``, ``regions:region``, ``regions:children``, ``regions:add``.
"""

from django.urls import include, path, re_path

from doudi.regions import views as region_views
from doudi.web import views

web_patterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("audit/", views.audit_log, name="audit"),
]

region_patterns = [
    path("", region_views.tree, name="tree"),
    re_path(r"^(?P<code>\d{12})/$", region_views.region_page, name="region"),
    re_path(r"^(?P<code>\d{12})/children/$", region_views.children, name="children"),
    re_path(r"^(?P<code>\d{12})/add/$", region_views.add, name="add"),
]

urlpatterns = [
    path("", include((web_patterns, "web"))),
    path("", include("doudi.accounts.urls")),
    path("households/", include("doudi.registry.urls")),
    path("regions/", include((region_patterns, "regions"))),
    path("policy/runs/", include("doudi.policy.urls_runs")),
    path("policy/", include("doudi.policy.urls")),
    path("matching/", include("doudi.matching.urls")),
    path("exchange/", include("doudi.exchange.urls")),
    path("monitoring/supervision/", include("doudi.monitoring.supervision.urls")),
    path("monitoring/", include("doudi.monitoring.urls")),
    path("report/", include("doudi.monitoring.loop.urls_public")),
]
