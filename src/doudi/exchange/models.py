"""Department data batches (DOMAIN R-M10, STORE-CONTRACT "Batch metadata").

A batch is one file of one dataset type from one department: received → loaded (its records are in
the columnar store) → linked (matching has compared them with the registry); or failed. Counts,
reasons and the link summary live here; the records themselves live in the store
(``exchange.store``). Region-owned like every table a user reads: ``region_code`` is the uploader's
region (the province for the command line), and the default manager is scoped.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from doudi import datasets
from doudi.accounts.models import Department
from doudi.core.scoping import ScopedManager


class Batch(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", "已接收"
        LOADED = "loaded", "已载入"
        LINKED = "linked", "已比对"
        FAILED = "failed", "失败"

    region_code = models.CharField("所属区划", max_length=12, db_index=True)
    # no ``choices``: a new dataset type is a declaration in ``doudi.datasets`` and needs no migration
    dataset = models.CharField("数据类型", max_length=32)
    provider = models.CharField("报送部门", max_length=32, choices=Department.choices)
    as_of = models.DateField("数据截至日期")
    file_name = models.CharField("文件名", max_length=255)
    content_hash = models.CharField("文件SHA-256", max_length=64, db_index=True)
    file_size = models.BigIntegerField("文件大小", default=0)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.RECEIVED)
    rows_read = models.IntegerField("读取行数", default=0)
    rows_loaded = models.IntegerField("载入行数", default=0)
    rows_rejected = models.IntegerField("拒绝行数", default=0)
    rejected_by_reason = models.JSONField("拒绝原因统计", default=dict)
    summary = models.JSONField(default=dict)  # format, encoding, id_status counts, extra columns, seconds
    error = models.TextField("失败原因", blank=True)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    stage = models.CharField("当前步骤", max_length=32, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)  # last progress report of a running load
    task_id = models.CharField(max_length=64, blank=True)  # the background load, when there is one
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("接收时间", auto_now_add=True)
    loaded_at = models.DateTimeField("载入时间", null=True, blank=True)
    linked_at = models.DateTimeField("比对时间", null=True, blank=True)
    link_summary = models.JSONField("比对结果", default=dict)

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        verbose_name = "数据批次"
        base_manager_name = "unscoped"
        ordering = ["-id"]
        indexes = [models.Index(fields=["provider", "dataset"]), models.Index(fields=["status"])]
        constraints = [
            # the same file of the same type is received once (a failed attempt may be repeated)
            models.UniqueConstraint(
                fields=["dataset", "content_hash"],
                condition=~Q(status="failed"),
                name="exchange_batch_received_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.dataset} {self.file_name}"

    @property
    def declaration(self) -> datasets.Dataset | None:
        return datasets.get(self.dataset)

    def get_dataset_display(self) -> str:
        ds = self.declaration
        return ds.label if ds else self.dataset

    @property
    def finished(self) -> bool:
        return self.status != self.Status.RECEIVED
