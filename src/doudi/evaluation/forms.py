from __future__ import annotations

from django import forms
from django.utils import timezone

from doudi.evaluation.models import LEVELS


class RunForm(forms.Form):
    year = forms.IntegerField(label="评价年度", min_value=2000)
    level = forms.ChoiceField(label="评价层级", choices=list(LEVELS.items()), initial="county")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year - 1
        self.fields["year"].max_value = timezone.localdate().year
