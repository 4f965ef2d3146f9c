from django.apps import AppConfig


def _init_schedule(actor: str) -> str | None:
    """``doudi init`` step: queue the monitoring loop's recurring jobs when none is waiting."""
    from doudi.monitoring.schedule import ensure_scheduled

    scheduled = ensure_scheduled()
    return f"scheduled: {', '.join(scheduled)}" if scheduled else None


def _overrides_for(year: int) -> dict:
    """The administrators' working-day overrides of ``year`` (date -> is_workday) for ``core.workdays``."""
    from doudi.monitoring.models import WorkdayOverride

    return dict(WorkdayOverride.objects.filter(date__year=year).values_list("date", "is_workday"))


class MonitoringConfig(AppConfig):
    name = "doudi.monitoring"
    label = "monitoring"
    verbose_name = "动态监测预警"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from doudi.core import init_steps, workdays
        from doudi.monitoring.models import WorkdayOverride

        workdays.register_override_source(_overrides_for)
        post_save.connect(workdays.clear_cache, sender=WorkdayOverride, dispatch_uid="workdays_save")
        post_delete.connect(workdays.clear_cache, sender=WorkdayOverride, dispatch_uid="workdays_delete")
        init_steps.register(90, "monitoring", _init_schedule)
