"""The region picker is rendered in Python for speed; it must offer exactly what Django's own ``Select``
offers: the same options, labels (escaped), the selected one, and the field's attributes."""

from __future__ import annotations

import re

import pytest
from django import forms

from doudi.regions.forms import RegionSelect

CHOICES = [
    ("", "本辖区全部"),
    ("220100000000", "长春市"),
    ("220102000000", "　南关区<旧>"),
    ("220102001000", "　　永吉街道"),
]
OPTION = re.compile(r'<option value="([^"]*)"( selected)?>([^<]*)</option>')


def _form(widget):
    class Form(forms.Form):
        region = forms.ChoiceField(label="区划", required=False, choices=CHOICES, widget=widget)

    return Form


@pytest.mark.parametrize("value", [None, "", "220102000000", "220102001000", "999"])
def test_same_options_as_django_select(value):
    data = None if value is None else {"region": value}
    ours = str(_form(RegionSelect)(data)["region"])
    django_own = str(_form(forms.Select)(data)["region"])
    assert OPTION.findall(ours) == OPTION.findall(django_own)
    assert 'name="region"' in ours and 'id="id_region"' in ours
    assert "&lt;旧&gt;" in ours  # labels escaped


def test_one_option_selected():
    html = str(_form(RegionSelect)({"region": "220100000000"})["region"])
    assert [v for v, sel, _ in OPTION.findall(html) if sel] == ["220100000000"]
