"""Performance evaluation (DOMAIN R-S2, issue 14 item 2): indicators with yearly weights, scores and rankings."""

from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "doudi.evaluation"
    label = "evaluation"
    verbose_name = "绩效评价"

    def ready(self) -> None:
        from doudi.core.api_auth import CAPABILITY_LABELS
        from doudi.core.shell import NavEntry, register_nav

        register_nav(49, NavEntry("绩效评价", "evaluation:index", namespaces=("evaluation",)))
        CAPABILITY_LABELS.setdefault("evaluation.read", "查看绩效评价")
        CAPABILITY_LABELS.setdefault("evaluation.run", "计算绩效评价")
