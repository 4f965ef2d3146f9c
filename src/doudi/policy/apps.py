from django.apps import AppConfig


def _init_baseline(actor: str) -> None:
    """``doudi init`` step: insert the shipped baseline parameters missing from the database."""
    from doudi.policy.actions import load_baseline_parameters

    load_baseline_parameters(actor=actor)


class PolicyConfig(AppConfig):
    name = "doudi.policy"
    label = "policy"
    verbose_name = "政策与认定"

    def ready(self) -> None:
        from doudi.core import init_steps
        from doudi.core.shell import NavEntry, register_nav

        init_steps.register(20, "policy", _init_baseline)
        register_nav(110, NavEntry("政策参数", "policy:parameters", namespaces=("policy",)))
        register_nav(120, NavEntry("测算与模拟", "policy_runs:index", namespaces=("policy_runs",)))
