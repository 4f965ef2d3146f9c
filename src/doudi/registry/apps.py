from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "doudi.registry"
    label = "registry"
    verbose_name = "低收入人口登记"
