"""Service-type social assistance (服务类社会救助, DOMAIN R-P3, seed §13).

- ``ServiceType``: the purchasable catalogue of a county (or of a city/province for its whole area; the counties
  below inherit it): name, unit (次/小时/天), guide unit price, eligibility tags (``rules.TAGS``).
- ``Provider`` (服务机构, registered by a county) and its ``ProviderStaff`` (the users of role 服务机构 who work for
  it); ``Contract`` (provider × county, numbered, dated, the townships it covers) and its ``ContractItem`` (the
  contracted unit price per service type).
- ``ServiceOrder``: a township orders a service for a person of its registry from a provider holding a valid
  contract for the township and type; ``PlannedVisit`` the dates the provider plans; ``ServiceVisit`` each visit
  recorded (on a phone), then confirmed or disputed on the family's side by the township or a grid worker.
- ``Settlement`` (one per contract and month) with its ``SettlementLine`` per service type and price: confirmed
  visits only; state draft → confirmed by the county.

``region_code``: a catalogue entry or provider — the defining region; a contract or settlement — the county; an
order, its visits and plans — the township of the order.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from doudi.core.models import Regional


class Unit(models.TextChoices):
    VISIT = "visit", "次"
    HOUR = "hour", "小时"
    DAY = "day", "天"


class ServiceType(Regional):
    name = models.CharField("服务项目", max_length=60)
    unit = models.CharField("计量单位", max_length=8, choices=Unit.choices, default=Unit.VISIT)
    unit_price = models.DecimalField("指导单价（元）", max_digits=12, decimal_places=2)
    tags = models.JSONField("服务对象", default=list)  # rules.TAGS keys; empty = any low-income person
    description = models.CharField("服务内容", max_length=300, blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "服务项目"
        constraints = [
            models.UniqueConstraint(fields=["region_code", "name"], name="services_type_name_once")
        ]


class Provider(Regional):
    name = models.CharField("机构名称", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    contact = models.CharField("联系人", max_length=40)
    phone = models.CharField("联系电话", max_length=20)
    address = models.CharField("地址", max_length=200, blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "服务机构"


class ProviderStaff(Regional):
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="staff")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="service_staff"
    )
    active = models.BooleanField(default=True)

    class Meta(Regional.Meta):
        verbose_name = "服务机构人员"


class Contract(Regional):
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="contracts")
    number = models.CharField("合同编号", max_length=40, unique=True)
    valid_from = models.DateField("生效日期")
    valid_to = models.DateField("截止日期")
    townships = models.JSONField("服务区域", default=list)  # township codes of the county
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "服务合同"


class ContractItem(Regional):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="items")
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="+")
    unit_price = models.DecimalField("合同单价（元）", max_digits=12, decimal_places=2)

    class Meta(Regional.Meta):
        verbose_name = "合同服务项目"
        constraints = [
            models.UniqueConstraint(fields=["contract", "service_type"], name="services_item_once")
        ]


class Frequency(models.TextChoices):
    WEEK = "week", "每周"
    MONTH = "month", "每月"


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    FAIR = "fair", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class ServiceOrder(Regional):
    class State(models.TextChoices):
        PLACED = "placed", "待机构接单"
        ACCEPTED = "accepted", "服务中"
        DECLINED = "declined", "机构已拒单"
        COMPLETED = "completed", "已完成"
        CANCELLED = "cancelled", "已撤销"

    class Origin(models.TextChoices):
        NONE = "", "直接下单"
        WARNING = "warning", "预警处置"
        APPLICATION = "application", "救助申请"
        CASE = "case", "救助档案"

    number = models.CharField("工单编号", max_length=24, unique=True)
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="orders")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="orders")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="orders")
    unit_price = models.DecimalField("合同单价（元）", max_digits=12, decimal_places=2)
    frequency = models.CharField("频次", max_length=6, choices=Frequency.choices, default=Frequency.WEEK)
    visits_per_period = models.PositiveSmallIntegerField("每期次数", default=1)
    starts_on = models.DateField("服务开始")
    ends_on = models.DateField("服务结束")
    eligibility = models.CharField("符合条件", max_length=200, blank=True)
    note = models.CharField("需求说明", max_length=300, blank=True)
    origin = models.CharField("来源", max_length=12, choices=Origin.choices, blank=True, default="")
    origin_id = models.PositiveBigIntegerField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PLACED, db_index=True)
    placed_on = models.DateField("下单日期")
    accept_due = models.DateField("接单期限")
    accepted_on = models.DateField(null=True, blank=True)
    decline_reason = models.CharField("拒单理由", max_length=300, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    satisfaction = models.CharField("满意度", max_length=12, choices=Satisfaction.choices, blank=True)
    completion_note = models.CharField(max_length=300, blank=True)
    escalated_on = models.DateField(null=True, blank=True)  # the township was told the order is overdue
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "服务工单"
        indexes = [models.Index(fields=["provider", "state"])]


class PlannedVisit(Regional):
    order = models.ForeignKey(ServiceOrder, on_delete=models.CASCADE, related_name="plans")
    on = models.DateField("计划日期")
    missed_notified = models.BooleanField(default=False)

    class Meta(Regional.Meta):
        verbose_name = "计划服务日期"
        constraints = [models.UniqueConstraint(fields=["order", "on"], name="services_plan_once")]


class ConfirmMethod(models.TextChoices):
    PRESENT = "present", "服务对象或家属当面确认"
    PHONE = "phone", "电话回访确认"
    HOME = "home", "网格员入户核实"
    SIGNED = "signed", "服务记录单签字"


class ServiceVisit(Regional):
    class State(models.TextChoices):
        RECORDED = "recorded", "待确认"
        CONFIRMED = "confirmed", "已确认"
        DISPUTED = "disputed", "有异议"

    order = models.ForeignKey(ServiceOrder, on_delete=models.PROTECT, related_name="visits")
    provider = models.ForeignKey(
        Provider, on_delete=models.PROTECT, related_name="+"
    )  # the order's, for sums
    visited_on = models.DateField("服务日期", db_index=True)
    start_time = models.TimeField("开始时间", null=True, blank=True)
    minutes = models.PositiveIntegerField("服务时长（分钟）", default=60)
    quantity = models.DecimalField("计量数量", max_digits=8, decimal_places=2)
    worker = models.CharField("服务人员", max_length=40)
    notes = models.CharField("服务内容", max_length=500, blank=True)
    photo = models.FileField(upload_to="services/%Y/%m/", blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.RECORDED, db_index=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    family_confirmer = models.CharField("家庭方确认人", max_length=40, blank=True)
    confirm_method = models.CharField("确认方式", max_length=10, choices=ConfirmMethod.choices, blank=True)
    dispute_reason = models.CharField("异议说明", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "服务记录"
        indexes = [models.Index(fields=["provider", "visited_on", "state"], name="services_visit_month")]


class Settlement(Regional):
    class State(models.TextChoices):
        DRAFT = "draft", "待县级确认"
        CONFIRMED = "confirmed", "已确认结算"

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="settlements")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="settlements")
    month = models.DateField("结算月份")  # the first day
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    visits = models.PositiveIntegerField("确认服务次数", default=0)
    total = models.DecimalField("结算金额（元）", max_digits=12, decimal_places=2)
    unpaid_visits = models.PositiveIntegerField("未确认或有异议次数", default=0)
    computed_at = models.DateTimeField()
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_on = models.DateField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(Regional.Meta):
        verbose_name = "服务结算"
        constraints = [models.UniqueConstraint(fields=["contract", "month"], name="services_settle_once")]


class SettlementLine(Regional):
    settlement = models.ForeignKey(Settlement, on_delete=models.CASCADE, related_name="lines")
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="+")
    unit_price = models.DecimalField("合同单价（元）", max_digits=12, decimal_places=2)
    visits = models.PositiveIntegerField("次数")
    quantity = models.DecimalField("数量", max_digits=14, decimal_places=2)
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)

    class Meta(Regional.Meta):
        verbose_name = "服务结算明细"
