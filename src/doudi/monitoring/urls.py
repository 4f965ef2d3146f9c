"""Pages of the warning loop, mounted at /monitoring/ (and the public report form at /report/, see
``loop/urls_public``). URL names: ``monitoring:inbox``, ``monitoring:detail``, ``monitoring:dispatch``,
``monitoring:assign``, ``monitoring:visit``, ``monitoring:dispose``, ``monitoring:close``,
``monitoring:photo``, ``monitoring:needs``, ``monitoring:need_respond``, ``monitoring:report``,
``monitoring:notifications``, ``monitoring:bell``, ``monitoring:notification_open``,
``monitoring:notifications_read``, ``monitoring:calendar``, ``monitoring:unroutable``
(the province's list of department records no region routes) and ``monitoring:unroutable_export``."""

from django.urls import path

from doudi.monitoring.loop import views, views_more
from doudi.monitoring.needs.urls import urlpatterns as needs_urls
from doudi.monitoring.scans import views_unroutable

app_name = "monitoring"

urlpatterns = [
    path("warnings/", views.inbox, name="inbox"),
    path("warnings/<int:pk>/", views.detail, name="detail"),
    path("warnings/<int:pk>/dispatch/", views.dispatch, name="dispatch"),
    path("warnings/<int:pk>/recall/", views.recall, name="recall"),
    path("warnings/<int:pk>/reassign/", views.reassign, name="reassign"),
    path("warnings/<int:pk>/assign/", views.assign, name="assign"),
    path("warnings/<int:pk>/visit/", views.visit, name="visit"),
    path("warnings/<int:pk>/dispose/", views.dispose, name="dispose"),
    path("warnings/<int:pk>/close/", views.close, name="close"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("needs/<int:pk>/respond/", views_more.need_respond, name="need_respond"),
    path("report/", views_more.report, name="report"),
    path("notifications/", views_more.notifications, name="notifications"),
    path("notifications/bell/", views_more.bell, name="bell"),
    path("notifications/<int:pk>/", views_more.notification_open, name="notification_open"),
    path("notifications/read/", views_more.notifications_read, name="notifications_read"),
    path("calendar/", views_more.calendar, name="calendar"),
    path("unroutable/", views_unroutable.unroutable, name="unroutable"),
    path("unroutable/export/", views_unroutable.unroutable_export, name="unroutable_export"),
    path("unroutable/<int:pk>/transfer/", views_unroutable.unroutable_transfer, name="unroutable_transfer"),
    *needs_urls,  # the department portal (monitoring.needs): monitoring:needs, monitoring:needs_*
]
