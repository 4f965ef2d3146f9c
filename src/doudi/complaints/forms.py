"""The public report form and the staff forms (labels in Chinese)."""

from __future__ import annotations

from django import forms

from doudi.complaints import rules
from doudi.regions.models import Region

PUBLIC_TYPES = [
    (k, v) for k, v in rules.TYPES.items() if k not in ("notice_objection", "verification_objection")
]


def township_choices(county: str | None) -> list[tuple[str, str]]:
    if not county or not str(county).isdigit():
        return [("", "请先选择县（市、区）")]
    rows = Region.objects.filter(level="township", code__startswith=str(county)[:6]).order_by("code")
    return [("", "请选择"), *rows.values_list("code", "name")]


class PublicForm(forms.Form):
    county = forms.ChoiceField(label="所在县（市、区）")
    township = forms.ChoiceField(label="所在乡镇（街道）", required=False)
    ctype = forms.ChoiceField(label="反映类型", choices=[("", "请选择"), *PUBLIC_TYPES])
    summary = forms.CharField(label="事由（一句话）", max_length=100)
    content = forms.CharField(
        label="具体情况", widget=forms.Textarea(attrs={"rows": 5}), max_length=4000, min_length=5
    )
    subject_name = forms.CharField(label="被投诉（举报）对象（可不填）", required=False, max_length=64)
    anonymous = forms.BooleanField(label="匿名反映（不留姓名）", required=False)
    reporter_name = forms.CharField(label="您的姓名", required=False, max_length=64)
    reporter_phone = forms.CharField(
        label="联系电话（用于答复和查询）",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    check_pin = forms.CharField(
        label="不留电话时，请自设4位数字查询密码",
        required=False,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        counties = Region.objects.filter(level="county").select_related("parent").order_by("code")
        grouped: dict[str, list] = {}
        for c in counties:
            grouped.setdefault(c.parent.name if c.parent else "", []).append((c.code, c.name))
        self.county_groups = list(grouped.items())
        self.fields["county"].choices = [("", "请选择"), *self.county_groups]
        self.fields["county"].error_messages["invalid_choice"] = "请选择县（市、区）"
        county = self.data.get("county") if self.is_bound else None
        self.fields["township"].choices = township_choices(county)
        self.fields["township"].error_messages["invalid_choice"] = "所选乡镇（街道）不属于该县（市、区）"

    def clean(self):
        data = super().clean()
        if data.get("county") and not data.get("township"):
            self.add_error("township", "请选择乡镇（街道）")
        if not data.get("anonymous") and not (data.get("reporter_name") or "").strip():
            self.add_error("reporter_name", "请填写姓名；不愿留名请勾选匿名反映")
        pin = (data.get("check_pin") or "").strip()
        if not (data.get("reporter_phone") or "").strip() and not (pin.isdigit() and len(pin) == 4):
            self.add_error("check_pin", "请填写联系电话，或自设4位数字查询密码")
        return data


class LookupForm(forms.Form):
    code = forms.CharField(label="查询码", max_length=20)
    check = forms.CharField(
        label="联系电话后4位（或您自设的查询密码）",
        max_length=4,
        min_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class StaffFileForm(forms.Form):
    channel = forms.ChoiceField(label="来源渠道", choices=[(k, v) for k, v in rules.CHANNELS.items()])
    ctype = forms.ChoiceField(label="类型", choices=list(rules.TYPES.items()))
    township = forms.ChoiceField(label="所涉乡镇（街道）", required=False)
    application_number = forms.CharField(label="所涉救助申请编号（可不填）", required=False, max_length=24)
    summary = forms.CharField(label="事由", max_length=200)
    content = forms.CharField(label="具体内容", widget=forms.Textarea(attrs={"rows": 4}))
    subject_name = forms.CharField(label="被投诉（举报）对象", required=False, max_length=64)
    subject_staff_name = forms.CharField(label="被投诉的工作人员（如有）", required=False, max_length=64)
    anonymous = forms.BooleanField(label="匿名", required=False)
    reporter_name = forms.CharField(label="投诉人姓名", required=False, max_length=64)
    reporter_id_number = forms.CharField(label="投诉人身份证号（可不填）", required=False, max_length=20)
    reporter_phone = forms.CharField(label="联系电话", required=False, max_length=20)
    xinfang = forms.BooleanField(label="属于信访事项（适用信访时限）", required=False)
    received_on = forms.DateField(
        label="收到日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, townships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].choices = [("", "请选择"), *townships]


class StepForm(forms.Form):
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    handler = forms.IntegerField(required=False)
    finding = forms.CharField(label="调查核实情况", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    decision = forms.ChoiceField(label="处理决定", required=False,
                                 choices=[("", "请选择"), *[(k, v) for k, v in rules.DECISIONS.items()
                                                          if k != "not_accepted"]])  # fmt: skip
    decision_note = forms.CharField(
        label="处理意见", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    root_cause = forms.ChoiceField(
        label="问题原因", required=False, choices=[("", "请选择"), *rules.ROOT_CAUSES.items()]
    )
    reply_method = forms.ChoiceField(
        label="答复方式", required=False, choices=[("", "请选择"), *rules.REPLY_METHODS.items()]
    )
    reply = forms.CharField(label="答复内容", required=False, widget=forms.Textarea(attrs={"rows": 3}))
