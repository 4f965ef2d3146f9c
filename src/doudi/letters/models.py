"""Notice letters (文书, CASEWORK R-W28): editable templates kept by version, issued letters kept as
issued (PDF bytes and the exact context rendered), and the per-county yearly number counters."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from doudi.core import crypto
from doudi.core.models import Regional
from doudi.letters.kinds import KIND_LABELS


class LetterKind(models.TextChoices):
    RECEIPT = "receipt", KIND_LABELS["receipt"]
    NOT_ACCEPTED = "not_accepted", KIND_LABELS["not_accepted"]
    MATERIALS = "materials", KIND_LABELS["materials"]
    EXTENSION = "extension", KIND_LABELS["extension"]
    VERIFICATION_RESULT = "verification_result", KIND_LABELS["verification_result"]
    VERIFICATION_REPORT = "verification_report", KIND_LABELS["verification_report"]
    NOTICE = "notice", KIND_LABELS["notice"]
    CONFIRMATION = "confirmation", KIND_LABELS["confirmation"]
    REFUSAL = "refusal", KIND_LABELS["refusal"]
    ADJUSTMENT = "adjustment", KIND_LABELS["adjustment"]
    GRACE = "grace", KIND_LABELS["grace"]
    SUSPENSION = "suspension", KIND_LABELS["suspension"]
    TRANSITION = "transition", KIND_LABELS["transition"]
    TEMP_AID_NOTICE = "temp_aid_notice", KIND_LABELS["temp_aid_notice"]
    TEMP_AID_REFUSAL = "temp_aid_refusal", KIND_LABELS["temp_aid_refusal"]


class DeliveryMethod(models.TextChoices):
    IN_PERSON = "in_person", "当面签收"
    POST = "post", "邮寄"
    MINI_PROGRAM = "mini_program", "小程序推送"
    SMS = "sms", "短信"


class LetterTemplate(models.Model):
    """One version of a kind's template. An edit adds a version; the highest version is in use, and
    the shipped default (``templates/letters/defaults/<kind>.html``) when a kind has none."""

    kind = models.CharField("文书种类", max_length=32, choices=LetterKind.choices)
    version = models.PositiveIntegerField("版本")
    title = models.CharField("标题", max_length=100)
    body = models.TextField("正文模板")
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="修改人", null=True, blank=True, on_delete=models.PROTECT
    )
    edited_at = models.DateTimeField("修改时间")
    note = models.CharField("修改说明", max_length=200, blank=True)

    class Meta:
        ordering = ["kind", "-version"]
        verbose_name = "文书模板"
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="letters_template_kind_version")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} 第{self.version}版"


class LetterCounter(models.Model):
    """The last number used per county and year; locked (select_for_update) while a number is taken."""

    county_code = models.CharField(max_length=6)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["county_code", "year"], name="letters_counter_county_year")
        ]


class Letter(Regional):
    """A letter as issued. Never changed after issue except its delivery record; a correction is a
    new letter whose ``corrects`` points at the old one."""

    number = models.CharField("文书编号", max_length=64, unique=True)
    kind = models.CharField("文书种类", max_length=32, choices=LetterKind.choices, db_index=True)
    title = models.CharField("标题", max_length=100)
    household = models.ForeignKey(
        "registry.Household", verbose_name="家庭", null=True, blank=True, on_delete=models.PROTECT
    )
    ref_type = models.CharField("关联对象类型", max_length=64, blank=True)
    ref_id = models.BigIntegerField("关联对象编号", null=True, blank=True)
    context = models.JSONField("渲染内容", encoder=DjangoJSONEncoder)
    template_version = models.PositiveIntegerField("模板版本")  # 0 = the shipped default
    # the PDF as issued, sealed with SM4 (letters carry income figures and names, R-S5); ``pdf_bytes()`` opens it
    pdf = models.BinaryField("PDF（加密）")
    sha256 = models.CharField(max_length=64)
    issued_on = models.DateField("出具日期", db_index=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="出具人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField("出具时间")
    corrects = models.ForeignKey(
        "self",
        verbose_name="更正的文书",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    addressee = models.CharField("收件人", max_length=64, blank=True)
    delivery_method = models.CharField("送达方式", max_length=16, choices=DeliveryMethod.choices, blank=True)
    delivered_on = models.DateField("送达日期", null=True, blank=True)
    delivery_note = models.CharField("送达说明", max_length=200, blank=True)

    class Meta(Regional.Meta):
        ordering = ["-issued_on", "-id"]
        verbose_name = "文书"
        indexes = [models.Index(fields=["ref_type", "ref_id"], name="letters_ref")]

    def pdf_bytes(self) -> bytes:
        return crypto.decrypt_bytes(self.pdf)

    def __str__(self) -> str:
        return self.number

    @property
    def delivered(self) -> bool:
        return self.delivered_on is not None
