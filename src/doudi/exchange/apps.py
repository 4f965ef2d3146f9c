from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "doudi.exchange"
    label = "exchange"
    verbose_name = "部门数据交换"

    def ready(self) -> None:
        from doudi.core import store
        from doudi.exchange import queries

        store.register_batch_catalog(queries.batch_infos)
