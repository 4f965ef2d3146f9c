from django.apps import AppConfig


def _init_divisions(actor: str) -> str:
    """``doudi init`` step: load the bundled administrative divisions (idempotent)."""
    from doudi.regions.actions import load_divisions

    return f"regions added: {load_divisions(actor=actor)}"


class RegionsConfig(AppConfig):
    name = "doudi.regions"
    label = "regions"
    verbose_name = "行政区划"

    def ready(self) -> None:
        from doudi.core import init_steps
        from doudi.core.shell import NavEntry, register_nav

        init_steps.register(10, "regions", _init_divisions)
        register_nav(50, NavEntry("区划", "regions:tree", namespaces=("regions",)))
