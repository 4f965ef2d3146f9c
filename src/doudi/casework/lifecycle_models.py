"""The life of a confirmed case (CASEWORK §5): its amount basis, reviews (periodic and change), grace
periods, suspensions, monthly presence checks and moves. Imported by ``casework.models``; every write is
in the ``lifecycle_*`` action modules."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from doudi.core.models import Regional


class AmountBasis(Regional):
    """The figures a case's monthly amount is computed from (R-PAY3), taken from one stored assessment:
    the household part of R-B1 and, per member, what R-B2–R-B4 need. The roster recomputes the lines
    every month from this and the parameters in force on the month's first day, with the engine's own
    benefit formulas (``policy.rules.benefits``). The figures are those of the amount itself (the R-B1
    line reveals the per-capita income), so they are kept in clear like the amounts; the facts behind
    them stay sealed in the decision."""

    decision = models.OneToOneField("policy.Decision", on_delete=models.PROTECT, related_name="amount_basis")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    area_type = models.CharField(max_length=8)  # urban | rural: the parameter group
    category = models.CharField(max_length=10, blank=True)  # the household's assessed tier
    n_assessed = models.PositiveIntegerField(default=0)  # R-B1 headcount (without TEKUN members, R-T4)
    income_fen = models.BigIntegerField(default=0)  # the assessed household's income over income_months
    income_months = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "救助金计算依据"


class AmountBasisMember(models.Model):
    """One member's part of an amount basis (R-B2 top-ups, R-B3 TEKUN, R-B4 single-person dibao)."""

    basis = models.ForeignKey(AmountBasis, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    birth_ymd = models.IntegerField()  # ages (≥ 70, minor) are taken on each month's first day
    serious_illness = models.BooleanField(default=False)
    severe_disability = models.BooleanField(default=False)
    tekun = models.BooleanField(default=False)
    care_level = models.CharField(max_length=8, blank=True)  # full | partial | self (TEKUN)
    single = models.PositiveSmallIntegerField(default=0)  # 0 | 1 R-D4 | 2 R-D5
    own_income_fen = models.BigIntegerField(default=0)  # monthly (R-B4)

    class Meta:
        verbose_name = "救助金计算依据（成员）"


class CaseReview(Regional):
    """A periodic review (R-W30/R-W31) or a change review (R-W32) of a case, from opening to its
    decision; a termination with notice waits here for the notice to end (R-W35)."""

    class Kind(models.TextChoices):
        PERIODIC = "periodic", "定期复核"
        CHANGE = "change", "变化复核"
        RIGID_RENEWAL = "rigid", "刚性支出到期重新认定"

    class Trigger(models.TextChoices):
        DUE = "due", "复核到期"
        FAMILY = "family", "家庭报告"
        GRID = "grid", "网格员报告"
        WARNING = "warning", "监测预警"
        DATA = "data", "部门数据"
        BANK = "bank", "银行退回"
        CHECK = "check", "按月认证"

    class State(models.TextChoices):
        OPEN = "open", "待复核"
        VISIT = "visit", "待入户"
        IN_NOTICE = "in_notice", "终止公示中"
        DECIDED = "decided", "已决定"
        CANCELLED = "cancelled", "已撤销"

    class Outcome(models.TextChoices):
        UNCHANGED = "unchanged", "维持不变"
        ADJUST = "adjust", "调整金额"
        GRACE = "grace", "进入渐退期"
        SUSPEND = "suspend", "暂停发放"
        TERMINATE = "terminate", "终止救助"
        TRANSITION = "transition", "终止并转入其他类别"

    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="reviews")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    change_type = models.CharField(max_length=16, blank=True)  # R-W32: birth, death, marriage, prison_in, …
    change_detail = models.TextField(blank=True)
    reported_on = models.DateField(null=True, blank=True)
    opened_on = models.DateField()
    due = models.DateField()  # decide by (working days for change reviews)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN, db_index=True)
    visit_needed = models.BooleanField(default=False)
    visit_reasons = models.JSONField(default=list)  # why a visit is asked for (R-W31)
    visit_done_on = models.DateField(null=True, blank=True)
    # the four references below are filled late and never searched by: no index, so that the daily
    # scheduler's bulk insert of the due reviews stays cheap (benchmarks/review_scheduler.py)
    verification = models.ForeignKey(
        "casework.VerificationReport",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    assessment = models.ForeignKey(
        "policy.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    warning_id = models.BigIntegerField(null=True, blank=True)  # monitoring warning that opened it
    notice_from = models.DateField(null=True, blank=True)  # termination notice (R-W35, R-PUB4)
    notice_until = models.DateField(null=True, blank=True)
    objection = models.TextField(blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decision = models.ForeignKey(
        "casework.CaseDecision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    note = models.TextField(blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(Regional.Meta):
        verbose_name = "复核"
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(state__in=["open", "visit", "in_notice"]),
                name="one_open_review_per_case",
            )
        ]
        indexes = [models.Index(fields=["state", "due"])]


class GracePeriod(Regional):
    """渐退期 (R-W33, R-X2): start and end month, trigger, the original tier and amount."""

    class Trigger(models.TextChoices):
        EMPLOYMENT = "employment", "家庭成员就业"
        HEAD_DEATH = "head_death", "户主死亡"

    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="grace_periods")
    trigger = models.CharField(max_length=12, choices=Trigger.choices)
    start_month = models.DateField()  # first day of the first grace month
    end_month = models.DateField()  # first day of the last grace month
    original_tier = models.CharField(max_length=10)
    original_amount = models.IntegerField()
    amount_mode = models.CharField(max_length=8, default="keep")  # keep | capped (grace.amount_mode)
    cap_persons = models.PositiveIntegerField(null=True, blank=True)  # capped: S × the new household size
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=100, blank=True)

    class Meta(Regional.Meta):
        verbose_name = "渐退期"


class Suspension(Regional):
    """暂停 (R-W34): months still accrue (held roster lines) and are paid as arrears when cleared in time."""

    class Cause(models.TextChoices):
        MISSED_CHECKS = "missed_checks", "连续未按月认证"
        BANK_FAILURE = "bank_failure", "银行账户两次发放失败"
        REFUSED_VISIT = "refused_visit", "无正当理由拒绝复核入户"

    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="suspensions")
    cause = models.CharField(max_length=16, choices=Cause.choices)
    start_month = models.DateField()
    cleared_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=12, blank=True)  # "" open | cleared | terminated
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "暂停发放"
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(outcome=""), name="one_open_suspension_per_case"
            )
        ]


class PresenceCheck(Regional):
    """按月认证 (R-W34): one month's presence or living check of a case."""

    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="presence_checks")
    month = models.DateField()
    passed = models.BooleanField()
    method = models.CharField(max_length=16, blank=True)  # face | visit | phone | data
    recorded_on = models.DateField()

    class Meta(Regional.Meta):
        verbose_name = "按月认证"
        constraints = [models.UniqueConstraint(fields=["case", "month"], name="one_check_per_case_month")]


class CaseMove(Regional):
    """迁移 (R-W37): within a county the case changes township; across counties the old case ends at the
    month end after the receiving county confirms its new case. ``region_code`` is the sending region."""

    class State(models.TextChoices):
        REQUESTED = "requested", "待接收地确认"
        DONE = "done", "已完成"
        CANCELLED = "cancelled", "已撤销"

    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="moves")
    to_region = models.CharField(max_length=12, db_index=True)
    within_county = models.BooleanField()
    requested_on = models.DateField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.REQUESTED)
    new_case = models.ForeignKey(
        "casework.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="moved_from"
    )
    confirmed_on = models.DateField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(Regional.Meta):
        verbose_name = "迁移"


class DeathRecord(Regional):
    """A death known to casework (R-W32, R-PAY2): reported by the family or a grid worker, or found in
    department data (cremation, 户籍注销). The roster's lock reads these; the case's review follows."""

    class Source(models.TextChoices):
        FAMILY = "family", "家庭报告"
        GRID = "grid", "网格员报告"
        CREMATION = "cremation", "火化信息"
        HUKOU = "hukou", "户籍注销"
        DATA = "data", "部门数据"

    person = models.OneToOneField("registry.Person", on_delete=models.PROTECT, related_name="death_record")
    died_on = models.DateField()
    source = models.CharField(max_length=10, choices=Source.choices)
    source_ref = models.CharField(max_length=64, blank=True)
    recorded_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta(Regional.Meta):
        verbose_name = "死亡信息"
