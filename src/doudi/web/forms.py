"""Forms of the shell's own pages (login, audit filter); each app keeps its own forms."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm

from doudi.accounts.auth import is_locked


def lock_message() -> str:
    minutes = max(1, settings.DOUDI_LOGIN_LOCK_SECONDS // 60)
    return f"登录失败次数过多，请{minutes}分钟后再试"


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误",
        "inactive": "该账号已停用，请联系系统管理员",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip()
        if username and is_locked(username, self.request):
            raise forms.ValidationError(lock_message(), code="locked")
        try:
            return super().clean()
        except forms.ValidationError:
            # the failure just recorded may be the one that locks the account
            if username and is_locked(username, self.request):
                raise forms.ValidationError(lock_message(), code="locked") from None
            raise


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label="操作类型", required=False)

    def __init__(self, *args, actions: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = [("", "全部操作"), *actions]
