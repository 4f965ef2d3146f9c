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

        init_steps.register(20, "policy", _init_baseline)
