"""The temporary-assistance forms (labels and errors in Chinese)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from doudi.registry.models import AreaType
from doudi.tempaid.models import AidForm, AidType, CaseStep, Degree, Deliberation

DATE = {"type": "date"}
STEP_KINDS = (CaseStep.Kind.STATEMENT, CaseStep.Kind.VERIFY, CaseStep.Kind.INVESTIGATE)


class ApplyForm(forms.Form):
    township = forms.ChoiceField(label="急难发生地（乡镇、街道）", choices=())
    aid_type = forms.ChoiceField(label="救助类型", choices=AidType.choices)
    degree = forms.TypedChoiceField(label="困难档次", choices=Degree.choices, coerce=int, initial=1)
    event = forms.CharField(label="急难事由", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    event_date = forms.DateField(label="发生日期", widget=forms.DateInput(attrs=DATE))
    applicant_name = forms.CharField(label="申请人姓名", max_length=64)
    id_number = forms.CharField(label="身份证号", max_length=18, required=False)
    hukou_place = forms.CharField(label="户籍地（可为外省）", max_length=100, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    area_type = forms.ChoiceField(label="城乡类别", choices=AreaType.choices, initial="urban")
    expenditure = forms.IntegerField(label="刚性支出（元，支出型填写）", min_value=0, required=False)
    reimbursed = forms.IntegerField(label="已报销或已获其他救助（元）", min_value=0, required=False)
    form = forms.ChoiceField(label="救助方式", choices=AidForm.choices, initial=AidForm.CASH)
    referral_to = forms.CharField(label="转介对象（转介时填写）", max_length=100, required=False)

    def __init__(self, *args, townships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].choices = list(townships)
        self.fields["event_date"].initial = timezone.localdate()


class PayFirstForm(forms.Form):
    amount = forms.IntegerField(label="先行救助金额（元）", min_value=1)
    note = forms.CharField(label="说明", max_length=200, required=False)


class StepForm(forms.Form):
    kind = forms.ChoiceField(label="补办环节", choices=[(k.value, k.label) for k in STEP_KINDS])
    note = forms.CharField(
        label="情况说明或核查结论", max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = [(k.value, k.label) for k in STEP_KINDS if k in kinds]


class ApproveForm(forms.Form):
    amount = forms.IntegerField(label="批准救助总额（元，含已先行救助）", min_value=0)
    note = forms.CharField(label="审批意见", max_length=300, required=False)


class RefuseForm(forms.Form):
    reason = forms.CharField(label="不予救助理由", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    note = forms.CharField(label="筛查结果", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class DeliberationForm(forms.Form):
    held_on = forms.DateField(label="会议日期", widget=forms.DateInput(attrs=DATE))
    participants = forms.CharField(label="参会人员", max_length=500)
    departments = forms.CharField(label="参与部门", max_length=300)
    decision = forms.ChoiceField(label="议定结果", choices=Deliberation.Decision.choices)
    amount = forms.IntegerField(label="议定金额（元）", min_value=0, required=False)
    payer = forms.CharField(label="资金来源（由谁支付）", max_length=200, required=False)
    note = forms.CharField(label="备注", max_length=500, required=False)


class EmergencyForm(forms.Form):
    region_code = forms.ChoiceField(label="适用区域", choices=())
    title = forms.CharField(label="事件名称", max_length=100)
    document = forms.CharField(label="宣布文件（文号）", max_length=64)
    starts_on = forms.DateField(label="开始日期", widget=forms.DateInput(attrs=DATE))
    ends_on = forms.DateField(label="结束日期", widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = list(regions)


class AllocateForm(forms.Form):
    township = forms.ChoiceField(label="乡镇（街道）", choices=())
    year = forms.IntegerField(label="年度", min_value=2020, max_value=2100)
    amount = forms.IntegerField(label="核拨金额（元，不填按参数）", min_value=1, required=False)

    def __init__(self, *args, townships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].choices = list(townships)
        self.fields["year"].initial = timezone.localdate().year


class MonthForm(forms.Form):
    month = forms.CharField(label="对账月份（YYYY-MM）", max_length=7)


class ObjectionForm(forms.Form):
    content = forms.CharField(label="异议内容", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    raised_by = forms.CharField(label="反映人（保密，可不填）", max_length=64, required=False)


class AnswerForm(forms.Form):
    objection = forms.IntegerField(widget=forms.HiddenInput)
    upheld = forms.TypedChoiceField(
        label="核实结论", choices=(("0", "异议不成立"), ("1", "异议成立")), coerce=lambda v: v == "1"
    )
    finding = forms.CharField(label="核实情况", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


TIER_CHOICES = (
    ("DIBAO", "最低生活保障"),
    ("TEKUN", "特困人员救助供养"),
    ("MARGINAL", "低保边缘家庭"),
    ("RIGID", "刚性支出困难家庭"),
)


class TransferForm(forms.Form):
    consent_by = forms.CharField(label="同意申请的家庭成员（姓名）", max_length=64)
    tiers = forms.MultipleChoiceField(
        label="申请类别", choices=TIER_CHOICES, initial=[c for c, _ in TIER_CHOICES],
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip


class StationForm(forms.Form):
    station = forms.CharField(label="救助管理机构（默认本县救助管理站）", max_length=100, required=False)
    note = forms.CharField(
        label="情况说明", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
