"""The administrative division tree (DOMAIN §1): province → city → county → township → village."""

from __future__ import annotations

from django.db import models

from doudi.core.scoping import LEVEL_PREFIX_LEN


class Level(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市（州）"
    COUNTY = "county", "县（市、区）"
    TOWNSHIP = "township", "乡镇（街道）"
    VILLAGE = "village", "村（社区）"


CHILD_LEVEL = {
    Level.PROVINCE: Level.CITY,
    Level.CITY: Level.COUNTY,
    Level.COUNTY: Level.TOWNSHIP,
    Level.TOWNSHIP: Level.VILLAGE,
}


class Region(models.Model):
    """A division, keyed by its 12-digit statistical code. Codes nest by prefix (checked on insert),
    which is what region scoping relies on."""

    code = models.CharField(primary_key=True, max_length=12)
    name = models.CharField(max_length=64)
    level = models.CharField(max_length=10, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    prefix = models.CharField(max_length=12, db_index=True)  # subtree prefix, e.g. "222401" for a county
    full_name = models.CharField(max_length=200)  # 吉林省延边朝鲜族自治州延吉市…
    source = models.CharField(max_length=100, default="统计用区划代码2022")

    class Meta:
        ordering = ["code"]
        verbose_name = "行政区划"

    def __str__(self) -> str:
        return self.name

    @property
    def prefix_len(self) -> int:
        return LEVEL_PREFIX_LEN[self.level]
