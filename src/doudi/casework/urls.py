from django.urls import path

from doudi.casework import views, views_cases

app_name = "casework"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("new/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/events/<str:name>/", views.event, name="event"),
    path("<int:pk>/investigate/", views.investigate, name="investigate"),
    path("<int:pk>/materials/", views.material, name="material"),
    path("<int:pk>/scans/", views.scan, name="scan"),
    path("<int:pk>/authorizations/", views.authorize, name="authorize"),
    path("<int:pk>/commitment/", views.commitment, name="commitment"),
    path("<int:pk>/clock/<str:what>/", views.clock_step, name="clock"),
    path("decisions/<int:pk>/file/", views.file_decision, name="file"),
    path("spot-checks/<int:pk>/", views.spot_check, name="spot_check"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("authorizations/<int:pk>/scan/", views.authorization_scan, name="authorization_scan"),
    # the case's life (CASEWORK §5)
    path("cases/", views_cases.work, name="cases"),
    path("cases/<int:pk>/", views_cases.case, name="case"),
    path("cases/<int:pk>/change/", views_cases.report_change, name="case_change"),
    path("cases/<int:pk>/events/<str:name>/", views_cases.case_event, name="case_event"),
    path("cases/<int:pk>/death/", views_cases.death, name="case_death"),
    path("reviews/<int:pk>/events/<str:name>/", views_cases.review_event, name="review_event"),
    path("moves/<int:pk>/confirm/", views_cases.confirm_move, name="move_confirm"),
]
