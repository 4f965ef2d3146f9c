"""Forms of the case's life (CASEWORK §5). They only parse input; the actions decide. Each carries the
``state`` the page showed (a page older than the record is refused) and an ``on`` date (default today;
a paper file is entered afterwards with the day it happened)."""

from __future__ import annotations

from django import forms

from doudi.casework.forms import DATE_WIDGET, NotFutureMixin
from doudi.casework.lifecycle_actions import CHANGE_TYPES
from doudi.casework.models import CaseReview, DeathRecord, GracePeriod, Suspension

TRIGGERS = [("family", "家庭报告"), ("grid", "网格员报告"), ("data", "部门数据")]
OUTCOMES = list(CaseReview.Outcome.choices)
CLASSES = [("", "不变"), ("A", "A类（每年复核）"), ("B", "B类（每年复核）"), ("C", "C类（按季度或半年复核）")]
CAUSES = [
    ("", "其他原因（须公示）"),
    ("death", "死亡（无须公示）"),
    ("move", "迁移已由迁入地确认（无须公示）"),
]


class StepForm(NotFutureMixin, forms.Form):
    state = forms.CharField(widget=forms.HiddenInput, required=False)
    on = forms.DateField(label="办理日期", required=False, widget=DATE_WIDGET)

    def fields_for_action(self) -> dict:
        return {
            k: v for k, v in self.cleaned_data.items() if k not in ("state", "on") and v not in (None, "")
        }


class ChangeForm(StepForm):
    trigger = forms.ChoiceField(label="报告人", choices=TRIGGERS)
    change_type = forms.ChoiceField(label="变化类型", choices=list(CHANGE_TYPES.items()))
    detail = forms.CharField(label="变化情况", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class VisitForm(StepForm):
    findings = forms.CharField(
        label="入户情况（两名调查人员）", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecideForm(StepForm):
    outcome = forms.ChoiceField(label="复核结论", choices=OUTCOMES)
    reasons = forms.CharField(
        label="理由", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    review_class = forms.ChoiceField(label="复核后分类", choices=CLASSES, required=False)
    trigger = forms.ChoiceField(
        label="渐退原因", choices=[("", "—"), *GracePeriod.Trigger.choices], required=False
    )
    cause = forms.ChoiceField(label="终止原因", choices=CAUSES, required=False)
    suspend_cause = forms.ChoiceField(
        label="暂停原因", choices=[("", "—"), *Suspension.Cause.choices], required=False
    )

    def fields_for_action(self) -> dict:
        out = super().fields_for_action()
        if out.get("outcome") == "suspend":
            out["cause"] = out.pop("suspend_cause", "") or "refused_visit"
        out.pop("suspend_cause", None)
        return out


class ObjectForm(StepForm):
    text = forms.CharField(label="异议内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class SuspendForm(StepForm):
    cause = forms.ChoiceField(label="暂停原因", choices=Suspension.Cause.choices)


class CheckForm(StepForm):
    month = forms.CharField(label="认证月份（YYYY-MM）", max_length=7)
    passed = forms.ChoiceField(label="认证结果", choices=[("true", "通过"), ("false", "未通过")])
    method = forms.ChoiceField(
        label="认证方式",
        choices=[("face", "人脸识别"), ("visit", "入户"), ("phone", "电话"), ("data", "数据比对")],
    )


class MoveForm(StepForm):
    to_region = forms.CharField(label="迁入地乡镇（街道）区划代码（12位）", max_length=12)


class DeathForm(StepForm):
    person = forms.TypedChoiceField(label="死亡人员", coerce=int, choices=[])
    died_on = forms.DateField(label="死亡日期", widget=DATE_WIDGET)
    source = forms.ChoiceField(label="信息来源", choices=DeathRecord.Source.choices)
    source_ref = forms.CharField(label="来源编号（火化证明、户籍注销编号等）", max_length=64, required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(p.pk, p.name) for p in people]  # type: ignore[attr-defined]


CASE_FORMS = {"change": ChangeForm, "suspend": SuspendForm, "presence_check": CheckForm, "move": MoveForm}
REVIEW_FORMS = {
    "visit": VisitForm,
    "decide": DecideForm,
    "object": ObjectForm,
    "prepare": StepForm,
    "end_notice": StepForm,
}
