"""Forms of the letter pages: the list filter, the delivery record, the batch print, the template editor."""

from __future__ import annotations

from typing import cast

from django import forms

from doudi.letters.models import DeliveryMethod, LetterKind

DELIVERED_CHOICES = [("", "全部"), ("no", "未送达"), ("yes", "已送达")]
DATE = forms.DateInput(attrs={"type": "date"})


class LetterFilterForm(forms.Form):
    kind = forms.ChoiceField(label="文书种类", required=False, choices=[("", "全部"), *LetterKind.choices])
    township = forms.ChoiceField(label="乡镇（街道）", required=False)
    date_from = forms.DateField(label="出具日期自", required=False, widget=DATE)
    date_to = forms.DateField(label="至", required=False, widget=DATE)
    delivered = forms.ChoiceField(label="送达情况", required=False, choices=DELIVERED_CHOICES)

    def __init__(self, *args, townships: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["township"]).choices = [("", "全部"), *townships]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError("开始日期不能晚于结束日期")
        return data


class DeliveryForm(forms.Form):
    method = forms.ChoiceField(label="送达方式", choices=DeliveryMethod.choices)
    on = forms.DateField(label="送达日期", widget=DATE)
    addressee = forms.CharField(label="签收人（未成年人为监护人）", max_length=64, required=False)
    note = forms.CharField(label="说明", max_length=200, required=False)


class BatchForm(forms.Form):
    township = forms.ChoiceField(label="乡镇（街道）")
    kind = forms.ChoiceField(label="文书种类", required=False, choices=[("", "全部"), *LetterKind.choices])
    date_from = forms.DateField(label="出具日期自", required=False, widget=DATE)
    date_to = forms.DateField(label="至", required=False, widget=DATE)
    undelivered_only = forms.BooleanField(label="只打印未送达的", required=False)

    def __init__(self, *args, townships: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["township"]).choices = townships


class TemplateForm(forms.Form):
    title = forms.CharField(label="文书标题", max_length=100)
    body = forms.CharField(label="正文模板", widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}))
    note = forms.CharField(label="修改说明", max_length=200, required=False)
