"""Forms of the accounts: the login form (refusing a locked account) and the user administration.
In the administration, choices offer only what the actor may grant; a forged POST outside them gets a
Chinese refusal (and the action checks ``accounts.privileges`` again)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm

from doudi.accounts import privileges
from doudi.accounts.auth import is_locked
from doudi.accounts.models import Department, Role
from doudi.regions.models import Level, Region

ROLE_LABELS = dict(Role.choices)
_INDENT: dict[str, str] = {
    Level.CITY: "",
    Level.COUNTY: "　",
    Level.TOWNSHIP: "　　",
    Level.VILLAGE: "　　　",
}


def scope_choices(region_code: str, extra: str | None = None) -> list[tuple[str, str]]:
    """The actor's own region and the cities, counties and townships under it (plus ``extra``, a
    target's current region, when it lies deeper), indented by level."""
    prefix = privileges.subtree_prefix(region_code)
    levels = [Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP]
    rows = Region.objects.filter(code__startswith=prefix).filter(level__in=levels)
    if extra and privileges.within(extra, region_code):
        rows = rows | Region.objects.filter(code=extra)
    return [
        (code, f"{_INDENT.get(level, '')}{name}")
        for code, name, level in rows.values_list("code", "name", "level").order_by("code")
    ]


def role_choices(actor_role: str) -> list[tuple[str, str]]:
    return [(r, ROLE_LABELS[r]) for r in privileges.grantable_roles(actor_role)]


class _GrantForm(forms.Form):
    role = forms.ChoiceField(label="角色", error_messages={"invalid_choice": privileges.HIGHER_GRANT})
    region = forms.ChoiceField(label="管辖区划", error_messages={"invalid_choice": privileges.WIDER_GRANT})
    department = forms.ChoiceField(
        label="所属部门（部门用户必填）", required=False, choices=[("", "—"), *Department.choices]
    )

    def __init__(self, *args, actor, current_region: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(actor.role)  # type: ignore[attr-defined]
        self.fields["region"].choices = scope_choices(actor.region_id, current_region)  # type: ignore[attr-defined]

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.DEPARTMENT and not data.get("department"):
            self.add_error("department", "部门用户必须指定所属部门")
        return data


class UserCreateForm(_GrantForm):
    username = forms.RegexField(
        label="登录名",
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": "登录名只能包含字母、数字和 @ . + - _"},
    )
    display_name = forms.CharField(label="姓名", max_length=64, required=False)
    password = forms.CharField(
        label="初始密码（留空则自动生成）",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    field_order = ["username", "display_name", "role", "region", "department", "password"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "off", "autocapitalize": "none"})


class UserChangeForm(_GrantForm):
    pass


class ResetPasswordForm(forms.Form):
    password = forms.CharField(
        label="新密码（留空则自动生成）",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class OwnPasswordForm(forms.Form):
    old_password = forms.CharField(
        label="当前密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    password1 = forms.CharField(
        label="新密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label="再次输入新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_old_password(self):
        if not self.user.check_password(self.cleaned_data["old_password"]):
            raise forms.ValidationError("当前密码不正确")
        return self.cleaned_data["old_password"]

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "两次输入的新密码不一致")
        return data


class UserFilterForm(forms.Form):
    q = forms.CharField(label="登录名或姓名", required=False, max_length=64)
    role = forms.ChoiceField(label="角色", required=False)
    region = forms.ChoiceField(label="区划", required=False)
    active = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), ("1", "启用"), ("0", "已停用")]
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "全部角色"), *role_choices(actor.role)]  # type: ignore[attr-defined]
        self.fields["region"].choices = [("", "本辖区全部"), *scope_choices(actor.region_id)]  # type: ignore[attr-defined]
        self.fields["region"].error_messages["invalid_choice"] = "所选区划不在您的辖区内"

    def filters(self) -> dict[str, str]:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        region = data.get("region") or ""
        return {
            "q": (data.get("q") or "").strip(),
            "role": data.get("role") or "",
            "region_prefix": privileges.subtree_prefix(region) if region else "",
            "active": data.get("active") or "",
        }


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
