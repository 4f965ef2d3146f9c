"""Forms of the payments pages (Chinese labels; the actions check the rules and say why)."""

from __future__ import annotations

from django import forms

from doudi.payments.models import RecipientAccount


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
