from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MemberCount, Organization


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "code", "form", "sector", "founded_on", "note"]
        widgets = {"founded_on": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}


class ScopedOrganizationChoiceField(forms.ModelChoiceField):
    """A choice among organizations the caller has already scoped (never trust the id)."""

    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class MoveForm(forms.Form):
    new_parent = ScopedOrganizationChoiceField(queryset=Organization.objects.none(), label=_("New parent"))
    on_date = forms.DateField(label=_("From date"), widget=DateInput())

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = parents


class MergeForm(forms.Form):
    target = ScopedOrganizationChoiceField(queryset=Organization.objects.none(), label=_("Merge into"))
    on_date = forms.DateField(label=_("Date of the merger"), widget=DateInput())

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = targets


class DissolveForm(forms.Form):
    on_date = forms.DateField(label=_("Date of dissolution"), widget=DateInput())


class MemberCountForm(forms.ModelForm):
    class Meta:
        model = MemberCount
        fields = ["as_of", "members", "note"]
        widgets = {"as_of": DateInput()}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


class ReorganizeForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))
    decision = forms.CharField(
        label=_("Decision"), max_length=255, required=False, help_text=_("e.g. Quyết định số 1234-QĐ/TW")
    )
    decision_date = forms.DateField(label=_("Date of the decision"), required=False, widget=DateInput())
