from django.urls import path

from doudi.evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/report.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<int:pk>/report.pdf", views.export_pdf, name="export_pdf"),
    path("<int:pk>/<str:code>/", views.region, name="region"),
]
