from django.urls import path

from doudi.charity import views, views_charity, views_county

app_name = "charity"
urlpatterns = [
    path("", views.index, name="index"),
    path("export.xlsx", views.export_xlsx, name="export"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.need, name="need"),
    path("<int:pk>/steps/<str:step>/", views.need_step, name="need_step"),
    path("deliveries/<int:pk>/evidence/", views.evidence, name="evidence"),
    path("deliveries/<int:pk>/<str:step>/", views.delivery_step, name="delivery_step"),
    path("charities/", views_county.charities, name="charities"),
    path("charities/<int:pk>/", views_county.charity, name="charity"),
    path("charities/<int:pk>/members/", views_county.add_member, name="add_member"),
    path("summary/", views_county.summary, name="summary"),
    path("library/", views_charity.library, name="library"),
    path("library/<str:number>/", views_charity.need_public, name="need_public"),
    path("claims/", views_charity.claims, name="claims"),
    path("claims/<int:pk>/", views_charity.claim, name="claim"),
    path("claims/<int:pk>/<str:step>/", views_charity.claim_step, name="claim_step"),
]
