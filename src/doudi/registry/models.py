"""The time-aware registry of low-income households (DOMAIN §3, R-H1–R-H4).

Current state lives on Person/Household for fast lists; everything that can change over time is a
dated row with a source: Membership (who lives in which household, as what), PersonFact and
HouseholdFact (disability, illness, income, assets, …) and CategoryStatus (DIBAO, TEKUN, …).
Intervals are half-open: a row holds on day D when ``valid_from <= D`` and (``valid_to`` is null or
``D < valid_to``). Every table carries ``region_code`` so the scoped manager can filter it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from doudi.core import crypto
from doudi.core.models import Regional


class AreaType(models.TextChoices):
    URBAN = "urban", "城市"
    RURAL = "rural", "农村"


class Category(models.TextChoices):
    """R-C1."""

    DIBAO = "DIBAO", "低保对象"
    TEKUN = "TEKUN", "特困人员"
    MARGINAL = "MARGINAL", "低保边缘家庭成员"
    RIGID = "RIGID", "刚性支出困难家庭成员"
    FPJC = "FPJC", "防止返贫监测对象"
    OTHER = "OTHER", "其他困难人员"


# the categories' short names (summaries, matrices, run reports) and the shortest ones (the home
# page's chart); the one table of each, imported wherever a category is named briefly
CATEGORY_NAMES: dict[str, str] = {
    Category.DIBAO: "低保",
    Category.TEKUN: "特困",
    Category.MARGINAL: "低保边缘",
    Category.RIGID: "刚性支出困难",
    Category.FPJC: "防止返贫监测",
    Category.OTHER: "其他困难",
}
CATEGORY_SHORT: dict[str, str] = {
    Category.DIBAO: "低保",
    Category.TEKUN: "特困",
    Category.MARGINAL: "边缘",
    Category.RIGID: "刚性支出",
    Category.FPJC: "防返贫",
    Category.OTHER: "其他",
}
# ``Person.sex`` codes
SEX_LABELS: dict[str, str] = {"M": "男", "F": "女"}


class Relation(models.TextChoices):
    HEAD = "head", "户主"
    SPOUSE = "spouse", "配偶"
    CHILD = "child", "子女"
    PARENT = "parent", "父母"
    GRANDCHILD = "grandchild", "孙子女"
    GRANDPARENT = "grandparent", "祖父母"
    SIBLING = "sibling", "兄弟姐妹"
    OTHER = "other", "其他"


class Source(models.TextChoices):
    ROSTER = "roster", "名册导入"
    SELF_DECLARED = "self_declared", "本人申报"
    HOME_VISIT = "home_visit", "入户核查"
    DEPARTMENT = "department", "部门数据"
    CASEWORKER = "caseworker", "经办人录入"


class IdStatus(models.TextChoices):
    VALID = "valid", "有效"
    UPGRADED = "upgraded15", "15位旧号已升位"
    INVALID = "invalid", "无效"
    MISSING = "missing", "缺失"


class PersonFactKind(models.TextChoices):
    IDENTITY = "identity", "身份信息"  # name, id number, sex, birth date as recorded from a date
    DISABILITY = "disability", "残疾"
    SERIOUS_ILLNESS = "serious_illness", "重病"
    EMPLOYMENT = "employment", "就业"
    SCHOOLING = "schooling", "在学"
    LABOUR_CAPACITY = "labour_capacity", "劳动能力"
    ADL = "adl", "生活自理能力"
    OWN_INCOME = "own_income", "个人收入"
    OWN_ASSETS = "own_assets", "个人财产"
    SUPPORTER = "supporter", "赡养抚养扶养"
    CONTACT = "contact", "住址与联系电话"  # {"address", "phone"}: a supporter living apart, a member's phone


class HouseholdFactKind(models.TextChoices):
    LOCATION = "location", "户籍与城乡类别"
    INCOME = "income", "家庭收入"
    ASSETS = "assets", "家庭财产"
    RIGID_EXPENDITURE = "rigid_expenditure", "刚性支出"
    ADDRESS = "address", "住址"


# Kinds whose values are encrypted at rest and shown only through an audited reveal (R-S5).
SENSITIVE_PERSON_KINDS = frozenset(
    {
        PersonFactKind.IDENTITY,
        PersonFactKind.DISABILITY,
        PersonFactKind.SERIOUS_ILLNESS,
        PersonFactKind.OWN_INCOME,
        PersonFactKind.ADL,
        PersonFactKind.CONTACT,
    }
)
SENSITIVE_HOUSEHOLD_KINDS = frozenset({HouseholdFactKind.INCOME, HouseholdFactKind.ADDRESS})


class Household(Regional):
    household_key = models.CharField("户编号", max_length=64, unique=True)
    area_type = models.CharField("城乡类别", max_length=5, choices=AreaType.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(Regional.Meta):
        verbose_name = "家庭"

    def __str__(self) -> str:
        return self.household_key


class Person(Regional):
    person_key = models.CharField("人员编号", max_length=64, unique=True)
    name = models.CharField("姓名", max_length=64, db_index=True)
    id_enc = models.BinaryField(null=True, blank=True)  # SM4-GCM of the normalised number as recorded
    id_index = models.CharField(max_length=32, null=True, blank=True, db_index=True)  # SM3-HMAC
    id_masked = models.CharField("身份证号（脱敏）", max_length=24, blank=True)
    id_status = models.CharField(max_length=10, choices=IdStatus.choices)
    id_problem = models.CharField(max_length=20, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, blank=True)  # M / F
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="current_members"
    )
    relation = models.CharField(max_length=12, choices=Relation.choices, blank=True)
    roster_hash = models.CharField(
        max_length=32, blank=True
    )  # what the last roster row said, to skip unchanged
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(Regional.Meta):
        verbose_name = "人员"

    def __str__(self) -> str:
        return self.name

    def id_number(self) -> str:
        """Decrypt the identity number. Callers showing it to a person must go through
        ``registry.actions.reveal_id_number`` so the read is logged."""
        return crypto.decrypt(self.id_enc) if self.id_enc else ""


class Membership(Regional):
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    relation = models.CharField(max_length=12, choices=Relation.choices)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices)
    source_ref = models.CharField(max_length=64, blank=True)

    class Meta(Regional.Meta):
        verbose_name = "家庭成员关系"
        indexes = [
            models.Index(fields=["household", "valid_from"]),
            models.Index(fields=["person", "valid_from"]),
        ]


class FactBase(Regional):
    kind = models.CharField(max_length=24)
    value = models.JSONField(null=True, blank=True)  # non-sensitive kinds
    value_enc = models.BinaryField(null=True, blank=True)  # sensitive kinds, SM4-GCM of JSON
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices)
    source_ref = models.CharField(max_length=64, blank=True)  # batch id, visit id, …
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)

    class Meta(Regional.Meta):
        abstract = True

    @property
    def sensitive(self) -> bool:
        return self.value_enc is not None

    def data(self):
        return crypto.decrypt_json(self.value_enc) if self.value_enc is not None else self.value


class PersonFact(FactBase):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="facts")

    class Meta(FactBase.Meta):
        verbose_name = "个人事实"
        indexes = [models.Index(fields=["person", "kind", "valid_from"])]


class HouseholdFact(FactBase):
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="facts")

    class Meta(FactBase.Meta):
        verbose_name = "家庭事实"
        indexes = [models.Index(fields=["household", "kind", "valid_from"])]


class CategoryStatus(Regional):
    """A person's recognised category over [since, until) (R-C1)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="categories")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="categories")
    category = models.CharField(max_length=10, choices=Category.choices, db_index=True)
    since = models.DateField()
    until = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices)
    source_ref = models.CharField(max_length=64, blank=True)

    class Meta(Regional.Meta):
        verbose_name = "救助类别"
        indexes = [models.Index(fields=["person", "since"]), models.Index(fields=["household", "since"])]


class ImportBatch(Regional):
    """One roster load: its lifecycle, its counts and its rejected rows (kept for the report)."""

    class Status(models.TextChoices):
        RECEIVED = "received", "已接收"
        LOADED = "loaded", "已载入"
        FAILED = "failed", "失败"

    file_name = models.CharField(max_length=255)
    content_hash = models.CharField(max_length=64, db_index=True)
    as_of = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RECEIVED)
    rows_read = models.IntegerField(default=0)
    rows_loaded = models.IntegerField(default=0)
    rows_rejected = models.IntegerField(default=0)
    rows_unchanged = models.IntegerField(default=0)
    summary = models.JSONField(default=dict)
    errors = models.JSONField(default=list)  # [{"line": n, "column": c, "reason": "…"}]
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(Regional.Meta):
        verbose_name = "名册导入批次"


class SupporterIncapacity(models.TextChoices):
    """Why a legal supporter cannot support, where the registry cannot tell it otherwise (R-T3)."""

    NO_CIVIL_CAPACITY = "no_civil_capacity", "无民事行为能力"
    MISSING = "missing", "下落不明"
    PRISON = "prison", "服刑或强制隔离戒毒"


class LegalSupporter(Regional):
    """A legal supporter (法定赡养、抚养、扶养义务人, R-H3) of a person over [valid_from, valid_to), whether
    or not they live together. ``relation`` is what the supporter is to the person. Co-residents who are
    not legal supporters (siblings outside the defined cases, nephews) are simply not recorded here.
    R-T3 reads these rows and the supporters' own status (``policy.supporters``)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="supporter_links")
    supporter = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="supported_links")
    relation = models.CharField(max_length=12, choices=Relation.choices)
    incapacity = models.CharField(max_length=20, choices=SupporterIncapacity.choices, blank=True)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices)
    source_ref = models.CharField(max_length=64, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)

    class Meta(Regional.Meta):
        verbose_name = "法定赡养抚养扶养义务人"
        indexes = [models.Index(fields=["person", "valid_from"])]
