"""The household search form, and the window's forms: a new household with its members, a legal
supporter and the end of one."""

from __future__ import annotations

from django import forms

from doudi.regions.forms import RegionSelect, region_choices
from doudi.registry.models import SEX_LABELS, AreaType, Category, Relation, SupporterIncapacity


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


# ------------------------------------------------------------------- registration at the window

MEMBER_ROWS = 4  # blank rows of a new form: the head and three more; "增加一行" adds one
MAX_MEMBER_ROWS = 30
RELATION_CHOICES = [("", "请选择"), *Relation.choices]
SEX_CHOICES = [("", "按身份证号"), *SEX_LABELS.items()]


def window_region_choices(scope_prefix: str) -> list[tuple[str, str]]:
    """Townships of the user's subtree and, within a county or smaller, their villages (a household is
    registered at township or village level, never a county)."""
    from doudi.regions.queries import within

    levels = ["township", "village"] if len(scope_prefix) >= 6 else ["township"]
    rows = within(scope_prefix).filter(level__in=levels).values_list("code", "name", "level").order_by("code")
    return [(code, f"{'　' if level == 'village' else ''}{name}") for code, name, level in rows]


class RegisterHouseholdForm(forms.Form):
    region_code = forms.ChoiceField(label="户籍所在乡镇（街道）或村（社区）", widget=RegionSelect)
    area_type = forms.ChoiceField(label="城乡类别", choices=[("", "请选择"), *AreaType.choices])
    address = forms.CharField(label="家庭住址", max_length=200)
    on = forms.DateField(label="登记日期", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, scope_prefix: str, **kwargs):
        super().__init__(*args, **kwargs)
        region = self.fields["region_code"]
        assert isinstance(region, forms.ChoiceField)
        region.choices = [("", "请选择"), *window_region_choices(scope_prefix)]
        region.error_messages["invalid_choice"] = "所选区划不在您的辖区内"
        self.fields["address"].widget.attrs.update({"placeholder": "如：某某街道某某小区3号楼2单元501"})
        self.fields["on"].error_messages["invalid"] = "日期格式应为 YYYY-MM-DD"


class MemberForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=64)
    id_number = forms.CharField(label="身份证号", max_length=32, required=False)
    relation = forms.ChoiceField(label="与户主关系", choices=RELATION_CHOICES)
    sex = forms.ChoiceField(label="性别", choices=SEX_CHOICES, required=False)
    birth_date = forms.DateField(
        label="出生日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    phone = forms.CharField(label="联系电话", max_length=20, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["id_number"].widget.attrs.update(
            {"placeholder": "18位或15位", "autocomplete": "off", "inputmode": "text"}
        )
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})
        self.fields["birth_date"].help_text = "有身份证号时可不填"
        self.fields["birth_date"].error_messages["invalid"] = "日期格式应为 YYYY-MM-DD"

    def member(self) -> dict:
        """The row as the registration action reads it (the roster contract's member fields)."""
        data = self.cleaned_data
        birth = data.get("birth_date")
        return {
            "name": data.get("name", ""),
            "id_number": data.get("id_number", ""),
            "relation": data.get("relation", ""),
            "sex": data.get("sex", ""),
            "birth_date": birth.isoformat() if birth else "",
            "phone": data.get("phone", ""),
        }


MemberFormSet = forms.formset_factory(
    MemberForm, extra=MEMBER_ROWS, max_num=MAX_MEMBER_ROWS, validate_max=True, absolute_max=MAX_MEMBER_ROWS
)


class SupporterForm(forms.Form):
    person = forms.TypedChoiceField(label="被赡养（抚养、扶养）的成员", coerce=int)
    name = forms.CharField(label="义务人姓名", max_length=64)
    id_number = forms.CharField(label="义务人身份证号", max_length=32)
    relation = forms.ChoiceField(
        label="义务人是该成员的",
        choices=[("", "请选择"), *((v, lbl) for v, lbl in Relation.choices if v not in ("head", "other"))],
    )
    address = forms.CharField(label="义务人住址", max_length=200, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    incapacity = forms.ChoiceField(
        label="无履行能力情形",
        required=False,
        choices=[("", "无（有履行能力或待核实）"), *SupporterIncapacity.choices],
    )
    on = forms.DateField(label="起始日期", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, members: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        assert isinstance(person, forms.ChoiceField)
        person.choices = [("", "请选择"), *members]
        person.error_messages["invalid_choice"] = "请选择本户的现有成员"
        self.fields["id_number"].widget.attrs.update({"autocomplete": "off", "placeholder": "18位或15位"})
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})
        self.fields["on"].error_messages["invalid"] = "日期格式应为 YYYY-MM-DD"


class EndSupporterForm(forms.Form):
    on = forms.DateField(label="终止日期", widget=forms.DateInput(attrs={"type": "date"}))
