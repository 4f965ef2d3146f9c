"""Forms of the shell's own pages (the audit filter); each app keeps its own forms (login: accounts)."""

from __future__ import annotations

from django import forms

from doudi.core.audit_queries import AuditFilter


class AuditFilterForm(forms.Form):
    id_number = forms.CharField(label="人员身份证号", required=False, max_length=20)
    actor = forms.CharField(label="操作人账号", required=False, max_length=150)
    region = forms.RegexField(
        label="区划代码",
        required=False,
        regex=r"^\d{2,12}$",
        error_messages={"invalid": "请输入2至12位数字的区划代码"},
    )
    action = forms.ChoiceField(label="操作类型", required=False)
    since = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, actions: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = [("", "全部操作"), *actions]
        self.fields["id_number"].widget.attrs.update(autocomplete="off", inputmode="text")

    def audit_filter(self, *, page_views: bool) -> AuditFilter | None:
        """The filter asked for; None when the form is invalid (the page then shows nothing)."""
        if not self.is_bound:
            return AuditFilter(page_views=page_views)
        if not self.is_valid():
            return None
        d = self.cleaned_data
        return AuditFilter(
            page_views=page_views,
            id_number=d["id_number"] or "",
            actor=d["actor"] or "",
            region=d["region"] or "",
            action=d["action"] or "",
            since=d["since"],
            until=d["until"],
        )
