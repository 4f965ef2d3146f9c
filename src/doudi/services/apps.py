from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "doudi.services"
    label = "services"
    verbose_name = "救助服务"
