"""The household search form."""

from __future__ import annotations

from django import forms

from doudi.regions.forms import RegionSelect, region_choices
from doudi.registry.models import AreaType, Category


class HouseholdSearchForm(forms.Form):
    name = forms.CharField(label="姓名", required=False, max_length=64)
    household_key = forms.CharField(label="户编号", required=False, max_length=64)
    id_number = forms.CharField(label="身份证号", required=False, max_length=32)
    region = forms.ChoiceField(label="区划", required=False, widget=RegionSelect)
    category = forms.ChoiceField(
        label="救助类别", required=False, choices=[("", "全部类别"), *Category.choices]
    )
    area_type = forms.ChoiceField(
        label="城乡类别", required=False, choices=[("", "城市和农村"), *AreaType.choices]
    )

    def __init__(self, *args, scope_prefix: str, **kwargs):
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ChoiceField)
        region.choices = [("", "本辖区全部"), *region_choices(scope_prefix)]
        region.error_messages["invalid_choice"] = "所选区划不在您的辖区内"
        self.fields["name"].widget.attrs.update({"placeholder": "全名或其中几个字", "autocomplete": "off"})
        self.fields["household_key"].widget.attrs.update(
            {"placeholder": "完整或部分户编号", "autocomplete": "off"}
        )
        self.fields["id_number"].widget.attrs.update(
            {"placeholder": "18位或15位", "autocomplete": "off", "inputmode": "text"}
        )

    def filters(self) -> dict[str, str]:
        """The cleaned filters, keyword arguments of ``registry.queries.search_households``."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {k: (data.get(k) or "").strip() for k in self.fields}
