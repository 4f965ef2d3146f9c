"""Forms of the staff pages (login, household search, audit filter, region addition)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm

from doudi.accounts.auth import is_locked
from doudi.regions.models import Level
from doudi.regions.queries import within
from doudi.registry.models import AreaType, Category


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


def region_choices(prefix: str) -> list[tuple[str, str]]:
    """Cities, counties and townships inside the user's subtree, indented by level."""
    indent: dict[str, str] = {Level.COUNTY: "　", Level.TOWNSHIP: "　　"}
    rows = (
        within(prefix)
        .filter(level__in=[Level.CITY, Level.COUNTY, Level.TOWNSHIP])
        .values_list("code", "name", "level")
        .order_by("code")
    )
    return [(code, f"{indent.get(level, '')}{name}") for code, name, level in rows]


class HouseholdSearchForm(forms.Form):
    name = forms.CharField(label="姓名", required=False, max_length=64)
    household_key = forms.CharField(label="户编号", required=False, max_length=64)
    id_number = forms.CharField(label="身份证号", required=False, max_length=32)
    region = forms.ChoiceField(label="区划", required=False)
    category = forms.ChoiceField(
        label="救助类别", required=False, choices=[("", "全部类别"), *Category.choices]
    )
    area_type = forms.ChoiceField(
        label="城乡类别", required=False, choices=[("", "城市和农村"), *AreaType.choices]
    )

    def __init__(self, *args, scope_prefix: str, **kwargs):
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ChoiceField)
        region.choices = [("", "本辖区全部"), *region_choices(scope_prefix)]
        region.error_messages["invalid_choice"] = "所选区划不在您的辖区内"
        self.fields["name"].widget.attrs.update({"placeholder": "全名或其中几个字", "autocomplete": "off"})
        self.fields["household_key"].widget.attrs.update(
            {"placeholder": "完整或部分户编号", "autocomplete": "off"}
        )
        self.fields["id_number"].widget.attrs.update(
            {"placeholder": "18位或15位", "autocomplete": "off", "inputmode": "text"}
        )

    def filters(self) -> dict[str, str]:
        """The cleaned filters, keyword arguments of ``registry.queries.search_households``."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {k: (data.get(k) or "").strip() for k in self.fields}


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label="操作类型", required=False)

    def __init__(self, *args, actions: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = [("", "全部操作"), *actions]


class AddRegionForm(forms.Form):
    code = forms.CharField(label="区划代码（12位）", max_length=12)
    name = forms.CharField(label="名称", max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self.fields["name"].widget.attrs.update({"placeholder": "如：某某社区", "autocomplete": "off"})
