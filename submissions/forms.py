from django import forms
from django.utils.translation import gettext_lazy as _


class NarrativeForm(forms.Form):
    results = forms.CharField(label=_("Results"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    limitations = forms.CharField(
        label=_("Limitations and causes"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    proposals = forms.CharField(label=_("Proposals"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ReviewForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
