from django.urls import path

from doudi.charity import views_public

app_name = "charity_public"
urlpatterns = [
    path("", views_public.index, name="index"),
    path("fulfilled/", views_public.fulfilled, name="fulfilled"),
]
