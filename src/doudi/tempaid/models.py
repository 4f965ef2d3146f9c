"""Temporary assistance (临时救助, CASEWORK §6): the case of one event, its back-filled paperwork steps, the
county's deliberation record (一事一议), declared public emergencies and each township's contingency fund
(备用金) with its ledger, top-up requests and monthly reconciliations.

``region_code`` of a case is the township where the emergency happened, whatever the applicant's household
registration (R-TA2); the applicant's identity number is stored like the registry's (SM4, blind index,
masked)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from doudi.core.models import Regional


class AidType(models.TextChoices):
    EMERGENCY = "emergency", "急难型"
    EXPENDITURE = "expenditure", "支出型"


class Degree(models.IntegerChoices):
    ONE = 1, "第一档（一般困难）"
    TWO = 2, "第二档（较重困难）"
    THREE = 3, "第三档（严重困难）"


class AidForm(models.TextChoices):
    CASH = "cash", "发放现金（打卡）"
    KIND = "kind", "发放实物"
    REFERRAL = "referral", "转介（部门或慈善组织）"


class TempAidCase(Regional):
    class State(models.TextChoices):
        ACCEPTED = "accepted", "已受理，核查中"
        PAID_FIRST = "paid_first", "已先行救助，待补办手续"
        READY = "ready", "手续齐全，待审批"
        DELIBERATION = "deliberation", "待“一事一议”"
        NOTICE = "notice", "公示中"
        APPROVED = "approved", "已批准"
        REFUSED = "refused", "不予救助"
        REFERRED = "referred", "已转介救助管理机构"

    number = models.CharField("编号", max_length=24, unique=True)
    aid_type = models.CharField("救助类型", max_length=12, choices=AidType.choices)
    degree = models.PositiveSmallIntegerField("困难档次", choices=Degree.choices, default=Degree.ONE)
    event = models.CharField("急难事由", max_length=300)
    event_date = models.DateField("发生日期")
    area_type = models.CharField("城乡类别", max_length=5, default="urban")
    applicant_name = models.CharField("申请人", max_length=64)
    id_enc = models.BinaryField(null=True, blank=True)
    id_index = models.CharField(max_length=32, null=True, blank=True, db_index=True)
    id_masked = models.CharField("身份证号（脱敏）", max_length=24, blank=True)
    hukou_place = models.CharField("户籍地", max_length=100, blank=True)  # free text: may be another province
    phone = models.CharField("联系电话", max_length=20, blank=True)
    household = models.ForeignKey(
        "registry.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    emergency = models.ForeignKey(
        "tempaid.PublicEmergency", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    expenditure = models.PositiveIntegerField("刚性支出（元）", default=0)
    reimbursed = models.PositiveIntegerField("已报销或已获救助（元）", default=0)
    form = models.CharField("救助方式", max_length=10, choices=AidForm.choices, default=AidForm.CASH)
    referral_to = models.CharField("转介对象", max_length=100, blank=True)
    proposed_amount = models.PositiveIntegerField("测算金额（元）", default=0)
    standard = models.PositiveIntegerField("当地低保标准S（元/月）", default=0)
    paid_first_amount = models.PositiveIntegerField("先行救助金额（元）", default=0)
    paid_first_on = models.DateField(null=True, blank=True)
    backfill_due = models.DateField(null=True, blank=True)
    backfill_done_on = models.DateField(null=True, blank=True)
    decision_due = models.DateField(null=True, blank=True)
    approved_amount = models.PositiveIntegerField("批准金额（元）", default=0)
    authority = models.CharField(max_length=12, blank=True)  # township | county | deliberation
    decided_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refusal_reason = models.CharField(max_length=300, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.ACCEPTED, db_index=True)
    accepted_on = models.DateField()
    followup_note = models.CharField(max_length=300, blank=True)  # R-TA10 screening proposal
    followup_done = models.BooleanField(default=False)
    notice_start = models.DateField("公示开始日期", null=True, blank=True)  # R-TA3, temp_aid.notice_days > 0
    notice_end = models.DateField("公示截止日期", null=True, blank=True)
    application = models.ForeignKey(  # R-TA10: the regular-tier application opened from this case
        "casework.Application", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    station = models.CharField("救助管理机构", max_length=100, blank=True)  # R-TA2: persons living rough
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "临时救助"
        indexes = [models.Index(fields=["region_code", "state"])]


class CaseStep(Regional):
    """A step of the file: application, statement of circumstances (事后补充说明), verification, investigation,
    pay-first, approval, refusal, referral, follow-up — each dated, by whom, with a note."""

    class Kind(models.TextChoices):
        ACCEPT = "accept", "受理申请"
        STATEMENT = "statement", "事后补充说明"
        VERIFY = "verify", "家庭经济状况核对"
        INVESTIGATE = "investigate", "入户调查"
        PAY_FIRST = "pay_first", "先行救助"
        APPROVE = "approve", "审批"
        REFUSE = "refuse", "不予救助"
        DELIBERATE = "deliberate", "一事一议"
        FOLLOWUP = "followup", "后续筛查"
        NOTICE = "notice", "公示"
        OBJECTION = "objection", "公示异议"
        ANSWER = "answer", "异议核实"
        TRANSFER = "transfer", "转入常规救助申请"
        STATION = "station", "转介救助管理机构"

    case = models.ForeignKey(TempAidCase, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    on = models.DateField()
    note = models.CharField(max_length=500, blank=True)
    amount = models.IntegerField(default=0)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "临时救助办理记录"


class NoticeObjection(Regional):
    """An objection raised during the case's notice (公示异议, R-TA3): what was said, then the township's
    finding; the case is decided only when every objection is answered."""

    case = models.ForeignKey(TempAidCase, on_delete=models.CASCADE, related_name="objections")
    received_on = models.DateField("收到日期")
    content = models.CharField("异议内容", max_length=500)
    raised_by = models.CharField("反映人", max_length=64, blank=True)  # kept confidential on the notice
    finding = models.CharField("核实结论", max_length=500, blank=True)
    upheld = models.BooleanField("异议成立", null=True)
    answered_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "临时救助公示异议"


class Deliberation(Regional):
    """一事一议 (R-TA7): the county coordination mechanism's record; it authorises payment or referral."""

    class Decision(models.TextChoices):
        PAY = "pay", "同意救助"
        REFER = "refer", "转介相关部门或慈善组织"
        REFUSE = "refuse", "不予救助"

    case = models.ForeignKey(TempAidCase, on_delete=models.PROTECT, related_name="deliberations")
    held_on = models.DateField()
    participants = models.CharField("参会人员", max_length=500)
    departments = models.CharField("参与部门", max_length=300)
    decision = models.CharField(max_length=8, choices=Decision.choices)
    amount = models.PositiveIntegerField("议定金额（元）", default=0)
    payer = models.CharField("资金来源（由谁支付）", max_length=200)
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "一事一议记录"


class PublicEmergency(Regional):
    """A declared public emergency (R-TA6) for a region (``region_code``) and period."""

    title = models.CharField("事件名称", max_length=100)
    document = models.CharField("宣布文件", max_length=64)
    starts_on = models.DateField()
    ends_on = models.DateField()
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "突发公共事件"


class ContingencyFund(Regional):
    """乡镇临时救助备用金 (R-TA9): one per township (``region_code``) and year; never negative."""

    year = models.PositiveSmallIntegerField()
    allotted = models.BigIntegerField(default=0)  # yuan sized by the county for the year
    balance = models.BigIntegerField(default=0)

    class Meta(Regional.Meta):
        verbose_name = "临时救助备用金"
        constraints = [
            models.UniqueConstraint(fields=["region_code", "year"], name="one_contingency_fund_per_year"),
            models.CheckConstraint(condition=models.Q(balance__gte=0), name="contingency_fund_not_negative"),
        ]


class FundLedger(Regional):
    class Kind(models.TextChoices):
        ALLOCATION = "allocation", "年度核拨"
        TOPUP = "topup", "县级追加"
        PAY_FIRST = "pay_first", "先行救助支出"

    fund = models.ForeignKey(ContingencyFund, on_delete=models.PROTECT, related_name="entries")
    on = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    amount = models.BigIntegerField()  # yuan; negative = out
    balance_after = models.BigIntegerField()
    case = models.ForeignKey(TempAidCase, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "备用金收支"


class TopUpRequest(Regional):
    """An over-draw of the fund asks the county for the shortfall (R-TA9)."""

    class State(models.TextChoices):
        REQUESTED = "requested", "待县级追加"
        GRANTED = "granted", "已追加"

    fund = models.ForeignKey(ContingencyFund, on_delete=models.PROTECT, related_name="topups")
    case = models.ForeignKey(TempAidCase, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    amount = models.PositiveIntegerField()
    reason = models.CharField(max_length=200)
    state = models.CharField(max_length=10, choices=State.choices, default=State.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "备用金追加申请"


class Reconciliation(Regional):
    """A month's reconciliation of a fund: opening, in, out, closing; ``matches`` = the ledger agrees."""

    fund = models.ForeignKey(ContingencyFund, on_delete=models.PROTECT, related_name="reconciliations")
    month = models.DateField()
    opening = models.BigIntegerField()
    credits = models.BigIntegerField()
    debits = models.BigIntegerField()
    closing = models.BigIntegerField()
    matches = models.BooleanField(default=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "备用金月度对账"
        constraints = [models.UniqueConstraint(fields=["fund", "month"], name="one_reconciliation_per_month")]
