"""The forms of the spot-check pages (labels in Chinese)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from doudi.spotchecks import rules


class DrawForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2020, max_value=2100)
    quarter = forms.TypedChoiceField(
        label="期间", choices=list(rules.QUARTERS.items()), coerce=int, initial=0
    )
    kinds = forms.MultipleChoiceField(
        label="抽查类别", choices=list(rules.KINDS.items()), widget=forms.CheckboxSelectMultiple,
        initial=list(rules.KINDS),
    )  # fmt: skip
    share = forms.DecimalField(
        label="抽查比例（留空按参数）", required=False, min_value=0, max_value=1, decimal_places=4,
        help_text="例如 0.05 表示抽取5%",
    )  # fmt: skip
    min_count = forms.IntegerField(
        label="每类最少件数（留空按参数）", required=False, min_value=0, max_value=1000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class FindingForm(forms.Form):
    result = forms.ChoiceField(
        label="核查结论", choices=list(rules.RESULTS.items()), widget=forms.RadioSelect
    )
    category = forms.ChoiceField(label="问题类别", choices=[("", "（无问题不填）")] + list(rules.CATEGORIES.items()),
                                 required=False)  # fmt: skip
    note = forms.CharField(
        label="核查情况", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )


class CorrectionForm(forms.Form):
    correction = forms.CharField(label="整改措施", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    corrected_on = forms.DateField(
        label="整改日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
