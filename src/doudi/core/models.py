"""Append-only, hash-chained audit log (DOMAIN R-S5)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from doudi.core.scoping import ScopedManager


class Regional(models.Model):
    """A row owned by a region: its default manager (``objects``) is limited to the current user's
    region subtree and fails closed; ``unscoped`` is for actions and jobs that run province-wide."""

    region_code = models.CharField(max_length=12, db_index=True)

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        abstract = True
        base_manager_name = "unscoped"


class AuditEvent(models.Model):
    """One write or sensitive read. Rows are never updated or deleted (database triggers refuse it).

    ``hash`` = SM3(prev_hash || canonical JSON of this row's content); ``doudi audit verify`` walks the
    chain and reports the first link that does not hold.
    """

    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_label = models.CharField(max_length=150)  # username or "system"/"command"; kept if the user goes
    action = models.CharField(max_length=64, db_index=True)
    subject_type = models.CharField(max_length=64, blank=True)
    subject_id = models.CharField(max_length=64, blank=True, db_index=True)
    region_code = models.CharField(max_length=12, db_index=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        ordering = ["-id"]
        base_manager_name = "unscoped"
        verbose_name = "审计日志"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"


class AuditHead(models.Model):
    """Singleton row locked while appending, so concurrent writers chain in order on PostgreSQL."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    count = models.BigIntegerField(default=0)
