from django.apps import AppConfig


class SpotChecksConfig(AppConfig):
    name = "doudi.spotchecks"
    label = "spotchecks"
    verbose_name = "抽查核查"

    def ready(self) -> None:
        from doudi.core.api_auth import CAPABILITY_LABELS
        from doudi.core.shell import NavEntry, register_nav

        register_nav(48, NavEntry("抽查核查", "spotchecks:index", namespaces=("spotchecks",)))
        CAPABILITY_LABELS.setdefault("spotchecks.read", "查看抽查核查")
        CAPABILITY_LABELS.setdefault("spotchecks.draw", "组织抽查（抽取样本）")
        CAPABILITY_LABELS.setdefault("spotchecks.write", "登记抽查核查结论和整改")
