from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "doudi.web"
    label = "web"
    verbose_name = "网页"

    def ready(self) -> None:
        from doudi.core.shell import HomePanel, NavEntry, register_nav, register_panel
        from doudi.web.views import recent_audit_panel

        register_nav(10, NavEntry("首页", "web:home"))
        register_nav(40, NavEntry("审计日志", "web:audit"))
        register_panel(20, HomePanel("recent_audit", "web/partials/recent_audit.html", recent_audit_panel))
