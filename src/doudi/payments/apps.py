from django.apps import AppConfig

HOME_ROLES = ("township_caseworker", "county_officer", "city_officer", "province_officer")


def _home_counts(request) -> dict | None:
    """The home page's payments panel: rosters by step, accounts to fix, held lines."""
    from doudi.payments.queries import counts

    user = request.user
    if getattr(user, "role", "") not in HOME_ROLES or not user.can("payments.read"):
        return None
    return {"payments_counts": counts()}


class PaymentsConfig(AppConfig):
    name = "doudi.payments"
    label = "payments"
    verbose_name = "救助资金发放"

    def ready(self) -> None:
        from doudi.casework.events import casework_event
        from doudi.core import init_steps
        from doudi.core.shell import HomePanel, NavEntry, register_nav, register_panel
        from doudi.payments import household_section, repay_actions
        from doudi.payments.tasks import init_step
        from doudi.registry.hooks import register_household_section

        casework_event.connect(repay_actions.on_case_changed, dispatch_uid="payments.case_changed")
        register_nav(40, NavEntry("救助金发放", "payments:index", namespaces=("payments",)))
        register_panel(25, HomePanel("payments_todo", "payments/partials/home_counts.html", _home_counts))
        register_household_section(
            "payments", "payments/household/section.html", household_section.context, 65
        )
        init_steps.register(95, "payments", init_step)  # the monthly run on the queue (payments/tasks.py)
