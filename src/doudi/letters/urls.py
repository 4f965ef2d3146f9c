from django.urls import path

from doudi.letters import views

app_name = "letters"

urlpatterns = [
    path("", views.letter_list, name="list"),
    path("<int:pk>/", views.letter_detail, name="detail"),
    path("<int:pk>.pdf", views.letter_pdf, name="pdf"),
    path("batch/", views.batch, name="batch"),
    path("templates/", views.templates, name="templates"),
    path("templates/<str:kind>/", views.template_edit, name="template_edit"),
]
