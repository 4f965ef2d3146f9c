from django.apps import AppConfig


def daily(today) -> dict:
    from doudi.services import deadline_actions

    return deadline_actions.raise_overdue(today=today)


def _home(request):
    user = request.user
    from doudi.services import queries

    if not queries.may_read(user) or user.role in ("auditor", "province_officer", "city_officer"):
        return None
    ctx = {"services_counts": queries.counts(user), "services_provider": queries.is_provider(user)}
    if queries.is_provider(user):
        ctx["services_today"] = queries.today_plans(user).count()
    if user.can("services.settle"):
        ctx["services_drafts"] = queries.settlements(user).filter(state="draft").count()
    return ctx


class ServicesConfig(AppConfig):
    name = "doudi.services"
    label = "services"
    verbose_name = "救助服务"

    def ready(self) -> None:
        from doudi.core.api_auth import CAPABILITY_LABELS
        from doudi.core.shell import HomePanel, NavEntry, register_nav, register_panel
        from doudi.monitoring import schedule
        from doudi.registry.hooks import register_household_section
        from doudi.services import household_section

        register_nav(
            46,
            NavEntry(
                "救助服务",
                "services:orders",
                views=("services:orders", "services:order", "services:new", "services:visit"),
            ),
        )
        register_nav(46, NavEntry("今日服务", "services:today"))
        register_nav(47, NavEntry("服务清单与合同", "services:catalogue"))
        register_nav(
            47,
            NavEntry(
                "服务结算", "services:settlements", views=("services:settlements", "services:settlement")
            ),
        )
        register_panel(29, HomePanel("services_todo", "services/home_counts.html", _home))
        schedule.register_daily("services", daily)
        register_household_section(
            "services", "services/household_section.html", household_section.context, 68
        )
        CAPABILITY_LABELS.setdefault("services.read", "查看救助服务")
        CAPABILITY_LABELS.setdefault("services.order", "下达救助服务工单")
        CAPABILITY_LABELS.setdefault("services.confirm", "确认救助服务记录")
        CAPABILITY_LABELS.setdefault("services.catalogue", "维护救助服务清单、机构和合同")
        CAPABILITY_LABELS.setdefault("services.settle", "结算救助服务费用")
        CAPABILITY_LABELS.setdefault("services.provide", "承接救助服务工单")
