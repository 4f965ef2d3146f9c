"""The project's URLs: the health check, the API under ``api/v1/``, the shell's pages and each app's pages."""

from django.urls import include, path

from doudi.api import api
from doudi.core.health import health

urlpatterns = [
    path("healthz", health, name="health"),
    path("api/v1/", api.urls),
    path("", include("doudi.web.urls")),
    path("", include("doudi.accounts.urls")),
    path("households/", include("doudi.registry.urls")),
    path("regions/", include("doudi.regions.urls")),
    path("policy/runs/", include("doudi.policy.urls_runs")),
    path("policy/", include("doudi.policy.urls")),
    path("matching/", include("doudi.matching.urls")),
    path("exchange/", include("doudi.exchange.urls")),
    path("monitoring/supervision/", include("doudi.monitoring.supervision.urls")),
    path("monitoring/", include("doudi.monitoring.urls")),
    path("report/", include("doudi.monitoring.loop.urls_public")),
    path("letters/", include("doudi.letters.urls")),
    path("casework/", include("doudi.casework.urls")),
    path("payments/", include("doudi.payments.urls")),
    path("notices/", include("doudi.casework.urls_public")),
    path("tempaid/", include("doudi.tempaid.urls")),
    path("complaints/", include("doudi.complaints.urls")),
    path("complaint/", include("doudi.complaints.urls_public")),
    path("disclosure/", include("doudi.disclosure.urls")),
    path("public/needs/", include("doudi.charity.urls_public")),
    path("public/", include("doudi.disclosure.urls_public")),
    path("spotchecks/", include("doudi.spotchecks.urls")),
    path("evaluation/", include("doudi.evaluation.urls")),
    path("dashboards/", include("doudi.dashboards.urls")),
    path("services/", include("doudi.services.urls")),
    path("charity/", include("doudi.charity.urls")),
]
