"""Dashboards for every level (DOMAIN R-S1, issue 14 item 1): the figures of a region's subtree, drilled down."""

from django.apps import AppConfig


def daily(today) -> dict:
    from doudi.core.scoping import all_regions
    from doudi.dashboards import actions

    with all_regions():
        return actions.daily(today)


class DashboardsConfig(AppConfig):
    name = "doudi.dashboards"
    label = "dashboards"
    verbose_name = "统计分析"

    def ready(self) -> None:
        from doudi.core.api_auth import CAPABILITY_LABELS
        from doudi.core.shell import NavEntry, register_nav
        from doudi.monitoring import schedule

        register_nav(49, NavEntry("统计分析", "dashboards:page", namespaces=("dashboards",)))
        # the cells are rebuilt after the other daily parts, so the day's escalations are counted
        schedule.register_daily("zz_dashboards", daily)
        CAPABILITY_LABELS.setdefault("dashboards.read", "查看统计分析")
