from django.apps import AppConfig


class CharityConfig(AppConfig):
    name = "doudi.charity"
    label = "charity"
    verbose_name = "慈善帮扶"
