"""Complaints, objections and reports (投诉、异议、举报; CASEWORK §8, R-G1–R-G9).

``region_code`` of a ticket is the township it concerns (the household's, the application's, or the one the
complainant chose); ``handler_level`` the level that handles it (the township, the supervising level for
reports and tickets naming staff, one level up for an appeal). The complainant's identity number and phone
are stored like the registry's (SM4, blind index, masked); the public tracking number is random."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from doudi.complaints import rules
from doudi.core.models import Regional


def _choices(table: dict[str, str]) -> list[tuple[str, str]]:
    return list(table.items())


class Complaint(Regional):
    number = models.CharField("编号", max_length=24, unique=True)
    tracking_code = models.CharField(max_length=16, null=True, blank=True, unique=True)  # public 查询码
    check_digest = models.CharField(max_length=64, blank=True)  # keyed hash of code + phone's last 4 digits
    channel = models.CharField("来源渠道", max_length=14, choices=_choices(rules.CHANNELS))
    ctype = models.CharField("类型", max_length=24, choices=_choices(rules.TYPES))
    state = models.CharField(
        "状态", max_length=14, choices=_choices(rules.STATES), default="new", db_index=True
    )
    sensitive = models.BooleanField("敏感", default=False)
    handler_level = models.CharField(max_length=10, default="township")
    escalated_level = models.CharField(max_length=10, blank=True)
    escalated_on = models.DateField(null=True, blank=True)
    # the complainant (R-G1: may be anonymous; R-G7: never shown to the reported household or staff)
    anonymous = models.BooleanField("匿名", default=False)
    reporter_name = models.CharField("投诉人", max_length=64, blank=True)
    reporter_id_enc = models.BinaryField(null=True, blank=True)
    reporter_id_index = models.CharField(max_length=64, null=True, blank=True, db_index=True)
    reporter_id_masked = models.CharField("身份证号（脱敏）", max_length=24, blank=True)
    reporter_phone_enc = models.BinaryField(null=True, blank=True)
    reporter_phone_masked = models.CharField("联系电话（脱敏）", max_length=20, blank=True)
    # what it is about
    household = models.ForeignKey(
        "registry.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    application = models.ForeignKey(
        "casework.Application", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "casework.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_staff_name = models.CharField("被投诉工作人员", max_length=64, blank=True)
    subject_name = models.CharField("被投诉（举报）对象", max_length=64, blank=True)
    summary = models.CharField("事由", max_length=200)
    content = models.TextField("具体内容")
    # the clock (R-G5), in working days on the holiday calendar; 信访 limits in days
    received_on = models.DateField("收到日期")
    accepted_on = models.DateField(null=True, blank=True)
    response_due = models.DateField("受理期限")
    resolve_due = models.DateField("办结期限")
    resolve_days = models.PositiveSmallIntegerField(
        default=0
    )  # the resolve limit (WD), for the at-risk share
    xinfang = models.BooleanField("信访事项", default=False)
    xinfang_extended = models.BooleanField(default=False)
    # handling, the decision and the reply
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    finding = models.TextField("调查核实情况", blank=True)
    decision = models.CharField("处理决定", max_length=14, blank=True, choices=_choices(rules.DECISIONS))
    decision_note = models.TextField("处理意见", blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    root_cause = models.CharField("问题原因", max_length=8, blank=True, choices=_choices(rules.ROOT_CAUSES))
    reply = models.TextField("答复内容", blank=True)
    reply_method = models.CharField(max_length=8, blank=True, choices=_choices(rules.REPLY_METHODS))
    closed_on = models.DateField("办结日期", null=True, blank=True)
    appeal_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="appeals"
    )
    client_hash = models.CharField(max_length=64, blank=True)  # public submissions: rate limit per address
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta(Regional.Meta):
        verbose_name = "投诉举报"
        indexes = [
            models.Index(fields=["region_code", "state"]),
            models.Index(fields=["state", "resolve_due"]),
        ]

    @property
    def type_label(self) -> str:
        return rules.TYPES.get(self.ctype, "")

    @property
    def state_label(self) -> str:
        return rules.STATES.get(self.state, "")

    @property
    def channel_label(self) -> str:
        return rules.CHANNELS.get(self.channel, "")

    @property
    def decision_label(self) -> str:
        return rules.DECISIONS.get(self.decision, "")

    @property
    def level_label(self) -> str:
        return rules.LEVEL_LABELS.get(self.handler_level, "")

    @property
    def escalated_label(self) -> str:
        return rules.LEVEL_LABELS.get(self.escalated_level, "")

    @property
    def root_cause_label(self) -> str:
        return rules.ROOT_CAUSES.get(self.root_cause, "")

    @property
    def reply_method_label(self) -> str:
        return rules.REPLY_METHODS.get(self.reply_method, "")


class ComplaintStep(Regional):
    """The history: every transition and note, dated, by whom, with the rule behind it."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="steps")
    event = models.CharField(max_length=16)
    label = models.CharField(max_length=40)
    from_state = models.CharField(max_length=14, blank=True)
    to_state = models.CharField(max_length=14, blank=True)
    on = models.DateField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=150)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "投诉举报办理记录"
        ordering = ["pk"]


class StaffRelation(Regional):
    """A staff member's declared near relative in a household (R-W4 list; 近亲属备案): the staff member is
    recused from that household's tickets (R-G8). ``region_code`` is the household's."""

    RELATIONS = {
        "spouse": "配偶",
        "parent": "父母",
        "child": "子女",
        "sibling": "兄弟姐妹",
        "grandparent": "祖父母、外祖父母",
        "grandchild": "孙子女、外孙子女",
        "in_law": "其他近姻亲",
    }
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    relation = models.CharField(max_length=12, choices=list(RELATIONS.items()))
    declared_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "工作人员近亲属备案"
        constraints = [
            models.UniqueConstraint(fields=["user", "household"], name="complaints_staff_rel_once")
        ]
