from django.urls import path

from doudi.complaints import views

app_name = "complaints"
urlpatterns = [
    path("", views.index, name="index"),
    path("export.xlsx", views.export_xlsx, name="export"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/steps/<str:event>/", views.step, name="step"),
    path("<int:pk>/reveal/", views.reveal, name="reveal"),
]
