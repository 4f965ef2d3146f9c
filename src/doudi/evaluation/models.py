"""Evaluation runs (绩效评价) and their rows. A run covers the whole province at one level (every county, or
every city) for one year; it is written in one transaction and never changed afterwards, except that a later
run of the same year and level marks it superseded. A row is region-owned (``region_code`` = the county's or
city's 12-digit code), so the scoped manager shows a user the rows of their own subtree only."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from doudi.core.models import Regional

LEVELS = {"county": "县（市、区）", "city": "市（州）"}
STATES = {"current": "现行结果", "superseded": "已被重新评价替代"}


class Run(models.Model):
    """One evaluation of a year at one level; province-wide (not region-owned: every reader sees the list)."""

    year = models.PositiveSmallIntegerField("评价年度")
    level = models.CharField("评价层级", max_length=8, choices=list(LEVELS.items()))
    period_from = models.DateField()
    period_to = models.DateField()  # 31 December, or the day of the run during the year
    computed_at = models.DateTimeField("计算时间")
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    computed_by_label = models.CharField(max_length=150)
    weights = models.JSONField(default=dict)  # {indicator key: "0.20"} as in force on 1 January
    state = models.CharField("状态", max_length=12, choices=list(STATES.items()), default="current")
    regions = models.PositiveIntegerField(default=0)
    fingerprint = models.CharField(max_length=64)  # SHA-256 of the figures: equal runs, equal fingerprints

    class Meta:
        verbose_name = "绩效评价"
        ordering = ["-year", "-pk"]
        indexes = [models.Index(fields=["year", "level", "state"], name="evaluation_run_year")]
        # two runs started at once: the second fails instead of leaving two current results
        constraints = [
            models.UniqueConstraint(
                fields=["year", "level"],
                condition=models.Q(state="current"),
                name="evaluation_one_current_run",
            )
        ]

    @property
    def level_label(self) -> str:
        return LEVELS.get(self.level, "")

    @property
    def state_label(self) -> str:
        return STATES.get(self.state, "")


class Row(Regional):
    """One region's figures in a run: per indicator numerator, denominator and share; the score; the ranks."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="rows")
    level = models.CharField(max_length=8)
    parent_code = models.CharField(max_length=12, blank=True)  # a county's city
    figures = models.JSONField(default=dict)  # {key: {"num": n, "den": d, "share": "0.9500" | null}}
    score = models.DecimalField("得分", max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField("全省排名", null=True, blank=True)  # among the province's peers
    peers = models.PositiveIntegerField(default=0)  # ranked peers in the province
    rank_in_city = models.PositiveIntegerField("全市排名", null=True, blank=True)  # counties only
    city_peers = models.PositiveIntegerField(default=0)

    class Meta(Regional.Meta):
        verbose_name = "绩效评价结果"
        ordering = ["run", "region_code"]
        constraints = [
            models.UniqueConstraint(fields=["run", "region_code"], name="evaluation_one_row_per_region")
        ]

    def counts(self) -> dict[str, tuple[int, int]]:
        return {k: (int(v["num"]), int(v["den"])) for k, v in self.figures.items()}
