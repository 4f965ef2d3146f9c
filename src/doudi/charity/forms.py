"""The charity forms (labels in Chinese)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from doudi.charity import rules

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _with_blank(table: dict[str, str], blank: str = "请选择") -> list[tuple[str, str]]:
    return [("", blank), *table.items()]


class NeedForm(forms.Form):
    category = forms.ChoiceField(label="需求类别", choices=_with_blank(rules.CATEGORIES))
    title = forms.CharField(label="需求标题（公开，不含姓名、地址）", max_length=60)
    description = forms.CharField(
        label="需求详情（内部，仅工作人员可见）", widget=forms.Textarea(attrs={"rows": 4})
    )
    measure = forms.ChoiceField(label="需求形式", choices=list(rules.MEASURES.items()), initial="money")
    target = forms.DecimalField(
        label="所需金额（元）或物资数量", min_value=0, max_digits=12, decimal_places=2
    )
    unit = forms.CharField(label="物资单位（资金不填）", max_length=8, required=False)
    due_on = forms.DateField(label="需求截止日期", widget=DATE)
    public_story = forms.CharField(
        label="公开说明（中性表述，不含姓名、证件号、电话、村或乡镇名称）", required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )  # fmt: skip


class NewNeedForm(NeedForm):
    household_key = forms.CharField(label="户编号", max_length=64, required=False)
    origin = forms.ChoiceField(label="需求来源", choices=list(rules.ORIGINS.items()), initial="township")
    origin_ref = forms.CharField(
        label="所涉记录（申请编号、救助档案号或预警号；网格员走访或乡镇发现可不填）",
        max_length=40,
        required=False,
    )
    person = forms.TypedChoiceField(
        label="需求涉及的成员（可不选）", coerce=int, required=False, empty_value=None
    )

    field_order = ["household_key", "origin", "origin_ref", "person"]

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "整户"), *[(p.pk, p.name) for p in members]]
        if not members:
            del self.fields["person"]


class ConsentForm(forms.Form):
    consent_by = forms.CharField(label="同意人", max_length=64)
    consent_on = forms.DateField(label="同意日期", widget=DATE)
    consent_method = forms.ChoiceField(label="同意方式", choices=list(rules.CONSENT_METHODS.items()))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent_on"].initial = timezone.localdate()


class ApproveForm(forms.Form):
    title = forms.CharField(label="需求标题（公开）", max_length=60)
    public_story = forms.CharField(label="公开说明", widget=forms.Textarea(attrs={"rows": 5}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=200, required=False)


class CharityForm(forms.Form):
    name = forms.CharField(label="组织名称", max_length=100)
    credit_code = forms.CharField(label="统一社会信用代码（登记证号）", max_length=18)
    authority = forms.CharField(label="登记管理机关", max_length=60)
    service_area = forms.MultipleChoiceField(label="服务区域", widget=forms.CheckboxSelectMultiple)
    contact_name = forms.CharField(label="联系人", max_length=40)
    contact_phone = forms.CharField(label="联系电话", max_length=20)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service_area"].choices = list(areas)


class MemberForm(forms.Form):
    user = forms.TypedChoiceField(label="慈善组织账号", coerce=int)

    def __init__(self, *args, users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [(u.pk, f"{u.label}（{u.username}）") for u in users]


class LibraryFilter(forms.Form):
    county = forms.ChoiceField(label="县（市、区）", required=False)
    category = forms.ChoiceField(label="类别", required=False, choices=_with_blank(rules.CATEGORIES, "全部"))
    min_amount = forms.DecimalField(label="金额不低于", required=False, min_value=0)
    max_amount = forms.DecimalField(label="金额不高于", required=False, min_value=0)
    due_before = forms.DateField(label="截止日期不晚于", required=False, widget=DATE)

    def __init__(self, *args, counties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [("", "全部"), *counties]


class ClaimForm(forms.Form):
    amount = forms.DecimalField(label="认领金额（元）或数量", min_value=0, max_digits=12, decimal_places=2)


class DeliveryForm(forms.Form):
    kind = forms.ChoiceField(label="帮扶形式", choices=list(rules.DELIVERY_KINDS.items()))
    amount = forms.DecimalField(label="交付金额（元）或数量", min_value=0, max_digits=12, decimal_places=2)
    description = forms.CharField(label="交付说明", widget=forms.Textarea(attrs={"rows": 3}))
    delivered_on = forms.DateField(label="交付日期", widget=DATE)
    evidence = forms.FileField(label="凭证（图片或PDF，5 MB以内）", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivered_on"].initial = timezone.localdate()
