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


def _home_todo(request) -> dict:
    """The home page's to-do panel: what is waiting for the user, by role (``todo`` is None for none)."""
    from doudi.monitoring.loop.queries import home_todo

    return {"todo": home_todo(request.user)}


class MonitoringConfig(AppConfig):
    name = "doudi.monitoring"
    label = "monitoring"
    verbose_name = "动态监测预警"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from doudi.core import init_steps, workdays
        from doudi.core.shell import (
            HomePanel,
            NavEntry,
            register_nav,
            register_panel,
            register_stylesheet,
            register_topbar,
        )
        from doudi.monitoring.models import WorkdayOverride

        workdays.register_override_source(_overrides_for)
        from doudi.casework.events import casework_event
        from doudi.monitoring.loop.casework_chain import on_casework_event

        casework_event.connect(on_casework_event, dispatch_uid="monitoring_chain_casework")
        from doudi.monitoring.needs.push_actions import on_casework_event as push_needs

        casework_event.connect(push_needs, dispatch_uid="monitoring_needs_casework")
        post_save.connect(workdays.clear_cache, sender=WorkdayOverride, dispatch_uid="workdays_save")
        post_delete.connect(workdays.clear_cache, sender=WorkdayOverride, dispatch_uid="workdays_delete")
        init_steps.register(90, "monitoring", _init_schedule)
        register_nav(
            60,
            NavEntry(
                "预警",
                "monitoring:inbox",
                views=("monitoring:inbox", "monitoring:detail", "monitoring:visit", "monitoring:dispose"),
            ),
        )
        register_nav(70, NavEntry("需求推送", "monitoring:needs"))
        register_nav(75, NavEntry("需求统计", "monitoring:needs_chart"))
        register_nav(80, NavEntry("无法分派记录", "monitoring:unroutable"))
        register_nav(90, NavEntry("节假日", "monitoring:calendar"))
        register_nav(100, NavEntry("监测督导", "supervision:page", namespaces=("supervision",)))
        register_panel(10, HomePanel("monitoring_todo", "monitoring/partials/home_todo.html", _home_todo))
        register_stylesheet(10, "monitoring/monitoring.css")
        register_topbar(10, "monitoring/partials/bell_slot.html")
