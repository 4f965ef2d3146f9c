"""The upload form of the batch page: the dataset choices are the user's own department's."""

from __future__ import annotations

from django import forms
from django.utils import timezone


class UploadForm(forms.Form):
    dataset = forms.ChoiceField(label="数据类型")
    as_of = forms.DateField(
        label="数据截至日期",
        input_formats=["%Y-%m-%d"],
        # a date input only takes YYYY-MM-DD; the locale's format would leave it empty
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "日期格式应为 YYYY-MM-DD"},
    )
    file = forms.FileField(
        label="数据文件（CSV、XLSX 或 Parquet）",
        error_messages={"required": "请选择要报送的文件", "empty": "文件为空（0 字节）"},
    )

    def __init__(self, *args, datasets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dataset"].choices = [(d.key, d.label) for d in datasets]
        self.fields["dataset"].error_messages["invalid_choice"] = "本部门不能报送该类数据"
        self.fields["as_of"].initial = timezone.localdate()
