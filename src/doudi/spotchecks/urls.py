from django.urls import path

from doudi.spotchecks import views

app_name = "spotchecks"
urlpatterns = [
    path("", views.index, name="index"),
    path("draw/", views.draw, name="draw"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/export.xlsx", views.export_xlsx, name="export"),
    path("items/<int:pk>/", views.item, name="item"),
    path("items/<int:pk>/<str:what>/", views.item_step, name="item_step"),
]
