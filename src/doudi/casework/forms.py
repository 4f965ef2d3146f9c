"""Forms of the casework pages. They only parse and check input; the ``*_actions`` modules decide.

Every event form carries the application's ``version`` (optimistic locking: a stale page is refused)
and an ``on`` date (default today; a paper file is entered afterwards with the day it happened)."""

from __future__ import annotations

import hashlib

from django import forms
from django.core.files.base import ContentFile
from django.utils import timezone

from doudi.casework import clock
from doudi.casework.models import Authorization, Channel
from doudi.core.files import image_type
from doudi.registry.models import Category

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_PHOTOS = 9
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_SCAN_BYTES = 10 * 1024 * 1024

# the tiers one application covers (R-W1); none ticked off = every tier
TIER_CHOICES = [(c, Category(c).label) for c in ("DIBAO", "TEKUN", "MARGINAL", "RIGID")]
# channels a caseworker opens at the window; the warning loop opens its own
WINDOW_CHANNELS = [(c, Channel(c).label) for c in ("window", "online", "report", "proactive")]
HOUSING_CHOICES = [("", "请选择"), ("poor", "差"), ("fair", "一般"), ("good", "较好")]
LABOUR_CHOICES = [
    ("", "未评定"),
    ("full", "完全劳动能力"),
    ("partial", "部分劳动能力"),
    ("none", "无劳动能力"),
]
METHOD_CHOICES = [("home", "入户"), ("video", "视频"), ("phone", "电话")]
LEVEL_CHOICES = [("township", "乡镇（街道）入户"), ("county", "县级入户")]
SIGNED_CHOICES = [("yes", "家庭成员已签字"), ("no", "家庭成员拒绝签字")]


def _split(text: str) -> list[str]:
    for sep in ("，", "、", "\n", ";", "；"):
        text = text.replace(sep, ",")
    return [t.strip() for t in text.split(",") if t.strip()]


class NotFutureMixin:
    """``on`` never after today (the actions of the commitment, resume, filing and spot check do not check it)."""

    def clean_on(self):
        on = self.cleaned_data.get("on")  # type: ignore[attr-defined]
        if on and on > timezone.localdate():
            raise forms.ValidationError("日期不能晚于今天")
        return on


# --- the window --------------------------------------------------------------------------------------


class FindHouseholdForm(forms.Form):
    q = forms.CharField(label="户编号或申请人姓名", max_length=64)


class NewApplicationForm(forms.Form):
    applicant = forms.TypedChoiceField(label="申请人", coerce=int)
    channel = forms.ChoiceField(label="申请渠道", choices=WINDOW_CHANNELS, initial="window")
    received_on = forms.DateField(label="申请日期（纸质材料可填实际收件日期）", widget=DATE_WIDGET)
    tiers = forms.MultipleChoiceField(
        label="申请救助类别（不勾选视为申请全部类别）",
        choices=TIER_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    proxy = forms.CharField(label="代办人及委托手续（本人申请可不填）", max_length=200, required=False)
    near_relative = forms.BooleanField(
        label="申请人或其家庭成员为经办人员的近亲属（近亲属备案）", required=False
    )
    consent_given_by = forms.CharField(
        label="同意申请的家庭成员（群众报告、主动发现转申请时填写）", max_length=64, required=False
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applicant"].choices = [(p.pk, p.name) for p in members]
        head = next((p for p in members if p.relation == "head"), None)
        if head is not None:
            self.fields["applicant"].initial = head.pk
        self.fields["received_on"].initial = timezone.localdate()
        self.fields["tiers"].initial = [c for c, _ in TIER_CHOICES]

    def clean_received_on(self):
        on = self.cleaned_data["received_on"]
        if on > timezone.localdate():
            raise forms.ValidationError("申请日期不能晚于今天")
        return on

    def chosen_tiers(self) -> list[str]:
        chosen = self.cleaned_data.get("tiers") or []
        return [] if len(chosen) in (0, len(TIER_CHOICES)) else list(chosen)

    def consent(self) -> dict | None:
        who = (self.cleaned_data.get("consent_given_by") or "").strip()
        if not who:
            return None
        return {"given_by": who, "given_on": self.cleaned_data["received_on"].isoformat(), "method": "paper"}


# --- events of the state machine ----------------------------------------------------------------------


class EventForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    on = forms.DateField(label="办理日期", required=False, widget=DATE_WIDGET)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()

    def event_fields(self) -> dict:
        """The fields ``dispatch.apply`` takes for the event."""
        return {k: v for k, v in self.cleaned_data.items() if k not in ("version", "on")}


class ReturnForm(EventForm):
    missing = forms.CharField(
        label="另需补充的材料（清单中缺少的会自动列入，可不填；多项用顿号分隔）",
        max_length=500,
        required=False,
    )

    def event_fields(self) -> dict:
        return {"missing": _split(self.cleaned_data.get("missing") or "")}


class ReasonForm(EventForm):
    reason = forms.CharField(label="理由", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class VerificationForm(EventForm):
    result = forms.ChoiceField(label="核对结果", choices=[("pass", "通过"), ("fail", "未通过")])
    reasons = forms.CharField(
        label="未通过的原因（多项用顿号分隔）",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("result") == "fail" and not (data.get("reasons") or "").strip():
            self.add_error("reasons", "核对未通过的，请写明原因")
        return data

    def event_fields(self) -> dict:
        return {
            "result": self.cleaned_data["result"],
            "reasons": _split(self.cleaned_data.get("reasons") or ""),
        }


class RecheckForm(EventForm):
    evidence = forms.CharField(
        label="申请人提出复查的理由和证据", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ProposeForm(EventForm):
    note = forms.CharField(
        label="初审说明（量化评审与收入核算结果不一致时必须填写）",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ObjectForm(EventForm):
    text = forms.CharField(label="异议内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ReinvestigateForm(EventForm):
    note = forms.CharField(label="说明", max_length=500, required=False)


class AppraisalForm(EventForm):
    minutes = forms.CharField(label="评议会议记录", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    participants = forms.CharField(label="参加评议人员（用顿号分隔）", max_length=500)
    result = forms.CharField(label="评议结论", max_length=200, required=False)

    def event_fields(self) -> dict:
        d = self.cleaned_data
        return {
            "minutes": d["minutes"],
            "participants": _split(d["participants"]),
            "result": d.get("result") or "",
        }


class RefuseForm(EventForm):
    reasons = forms.CharField(
        label="不予确认的理由（多项用顿号分隔；不填则按未满足的条件出具）",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    urgent = forms.BooleanField(label="情况紧急，需先行给予临时救助", required=False)

    def event_fields(self) -> dict:
        return {
            "reasons": _split(self.cleaned_data.get("reasons") or ""),
            "urgent": self.cleaned_data["urgent"],
        }


class ReturnToTownshipForm(EventForm):
    reasons = forms.CharField(label="退回理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


EVENT_FORMS: dict[str, type[EventForm]] = {
    "accept": EventForm,
    "return": ReturnForm,
    "resubmit": EventForm,
    "not_accept": ReasonForm,
    "withdraw": ReasonForm,
    "request_verification": EventForm,
    "run_verification": EventForm,
    "record_verification": VerificationForm,
    "request_recheck": RecheckForm,
    "propose": ProposeForm,
    "start_notice": EventForm,
    "object": ObjectForm,
    "end_notice": EventForm,
    "reinvestigate": ReinvestigateForm,
    "start_appraisal": EventForm,
    "record_appraisal": AppraisalForm,
    "confirm": EventForm,
    "refuse": RefuseForm,
    "return_to_township": ReturnToTownshipForm,
}


# --- materials, authorizations, the commitment, the clock ----------------------------------------------


class ScanField(forms.FileField):
    def clean(self, data, initial=None):
        f = super().clean(data, initial)
        if not f:
            return f
        if f.size > MAX_SCAN_BYTES:
            raise forms.ValidationError(f"扫描件“{f.name}”超过 {MAX_SCAN_BYTES // 1024 // 1024} MB")
        head = f.read(16)
        f.seek(0)
        if not (head.startswith(b"%PDF-") or image_type(head)):
            raise forms.ValidationError(f"“{f.name}”不是图片或PDF文件")
        return f


class MaterialForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, max_length=80)
    provided = forms.TypedChoiceField(
        choices=[("1", "已提供"), ("0", "未提供")], coerce=lambda v: v == "1", widget=forms.HiddenInput
    )


class ScanForm(forms.Form):
    material = forms.CharField(widget=forms.HiddenInput, max_length=80)
    scan = ScanField(label="上传扫描件")


class AuthorizationForm(forms.Form):
    person = forms.TypedChoiceField(label="签署人", coerce=int)
    method = forms.ChoiceField(label="授权方式", choices=Authorization.Method.choices, initial="paper")
    signed_on = forms.DateField(label="签署日期", widget=DATE_WIDGET)
    guardian = forms.BooleanField(label="由监护人代签", required=False)
    scan = ScanField(label="授权书扫描件（可选）", required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(p.pk, p.name) for p in people]
        self.fields["signed_on"].initial = timezone.localdate()


class CommitmentForm(NotFutureMixin, forms.Form):
    on = forms.DateField(label="承诺书签署日期", widget=DATE_WIDGET)
    method = forms.ChoiceField(label="签署方式", choices=[("paper", "纸质签字"), ("electronic", "电子签署")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class PauseForm(forms.Form):
    missing = forms.CharField(label="需申请人补充的材料（多项用顿号分隔）", max_length=500)
    on = forms.DateField(label="中止日期", required=False, widget=DATE_WIDGET, initial=timezone.localdate)

    def missing_list(self) -> list[str]:
        return _split(self.cleaned_data["missing"])


class ResumeForm(NotFutureMixin, forms.Form):
    on = forms.DateField(label="恢复计时日期", required=False, widget=DATE_WIDGET, initial=timezone.localdate)


class ExtendForm(forms.Form):
    reason = forms.ChoiceField(label="延期理由", choices=[("", "请选择"), *clock.EXTENSION_REASONS.items()])
    text = forms.CharField(label="具体情况", max_length=180, required=False)
    on = forms.DateField(label="延期日期", required=False, widget=DATE_WIDGET, initial=timezone.localdate)


class FileForm(NotFutureMixin, forms.Form):
    on = forms.DateField(label="备案日期", required=False, widget=DATE_WIDGET, initial=timezone.localdate)


class SpotCheckForm(NotFutureMixin, forms.Form):
    result = forms.ChoiceField(
        label="抽查结论", choices=[("upheld", "维持"), ("overruled", "改正（撤销确认）")]
    )
    finding = forms.CharField(label="抽查意见", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    on = forms.DateField(label="抽查日期", required=False, widget=DATE_WIDGET, initial=timezone.localdate)


# --- the home visit (mirrors the warning loop's phone form) ---------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Up to nine images of at most 5 MB each, checked by their first bytes (not by the name)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(f"照片最多 {MAX_PHOTOS} 张")
        out = []
        for f in files:
            if f.size > MAX_PHOTO_BYTES:
                raise forms.ValidationError(f"照片“{f.name}”超过 {MAX_PHOTO_BYTES // 1024 // 1024} MB")
            data_ = f.read()
            ext = image_type(data_)
            if ext is None:
                raise forms.ValidationError(f"“{f.name}”不是图片（只接受 JPG、PNG、GIF、WebP）")
            digest = hashlib.sha256(data_).hexdigest()
            out.append({"file": ContentFile(data_, name=f"{digest[:16]}.{ext}"), "sha256": digest})
        return out


class InvestigationForm(forms.Form):
    """入户调查 on a phone: who went, who was there, what they found; per member the labour capacity."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    visited_on = forms.DateField(label="调查日期", widget=DATE_WIDGET)
    method = forms.ChoiceField(
        label="调查方式", choices=METHOD_CHOICES, initial="home", widget=forms.RadioSelect
    )
    level = forms.ChoiceField(label="调查层级", choices=LEVEL_CHOICES[:1], initial="township")
    investigator1 = forms.CharField(label="调查人员一", max_length=32)
    investigator2 = forms.CharField(label="调查人员二", max_length=32)
    investigator3 = forms.CharField(label="调查人员三（可选）", max_length=32, required=False)
    members_present = forms.MultipleChoiceField(
        label="在场家庭成员", required=False, widget=forms.CheckboxSelectMultiple
    )
    living_conditions = forms.CharField(
        label="生活状况", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    income_answers = forms.CharField(
        label="收入情况询问记录", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    housing_rating = forms.ChoiceField(label="住房条件", choices=HOUSING_CHOICES, required=False)
    findings = forms.CharField(label="调查结论", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    members_signed = forms.TypedChoiceField(
        label="签字情况",
        choices=SIGNED_CHOICES,
        initial="yes",
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    refusal_to_sign = forms.CharField(label="拒绝签字的情况说明", max_length=200, required=False)
    photos = MultiplePhotoField(label="现场照片（可多选，每张不超过5MB）", required=False)

    def __init__(self, *args, members=(), county=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.members = list(members)
        self.fields["visited_on"].initial = timezone.localdate()
        self.fields["members_present"].choices = [(str(p.pk), p.name) for p in self.members]
        if county:
            self.fields["level"].choices = LEVEL_CHOICES
        for p in self.members:
            self.fields[f"labour_{p.pk}"] = forms.ChoiceField(
                label=p.name, choices=LABOUR_CHOICES, required=False
            )

    def labour_fields(self):
        return [self[f"labour_{p.pk}"] for p in self.members]

    def clean_visited_on(self):
        on = self.cleaned_data["visited_on"]
        if on > timezone.localdate():
            raise forms.ValidationError("调查日期不能晚于今天")
        return on

    def clean(self):
        data = super().clean()
        if data.get("members_signed") is False and not (data.get("refusal_to_sign") or "").strip():
            self.add_error("refusal_to_sign", "家庭成员未签字的，须记录拒绝签字的情况")
        return data

    def investigators(self) -> list[str]:
        d = self.cleaned_data
        return [
            d[k].strip()
            for k in ("investigator1", "investigator2", "investigator3")
            if (d.get(k) or "").strip()
        ]

    def labour_capacity(self) -> dict[str, str]:
        d = self.cleaned_data
        return {str(p.pk): d[f"labour_{p.pk}"] for p in self.members if d.get(f"labour_{p.pk}")}
