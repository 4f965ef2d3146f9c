"""Forms of the shell's own pages (the audit filter); each app keeps its own forms (login: accounts)."""

from __future__ import annotations

from django import forms


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label="操作类型", required=False)

    def __init__(self, *args, actions: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = [("", "全部操作"), *actions]
