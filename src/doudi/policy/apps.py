from django.apps import AppConfig


class PolicyConfig(AppConfig):
    name = "doudi.policy"
    label = "policy"
    verbose_name = "政策与认定"
