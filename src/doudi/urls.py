from django.urls import include, path

from doudi.api import api
from doudi.core.health import health

urlpatterns = [
    path("healthz", health, name="health"),
    path("api/v1/", api.urls),
    path("", include("doudi.web.urls")),
]
