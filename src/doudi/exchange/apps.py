from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "doudi.exchange"
    label = "exchange"
    verbose_name = "部门数据交换"

    def ready(self) -> None:
        from doudi.core import store
        from doudi.core.shell import NavEntry, register_nav
        from doudi.exchange import queries

        register_nav(130, NavEntry("数据报送", "exchange:batches", namespaces=("exchange",)))
        store.register_batch_catalog(queries.batch_infos)
