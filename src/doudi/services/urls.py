from django.urls import path

from doudi.services import views, views_admin

app_name = "services"
urlpatterns = [
    path("", views.orders, name="index"),
    path("orders/", views.orders, name="orders"),
    path("orders/export.xlsx", views.orders_xlsx, name="orders_xlsx"),
    path("orders/new/", views.new, name="new"),
    path("orders/<int:pk>/", views.order, name="order"),
    path("orders/<int:pk>/steps/<str:step>/", views.order_step, name="step"),
    path("orders/<int:pk>/visit/", views.visit, name="visit"),
    path("visits/<int:pk>/<str:step>/", views.visit_step, name="visit_step"),
    path("visits/<int:pk>/photo", views.photo, name="photo"),
    path("today/", views.today, name="today"),
    path("catalogue/", views_admin.catalogue, name="catalogue"),
    path("settlements/", views_admin.settlements, name="settlements"),
    path("settlements/<int:pk>/", views_admin.settlement, name="settlement"),
    path("settlements/<int:pk>/steps/<str:step>/", views_admin.settlement_step, name="settlement_step"),
    path("settlements/<int:pk>/export.xlsx", views_admin.settlement_xlsx, name="settlement_xlsx"),
]
