"""Payment records (CASEWORK §7). A roster is one (county or delegated township, programme, month,
kind); its lines are the case's entitlement-month lines (base, top-up, care, single) and the arrears,
recovery and one-off lines paid with it. ``region_code`` of a roster is its paying region; of a line,
the household's region (so a township sees its own lines)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from doudi.core.models import Regional


class Programme(models.TextChoices):
    DIBAO = "DIBAO", "最低生活保障"
    TEKUN = "TEKUN", "特困人员救助供养"
    TEMP = "TEMP", "临时救助"


class RecipientAccount(Regional):
    """收款账户 (R-PAY1): preferably the social security card, held by the applicant or recipient, or a
    registered guardian or agent with a reason. One current account per household (and per TEKUN person
    when paid separately); a change closes the old row (``valid_to``) and opens a new one."""

    class Kind(models.TextChoices):
        SSCARD = "sscard", "社会保障卡"
        BANK = "bank", "银行卡"
        PASSBOOK = "passbook", "存折"
        CASH = "cash", "现金（集中供养机构代领或县级批准）"

    class Holder(models.TextChoices):
        APPLICANT = "applicant", "申请人本人"
        RECIPIENT = "recipient", "救助对象本人"
        GUARDIAN = "guardian", "监护人"
        AGENT = "agent", "代理人"

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="accounts")
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # a TEKUN member paid separately; null = the household's account
    kind = models.CharField(max_length=10, choices=Kind.choices)
    holder_name = models.CharField(max_length=64)
    holder_relation = models.CharField(max_length=10, choices=Holder.choices)
    holder_reason = models.CharField(max_length=200, blank=True)  # guardian / agent / cash: why
    bank_name = models.CharField(max_length=64, blank=True)
    number_enc = models.BinaryField(null=True, blank=True)  # SM4
    number_index = models.CharField(max_length=32, blank=True, db_index=True)  # blind index
    number_last4 = models.CharField(max_length=4, blank=True)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)  # null = current
    problem = models.CharField(max_length=200, blank=True)  # a bank failure to fix ("" = fine)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "收款账户"
        indexes = [models.Index(fields=["household", "valid_to"])]


class Roster(Regional):
    """月度发放花名册 (R-PAY4) or a supplementary roster (补发名册)."""

    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        LOCKED = "locked", "已锁定（乡镇核对）"
        APPROVED = "approved", "已审批"
        RELEASED = "released", "已拨付"
        SENT = "sent", "已报送银行"
        RECONCILED = "reconciled", "已对账"
        CLOSED = "closed", "已关闭"

    class Kind(models.TextChoices):
        REGULAR = "regular", "月度发放"
        SUPPLEMENTARY = "supplementary", "补发"

    programme = models.CharField(max_length=8, choices=Programme.choices)
    month = models.DateField()  # first day of the month paid
    kind = models.CharField(max_length=14, choices=Kind.choices, default=Kind.REGULAR)
    seq = models.PositiveSmallIntegerField(default=1)  # supplementary rosters of one month: 1, 2, …
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT, db_index=True)
    lines = models.PositiveIntegerField(default=0)
    households = models.PositiveIntegerField(default=0)
    amount = models.BigIntegerField(default=0)  # yuan, lines not dropped
    paid_amount = models.BigIntegerField(default=0)
    failed_amount = models.BigIntegerField(default=0)
    generated_at = models.DateTimeField(null=True, blank=True)
    params_fingerprint = models.CharField(max_length=64, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    locked_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    external_ref = models.CharField(max_length=64, blank=True)  # the bank / 一卡通 batch reference
    file_checksum = models.CharField(max_length=64, blank=True)
    reconciled_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta(Regional.Meta):
        verbose_name = "发放花名册"
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "programme", "month", "kind", "seq"],
                name="one_roster_per_region_month",
            )
        ]


class RosterEvent(Regional):
    """A roster's step (and an unlock back to draft with its reason), who and when."""

    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=10)
    to_state = models.CharField(max_length=10)
    reason = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "花名册流转记录"


class RosterLine(Regional):
    """One payment line (R-PAY4): a case's entitlement for a month (base / top-up / care / single), or an
    arrears, recovery or one-off line, with its rule, the months it covers and the account snapshot."""

    class Line(models.TextChoices):
        BASE = "base", "基本救助金"
        TOPUP = "topup", "分类施保金"
        CARE = "care", "护理补贴"
        SINGLE = "single", "单人保"
        ARREARS = "arrears", "补发"
        RECOVERY = "recovery", "追回"
        ONEOFF = "oneoff", "一次性补贴"

    class Status(models.TextChoices):
        DUE = "due", "待发放"
        HELD = "held", "暂缓发放"
        DROPPED = "dropped", "已剔除"
        PAID = "paid", "已到账"
        FAILED = "failed", "发放失败"
        RETURNED = "returned", "已退回"

    # A month's run writes a line per payee and rule (millions province-wide; docs/decisions/0002), so
    # every index and foreign-key check is paid millions of times: single-column indexes that the
    # composite ones below cover — roster, case, household, status — and person (never searched by) are
    # left out, the rare references (account of a failed line, source line, one-off, claim) are partial
    # indexes, and the references are not database constraints (the run resolves each one in its own
    # transaction; PROTECT still holds through the ORM).
    # no index of its own: scoped lists reach lines through their rosters (regional, indexed) or the
    # household; an index on the code cost a third of the insert time (benchmarks/payments_run.py)
    region_code = models.CharField(max_length=12)
    roster = models.ForeignKey(
        Roster, on_delete=models.PROTECT, related_name="roster_lines", db_index=False, db_constraint=False
    )
    case = models.ForeignKey(
        "casework.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False,
        db_constraint=False,
    )  # fmt: skip
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False,
        db_constraint=False,
    )  # fmt: skip
    payee_key = models.CharField(max_length=24)  # "h<household id>" or "p<person id>" (R-PAY5)
    programme = models.CharField(max_length=8, choices=Programme.choices)
    tier = models.CharField(max_length=10, blank=True)
    month = models.DateField()  # the month paid for (arrears: the roster's month; covers lists the months)
    line = models.CharField(max_length=10, choices=Line.choices)
    rule = models.CharField(max_length=16)
    amount = models.IntegerField()  # yuan; negative for recovery
    covers = models.JSONField(default=list)  # arrears / recovery: ["2026-07", …]
    members = models.PositiveSmallIntegerField(default=0)  # persons covered
    # who made the line: ``payments run`` regenerates only "entitlement" and "standard_change" lines of a
    # draft roster; the others (failed re-payments, cleared suspensions, recovery, one-off, corrections)
    # are written by their own actions and kept
    origin = models.CharField(max_length=16, default="entitlement")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DUE)
    status_reason = models.CharField(max_length=200, blank=True)
    account = models.ForeignKey(
        RecipientAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False,
        db_constraint=False,
    )  # fmt: skip
    account_masked = models.CharField(max_length=40, blank=True)  # snapshot (R-PAY1)
    bank_name = models.CharField(max_length=64, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    bank_reason = models.CharField(max_length=200, blank=True)
    source_line = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )  # a failed line re-paid as arrears (R-PAY6)
    oneoff = models.ForeignKey(
        "payments.OneOffDecision", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False, db_constraint=False,
    )  # fmt: skip
    claim = models.ForeignKey(
        "payments.RecoveryClaim", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False, db_constraint=False,
    )  # fmt: skip

    class Meta(Regional.Meta):
        verbose_name = "发放明细"
        constraints = [
            # R-PAY5: one base line per payee, programme and month in the province (dropped lines aside);
            # the month first, so that a run's inserts touch only that month's part of the index
            models.UniqueConstraint(
                fields=["month", "payee_key", "programme", "line", "rule"],
                condition=models.Q(line__in=["base", "topup", "care", "single"])
                & ~models.Q(status="dropped"),
                name="one_entitlement_line_per_payee_month",
            )
        ]
        indexes = [
            # a roster's lines, and its first and last line (``entitlement.lines_of_rosters``)
            models.Index(fields=["roster", "id"], name="rosterline_roster_id"),
            models.Index(fields=["household", "month"]),
            models.Index(fields=["case", "month"]),
            # re-payment looks up failed lines by account; the others are set on few lines
            models.Index(
                fields=["account"], condition=models.Q(status="failed"), name="rosterline_failed_account"
            ),
            models.Index(
                fields=["source_line"],
                condition=models.Q(source_line__isnull=False),
                name="rosterline_source_line",
            ),
            models.Index(
                fields=["oneoff"], condition=models.Q(oneoff__isnull=False), name="rosterline_oneoff"
            ),
            models.Index(fields=["claim"], condition=models.Q(claim__isnull=False), name="rosterline_claim"),
            # the arrears already paid (few lines) without reading months of entitlement lines
            models.Index(
                fields=["month"],
                condition=models.Q(origin="standard_change"),
                name="rosterline_arrears_month",
            ),
        ]


class RecoveryClaim(Regional):
    """追回 (R-PAY8): an overpayment with its months, amount and cause, settled by repayment, offset
    (≤ ``pay.offset_max_share`` of a month, never TEKUN basic living) or county write-off."""

    class Cause(models.TextChoices):
        FALSE_STATEMENT = "false_statement", "虚报冒领"
        LATE_REPORT = "late_report", "未及时报告变化"
        AFTER_DEATH = "after_death", "死亡后发放"
        STAFF_ERROR = "staff_error", "工作失误"

    class State(models.TextChoices):
        PROPOSED = "proposed", "待审批"
        OPEN = "open", "追回中"
        SETTLED = "settled", "已追回"
        WRITTEN_OFF = "written_off", "已核销"

    case = models.ForeignKey("casework.Case", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    cause = models.CharField(max_length=16, choices=Cause.choices)
    months = models.JSONField(default=list)
    amount = models.IntegerField()  # yuan, positive
    recovered = models.IntegerField(default=0)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PROPOSED)
    settle_mode = models.CharField(max_length=10, blank=True)  # repay | offset | write_off
    decision_note = models.TextField(blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_on = models.DateField()

    class Meta(Regional.Meta):
        verbose_name = "追回"


class OneOffDecision(Regional):
    """A region-wide one-off payment decision (R-PAY9): rule, amount and a selection, never typed rows;
    two persons approve it."""

    class State(models.TextChoices):
        PROPOSED = "proposed", "待审批"
        APPROVED = "approved", "已审批"
        APPLIED = "applied", "已生成发放明细"

    title = models.CharField(max_length=100)
    rule = models.CharField(max_length=32)
    month = models.DateField()
    programme = models.CharField(max_length=8, choices=Programme.choices)
    amount = models.IntegerField()  # yuan per selected case (or per person, see per_person)
    per_person = models.BooleanField(default=False)
    selection = models.JSONField(default=dict)  # {"tiers": [...], "area_type": ..., "region_prefix": ...}
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "一次性发放决定"


class FundAccount(Regional):
    """专账 (R-PAY10): a programme fund account of a region; rosters debit it."""

    programme = models.CharField(max_length=8, choices=Programme.choices)
    name = models.CharField(max_length=100)
    balance = models.BigIntegerField(default=0)  # yuan

    class Meta(Regional.Meta):
        verbose_name = "资金专账"
        constraints = [
            models.UniqueConstraint(fields=["region_code", "programme"], name="one_fund_per_region")
        ]


class FundEntry(Regional):
    """A movement on a fund account: an allocation in, a roster's paid total out, money returned."""

    fund = models.ForeignKey(FundAccount, on_delete=models.PROTECT, related_name="entries")
    on = models.DateField()
    amount = models.BigIntegerField()  # yuan; negative = out
    kind = models.CharField(max_length=12)  # allocation | roster | returned
    roster = models.ForeignKey(Roster, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=200, blank=True)

    class Meta(Regional.Meta):
        verbose_name = "专账收支"


class MonthlySummary(Regional):
    """发放汇总 (R-PAY10): per region (township, county, city, province), programme, month and tier;
    built from the paid lines and rolled up one level at a time."""

    level = models.CharField(max_length=10)  # township | county | city | province
    programme = models.CharField(max_length=8, choices=Programme.choices)
    month = models.DateField()
    tier = models.CharField(max_length=10)
    households = models.PositiveIntegerField(default=0)
    persons = models.PositiveIntegerField(default=0)
    due_amount = models.BigIntegerField(default=0)
    paid_amount = models.BigIntegerField(default=0)
    failed_amount = models.BigIntegerField(default=0)
    arrears_amount = models.BigIntegerField(default=0)
    recovery_amount = models.BigIntegerField(default=0)
    built_at = models.DateTimeField(auto_now=True)

    class Meta(Regional.Meta):
        verbose_name = "发放汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "programme", "month", "tier"], name="one_summary_per_region_month_tier"
            )
        ]


class BankReturn(Regional):
    """One imported bank return file (R-PAY6), with what it changed."""

    roster = models.ForeignKey(Roster, on_delete=models.PROTECT, related_name="bank_returns")
    file_name = models.CharField(max_length=200)
    checksum = models.CharField(max_length=64)
    paid = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list)  # rows that could not be applied, with the reason
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "银行回盘"
