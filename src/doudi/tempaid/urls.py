from django.urls import path

from doudi.tempaid import views, views_more

app_name = "tempaid"
urlpatterns = [
    path("", views.index, name="index"),
    path("export.xlsx", views.export_xlsx, name="export"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.case, name="case"),
    path("<int:pk>/steps/<str:step>/", views.case_step, name="step"),
    path("<int:pk>/more/<str:step>/", views_more.case_more, name="more"),
    path("<int:pk>/reveal/", views.reveal, name="reveal"),
    path("funds/", views.funds, name="funds"),
    path("funds/allocate/", views.fund_allocate, name="fund_allocate"),
    path("funds/<int:pk>/", views.fund, name="fund"),
    path("funds/<int:pk>/ledger.xlsx", views.fund_xlsx, name="fund_xlsx"),
    path("funds/<int:pk>/reconcile/", views.fund_reconcile, name="fund_reconcile"),
    path("topups/<int:pk>/grant/", views.topup_grant, name="topup_grant"),
    path("emergencies/", views.emergencies, name="emergencies"),
]
