"""The Django side of the policy engine: the parameter store, reviewed proposals, stored decisions,
and batch reassessment / what-if runs. The rules themselves are pure (``doudi.policy.rules``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from doudi.core import crypto
from doudi.core.scoping import ScopedManager


class ParameterValue(models.Model):
    """One dated, per-region value (DOMAIN §4). Same shape as ``rules.baseline.ParamRow``.

    Parameters are policy reference data, readable by every staff user (not region-scoped); only
    ``status=active`` rows are used by assessments. Rows are never edited in place: a change is a new
    row from a reviewed proposal, and the row it replaces gets an ``effective_to``.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "生效"
        RETIRED = "retired", "已废止"

    key = models.CharField(max_length=64, db_index=True)
    region_code = models.CharField(max_length=12, db_index=True)
    area_type = models.CharField(max_length=5, null=True, blank=True)
    value = models.CharField(max_length=64)  # decimal or enum text, parsed by rules.params.parse_value
    unit = models.CharField(max_length=32, blank=True)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)  # inclusive, per rules.baseline
    source = models.CharField(max_length=300)
    unverified = models.BooleanField(default=False)
    floor = models.BooleanField(default=False)  # a province minimum guidance standard (省定最低指导标准)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    proposal = models.ForeignKey("ParameterProposal", null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key", "region_code", "effective_from"]
        indexes = [models.Index(fields=["region_code", "key", "effective_from"])]
        verbose_name = "政策参数"

    def __str__(self) -> str:
        return f"{self.key}@{self.region_code} {self.value} from {self.effective_from}"


class ParameterProposal(models.Model):
    """A proposed parameter change (county proposes; city/province approves), with its what-if preview."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已批准"
        REJECTED = "rejected", "已驳回"

    region_code = models.CharField(max_length=12, db_index=True)  # the region whose parameters change
    changes = models.JSONField()  # [{key, area_type, value, unit, effective_from, effective_to, source}]
    reason = models.CharField(max_length=500)
    preview = models.JSONField(null=True, blank=True)  # simulation summary at proposal time
    preview_note = models.CharField(max_length=500, blank=True, default="")  # why there is no preview
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=500, blank=True)

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        ordering = ["-proposed_at"]
        base_manager_name = "unscoped"
        verbose_name = "参数调整申请"

    def __str__(self) -> str:
        return f"proposal {self.pk} for {self.region_code}"


class Decision(models.Model):
    """A stored assessment of one registry household as of a date: the input snapshot (facts with their
    sources and dates), the parameters used with effective dates, the rule-set version and the result.
    ``doudi decisions replay ID`` re-runs the rules on the stored snapshot and parameters.

    The contract input and the full result hold income, health and disability details, so they are
    sealed (SM4, like the registry's sensitive facts, R-S5) in ``input_enc`` / ``result_enc``; the
    clear JSON columns hold what lists need: ``input_snapshot`` the provenance (fact ids, sources,
    dates — no values), ``result`` the tier, member categories and benefit lines.
    """

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="decisions")
    region_code = models.CharField(max_length=12, db_index=True)
    as_of = models.DateField()
    input_snapshot = models.JSONField()  # the contract input, plus "provenance": facts' sources and dates
    parameters = models.JSONField()  # the resolved parameter rows (key, value, effective_from, source, …)
    rule_set_version = models.CharField(max_length=16)
    result = models.JSONField()  # summary of the contract result (no income figures or criteria text)
    input_enc = models.BinaryField(null=True, blank=True)  # SM4: {"input": contract input, "provenance": […]}
    result_enc = models.BinaryField(null=True, blank=True)  # SM4: the full contract result
    household_category = models.CharField(max_length=10, null=True, blank=True)
    monthly_total = models.IntegerField(default=0)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    taken_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        ordering = ["-taken_at"]
        base_manager_name = "unscoped"
        verbose_name = "认定结果"
        indexes = [models.Index(fields=["household", "taken_at"])]

    def __str__(self) -> str:
        return f"decision {self.pk} {self.household_category} as of {self.as_of}"

    def input_data(self) -> dict:
        """The contract input the rules ran on (decrypted)."""
        if self.input_enc is None:
            raise ValueError(f"decision {self.pk} has no sealed input")
        return crypto.decrypt_json(self.input_enc)["input"]

    def result_data(self) -> dict:
        """The full contract result (decrypted)."""
        if self.result_enc is None:
            raise ValueError(f"decision {self.pk} has no sealed result")
        return crypto.decrypt_json(self.result_enc)

    @property
    def provenance(self) -> list[dict]:
        return self.input_snapshot.get("provenance", [])


class PolicyRun(models.Model):
    """A batch reassessment of a scope as of a date, or a what-if simulation; results live in Parquet
    under ``store/policy/<id>/`` and the summary here."""

    class Kind(models.TextChoices):
        REASSESSMENT = "reassessment", "批量复核测算"
        SIMULATION = "simulation", "政策模拟"

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "运行中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    region_code = models.CharField(max_length=12, db_index=True)
    as_of = models.DateField()
    changes = models.JSONField(default=list)  # simulation: parameter overrides
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.IntegerField(default=0)
    progress_total = models.IntegerField(default=0)
    summary = models.JSONField(default=dict)  # transitions matrix, cost change, by region
    error = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()
    unscoped = models.Manager()

    class Meta:
        ordering = ["-created_at"]
        base_manager_name = "unscoped"
        verbose_name = "批量测算"

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"
