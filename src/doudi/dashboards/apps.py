from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "doudi.dashboards"
    label = "dashboards"
    verbose_name = "统计分析"
