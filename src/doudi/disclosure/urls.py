"""Staff pages of disclosure, mounted at /disclosure/ (URL names ``disclosure:index``, ``:guide``,
``:publish``)."""

from django.urls import path

from doudi.disclosure import views

app_name = "disclosure"

urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/guide/", views.edit_guide, name="guide"),
    path("<str:code>/publish/", views.publish, name="publish"),
]
