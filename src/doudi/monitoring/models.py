"""Dynamic monitoring and early warning (DOMAIN §8): warnings, their routing, home verification,
disposition and closure, need pushes to departments, and the household's assistance chain.

State changes of a warning follow the transition table in ``monitoring/loop/flows.py``; every write is
an action (``monitoring/loop/*_actions.py``) that also appends a typed ``ChainEvent`` to the household's chain.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from doudi.core.models import Regional


class WarningLevel(models.TextChoices):
    RED = "red", "红色"
    ORANGE = "orange", "橙色"
    YELLOW = "yellow", "黄色"


class Indicator(models.TextChoices):
    """R-M12 indicators, plus grassroots reports (R-M17) and proactive discovery (R-M16)."""

    ILL = "W-ILL", "因病"
    DIS = "W-DIS", "因残"
    EDU = "W-EDU", "因学"
    DSR = "W-DSR", "因灾"
    JOB = "W-JOB", "因失业"
    INC = "W-INC", "收入骤减"
    EXP = "W-EXP", "支出骤增"
    POP = "W-POP", "人口变化"
    ELIG = "W-ELIG", "反向核查"
    GAP = "W-GAP", "政策落实"
    FPJC = "W-FPJC", "防返贫"
    REPORT = "W-RPT", "群众/网格员报告"
    DISCOVERY = "W-NEW", "主动发现"


class PotentialCase(Regional):
    """R-M16: a department record of a person NOT in the registry with strong hardship signals,
    for the township where they live. No plain identity number: the blind index and a mask."""

    class Status(models.TextChoices):
        OPEN = "open", "待核实"
        ENROLLED = "enrolled", "已纳入"
        DISMISSED = "dismissed", "经核实无困难"

    name = models.CharField(max_length=64)
    id_index = models.CharField(max_length=32, null=True, blank=True, db_index=True)
    id_masked = models.CharField(max_length=24, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    signals = models.JSONField(default=list)  # [{dataset, batch_id, record_id, signal, detail}]
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    first_seen = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "潜在救助对象"
        constraints = [
            models.UniqueConstraint(
                fields=["id_index"],
                condition=models.Q(status="open"),
                name="one_open_potential_case_per_person",
            ),
        ]


class UnroutableRecord(Regional):
    """A department record with a strong hardship signal (R-M16) that names no region of the Jilin tree:
    no usable region code, an identity number of another province or an obsolete county, and a
    province- or city-level provider (``monitoring.scans.routing``). Listed for the province officer
    (``region_code`` is the province); one row per record and signal, written once (idempotent)."""

    batch_id = models.BigIntegerField(null=True, blank=True)
    record_id = models.CharField("记录编号", max_length=64)
    dataset = models.CharField("数据类型", max_length=32)
    signal = models.CharField(max_length=48)
    detail = models.CharField("困难线索", max_length=200)
    name = models.CharField("姓名", max_length=64, blank=True)
    id_index = models.CharField(max_length=32, null=True, blank=True, db_index=True)  # blind index only
    id_masked = models.CharField("身份证号", max_length=24, blank=True)
    sex = models.CharField(max_length=1, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    given_region = models.CharField("报送的区划代码", max_length=32, blank=True)
    id_county = models.CharField("身份证号所属县代码", max_length=6, blank=True)
    reason = models.CharField("无法分派原因", max_length=200)
    event_date = models.DateField("线索日期", null=True, blank=True)
    found_on = models.DateField("扫描数据日期")
    routed_to = models.CharField(
        "转交区划", max_length=12, blank=True
    )  # a county, once the province routed it
    routed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "无法分派的部门记录"
        ordering = ["-found_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["batch_id", "record_id", "signal"], name="unroutable_once"),
        ]


class EarlyWarning(Regional):
    """One early warning (预警) on one household for one cause; open warnings of the same cause for the same
    household are merged (R-M13) — ``dedupe_key`` is unique among open warnings. (Named so as not to shadow
    Python's built-in ``Warning``; the table keeps its name, and stored references say ``monitoring.warning``.)"""

    class Status(models.TextChoices):
        RAISED = "raised", "待派发"  # in the county inbox
        DISPATCHED = "dispatched", "已派发乡镇"
        ASSIGNED = "assigned", "已指派核查"
        VERIFIED = "verified", "已核查"
        DISPOSED = "disposed", "已处置"
        CLOSED = "closed", "已办结"

    household = models.ForeignKey(
        "registry.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="warnings"
    )
    person = models.ForeignKey(
        "registry.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="warnings"
    )
    potential_case = models.ForeignKey(
        PotentialCase, null=True, blank=True, on_delete=models.PROTECT, related_name="warnings"
    )
    indicator = models.CharField(max_length=8, choices=Indicator.choices, db_index=True)
    level = models.CharField(max_length=6, choices=WarningLevel.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RAISED, db_index=True)
    dedupe_key = models.CharField(max_length=80)  # "<indicator>:h<household_id>" or ":p<potential_case_id>"
    is_open = models.BooleanField(default=True)
    raised_on = models.DateField(db_index=True)
    deadline = models.DateField(db_index=True)  # working days by level (warning.deadline_wd.<level>)
    escalations = models.PositiveSmallIntegerField(default=0)  # times escalated one level up when overdue
    escalated_on = models.DateField(null=True, blank=True)  # last escalation (one per day at most)
    township_code = models.CharField(max_length=12, blank=True)  # where it was dispatched
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_warnings",
    )
    evidence = models.JSONField(
        default=list
    )  # what fired, merged in: [{source, batch_id, record_id, detail}]
    merged_count = models.PositiveIntegerField(default=1)
    source_batch_id = models.BigIntegerField(null=True, blank=True)
    verified_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(Regional.Meta):
        db_table = "monitoring_warning"
        verbose_name = "预警"
        indexes = [
            models.Index(fields=["region_code", "is_open", "deadline"]),
            # inboxes (monitoring.loop.queries.inbox): open warnings in deadline order, by township / worker
            models.Index(
                fields=["deadline", "id"], condition=models.Q(is_open=True), name="warning_open_deadline"
            ),
            models.Index(
                fields=["township_code", "deadline", "id"],
                condition=models.Q(is_open=True),
                name="warning_open_township",
            ),
            models.Index(
                fields=["assigned_to", "deadline", "id"],
                condition=models.Q(is_open=True),
                name="warning_open_assignee",
            ),
            models.Index(
                fields=["indicator", "deadline", "id"],
                condition=models.Q(is_open=True),
                name="warning_open_indicator",
            ),
            models.Index(
                fields=["status", "deadline", "id"],
                condition=models.Q(is_open=True),
                name="warning_open_status",
            ),
            models.Index(
                fields=["closed_on", "id"], condition=models.Q(is_open=False), name="warning_closed"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=models.Q(is_open=True),
                name="one_open_warning_per_cause_and_household",
            ),
        ]


class GrassrootsReport(Regional):
    """R-M17: a grid worker's or the public's report of a family in difficulty; enters the warning loop."""

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    reporter_contact = models.CharField(max_length=100, blank=True)  # public reports: name/phone as given
    client_hash = models.CharField(max_length=64, blank=True, db_index=True)  # SM3 of the sender's address
    household = models.ForeignKey("registry.Household", null=True, blank=True, on_delete=models.PROTECT)
    subject_name = models.CharField(max_length=64, blank=True)
    address = models.CharField(max_length=200, blank=True)
    description = models.TextField()
    warning = models.ForeignKey(EarlyWarning, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    # the public's tracking number (``core.tracking``): random, with a check character
    tracking_code = models.CharField(max_length=16, null=True, blank=True, unique=True)

    class Meta(Regional.Meta):
        verbose_name = "群众报告"


class Visit(Regional):
    """R-M14: home verification record."""

    warning = models.ForeignKey(EarlyWarning, on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField()
    visitors = models.JSONField()  # names, at least two (R-W3 practice)
    findings = models.TextField()
    hardship_found = models.BooleanField()
    updated_facts = models.JSONField(default=list)  # [{scope: person|household, id, kind, value}] → registry
    member_changes = models.JSONField(default=list)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "入户核查"


class VisitPhoto(Regional):
    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="photos")
    file = models.FileField(upload_to="visits/%Y/%m/")
    sha256 = models.CharField(max_length=64)

    class Meta(Regional.Meta):
        verbose_name = "核查照片"


class Disposition(Regional):
    """R-M15: the outcome decided for a verified warning, with its follow-up."""

    class Kind(models.TextChoices):
        NO_HARDSHIP = "no_hardship", "经核实无困难"
        APPLICATION = "application", "启动救助申请"
        REFERRAL = "referral", "转介专项救助"
        EMERGENCY = "emergency", "临时救助/慈善/服务"
        ELIGIBILITY = "eligibility", "不再符合条件，复核调整"
        DELIBERATION = "deliberation", "一事一议"

    warning = models.OneToOneField(EarlyWarning, on_delete=models.PROTECT, related_name="disposition")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    detail = models.JSONField(default=dict)  # consent, departments, referral targets, tier change, minutes
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "处置"


class NeedPush(Regional):
    """R-P1: an entitlement need pushed to a department; the department accepts, gives or declines."""

    class Status(models.TextChoices):
        PUSHED = "pushed", "已推送"
        ACCEPTED = "accepted", "已受理"
        GIVEN = "given", "已救助"
        DECLINED = "declined", "不予救助"
        WITHDRAWN = "withdrawn", "已撤回"  # no longer due before the department answered (R-P1)

    class Source(models.TextChoices):
        RULE = "rule", "按政策自动推送"  # monitoring.needs: due by policy.rules.entitlements
        REFERRAL = "referral", "人工转介"  # a warning's disposition (R-M15)

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="need_pushes")
    person = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT)
    warning = models.ForeignKey(EarlyWarning, null=True, blank=True, on_delete=models.PROTECT)
    department = models.CharField(max_length=32, db_index=True)  # accounts.models.Department
    need = models.CharField(max_length=40)  # e.g. medical_premium_subsidy, education_aid, housing, employment
    detail = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUSHED)
    feedback = models.CharField(max_length=500, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.REFERRAL)
    due_on = models.DateField(null=True, blank=True)  # the department's answer deadline (working days)
    ended_on = models.DateField(null=True, blank=True)  # no longer due from this day (rule pushes)
    withdraw_reason = models.CharField(max_length=200, blank=True)

    class Meta(Regional.Meta):
        verbose_name = "需求推送"
        indexes = [
            models.Index(fields=["department", "status", "created_at"], name="needpush_department_inbox"),
            models.Index(
                fields=["department", "region_code", "status", "due_on"], name="needpush_dept_queue"
            ),
            # the overdue and accepted tabs by deadline: a page is a walk down this index
            models.Index(fields=["department", "status", "due_on", "id"], name="needpush_dept_due"),
            # the other tabs newest first: a page is a walk down this index
            models.Index(fields=["department", "status", "id"], name="needpush_dept_newest"),
            # a region's tab page by page on PostgreSQL: ids read from this index alone (``queries.queue``)
            models.Index(
                fields=["department", "status", "region_code", "due_on", "id"], name="needpush_region_page"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "need"],
                condition=models.Q(source="rule", ended_on__isnull=True),
                name="needpush_one_live_rule_push",
            )
        ]


class ChainEvent(Regional):
    """一户一条救助链: one typed event on the household's timeline (never free-text only)."""

    class Kind(models.TextChoices):
        WARNING = "warning", "预警"
        ESCALATION = "escalation", "逾期升级"
        DISPATCH = "dispatch", "派发/指派"
        VISIT = "visit", "入户核查"
        DISPOSITION = "disposition", "处置"
        NEED_PUSH = "need_push", "需求推送"
        FEEDBACK = "feedback", "部门反馈"
        APPLICATION = "application", "救助申请"
        REFERRAL = "referral", "转介"
        DECISION = "decision", "认定结果"
        CATEGORY = "category", "救助类别变化"
        CLOSED = "closed", "办结"
        REPORT = "report", "群众报告"
        SERVICE = "service", "救助服务"
        CHARITY = "charity", "慈善帮扶"

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="chain")
    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    ref_type = models.CharField(max_length=32)  # model label of the referenced row
    ref_id = models.BigIntegerField()
    summary = models.CharField(max_length=300)  # Chinese one-liner rendered from the typed data
    data = models.JSONField(default=dict)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)

    class Meta(Regional.Meta):
        verbose_name = "救助链事件"
        indexes = [models.Index(fields=["household", "at"])]


class Notification(models.Model):
    """In-app notification (new assignment, approaching deadline, escalation, need push)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField(max_length=300)
    link = models.CharField(max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=100, blank=True)  # e.g. "deadline:<warning_id>:<date>"
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        indexes = [models.Index(fields=["user", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="one_notification_per_user_and_key",
            ),
        ]


class WorkdayOverride(models.Model):
    """Administrator-maintained holiday arrangement for years the ``chinese-calendar`` package does not
    know (it covers 2004–2026): a date that is a holiday, or a make-up working day (调休)."""

    date = models.DateField(unique=True)
    is_workday = models.BooleanField()
    note = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = "节假日安排"
