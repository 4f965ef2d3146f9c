"""Disclosure (信息公开, CASEWORK §9): the office guide of a county or township that its officers edit
(R-PUB1), and what a county publishes each month from its roster (R-PUB5, R-PUB6): the masked recipient
list and the aggregate figures, written as a snapshot when the month is published (``publish_actions``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from doudi.core.models import Regional


class OfficeGuide(Regional):
    """办事指南 of one county or township (R-PUB1); ``region_code`` is the region's code. A region without
    a row shows the defaults of ``guide_defaults``."""

    assistance = models.TextField("救助事项", blank=True)
    eligibility = models.TextField("申请条件", blank=True)
    materials = models.TextField("所需材料", blank=True)
    steps = models.TextField("办理流程和时限", blank=True)
    place = models.CharField("办理地点", max_length=200, blank=True)
    hours = models.CharField("办公时间", max_length=100, blank=True)
    phone = models.CharField("咨询电话", max_length=40, blank=True)
    complaint_phone = models.CharField("投诉举报电话", max_length=40, blank=True)
    complaint_address = models.CharField("投诉举报地址", max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(Regional.Meta):
        verbose_name = "办事指南"
        constraints = [models.UniqueConstraint(fields=["region_code"], name="one_guide_per_region")]


class PublishedList(Regional):
    """One county's published month (R-PUB5): which roster month, when, and its totals; ``region_code`` is
    the county's code. The newest row of a county is what its public pages show."""

    month = models.DateField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    rosters = models.JSONField(default=list)  # ids of the rosters the list was generated from
    listed = models.PositiveIntegerField(default=0)  # rows of the recipient list
    exempt = models.PositiveIntegerField(default=0)  # cases left out under R-PUB3 (still in the figures)

    class Meta(Regional.Meta):
        verbose_name = "救助对象名单发布记录"
        constraints = [
            models.UniqueConstraint(fields=["region_code", "month"], name="one_list_per_county_month")
        ]


class PublishedRecipient(Regional):
    """One line of a published recipient list (R-PUB5): masked holder name, household size, monthly
    amount, township and village; ``region_code`` is the household's. Never a case, household or person
    id: the public can read the table only as it is."""

    month = models.DateField()
    programme = models.CharField(max_length=8)  # DIBAO | TEKUN
    name = models.CharField(max_length=64)  # masked (R-PUB2 / R-PUB5)
    household_size = models.PositiveSmallIntegerField()
    amount = models.IntegerField()  # yuan per month
    place = models.CharField(max_length=140)  # 乡镇（街道） and 村（社区） names

    class Meta(Regional.Meta):
        verbose_name = "公开救助对象"
        indexes = [models.Index(fields=["month", "region_code", "id"], name="published_recipient_list")]


class PublishedStat(Regional):
    """One figure of a published month per township (R-PUB6): ``key`` e.g. ``households.DIBAO``,
    ``persons.TEKUN``, ``amount.DIBAO``, ``applications``, ``confirmed``, ``refused``, ``exits``; exempt
    cases included. Small cells are suppressed when shown, not here (the threshold is a parameter)."""

    month = models.DateField()
    key = models.CharField(max_length=24)
    value = models.BigIntegerField()

    class Meta(Regional.Meta):
        verbose_name = "公开统计数据"
        indexes = [models.Index(fields=["month", "region_code"], name="published_stat_month")]
