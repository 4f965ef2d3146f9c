from django.apps import AppConfig


def daily(today) -> dict:
    from doudi.charity import claim_actions

    return claim_actions.daily(today)


class CharityConfig(AppConfig):
    name = "doudi.charity"
    label = "charity"
    verbose_name = "慈善帮扶"

    def ready(self) -> None:
        from doudi.charity import views_home
        from doudi.core.api_auth import CAPABILITY_LABELS
        from doudi.core.audit_labels import SUBJECT_LABELS
        from doudi.core.shell import HomePanel, NavEntry, register_nav, register_panel, register_stylesheet
        from doudi.monitoring import schedule

        register_nav(48, NavEntry("慈善帮扶", "charity:index", namespaces=("charity",)))
        register_nav(49, NavEntry("需求信息库", "charity:library", views=("charity:library", "charity:need_public",
                                  "charity:claims", "charity:claim")))  # fmt: skip
        register_panel(29, HomePanel("charity_todo", "charity/home_panel.html", views_home.panel))
        register_stylesheet(40, "charity/charity.css")
        schedule.register_daily("charity", daily)
        CAPABILITY_LABELS.setdefault("charity.read", "查看慈善帮扶需求")
        CAPABILITY_LABELS.setdefault("charity.propose", "登记慈善帮扶需求")
        CAPABILITY_LABELS.setdefault("charity.approve", "审核发布慈善帮扶需求")
        CAPABILITY_LABELS.setdefault("charity.confirm", "确认慈善帮扶交付")
        CAPABILITY_LABELS.setdefault("charity.register", "登记慈善组织")
        CAPABILITY_LABELS.setdefault("charity.claim", "认领认捐帮扶需求")
        for key, label in {"charity": "慈善组织", "charity_need": "帮扶需求", "charity_claim": "认领认捐",
                           "charity_delivery": "帮扶交付", "charity_export": "帮扶需求清单"}.items():  # fmt: skip
            SUBJECT_LABELS.setdefault(key, label)
