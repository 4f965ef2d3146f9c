from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "doudi.registry"
    label = "registry"
    verbose_name = "低收入人口登记"

    def ready(self) -> None:
        from doudi.core.audit_queries import register_person_subjects
        from doudi.core.shell import HomePanel, NavEntry, register_nav, register_panel
        from doudi.registry.home import counts_panel
        from doudi.registry.queries import audit_subjects

        register_person_subjects("registry", audit_subjects)
        register_nav(20, NavEntry("家庭查询", "registry:search", namespaces=("registry",)))
        register_nav(25, NavEntry("登记新家庭", "registry:register"))
        register_nav(30, NavEntry("数据质量", "registry:quality"))
        register_panel(
            40,
            HomePanel(
                "registry_counts",
                "registry/partials/home_counts.html",
                counts_panel,
                head="registry/partials/home_counts_head.html",
                facts="registry/partials/home_counts_facts.html",
            ),
        )
