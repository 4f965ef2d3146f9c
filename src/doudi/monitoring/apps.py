from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "doudi.monitoring"
    label = "monitoring"
    verbose_name = "动态监测预警"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from doudi.core import workdays
        from doudi.monitoring.models import WorkdayOverride

        post_save.connect(workdays.clear_cache, sender=WorkdayOverride, dispatch_uid="workdays_save")
        post_delete.connect(workdays.clear_cache, sender=WorkdayOverride, dispatch_uid="workdays_delete")
