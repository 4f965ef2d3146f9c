from django.urls import path

from doudi.registry import views, views_window

app_name = "registry"

urlpatterns = [
    path("", views.search, name="search"),
    path("export/", views.export, name="export"),
    path("quality/", views.quality, name="quality"),
    path("<int:pk>/", views.household, name="household"),
    path("key/", views.household_by_key, name="by_key"),
    path("<int:pk>/reveal-facts/", views.reveal_facts, name="reveal_facts"),
    path("persons/<int:pk>/reveal-id/", views.reveal_id, name="reveal_id"),
    path("register/", views_window.register, name="register"),
    path("<int:pk>/supporters/", views_window.supporters, name="supporters"),
    path("<int:pk>/supporters/<int:link_pk>/end/", views_window.end_supporter, name="end_supporter"),
]
