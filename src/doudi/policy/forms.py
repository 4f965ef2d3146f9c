"""Forms of the policy pages: the parameter page's filter, a parameter change proposal, a review."""

from __future__ import annotations

from django import forms

from doudi.policy import params_store
from doudi.registry.models import AreaType

AREA_CHOICES = [("", "城乡通用"), *AreaType.choices]


class ParametersFilterForm(forms.Form):
    region = forms.RegexField(
        label="区划代码", regex=r"^\d{6}(\d{6})?$", required=False,
        error_messages={"invalid": "区划代码应为6位或12位数字"},
    )  # fmt: skip
    date = forms.DateField(
        label="日期", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class ProposalForm(forms.Form):
    key = forms.ChoiceField(label="参数", choices=())
    area_type = forms.ChoiceField(label="城乡类别", choices=AREA_CHOICES, required=False)
    value = forms.CharField(label="新的参数值", max_length=64)
    effective_from = forms.DateField(
        label="生效日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.CharField(label="调整理由及依据", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = params_store.keys()

    def change(self) -> dict:
        data = self.cleaned_data
        return {
            "key": data["key"],
            "area_type": data["area_type"] or None,
            "value": data["value"].strip(),
            "effective_from": data["effective_from"].isoformat(),
        }


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "批准"), ("reject", "驳回")])
    note = forms.CharField(
        label="审核意见", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
