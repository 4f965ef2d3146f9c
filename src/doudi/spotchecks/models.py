"""Spot-check rounds and their items (抽查核查; seed §16, §18). ``region_code`` of a round is the drawing level's
region (county, city or province); of an item, the subject's own region (its township)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from doudi.core.models import Regional
from doudi.spotchecks import rules


def _choices(table: dict[str, str]) -> list[tuple[str, str]]:
    return list(table.items())


class Round(Regional):
    level = models.CharField("抽查层级", max_length=10)
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度", default=0)  # 0 = the whole year
    period_from = models.DateField()
    period_to = models.DateField()
    kinds = models.JSONField(default=list)  # ["case", "refusal", "warning"]
    shares = models.JSONField(default=dict)  # {"case": "0.05", …} as drawn
    min_count = models.PositiveIntegerField(default=0)
    seed = models.BigIntegerField("随机种子")
    population = models.JSONField(default=dict)  # {"case": N, …} at the draw
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    drawn_by_label = models.CharField(max_length=150)
    drawn_on = models.DateField("抽取日期")
    drawn_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField("状态", max_length=8, choices=_choices(rules.ROUND_STATES), default="open")

    class Meta(Regional.Meta):
        verbose_name = "抽查批次"
        ordering = ["-drawn_on", "-pk"]

    @property
    def period_label(self) -> str:
        return rules.period_label(self.year, self.quarter)

    @property
    def level_label(self) -> str:
        return rules.LEVEL_LABELS.get(self.level, "")

    @property
    def kinds_label(self) -> str:
        return "、".join(rules.KINDS.get(k, "") for k in self.kinds)

    @property
    def state_label(self) -> str:
        return rules.ROUND_STATES.get(self.state, "")


class Item(Regional):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField("类别", max_length=8, choices=_choices(rules.KINDS))
    subject_id = models.BigIntegerField()
    subject_ref = models.CharField("抽查对象", max_length=40)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due = models.DateField("核查期限")
    state = models.CharField(
        "状态", max_length=14, choices=_choices(rules.STATES), default="pending", db_index=True
    )
    result = models.CharField("核查结论", max_length=8, blank=True, choices=_choices(rules.RESULTS))
    category = models.CharField("问题类别", max_length=12, blank=True, choices=_choices(rules.CATEGORIES))
    note = models.TextField("核查情况", blank=True)
    checked_on = models.DateField(null=True, blank=True)
    correction_due = models.DateField("整改期限", null=True, blank=True)
    correction = models.TextField("整改措施", blank=True)
    corrected_on = models.DateField("整改日期", null=True, blank=True)

    class Meta(Regional.Meta):
        verbose_name = "抽查核查事项"
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "kind", "subject_id"], name="spotcheck_subject_once")
        ]

    @property
    def kind_label(self) -> str:
        return rules.KINDS.get(self.kind, "")

    @property
    def state_label(self) -> str:
        return rules.STATES.get(self.state, "")

    @property
    def result_label(self) -> str:
        return rules.RESULTS.get(self.result, "")

    @property
    def category_label(self) -> str:
        return rules.CATEGORIES.get(self.category, "")

    @property
    def open_due(self):
        """The deadline that runs now: the check, then (a problem found) the correction."""
        if self.state == "pending":
            return self.due
        if self.state == "checked":
            return self.correction_due
        return None


class Step(Regional):
    """The history of a round and its items, dated, by whom."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="steps")
    item = models.ForeignKey(Item, null=True, blank=True, on_delete=models.CASCADE, related_name="steps")
    label = models.CharField(max_length=40)
    on = models.DateField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=150)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "抽查核查记录"
        ordering = ["pk"]
