from django.urls import path

from doudi.payments import views, views_accounts, views_oneoff, views_recovery

app_name = "payments"
urlpatterns = [
    path("", views.index, name="index"),
    path("rosters/<int:pk>/", views.roster, name="roster"),
    path("rosters/<int:pk>/steps/<str:step>/", views.roster_step, name="step"),
    path("rosters/<int:pk>/export.xlsx", views.roster_xlsx, name="roster_xlsx"),
    path("rosters/<int:pk>/bank-file.<str:fmt>", views.bank_file, name="bank_file"),
    path("rosters/<int:pk>/bank-return/", views.bank_return, name="bank_return"),
    path("summaries/", views.summaries, name="summaries"),
    path("summaries/build/", views.build_summaries, name="build_summaries"),
    path("summaries/export.xlsx", views.summaries_xlsx, name="summaries_xlsx"),
    path("accounts/", views_accounts.accounts, name="accounts"),
    path("households/<int:household_pk>/account/", views_accounts.account_new, name="account_new"),
    path("accounts/<int:pk>/fixed/", views_accounts.account_fixed, name="account_fixed"),
    path("accounts/<int:pk>/reveal/", views_accounts.account_reveal, name="account_reveal"),
    path("recovery/", views_recovery.claims, name="claims"),
    path("recovery/<int:pk>/", views_recovery.claim, name="claim"),
    path("recovery/<int:pk>/decide/", views_recovery.claim_decide, name="claim_decide"),
    path("recovery/<int:pk>/repayments/", views_recovery.claim_repay, name="claim_repay"),
    path("households/<int:household_pk>/recovery/", views_recovery.claim_new, name="claim_new"),
    path("oneoff/", views_oneoff.oneoffs, name="oneoffs"),
    path("oneoff/new/", views_oneoff.oneoff_new, name="oneoff_new"),
    path("oneoff/<int:pk>/", views_oneoff.oneoff, name="oneoff"),
    path("oneoff/<int:pk>/steps/<str:step>/", views_oneoff.oneoff_step, name="oneoff_step"),
]
