"""The services pages' forms (zh-Hans labels; the actions validate again)."""

from __future__ import annotations

from django import forms

from doudi.services import rules
from doudi.services.models import ConfirmMethod, Frequency, Satisfaction, Unit

DATE = forms.DateInput(attrs={"type": "date"})


class ServiceTypeForm(forms.Form):
    name = forms.CharField(label="服务项目", max_length=60)
    unit = forms.ChoiceField(label="计量单位", choices=Unit.choices)
    unit_price = forms.DecimalField(label="指导单价（元）", min_value=0.01, max_digits=10, decimal_places=2)
    tags = forms.MultipleChoiceField(
        label="服务对象（不选为全部低收入人口）",
        required=False,
        choices=list(rules.TAGS.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(label="服务内容", max_length=300, required=False)


class ProviderForm(forms.Form):
    name = forms.CharField(label="机构名称", max_length=100)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=18, min_length=18)
    contact = forms.CharField(label="联系人", max_length=40)
    phone = forms.CharField(label="联系电话", max_length=20)
    address = forms.CharField(label="地址", max_length=200, required=False)


class StaffForm(forms.Form):
    provider = forms.TypedChoiceField(label="服务机构", coerce=int, choices=())
    username = forms.CharField(label="账号（用户名）", max_length=150)

    def __init__(self, *a, providers=(), **kw):
        super().__init__(*a, **kw)
        self.fields["provider"].choices = [(p.pk, p.name) for p in providers]


class ContractForm(forms.Form):
    provider = forms.TypedChoiceField(label="服务机构", coerce=int, choices=())
    number = forms.CharField(label="合同编号", max_length=40)
    valid_from = forms.DateField(label="生效日期", widget=DATE)
    valid_to = forms.DateField(label="截止日期", widget=DATE)
    townships = forms.MultipleChoiceField(
        label="服务区域（乡镇、街道）", choices=(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *a, providers=(), townships=(), types=(), **kw):
        super().__init__(*a, **kw)
        self.fields["provider"].choices = [(p.pk, p.name) for p in providers]
        self.fields["townships"].choices = list(townships)
        self.types = list(types)
        for st in self.types:
            self.fields[f"price_{st.pk}"] = forms.DecimalField(
                label=f"{st.name}（元/{Unit(st.unit).label}，不承接留空）", required=False, min_value=0.01,
                max_digits=10, decimal_places=2)  # fmt: skip

    def items(self):
        return [(st, self.cleaned_data[f"price_{st.pk}"]) for st in self.types
                if self.cleaned_data.get(f"price_{st.pk}")]  # fmt: skip


class OrderForm(forms.Form):
    offer = forms.ChoiceField(label="服务项目与机构", choices=())
    frequency = forms.ChoiceField(label="服务频次", choices=Frequency.choices)
    visits_per_period = forms.IntegerField(label="每周/每月次数", min_value=1, max_value=31, initial=1)
    starts_on = forms.DateField(label="服务开始", widget=DATE)
    ends_on = forms.DateField(label="服务结束", widget=DATE)
    note = forms.CharField(
        label="需求说明", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    origin = forms.CharField(required=False, widget=forms.HiddenInput)
    origin_id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *a, offers=(), **kw):
        super().__init__(*a, **kw)
        self.fields["offer"].choices = [
            (f"{o['service_type'].pk}:{o['provider'].pk}",
             f"{o['service_type'].name}｜{o['provider'].name}｜{o['price']}元/{Unit(o['service_type'].unit).label}")
            for o in offers
        ]  # fmt: skip


class DeclineForm(forms.Form):
    reason = forms.CharField(label="拒单理由", max_length=300)


class PlanForm(forms.Form):
    dates = forms.CharField(
        label="计划服务日期（每行一个，YYYY-MM-DD）", widget=forms.Textarea(attrs={"rows": 4})
    )

    def clean_dates(self):
        import datetime as dt

        out = []
        for line in self.cleaned_data["dates"].replace("，", "\n").replace(",", "\n").split():
            try:
                out.append(dt.date.fromisoformat(line.strip()))
            except ValueError:
                raise forms.ValidationError(f"日期“{line}”格式应为YYYY-MM-DD") from None
        return out


class VisitForm(forms.Form):
    visited_on = forms.DateField(label="服务日期", widget=DATE)
    start_time = forms.TimeField(
        label="开始时间", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    minutes = forms.IntegerField(label="服务时长（分钟）", min_value=5, max_value=1440, initial=60)
    worker = forms.CharField(label="服务人员", max_length=40)
    notes = forms.CharField(
        label="服务内容", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photo = forms.FileField(
        label="现场照片（可选，JPG/PNG，不超过5MB）",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )


class ConfirmForm(forms.Form):
    family_confirmer = forms.CharField(label="家庭方确认人", max_length=40)
    method = forms.ChoiceField(label="确认方式", choices=ConfirmMethod.choices)


class DisputeForm(forms.Form):
    reason = forms.CharField(label="异议说明", max_length=300)


class CompleteForm(forms.Form):
    satisfaction = forms.ChoiceField(label="服务对象满意度", choices=Satisfaction.choices)
    note = forms.CharField(label="办结说明", max_length=300, required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(label="撤销理由", max_length=300)


class SettleForm(forms.Form):
    contract = forms.TypedChoiceField(label="服务合同", coerce=int, choices=())
    month = forms.CharField(label="结算月份（YYYY-MM）", max_length=7)

    def __init__(self, *a, contracts=(), **kw):
        super().__init__(*a, **kw)
        self.fields["contract"].choices = [(c.pk, f"{c.number}｜{c.provider.name}") for c in contracts]

    def clean_month(self):
        try:
            return rules.parse_month(self.cleaned_data["month"])
        except (ValueError, TypeError):
            raise forms.ValidationError("月份格式应为YYYY-MM") from None
