from django.urls import include, path

from doudi.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("doudi.web.urls")),
]
