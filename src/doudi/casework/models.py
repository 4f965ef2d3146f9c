"""Casework (CASEWORK §2–§4): the application from the window to a confirmed case, with its history,
deadlines, pauses, authorizations, verification reports, investigations, notice, objections, the
decisions it produced and the cases they opened. The state machine is ``states``; every write is in
the ``*_actions`` modules."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from doudi.casework.states import OPEN_STATES, STATES
from doudi.core.models import Regional


class Channel(models.TextChoices):
    WINDOW = "window", "窗口申请"
    ONLINE = "online", "网上申请"
    WARNING = "warning", "监测预警转申请"
    REPORT = "report", "群众报告转申请"
    PROACTIVE = "proactive", "主动发现"


class Application(Regional):
    """One household's application for every tier (R-W1, R-W16, R-W26); ``region_code`` is the
    handling township's (the household's region)."""

    State = models.TextChoices("State", [(k, v) for k, v in STATES.items()])  # type: ignore[call-overload,misc]

    number = models.CharField("申请编号", max_length=24, unique=True)
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey("registry.Person", null=True, blank=True, on_delete=models.PROTECT)
    applicant_name = models.CharField("申请人", max_length=64)
    proxy = models.CharField(
        "代办人及委托手续", max_length=200, blank=True
    )  # village committee or another person
    channel = models.CharField("申请渠道", max_length=10, choices=Channel.choices)
    tiers = models.JSONField(default=list)  # requested tiers; [] = every tier (R-W1)
    state = models.CharField(
        "办理状态", max_length=24, choices=State.choices, default="submitted", db_index=True
    )
    version = models.PositiveIntegerField(default=1)  # optimistic locking (R-W17)
    received_on = models.DateField("申请日期")
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    decided_on = models.DateField("办结日期", null=True, blank=True)
    # the two side-by-side tracks (R-W20, R-W22)
    verification_result = models.CharField(max_length=4, blank=True)  # "" | pass | fail
    verification_requested_on = models.DateField(null=True, blank=True)
    investigation_done = models.BooleanField(default=False)
    # flags that change the route
    near_relative = models.BooleanField("近亲属备案", default=False)  # R-W4: county home visit required
    complaint_before_confirmation = models.BooleanField(default=False)  # R-G3: county home visit required
    county_visit_done = models.BooleanField(default=False)
    no_publication = models.CharField(
        "免于公示原因", max_length=100, blank=True
    )  # R-PUB3 reason, "" = published
    hiv_flag = models.BooleanField(default=False)  # R-W24 Jilin rule: county handles, no notice (restricted)
    # materials, commitment and the one-time list of what is missing (R-W19)
    materials = models.JSONField(default=list)  # [{key, label, status: provided|fetched|missing, note}]
    commitment_on = models.DateField("承诺书签署日期", null=True, blank=True)
    commitment_method = models.CharField(max_length=12, blank=True)  # paper | electronic
    # review (R-W23a) and proposal (R-W23b)
    review = models.JSONField(default=dict)  # {items:[{key,label,weight,points}], total, pass_mark, …}
    proposal = models.ForeignKey(
        "policy.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposal_note = models.TextField("初审说明", blank=True)
    proposed_category = models.CharField(max_length=10, blank=True)  # "" = proposed refusal
    proposed_total = models.IntegerField(default=0)
    # overall clock (R-W13)
    extended = models.BooleanField(default=False)
    extension_reason = models.CharField(max_length=200, blank=True)
    # where a warning, report or potential case started it
    warning_id = models.BigIntegerField(null=True, blank=True)
    consent = models.JSONField(default=dict)  # R-W19c: {given_by, given_on, method}
    tekun_care = models.JSONField(default=dict)  # R-W27: {adl: {...}, care_level, support_form}
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(Regional.Meta):
        verbose_name = "救助申请"
        indexes = [
            models.Index(fields=["region_code", "state"], name="application_region_state"),
            models.Index(fields=["household", "state"], name="application_household"),
            # the work lists and counts read open applications only, by subtree: from this index alone
            models.Index(
                fields=["region_code", "state", "id"],
                condition=models.Q(state__in=sorted(OPEN_STATES)),
                name="application_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.applicant_name}"


class Step(Regional):
    """One transition of an application (R-W17): who, in what role and at what level, when, under which rule."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="steps")
    event = models.CharField(max_length=24)
    from_state = models.CharField(max_length=24)
    to_state = models.CharField(max_length=24)
    on = models.DateField()  # the date the step happened (paper files are entered afterwards)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT)
    actor_label = models.CharField(max_length=150)
    role = models.CharField(max_length=32, blank=True)
    level = models.CharField(max_length=10, blank=True)  # province | city | county | township | village
    rule = models.CharField(max_length=12)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict)
    at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "办理环节"
        ordering = ["application_id", "pk"]


class Deadline(Regional):
    """A time limit of the procedure (R-W12–R-W15): rule, start event, due date, done date, the calendar used."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="deadlines")
    key = models.CharField(
        max_length=24
    )  # total | investigate_start | verify_start | confirm | refusal_letter | …
    rule = models.CharField(max_length=12)
    what = models.CharField(max_length=40)
    level = models.CharField(max_length=10, default="township")  # who owes it: township | county
    start_on = models.DateField()
    days = models.PositiveSmallIntegerField()
    day_type = models.CharField(max_length=8, default="working")  # working | calendar
    due = models.DateField(db_index=True)
    done_on = models.DateField(null=True, blank=True)
    calendar = models.CharField(max_length=40, blank=True)  # the calendar version used (R-W12)
    escalated_on = models.DateField(null=True, blank=True)

    class Meta(Regional.Meta):
        verbose_name = "办理时限"
        constraints = [models.UniqueConstraint(fields=["application", "key"], name="one_deadline_per_key")]
        indexes = [
            models.Index(fields=["region_code", "done_on", "due"], name="deadline_open_due"),
            # the work lists and counts read open deadlines only: by subtree (overdue, escalated) and by
            # application (its nearest due); covering, done_on included so SQLite reads no table row
            models.Index(
                fields=["region_code", "due", "escalated_on", "application", "done_on"],
                condition=models.Q(done_on__isnull=True),
                name="deadline_open_region",
            ),
            models.Index(
                fields=["application", "due", "escalated_on", "done_on"],
                condition=models.Q(done_on__isnull=True),
                name="deadline_open_application",
            ),
        ]


class Pause(Regional):
    """A pause of the overall clock (R-W14): only (a) materials asked after acceptance or (b) a recheck."""

    class Reason(models.TextChoices):
        MATERIALS = "materials", "等待申请人补充材料"
        RECHECK = "recheck", "申请人申请复查"

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="pauses")
    reason = models.CharField(max_length=10, choices=Reason.choices)
    note = models.CharField(max_length=300, blank=True)
    start_on = models.DateField()
    end_on = models.DateField(null=True, blank=True)

    class Meta(Regional.Meta):
        verbose_name = "办理时限中止"


class Authorization(Regional):
    """授权书 (R-W19a) of one co-resident adult member or legal supporter."""

    class Method(models.TextChoices):
        PAPER = "paper", "纸质签字（扫描件）"
        ELECTRONIC = "electronic", "远程电子授权（人脸核验）"

    class Role(models.TextChoices):
        MEMBER = "member", "家庭成员"
        SUPPORTER = "supporter", "法定赡养（抚养、扶养）义务人"
        GUARDIAN = "guardian", "监护人代签"

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="authorizations")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=Role.choices)
    method = models.CharField(max_length=10, choices=Method.choices)
    signed_on = models.DateField()
    items = models.JSONField(default=list)  # the must-verify items it covers (R-W21)
    purpose = models.CharField(max_length=200)
    valid_until = models.DateField(
        null=True, blank=True
    )  # None: the whole time of receipt + after-exit months
    scan = models.FileField(upload_to="authorizations/%Y/%m/", blank=True)
    revoked_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "授权书"


class Attachment(Regional):
    """A scanned paper (application form, commitment, certificates) attached at the window."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="attachments")
    material = models.CharField(max_length=40)
    file = models.FileField(upload_to="applications/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "申请材料扫描件"


class VerificationReport(Regional):
    """核对报告 (R-W20): per person and item the value found, its source and as-of date and the result;
    a recheck (复查) is a new version, the old one kept."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="verifications")
    version = models.PositiveSmallIntegerField()
    as_of = models.DateField()
    result = models.CharField(max_length=4)  # pass | fail
    rows = models.JSONField(
        default=list
    )  # [{person_id, member, item, item_label, declared, found, source, as_of, result}]
    reasons = models.JSONField(default=list)  # why it fails, Chinese
    source = models.CharField(
        max_length=10, default="system"
    )  # system (Doudi's data) | manual (paper result)
    authorization_ids = models.JSONField(default=list)  # R-W19a: each request quotes the authorizations
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "核对报告"
        constraints = [models.UniqueConstraint(fields=["application", "version"], name="one_report_version")]


class Investigation(Regional):
    """家庭经济状况调查 record (R-W22): at least two investigators, both sides' signatures or a recorded
    refusal, labour capacity per member, photos; ``level`` county for the R-W23 county visit."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="investigations")
    level = models.CharField(max_length=10, default="township")  # township | county | cross_region
    visited_on = models.DateField()
    method = models.CharField(max_length=10, default="home")  # home | video | phone (declared emergency)
    investigators = models.JSONField()  # names, ≥ 2
    members_present = models.JSONField(default=list)
    living_conditions = models.TextField(blank=True)
    income_answers = models.TextField(blank=True)
    housing_rating = models.CharField(max_length=8, blank=True)  # poor | fair | good (for R-W23a)
    labour_capacity = models.JSONField(default=dict)  # {person_id: full|partial|none}
    findings = models.TextField()
    members_signed = models.BooleanField(default=True)
    refusal_to_sign = models.CharField(max_length=200, blank=True)
    updated_facts = models.JSONField(default=list)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "入户调查记录"


class InvestigationPhoto(Regional):
    investigation = models.ForeignKey(Investigation, on_delete=models.PROTECT, related_name="photos")
    file = models.FileField(upload_to="investigations/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    taken_at = models.CharField(max_length=40, blank=True)  # time and place as given
    place = models.CharField(max_length=100, blank=True)

    class Meta(Regional.Meta):
        verbose_name = "调查照片"


class Notice(Regional):
    """公示 (R-PUB2): the masked content, start and end (calendar or working days), taken down at the end."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="notices")
    round = models.PositiveSmallIntegerField(default=1)
    start_on = models.DateField()
    end_on = models.DateField()  # last day, ends 24:00
    content = models.JSONField()  # masked: name, village, size, tier, amount, summary, objection channel
    public_key = models.CharField(max_length=32, unique=True)  # unguessable id of the public page
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "公示"


class Objection(Regional):
    """An objection to a notice (R-G2 a, R-G3) or to a verification result (R-G2 b)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="objections")
    notice = models.ForeignKey(Notice, null=True, blank=True, on_delete=models.PROTECT)
    kind = models.CharField(max_length=12, default="notice")  # notice | verification | complaint
    text = models.TextField()
    received_on = models.DateField()
    outcome = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "异议"


class Case(Regional):
    """救助档案 (R-W18): one household's standing recognition in one tier."""

    class State(models.TextChoices):
        ACTIVE = "active", "在保"
        UNDER_REVIEW = "under_review", "复核中"
        ADJUSTED = "adjusted", "已调整"
        GRACE = "grace", "渐退期"
        SUSPENDED = "suspended", "暂停"
        TERMINATED = "terminated", "已终止"
        TRANSITIONED = "transitioned", "已转入其他类别"
        CLOSED = "closed", "已结案"

    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="cases")
    tier = models.CharField(max_length=10)  # DIBAO | TEKUN | MARGINAL | RIGID
    state = models.CharField(max_length=12, choices=State.choices, default=State.ACTIVE, db_index=True)
    since = models.DateField()
    until = models.DateField(null=True, blank=True)
    monthly_total = models.IntegerField(default=0)
    pay_from = models.DateField(null=True, blank=True)  # first day of the first paid month (R-PAY2)
    pay_until = models.DateField(null=True, blank=True)  # first day of the last paid month; null = open
    basis = models.ForeignKey(
        "casework.AmountBasis", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )  # what the monthly amount is computed from (R-PAY3)
    review_class = models.CharField(max_length=1, blank=True)  # A | B | C (R-W30)
    next_review = models.DateField(null=True, blank=True)
    decision = models.ForeignKey("policy.Decision", null=True, on_delete=models.PROTECT, related_name="+")
    application = models.ForeignKey(Application, null=True, on_delete=models.PROTECT, related_name="cases")
    care_level = models.CharField(max_length=10, blank=True)  # TEKUN: full | partial | self (R-T5)
    support_form = models.CharField(max_length=10, blank=True)  # TEKUN: dispersed | centralized
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(Regional.Meta):
        verbose_name = "救助档案"
        constraints = [
            models.UniqueConstraint(
                fields=["household", "tier"],
                condition=models.Q(state__in=["active", "under_review", "adjusted", "grace", "suspended"]),
                name="one_open_case_per_household_tier",
            )
        ]
        indexes = [models.Index(fields=["next_review"], name="case_next_review")]  # the daily scheduler


class CaseDecision(Regional):
    """决定 (R-W16): confirm / refuse (and, later, adjust / suspend / terminate / transition), dated, with
    its rule basis, amounts and the stored assessment used."""

    class Kind(models.TextChoices):
        CONFIRM = "confirm", "确认"
        REFUSE = "refuse", "不予确认"
        OVERRULE = "overrule", "县级抽查改正"
        UNCHANGED = "unchanged", "复核维持"
        ADJUST = "adjust", "调整金额"
        GRACE = "grace", "渐退"
        SUSPEND = "suspend", "暂停发放"
        RESUME = "resume", "恢复发放"
        TERMINATE = "terminate", "终止救助"
        TRANSITION = "transition", "转入其他类别"
        MOVE = "move", "迁移"

    application = models.ForeignKey(
        Application, null=True, on_delete=models.PROTECT, related_name="decisions"
    )
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")
    household = models.ForeignKey("registry.Household", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    on = models.DateField()
    review = models.ForeignKey(
        "casework.CaseReview", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    tier = models.CharField(max_length=10, blank=True)
    monthly_total = models.IntegerField(default=0)
    old_monthly_total = models.IntegerField(null=True, blank=True)  # adjust / grace: the amount before
    effective_month = models.DateField(null=True, blank=True)  # first month it changes payment (R-PAY2)
    rules = models.JSONField(default=list)  # rule ids the decision rests on
    reasons = models.JSONField(default=list)  # refusal: [{rule, text, figures}]
    assessment = models.ForeignKey("policy.Decision", null=True, on_delete=models.PROTECT, related_name="+")
    authority_level = models.CharField(max_length=10)  # county | township (delegated)
    filed_on = models.DateField(null=True, blank=True)  # delegated: filed with the county (R-W24)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "救助决定"
        indexes = [  # the home counts' delegated confirmations not yet filed (a few among every decision)
            models.Index(
                fields=["region_code"],
                condition=models.Q(authority_level="township", kind="confirm", filed_on__isnull=True),
                name="decision_unfiled",
            )
        ]


class CareAgreement(Regional):
    """照料服务协议 of a TEKUN person (R-W27, seed §5)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="care_agreements")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    carer = models.CharField(max_length=100)  # carer or institution
    guardian = models.CharField(max_length=64, blank=True)
    care_level = models.CharField(max_length=10)
    signed_on = models.DateField()
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta(Regional.Meta):
        verbose_name = "照料服务协议"


class SpotCheck(Regional):
    """The county's random check of a delegated township confirmation (R-W10, R-W24)."""

    decision = models.OneToOneField(CaseDecision, on_delete=models.PROTECT, related_name="spot_check")
    drawn_on = models.DateField()
    result = models.CharField(max_length=10, blank=True)  # "" open | upheld | overruled
    finding = models.TextField(blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    checked_on = models.DateField(null=True, blank=True)

    class Meta(Regional.Meta):
        verbose_name = "县级抽查"


from doudi.casework.lifecycle_models import (  # noqa: E402,F401  (models of the case's life, CASEWORK §5)
    AmountBasis,
    AmountBasisMember,
    CaseMove,
    CaseReview,
    DeathRecord,
    GracePeriod,
    PresenceCheck,
    Suspension,
)
