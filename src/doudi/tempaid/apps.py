from django.apps import AppConfig


class TempAidConfig(AppConfig):
    name = "doudi.tempaid"
    label = "tempaid"
    verbose_name = "临时救助"

    def ready(self) -> None:
        from doudi.core.api_auth import CAPABILITY_LABELS
        from doudi.core.shell import HomePanel, NavEntry, register_nav, register_panel
        from doudi.registry.hooks import register_household_section
        from doudi.tempaid import household_section

        register_nav(45, NavEntry("临时救助", "tempaid:index", namespaces=("tempaid",)))
        register_panel(27, HomePanel("tempaid_todo", "tempaid/home_counts.html", household_section.home))
        register_household_section("tempaid", "tempaid/household_section.html", household_section.context, 67)
        CAPABILITY_LABELS.setdefault("tempaid.read", "查看临时救助")
        CAPABILITY_LABELS.setdefault("tempaid.apply", "受理临时救助申请")
        CAPABILITY_LABELS.setdefault("tempaid.write", "办理临时救助（先行救助、乡镇审批）")
        CAPABILITY_LABELS.setdefault("tempaid.approve", "县级审批临时救助、一事一议、备用金")
        CAPABILITY_LABELS.setdefault("tempaid.declare", "宣布突发公共事件")
