"""Forms about regions: the region picker's choices (search and run forms) and adding a region."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join

from doudi.regions.models import Level
from doudi.regions.queries import within


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


class RegionSelect(forms.Select):
    """The region picker, rendered in Python: a province officer's list holds ~1,150 cities, counties and
    townships, and Django's per-option templates took ~60 ms of every search page to render them."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((code, " selected" if str(code) in chosen else "", label) for code, label in self.choices),
        )
        return format_html(
            "<select{}>{}</select>",
            flatatt(self.build_attrs(self.attrs, {**(attrs or {}), "name": name})),
            options,
        )


class AddRegionForm(forms.Form):
    code = forms.CharField(label="区划代码（12位）", max_length=12)
    name = forms.CharField(label="名称", max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        self.fields["name"].widget.attrs.update({"placeholder": "如：某某社区", "autocomplete": "off"})
