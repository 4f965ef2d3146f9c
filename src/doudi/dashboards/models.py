"""The dashboards' pre-aggregated cells (docs/dashboards.md).

A ``Cell`` is one count (and amount) at township (or county) × topic × month × up to three dimensions; a
region's figures are the sum of the cells under its code prefix. ``region_code`` is the township's 12-digit code
(``substr(code, 1, 9) || '000'``), so the scoped manager limits cells exactly as it limits the rows they
count. The cells are rebuilt set-based by ``actions.refresh`` in one transaction; ``Build`` keeps when
(and, for paid roster months, from what) they were built.
"""

from __future__ import annotations

from django.db import models

from doudi.core.models import Regional


class Cell(Regional):
    # township cells are built from the data; county, city and province cells are them summed per region, so a
    # page reads its own region's cells and its children's at the grain of the level below, never the townships
    grain = models.CharField(max_length=8, default="township")
    topic = models.CharField(max_length=16)
    month = (
        models.DateField()
    )  # first day of the month the counted event falls in (people: the build's month)
    d1 = models.CharField(max_length=40, default="", blank=True)
    d2 = models.CharField(max_length=40, default="", blank=True)
    d3 = models.CharField(max_length=80, default="", blank=True)
    n = models.BigIntegerField(default=0)
    amount = models.BigIntegerField(default=0)  # yuan (payments only)

    class Meta(Regional.Meta):
        verbose_name = "统计单元"
        indexes = [
            # a region's figures: the cells of one grain in the code range of its subtree
            models.Index(fields=["grain", "region_code", "topic", "month"], name="dash_cell_region"),
            models.Index(fields=["topic", "month"], name="dash_cell_topic_month"),
        ]


class Build(models.Model):
    """When the cells were built. ``key`` is ``all`` for the whole refresh or ``payments:YYYY-MM`` for a paid
    month, whose ``signature`` (its rosters' count, versions and amounts) says whether it must be rebuilt."""

    key = models.CharField(max_length=32, unique=True)
    signature = models.CharField(max_length=200, blank=True)
    built_at = models.DateTimeField()
    as_of = models.DateField(null=True, blank=True)  # the day overdue was judged against
    rows = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "统计生成记录"
