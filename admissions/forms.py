from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import DateField
from common.text import join_note, split_note
from organizations.forms import ScopedOrganizationChoiceField
from organizations.models import Organization

from .models import Candidate, IntroducerKind, Outcome, Step
from .services import LEAVING_OUTCOMES
from .services.candidates import PERSONAL, READMISSION


class NotStatedYesNo(forms.NullBooleanSelect):
    """Yes / no, or not stated (blank): what the records hold is counted as such."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", _("Not stated")), ("true", _("Yes")), ("false", _("No"))]


def candidate_note_parts(notes: str) -> tuple[str, str]:
    """A candidate's notes as (what the pages show, the demo's markers kept aside)."""
    from .models import DEMO_NOTE

    return split_note(notes, (DEMO_NOTE,))


class CandidateForm(forms.ModelForm):
    allow_duplicate = forms.BooleanField(label=_("Not the same person as the likely duplicate shown"), required=False)

    class Meta:
        model = Candidate
        fields = list(PERSONAL)
        # dd/mm/yyyy in every browser language (common/forms.py): a browser's own picker
        # reads 06/07/2025 as June 7 in English.
        field_classes = {
            "date_of_birth": DateField,
            "provincial_consent_on": DateField,
            "earlier_membership_ended_on": DateField,
        }
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "youth_union_member": NotStatedYesNo(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The demo's markers stay in the record but not in the text box; saved back as they were.
        shown, self.hidden_note = candidate_note_parts(self.instance.notes if self.instance.pk else "")
        if self.hidden_note:
            self.initial["notes"] = shown

    def clean_notes(self):
        return join_note(self.cleaned_data.get("notes", ""), self.hidden_note)


class ReadmissionForm(CandidateForm):
    """The personal data of a re-admission, with the earlier membership's end."""

    class Meta(CandidateForm.Meta):
        fields = [*PERSONAL, *READMISSION]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in READMISSION:
            self.fields[name].required = True


class CandidateCreateForm(CandidateForm):
    organization = ScopedOrganizationChoiceField(queryset=Organization.objects.none(), label=_("Developing cell"))
    source_date = DateField(label=_("Identified as a source on"))
    source_document = forms.CharField(label=_("Document number"), max_length=60, required=False)

    class Meta(CandidateForm.Meta):
        fields = ["organization", *PERSONAL]

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.order_fields(["organization", *PERSONAL[:9], "source_date", "source_document", "notes"])


class ReadmissionCreateForm(CandidateCreateForm):
    """A former member on the road again (kết nạp lại): how and when the earlier membership ended."""

    class Meta(CandidateCreateForm.Meta):
        fields = ["organization", *PERSONAL, *READMISSION]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in READMISSION:
            self.fields[name].required = True
        self.order_fields(["organization", *PERSONAL[:9], *READMISSION, "source_date", "source_document", "notes"])


class AdvanceForm(forms.Form):
    step = forms.TypedChoiceField(label=_("Step"), coerce=int, choices=())
    date = DateField(label=_("Date"))
    document_number = forms.CharField(label=_("Document number"), max_length=60, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, steps: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [(s, Step(s).label) for s in steps]
        if steps:
            self.fields["step"].initial = steps[0]
        self.wants_introducers = Step.INTRODUCTION in steps
        if self.wants_introducers:
            for i, kind in ((1, IntroducerKind.MEMBER), (2, IntroducerKind.MEMBER)):
                self.fields[f"introducer{i}_kind"] = forms.ChoiceField(
                    label=_("Introducer %(n)d") % {"n": i}, choices=IntroducerKind.choices, initial=kind
                )
                self.fields[f"introducer{i}_name"] = forms.CharField(
                    label=_("Full name"), max_length=120, required=False
                )
                self.fields[f"introducer{i}_since"] = DateField(
                    label=_("Has known the candidate since"), required=False
                )

    def introducers(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "kind": data[f"introducer{i}_kind"],
                "full_name": data[f"introducer{i}_name"],
                "known_since": data[f"introducer{i}_since"],
            }
            for i in (1, 2)
            if self.wants_introducers and data.get(f"introducer{i}_name")
        ]


class AdmissionForm(forms.Form):
    ceremony_date = DateField(label=_("Ceremony date"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, needs_decision_number: bool = False, **kwargs):
        """`needs_decision_number`: the decision was recorded without its number, which the
        admission needs (services.admission_build): asked for here, as the import takes it."""
        super().__init__(*args, **kwargs)
        if needs_decision_number:
            self.fields["decision_number"] = forms.CharField(
                label=_("Number of the admission decision"),
                max_length=60,
                help_text=_("The decision was recorded without its number."),
            )
            self.order_fields(["ceremony_date", "decision_number", "note"])


class RecognizeForm(forms.Form):
    on_date = DateField(label=_("Recognized as full member on"))
    decision_number = forms.CharField(label=_("Recognition decision"), max_length=60)


class StrikeOffForm(forms.Form):
    on_date = DateField(label=_("Struck off on"))
    reason = forms.CharField(label=_("Reason"), max_length=300)


class WithdrawForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[(o.value, o.label) for o in Outcome if o in LEAVING_OUTCOMES]
    )
    on_date = DateField(label=_("Date"))
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class TransferForm(forms.Form):
    """The candidate's file moves to another organization of the user's scope (services.candidate_transfer)."""

    organization = ScopedOrganizationChoiceField(queryset=Organization.objects.none(), label=_("New developing cell"))
    on_date = DateField(label=_("From date"))
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class ArchiveForm(forms.Form):
    reason = forms.CharField(label=_("Reason for archiving"), max_length=300)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))
