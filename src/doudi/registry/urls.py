from django.urls import path

from doudi.registry import views

app_name = "registry"

urlpatterns = [
    path("", views.search, name="search"),
    path("export/", views.export, name="export"),
    path("quality/", views.quality, name="quality"),
    path("<int:pk>/", views.household, name="household"),
    path("key/", views.household_by_key, name="by_key"),
    path("<int:pk>/reveal-facts/", views.reveal_facts, name="reveal_facts"),
    path("persons/<int:pk>/reveal-id/", views.reveal_id, name="reveal_id"),
]
