from django import forms

from doudi.disclosure.models import OfficeGuide


class GuideForm(forms.ModelForm):
    class Meta:
        model = OfficeGuide
        fields = [
            "assistance",
            "eligibility",
            "materials",
            "steps",
            "place",
            "hours",
            "phone",
            "complaint_phone",
            "complaint_address",
        ]
        widgets = {
            f: forms.Textarea(attrs={"rows": 4}) for f in ("assistance", "eligibility", "materials", "steps")
        }
