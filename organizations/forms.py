from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import DateField

from .models import MemberCount, Organization
from .selectors import organization_labels


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "code", "form", "sector", "founded_on", "note"]
        field_classes = {"founded_on": DateField}
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "founded_on": _(
                "The date of the founding decision. Empty only for an organization that stood before the"
                " records began: it then stands in the reports of every earlier day."
            )
        }


class OrganizationEditForm(OrganizationForm):
    """The edit page: a new name, form or sector takes effect on a day (services.organization_update)."""

    field_order = ["name", "name_correction", "code", "form", "sector", "changes_from", "founded_on", "note"]
    name_correction = forms.BooleanField(
        label=_("The new name corrects a mistake"),
        required=False,
        help_text=_("A misspelt name: every report shows the corrected one, those of earlier days too."),
    )
    changes_from = DateField(
        label=_("A new name, form or sector takes effect on"),
        required=False,
        help_text=_(
            "Only when the name, form or sector changes; reports of the days before keep the old one. Empty: today."
            " To correct a mistaken form or sector in every report, give the founding date."
        ),
    )


class _NamedChoiceIterator(forms.models.ModelChoiceIterator):
    """Choices labelled by name; a name that repeats among them is followed by its parent's name."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        organizations = list(self.queryset)
        labels = organization_labels(organizations)
        for obj in organizations:
            yield (forms.models.ModelChoiceIteratorValue(self.field.prepare_value(obj), obj), labels[obj.pk])


class ScopedOrganizationChoiceField(forms.ModelChoiceField):
    """A choice among organizations the caller has already scoped (never trust the id).

    Labelled by name, never by code: "Chi bộ Trường THPT Đức Trọng", and where two choices share a
    name, "Chi bộ Sinh viên — Đảng ủy Trường Đại học Đà Lạt" (their parents' names, one query)."""

    iterator = _NamedChoiceIterator

    def label_from_instance(self, obj):
        return obj.name


class MoveForm(forms.Form):
    new_parent = ScopedOrganizationChoiceField(queryset=Organization.objects.none(), label=_("New parent"))
    on_date = DateField(label=_("From date"))

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = parents


class MergeForm(forms.Form):
    target = ScopedOrganizationChoiceField(queryset=Organization.objects.none(), label=_("Merge into"))
    on_date = DateField(label=_("Date of the merger"))

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = targets


class DissolveForm(forms.Form):
    on_date = DateField(label=_("Date of dissolution"))


class MemberCountForm(forms.ModelForm):
    class Meta:
        model = MemberCount
        fields = ["as_of", "members", "note"]
        field_classes = {"as_of": DateField}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))


class ReorganizeForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))
    decision = forms.CharField(
        label=_("Decision"), max_length=255, required=False, help_text=_("e.g. Quyết định số 1234-QĐ/TW")
    )
    decision_date = DateField(label=_("Date of the decision"), required=False)


class ReopenForm(forms.Form):
    """An administrator of the level above lifts a lock until a day, for a stated reason."""

    until = DateField(label=_("Open until"), help_text=_("The period locks itself again the day after."))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, lock_pk=None, **kwargs):
        super().__init__(*args, **kwargs)
        if lock_pk is not None:  # several forms on one page: ids of their own
            self.auto_id = f"id_lock{lock_pk}_%s"
