"""Forms of the payments pages (Chinese labels; the actions check the rules and say why)."""

from __future__ import annotations

import re

from django import forms

from doudi.payments.models import Programme, RecipientAccount, RecoveryClaim
from doudi.registry.models import CATEGORY_NAMES, CATEGORY_SHORT, AreaType


class UnlockForm(forms.Form):
    reason = forms.CharField(label="解锁原因", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class SendForm(forms.Form):
    external_ref = forms.CharField(label="银行（一卡通平台）批次号", max_length=64)


class ReturnForm(forms.Form):
    file = forms.FileField(label="银行回盘文件（CSV 或 XLSX）")


class AccountForm(forms.Form):
    kind = forms.ChoiceField(label="账户类型", choices=RecipientAccount.Kind.choices)
    holder_name = forms.CharField(label="持卡人姓名", max_length=64)
    holder_relation = forms.ChoiceField(label="持卡人身份", choices=RecipientAccount.Holder.choices)
    holder_reason = forms.CharField(
        label="原因（监护人、代理人收款或现金发放时必填）", max_length=200, required=False
    )
    number = forms.CharField(label="账号", max_length=40, required=False)
    bank_name = forms.CharField(label="开户银行", max_length=64, required=False)
    institutional = forms.BooleanField(label="集中供养机构代领（现金）", required=False)
    person = forms.TypedChoiceField(label="收款人", coerce=int, required=False, empty_value=None)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "全户（家庭账户）")] + [(p.pk, p.name) for p in members]


class FixForm(forms.Form):
    note = forms.CharField(label="处理情况", max_length=200)


class MonthForm(forms.Form):
    month = forms.CharField(label="月份（YYYY-MM）", max_length=7)


class ClaimForm(forms.Form):
    """A recovery claim (R-PAY8) of one of the household's cases."""

    case = forms.TypedChoiceField(label="救助案件", coerce=int)
    cause = forms.ChoiceField(label="多发原因", choices=RecoveryClaim.Cause.choices)
    months = forms.CharField(label="多发月份（YYYY-MM，多个用逗号或空格分隔）", max_length=200)
    amount = forms.IntegerField(label="追回金额（元）", min_value=1)
    mode = forms.ChoiceField(
        label="追回方式",
        choices=[
            ("offset", "从以后发放中抵扣"),
            ("repay", "家庭退回"),
            ("write_off", "申请核销（仅工作失误）"),
        ],
    )
    note = forms.CharField(
        label="情况说明", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, cases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].choices = [
            (c.pk, f"{CATEGORY_NAMES.get(c.tier, '')}案件第{c.pk}号（{c.get_state_display()}）")
            for c in cases
        ]

    def clean_months(self) -> list[str]:
        parts = [p for p in re.split(r"[\s,，、]+", self.cleaned_data["months"]) if p]
        for p in parts:
            if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", p):
                raise forms.ValidationError(f"月份“{p}”格式应为 YYYY-MM")
        return sorted(set(parts))


class DecideForm(forms.Form):
    approve = forms.TypedChoiceField(
        label="决定", choices=[("1", "同意"), ("0", "不同意")], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label="决定意见", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class RepayForm(forms.Form):
    amount = forms.IntegerField(label="退回金额（元）", min_value=1)
    on = forms.DateField(label="退回日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="备注（收据号等）", max_length=200, required=False)


class OneOffForm(forms.Form):
    """A region-wide one-off decision (R-PAY9): rule, amount and a selection — never typed rows."""

    title = forms.CharField(label="决定名称", max_length=100)
    rule = forms.CharField(label="依据的文件或规则编号", max_length=32)
    month = forms.CharField(label="发放月份（YYYY-MM）", max_length=7)
    programme = forms.ChoiceField(label="发放项目", choices=Programme.choices)
    amount = forms.IntegerField(label="金额（元）", min_value=1)
    per_person = forms.TypedChoiceField(
        label="计发方式", choices=[("0", "每户（每个案件）"), ("1", "每人")], coerce=lambda v: v == "1"
    )
    tiers = forms.MultipleChoiceField(
        label="发放对象类别",
        choices=[(t, CATEGORY_SHORT[t]) for t in ("DIBAO", "TEKUN")],
        widget=forms.CheckboxSelectMultiple,
    )
    area_type = forms.ChoiceField(label="城乡", choices=[("", "不限"), *AreaType.choices], required=False)
    region_prefix = forms.ChoiceField(label="发放范围", required=False)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_prefix"].choices = [("", "本级全辖区")] + list(regions)
