from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "doudi.disclosure"
    label = "disclosure"
    verbose_name = "信息公开"

    def ready(self) -> None:
        from doudi.core.api_auth import CAPABILITY_LABELS
        from doudi.core.shell import NavEntry, register_nav

        register_nav(47, NavEntry("信息公开", "disclosure:index", namespaces=("disclosure",)))
        CAPABILITY_LABELS.setdefault("disclosure.write", "编辑办事指南、发布救助对象名单")
