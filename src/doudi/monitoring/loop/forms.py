"""Forms of the warning-loop pages. They only parse and check input; the actions decide."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django import forms
from django.utils import timezone

from doudi.accounts.models import Department
from doudi.monitoring.loop.disposition_actions import CONSENT_METHODS, DEPARTMENT_NEEDS, EMERGENCY_MEASURES
from doudi.monitoring.loop.queries import VIEWS, InboxFilters
from doudi.monitoring.loop.visit_actions import MAX_PHOTO_BYTES, MAX_PHOTOS
from doudi.monitoring.models import Disposition, EarlyWarning, Indicator, NeedPush, WarningLevel
from doudi.regions.models import Region
from doudi.registry.models import Relation

DISABILITY_CHOICES = [
    ("", "不变"),
    ("none", "无残疾"),
    ("physical", "肢体"),
    ("visual", "视力"),
    ("hearing", "听力"),
    ("speech", "言语"),
    ("intellectual", "智力"),
    ("mental", "精神"),
    ("multiple", "多重"),
]
GRADE_CHOICES = [("", "—"), ("1", "一级"), ("2", "二级"), ("3", "三级"), ("4", "四级")]
YES_NO_SAME = [("", "不变"), ("yes", "是"), ("no", "否")]
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InboxFilterForm(forms.Form):
    view = forms.ChoiceField(label="范围", required=False, choices=list(VIEWS.items()))
    indicator = forms.ChoiceField(
        label="预警指标", required=False, choices=[("", "全部指标"), *Indicator.choices]
    )
    level = forms.ChoiceField(label="等级", required=False, choices=[("", "全部等级"), *WarningLevel.choices])
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), *EarlyWarning.Status.choices]
    )
    overdue = forms.BooleanField(label="只看逾期", required=False)
    region = forms.RegexField(regex=r"^\d{12}$", required=False, widget=forms.HiddenInput)

    def filters(self) -> InboxFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return InboxFilters(
            view=data.get("view") or "todo",
            indicator=data.get("indicator") or "",
            level=data.get("level") or "",
            status=data.get("status") or "",
            overdue=bool(data.get("overdue")),
            region=data.get("region") or "",
        )


class DispatchForm(forms.Form):
    township = forms.ChoiceField(label="派发至乡镇（街道）")

    def __init__(self, *args, warning: EarlyWarning, **kwargs):
        super().__init__(*args, **kwargs)
        county = warning.region_code[:6]
        rows = Region.objects.filter(level="township", code__startswith=county).values_list("code", "name")
        cast(forms.ChoiceField, self.fields["township"]).choices = [("", "请选择"), *rows]
        own = warning.region_code[:9].ljust(12, "0")
        if len(warning.region_code.rstrip("0")) > 6:
            self.fields["township"].initial = own


class ReassignForm(forms.Form):
    """Another township of the warning's county (R-M13: the county reassigns a dispatched warning)."""

    township = forms.ChoiceField(label="改派至乡镇（街道）")

    def __init__(self, *args, warning: EarlyWarning, **kwargs):
        super().__init__(*args, **kwargs)
        county = warning.region_code[:6]
        rows = (
            Region.objects.filter(level="township", code__startswith=county)
            .exclude(code=warning.township_code)
            .values_list("code", "name")
        )
        cast(forms.ChoiceField, self.fields["township"]).choices = [("", "请选择"), *rows]


class AssignForm(forms.Form):
    worker = forms.ChoiceField(label="指派网格员")

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].choices = [("", "请选择"), *[(str(u.pk), u.label) for u in workers]]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(f"照片最多 {MAX_PHOTOS} 张")
        for f in files:
            if f.size > MAX_PHOTO_BYTES:
                raise forms.ValidationError(f"照片“{f.name}”超过 {MAX_PHOTO_BYTES // 1024 // 1024} MB")
        return list(files)


class VisitForm(forms.Form):
    """The phone form of the home verification; member fields are added per current member."""

    visited_on = forms.DateField(label="核查日期", widget=DATE_WIDGET)
    visitor1 = forms.CharField(label="核查人员一", max_length=32)
    visitor2 = forms.CharField(label="核查人员二", max_length=32)
    visitor3 = forms.CharField(label="核查人员三（可选）", max_length=32, required=False)
    hardship_found = forms.TypedChoiceField(
        label="是否发现困难",
        choices=[("yes", "发现困难"), ("no", "未发现困难")],
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
    )
    findings = forms.CharField(label="核查情况", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    household_income = forms.DecimalField(
        label="家庭年收入（元，不变请留空）", required=False, min_value=0, max_digits=12, decimal_places=2
    )
    new_name = forms.CharField(label="新增成员姓名", required=False, max_length=64)
    new_relation = forms.ChoiceField(
        label="与户主关系",
        required=False,
        choices=[("", "—"), *[c for c in Relation.choices if c[0] != "head"]],
    )
    new_id_number = forms.CharField(label="新增成员身份证号", required=False, max_length=32)
    new_birth_date = forms.DateField(label="出生日期", required=False, widget=DATE_WIDGET)
    photos = MultiplePhotoField(label="现场照片（可多选，每张不超过5MB）", required=False)

    def __init__(self, *args, members=(), has_household=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        self.has_household = has_household
        self.fields["visited_on"].initial = timezone.localdate()
        for p in self.members:
            pre = f"m{p.pk}_"
            self.fields[pre + "disability"] = forms.ChoiceField(
                label="残疾", required=False, choices=DISABILITY_CHOICES
            )
            self.fields[pre + "grade"] = forms.ChoiceField(
                label="残疾等级", required=False, choices=GRADE_CHOICES
            )
            self.fields[pre + "illness"] = forms.ChoiceField(
                label="患重病", required=False, choices=YES_NO_SAME
            )
            self.fields[pre + "disease"] = forms.CharField(label="病种", required=False, max_length=100)
            self.fields[pre + "employed"] = forms.ChoiceField(
                label="就业", required=False, choices=YES_NO_SAME
            )
            self.fields[pre + "income"] = forms.DecimalField(
                label="个人月收入（元）", required=False, min_value=0, max_digits=10, decimal_places=2
            )
            self.fields[pre + "left"] = forms.BooleanField(label="已离开本户", required=False)
            self.fields[pre + "left_reason"] = forms.CharField(
                label="离开原因", required=False, max_length=100
            )
        if not has_household:
            for name in ("household_income", "new_name", "new_relation", "new_id_number", "new_birth_date"):
                del self.fields[name]

    def member_rows(self):
        for p in self.members:
            pre = f"m{p.pk}_"
            yield (
                p,
                [self[pre + k] for k in ("disability", "grade", "illness", "disease", "employed", "income")],
                (self[pre + "left"], self[pre + "left_reason"]),
            )

    def clean(self):
        data = super().clean()
        for p in self.members:
            pre = f"m{p.pk}_"
            kind = data.get(pre + "disability")
            if kind and kind != "none" and not data.get(pre + "grade"):
                self.add_error(pre + "grade", "请选择残疾等级")
        if self.has_household and data.get("new_name") and not data.get("new_relation"):
            self.add_error("new_relation", "请选择新增成员与户主关系")
        return data

    def visitors(self) -> list[str]:
        d = self.cleaned_data
        return [d[k].strip() for k in ("visitor1", "visitor2", "visitor3") if d.get(k, "").strip()]

    def updated_facts(self) -> list[dict]:
        d, out = self.cleaned_data, []
        for p in self.members:
            pre = f"m{p.pk}_"
            if d.get(pre + "left"):
                continue
            if d.get(pre + "disability"):
                out.append(
                    {
                        "scope": "person",
                        "id": p.pk,
                        "kind": "disability",
                        "value": {"kind": d[pre + "disability"], "grade": d.get(pre + "grade") or None},
                    }
                )
            if d.get(pre + "illness"):
                value = {"flag": d[pre + "illness"] == "yes"}
                if d.get(pre + "disease"):
                    value["disease"] = d[pre + "disease"]
                out.append({"scope": "person", "id": p.pk, "kind": "serious_illness", "value": value})
            if d.get(pre + "employed"):
                out.append(
                    {
                        "scope": "person",
                        "id": p.pk,
                        "kind": "employment",
                        "value": {"employed": d[pre + "employed"] == "yes"},
                    }
                )
            if d.get(pre + "income") is not None:
                out.append(
                    {
                        "scope": "person",
                        "id": p.pk,
                        "kind": "own_income",
                        "value": {"monthly": str(d[pre + "income"])},
                    }
                )
        if self.has_household and d.get("household_income") is not None:
            out.append(
                {
                    "scope": "household",
                    "id": None,
                    "kind": "income",
                    "value": {"total": str(d["household_income"]), "months": 12},
                }
            )
        return out

    def member_changes(self) -> list[dict]:
        d, out = self.cleaned_data, []
        for p in self.members:
            pre = f"m{p.pk}_"
            if d.get(pre + "left"):
                out.append({"change": "left", "person_id": p.pk, "reason": d.get(pre + "left_reason") or ""})
        if self.has_household and d.get("new_name"):
            out.append(
                {
                    "change": "joined",
                    "name": d["new_name"],
                    "relation": d["new_relation"],
                    "id_number": d.get("new_id_number") or "",
                    "birth_date": d.get("new_birth_date"),
                }
            )
        return out


class DispositionForm(forms.Form):
    kind = forms.ChoiceField(label="处置方式", choices=Disposition.Kind.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="处置说明", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    consent_given_by = forms.CharField(label="同意人（家庭成员姓名）", required=False, max_length=64)
    consent_given_on = forms.DateField(label="同意日期", required=False, widget=DATE_WIDGET)
    consent_method = forms.ChoiceField(
        label="授权方式", required=False, choices=[("", "请选择"), *CONSENT_METHODS.items()]
    )
    household_key = forms.CharField(
        label="登记后的家庭编号",
        required=False,
        max_length=64,
        help_text="预警对象尚未登记为家庭时，先登记新家庭，再填写登记得到的家庭编号",
    )
    departments = forms.MultipleChoiceField(
        label="转介部门",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(d, f"{Department(d).label}：{text}") for d, (_, text) in DEPARTMENT_NEEDS.items()],
    )
    measures = forms.MultipleChoiceField(
        label="应急措施",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=list(EMERGENCY_MEASURES.items()),
    )
    amount = forms.DecimalField(
        label="临时救助金额（元）", required=False, min_value=0, max_digits=10, decimal_places=2
    )
    minutes = forms.CharField(
        label="一事一议会议纪要", required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    participants = forms.CharField(label="参会人员（用顿号或逗号分隔）", required=False, max_length=300)
    held_on = forms.DateField(label="会议日期", required=False, widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["consent_given_on"].initial = today
        self.fields["held_on"].initial = today

    def detail(self) -> dict:
        d = self.cleaned_data
        kind = d["kind"]
        if kind == "application":
            out: dict = {
                "consent": {
                    "given_by": d.get("consent_given_by"),
                    "given_on": d.get("consent_given_on"),
                    "method": d.get("consent_method"),
                }
            }
            if d.get("household_id"):  # set by the view from ``household_key`` (a lookup in the user's scope)
                out["household_id"] = d["household_id"]
            return out
        if kind == "referral":
            return {"departments": d.get("departments") or [], "note": d.get("note") or ""}
        if kind == "emergency":
            return {
                "measures": d.get("measures") or [],
                "amount": d.get("amount"),
                "note": d.get("note") or "",
            }
        if kind == "deliberation":
            parts = (d.get("participants") or "").replace("，", "、").replace(",", "、").split("、")
            return {
                "minutes": d.get("minutes") or "",
                "participants": [p for p in parts if p.strip()],
                "held_on": d.get("held_on") or dt.date.today(),
            }
        return {}


class CloseForm(forms.Form):
    outcome = forms.CharField(label="办结情况", widget=forms.Textarea(attrs={"rows": 3}), max_length=500)


class NeedResponseForm(forms.Form):
    status = forms.ChoiceField(
        label="答复",
        choices=[
            (NeedPush.Status.ACCEPTED, "受理"),
            (NeedPush.Status.GIVEN, "已救助"),
            (NeedPush.Status.DECLINED, "不予救助"),
        ],
    )
    amount = forms.DecimalField(
        label="救助金额（元）", required=False, min_value=0, max_digits=12, decimal_places=2
    )
    feedback = forms.CharField(label="反馈说明", required=False, max_length=500)


class ReportForm(forms.Form):
    """The grid worker's report (logged in); the township is theirs."""

    household_key = forms.CharField(label="户编号（已登记家庭可填）", required=False, max_length=64)
    subject_name = forms.CharField(label="困难群众姓名", required=False, max_length=64)
    address = forms.CharField(label="住址", max_length=200)
    description = forms.CharField(
        label="困难情况", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000, min_length=5
    )
    contact = forms.CharField(label="联系方式（可选）", required=False, max_length=100)


class PublicReportForm(forms.Form):
    county = forms.ChoiceField(label="所在县（市、区）")
    township = forms.ChoiceField(label="所在乡镇（街道）", required=False)
    address = forms.CharField(label="详细住址", max_length=200)
    subject_name = forms.CharField(label="困难群众姓名（可不填）", required=False, max_length=64)
    description = forms.CharField(
        label="困难情况", widget=forms.Textarea(attrs={"rows": 5}), max_length=2000, min_length=5
    )
    contact = forms.CharField(label="您的姓名或电话（可不填）", required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        counties = Region.objects.filter(level="county").select_related("parent").order_by("code")
        grouped: dict[str, list] = {}
        for c in counties:
            grouped.setdefault(c.parent.name if c.parent else "", []).append((c.code, c.name))
        self.county_groups = list(grouped.items())
        self.fields["county"].choices = [("", "请选择"), *self.county_groups]
        county = self.data.get("county") if self.is_bound else None
        self.fields["township"].choices = township_choices(county)
        self.fields["township"].error_messages["invalid_choice"] = "所选乡镇（街道）不属于该县（市、区）"
        self.fields["county"].error_messages["invalid_choice"] = "请选择县（市、区）"

    def clean(self):
        data = super().clean()
        county, township = data.get("county"), data.get("township")
        if county and not township:
            self.add_error("township", "请选择乡镇（街道）")
        elif county and township and not township.startswith(county[:6]):
            self.add_error("township", "所选乡镇（街道）不属于该县（市、区）")
        return data


def township_choices(county: str | None) -> list[tuple[str, str]]:
    if not county or not str(county).isdigit():
        return [("", "请先选择县（市、区）")]
    rows = Region.objects.filter(level="township", code__startswith=str(county)[:6]).values_list(
        "code", "name"
    )
    return [("", "请选择"), *rows]


class CalendarForm(forms.Form):
    date = forms.DateField(label="日期", widget=DATE_WIDGET)
    is_workday = forms.TypedChoiceField(
        label="安排",
        choices=[("0", "放假（休息日）"), ("1", "调休上班（工作日）")],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label="说明（如：春节）", required=False, max_length=100)
