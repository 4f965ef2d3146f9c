"""Forms of the batch reassessment and policy simulation pages."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone

from doudi.core.scoping import prefix_of
from doudi.policy.rules.params import COUNT, MONEY, RATIO, SPECS
from doudi.regions.forms import RegionSelect, region_choices
from doudi.regions.queries import find_region

SIMULATION_KEYS = [
    ("dibao_standard", "低保标准（各家庭按本户城乡类别）"),
    *[
        (key, spec.label_zh)
        for key, spec in SPECS.items()
        if spec.assessment and spec.kind in (MONEY, RATIO, COUNT)
    ],
]


def _region_field(user) -> forms.ChoiceField:
    own = user.region
    rest = [c for c in region_choices(prefix_of(own.code)) if c[0] != own.code]
    choices = [(own.code, f"{own.name}（本辖区全部）"), *rest]
    field = forms.ChoiceField(label="区划", choices=choices, initial=own.code, widget=RegionSelect)
    field.error_messages["invalid_choice"] = "所选区划不在您的辖区内"
    return field


class _RunForm(forms.Form):
    as_of = forms.DateField(
        label="测算日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "日期无效，应为YYYY-MM-DD格式", "required": "请填写测算日期"},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields = {"region": _region_field(user), **self.fields}
        self.fields["as_of"].initial = timezone.localdate()

    def clean_region(self) -> str:
        code = self.cleaned_data["region"]
        if find_region(code) is None:
            raise forms.ValidationError("区划不存在")
        return code


class ReassessForm(_RunForm):
    """Batch reassessment of a region's registry households as of a date."""


class SimulateForm(_RunForm):
    """One parameter change: a new value, or a percentage up or down."""

    key = forms.ChoiceField(label="参数", choices=SIMULATION_KEYS, initial="dibao_standard.urban")
    area_type = forms.ChoiceField(
        label="适用家庭",
        required=False,
        choices=[("", "城市和农村家庭"), ("urban", "仅城市家庭"), ("rural", "仅农村家庭")],
    )
    mode = forms.ChoiceField(
        label="调整方式",
        choices=[("percent", "按百分比调整"), ("value", "设为新值")],
        initial="percent",
        widget=forms.RadioSelect,
    )
    amount = forms.DecimalField(
        label="调整幅度（%）或新值",
        max_digits=14,
        decimal_places=4,
        help_text="按百分比时填 5 表示上调 5%，-3 表示下调 3%；设为新值时填写参数的新取值（元、倍数或比例）。",
        error_messages={"invalid": "请填写数字", "required": "请填写调整幅度或新值"},
    )

    def clean(self):
        data = super().clean()
        mode, amount = data.get("mode"), data.get("amount")
        if amount is None or mode is None:
            return data
        if mode == "percent" and not Decimal(-90) <= amount <= Decimal(900):
            self.add_error("amount", "百分比应在 -90 到 900 之间")
        if mode == "value" and amount < 0:
            self.add_error("amount", "新值不能为负数")
        return data

    def change(self) -> dict:
        """The change for ``simulation.simulate``."""
        data = self.cleaned_data
        change: dict = {"key": data["key"]}
        if data["mode"] == "percent":
            change["factor"] = str(1 + data["amount"] / 100)
        else:
            change["value"] = format(data["amount"].normalize(), "f")
        if data.get("area_type"):
            change["area_type"] = data["area_type"]
        return change
