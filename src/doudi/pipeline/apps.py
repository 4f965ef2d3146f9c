from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "doudi.pipeline"
    label = "pipeline"
    verbose_name = "月度数据处理"

    def ready(self) -> None:
        from doudi.exchange import hooks
        from doudi.pipeline import sections, tasks

        hooks.upload_loaded.connect(tasks.on_upload_loaded, dispatch_uid="pipeline_link_upload")
        hooks.register_batch_section("scan", sections.scan_section)
