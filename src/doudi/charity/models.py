"""Charity assistance (慈善帮扶, DOMAIN R-P4, seed §14).

``Charity`` is a registered charitable organisation with its service area (counties, cities or the province);
``CharityMember`` links a user of role 慈善组织 to it. ``Need`` is one entry of the needs library
(个性化需求信息库): a household's (optionally a person's) need with the family's consent, a private
description and an approved anonymised public story; ``region_code`` is the household's, ``county_code`` its
county-level region (the public filter). ``Claim`` holds part of a need for a charity (认领, then 认捐) and
``Delivery`` records what was given, with evidence, until the township confirms receipt. ``NeedStep`` is the
need's history. ``claimed`` and ``fulfilled`` on a need are kept in step with its claims under the need's row
lock (``claim_actions``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from doudi.charity import rules
from doudi.core.models import Regional


def _choices(table: dict[str, str]) -> list[tuple[str, str]]:
    return list(table.items())


class Charity(Regional):
    """``region_code`` is the registering authority's region (county, city or province)."""

    name = models.CharField("组织名称", max_length=100)
    credit_code = models.CharField("统一社会信用代码（登记证号）", max_length=18, unique=True)
    authority = models.CharField("登记管理机关", max_length=60)
    service_area = models.JSONField(
        "服务区域", default=list
    )  # 12-digit codes of counties, cities or the province
    contact_name = models.CharField("联系人", max_length=40)
    contact_phone = models.CharField("联系电话", max_length=20)
    active = models.BooleanField("有效", default=True)
    registered_on = models.DateField("登记日期")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "慈善组织"

    def __str__(self) -> str:
        return self.name


class CharityMember(Regional):
    charity = models.ForeignKey(Charity, on_delete=models.PROTECT, related_name="members")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="charity_member"
    )
    added_on = models.DateField()
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(Regional.Meta):
        verbose_name = "慈善组织用户"


class Need(Regional):
    public_number = models.CharField("需求编号", max_length=16, unique=True)  # random, shown to the public
    county_code = models.CharField(max_length=12)
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    origin = models.CharField("来源", max_length=12, choices=_choices(rules.ORIGINS))
    origin_type = models.CharField(max_length=40, blank=True)  # e.g. casework.case, monitoring.earlywarning
    origin_id = models.BigIntegerField(null=True, blank=True)
    origin_label = models.CharField(max_length=40, blank=True)  # the case/application number, warning id
    category = models.CharField("类别", max_length=12, choices=_choices(rules.CATEGORIES))
    title = models.CharField("需求标题", max_length=60)  # public, checked with the story
    description = models.TextField("需求详情（内部）")  # private: may name the family
    public_story = models.TextField("公开说明", blank=True)
    story_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    story_approved_at = models.DateTimeField(null=True, blank=True)
    measure = models.CharField("计量", max_length=6, choices=_choices(rules.MEASURES), default="money")
    unit = models.CharField("单位", max_length=8, default="元")
    target = models.DecimalField("所需金额或数量", max_digits=12, decimal_places=2)
    claimed = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    fulfilled = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    due_on = models.DateField("需求截止日期")
    state = models.CharField("状态", max_length=16, choices=_choices(rules.STATES), default="draft")
    # 1 while the need is open to claims (published or partly claimed): kept by the database from ``state``
    listed = models.GeneratedField(
        expression=models.Case(
            models.When(state__in=rules.OPEN, then=models.Value(1)),
            default=models.Value(0),
            output_field=models.SmallIntegerField(),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )
    consent_by = models.CharField("同意人", max_length=64, blank=True)
    consent_on = models.DateField("同意日期", null=True, blank=True)
    consent_method = models.CharField(
        "同意方式", max_length=12, blank=True, choices=_choices(rules.CONSENT_METHODS)
    )
    consent_withdrawn_on = models.DateField(null=True, blank=True)
    published_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    close_reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta(Regional.Meta):
        verbose_name = "帮扶需求"
        indexes = [
            # the needs library: open needs by due date, by county, by category (the charity's and the public
            # search) on the generated ``listed`` column, so that each is one index range in due-date order
            models.Index(fields=["listed", "due_on", "id"], name="charity_need_open_due"),
            models.Index(fields=["listed", "county_code", "due_on", "id"], name="charity_need_open_county"),
            models.Index(fields=["listed", "category", "due_on", "id"], name="charity_need_open_cat"),
            models.Index(fields=["state", "due_on"], name="charity_need_state_due"),
            models.Index(fields=["state", "completed_on"], name="charity_need_completed"),
            models.Index(fields=["household"], name="charity_need_household"),
        ]

    @property
    def state_label(self) -> str:
        return rules.STATES.get(self.state, "")

    @property
    def category_label(self) -> str:
        return rules.CATEGORIES.get(self.category, "")

    @property
    def origin_name(self) -> str:
        return rules.ORIGINS.get(self.origin, "")

    @property
    def consent_method_label(self) -> str:
        return rules.CONSENT_METHODS.get(self.consent_method, "")

    @property
    def remaining(self):
        return rules.remaining(self.target, self.claimed)

    @property
    def has_consent(self) -> bool:
        return bool(self.consent_on and self.consent_by and not self.consent_withdrawn_on)


class Claim(Regional):
    """``region_code`` is the need's."""

    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="claims")
    charity = models.ForeignKey(Charity, on_delete=models.PROTECT, related_name="claims")
    amount = models.DecimalField("认领金额或数量", max_digits=12, decimal_places=2)
    state = models.CharField("状态", max_length=10, choices=_choices(rules.CLAIM_STATES), default="locked")
    locked_until = models.DateField("锁定截止日期", null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    claimed_on = models.DateField()
    pledged_on = models.DateField(null=True, blank=True)
    released_on = models.DateField(null=True, blank=True)
    release_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "认领认捐"
        indexes = [
            models.Index(fields=["state", "locked_until"], name="charity_claim_expiry"),
            models.Index(fields=["charity", "state"], name="charity_claim_charity"),
        ]

    @property
    def state_label(self) -> str:
        return rules.CLAIM_STATES.get(self.state, "")

    @property
    def live(self) -> bool:
        return self.state in rules.LIVE_CLAIMS


class Delivery(Regional):
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="deliveries")
    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="deliveries")
    charity = models.ForeignKey(Charity, on_delete=models.PROTECT, related_name="deliveries")
    kind = models.CharField("帮扶形式", max_length=8, choices=_choices(rules.DELIVERY_KINDS))
    amount = models.DecimalField("金额或数量", max_digits=12, decimal_places=2)
    description = models.TextField("交付说明")
    delivered_on = models.DateField("交付日期")
    evidence = models.FileField(upload_to="charity/%Y/%m/", blank=True)
    evidence_name = models.CharField(max_length=120, blank=True)
    state = models.CharField(max_length=10, choices=_choices(rules.DELIVERY_STATES), default="submitted")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_on = models.DateField(null=True, blank=True)
    reject_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "帮扶交付"

    @property
    def kind_label(self) -> str:
        return rules.DELIVERY_KINDS.get(self.kind, "")

    @property
    def state_label(self) -> str:
        return rules.DELIVERY_STATES.get(self.state, "")


class NeedStep(Regional):
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="steps")
    label = models.CharField(max_length=40)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=150)
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "帮扶需求办理记录"
        ordering = ["pk"]
