from django.urls import path

from doudi.matching import views

app_name = "matching"

urlpatterns = [
    path("", views.batch_list, name="batches"),
    path("<int:batch_id>/", views.batch_detail, name="batch"),
    path("<int:batch_id>/export/", views.batch_export, name="export"),
]
