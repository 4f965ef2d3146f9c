from django.urls import path

from doudi.exchange import views

app_name = "exchange"

urlpatterns = [
    path("", views.batches, name="batches"),
    path("upload/", views.upload, name="upload"),
    path("<int:pk>/", views.batch, name="batch"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/errors.xlsx", views.errors_xlsx, name="errors"),
]
