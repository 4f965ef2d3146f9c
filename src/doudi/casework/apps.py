from django.apps import AppConfig


def _home_counts(request) -> dict | None:
    """The home page's casework panel: the user's open applications by step, overdue and escalated."""
    from doudi.casework.queries import counts

    user = request.user
    if getattr(user, "role", "") not in (
        "township_caseworker",
        "county_officer",
        "grid_worker",
        "city_officer",
        "province_officer",
    ):
        return None
    return {"casework_counts": counts(user)}


class CaseworkConfig(AppConfig):
    name = "doudi.casework"
    label = "casework"
    verbose_name = "救助申请审核确认"

    def ready(self) -> None:
        from doudi.core.shell import HomePanel, NavEntry, register_nav, register_panel

        register_nav(40, NavEntry("救助申请", "casework:worklist", namespaces=("casework",)))
        register_panel(20, HomePanel("casework_todo", "casework/partials/home_counts.html", _home_counts))
        from doudi.casework import household_section
        from doudi.registry.hooks import register_household_section

        register_household_section(
            "casework", "casework/household/section.html", household_section.context, 60
        )
