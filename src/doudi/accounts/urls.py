"""User administration (mounted at ``admin/``) and the own-password page (``account/``)."""

from django.urls import path

from doudi.accounts import views

app_name = "accounts"

urlpatterns = [
    path("admin/", views.user_list, name="users"),
    path("admin/users/new/", views.user_create, name="create"),
    path("admin/users/<int:pk>/", views.user_detail, name="user"),
    path("admin/users/<int:pk>/change/", views.user_change, name="change"),
    path("admin/users/<int:pk>/active/", views.user_active, name="active"),
    path("admin/users/<int:pk>/password/", views.user_password, name="password"),
    path("admin/users/<int:pk>/unlock/", views.user_unlock, name="unlock"),
    path("admin/users/<int:pk>/tokens/<int:token_id>/revoke/", views.token_revoke, name="revoke"),
    path("account/password/", views.own_password, name="own_password"),
]
