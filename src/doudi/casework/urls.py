from django.urls import path

from doudi.casework import views

app_name = "casework"
urlpatterns = [
    path("", views.worklist, name="worklist"),
]
