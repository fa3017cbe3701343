from django import forms
from django.utils.translation import gettext_lazy as _

from admissions.categories import Category
from common.files import DOCUMENT_TYPES, NOT_A_DOCUMENT, document_type
from common.forms import DateField, YearField
from organizations.forms import ScopedOrganizationChoiceField
from organizations.models import OrgForm, Sector

from .models import MilestoneKind, Plan, Recurrence, RuleKind, SignerTitle

REASON_HELP = _("The plan is issued: this change is recorded as an amendment with your reason.")


def _reason_field(required: bool):
    return forms.CharField(
        label=_("Reason for the amendment"),
        required=required,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=REASON_HELP,
    )


IN_FORCE_HELP = _(
    "Empty: today. An earlier day when the change corrects an entry error or records a decision taken"
    " earlier: reports of the days before it keep the targets as they were."
)


def in_force_field():
    """The day an amendment of the targets takes effect in reports (quotas.in_force)."""
    return DateField(label=_("In force from"), required=False, help_text=IN_FORCE_HELP)


class InForceForm(forms.Form):
    """The day of the allocation grid's amendment (the grid's rows are read by hand)."""

    in_force_from = in_force_field()


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=500)
    number = forms.CharField(label=_("Number"), max_length=20, required=False, help_text=_("e.g. 97"))
    symbol = forms.CharField(label=_("Symbol"), max_length=30, help_text=_("e.g. KH/TU, KH/HU, KH/ThU, KH/ĐU"))
    issued_on = DateField(label=_("Issued on"), required=False)
    first_year = YearField(label=_("First year"))
    last_year = YearField(
        label=_("Last year"),
        required=False,
        help_text=_("Empty: every year from the first year until replaced."),
    )
    implements = forms.ModelMultipleChoiceField(
        label=_("Implements"), queryset=Plan.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    signer_title = forms.ChoiceField(
        label=_("Signer's title"),
        choices=[("", _("Not given (prints “BÍ THƯ”)"))] + list(SignerTitle.choices),
        required=False,
        help_text=_("The title printed in the signature block, under “T/M …”."),
    )
    signer_name = forms.CharField(
        label=_("Signer's full name"),
        max_length=100,
        required=False,
        help_text=_("Printed under the signature, without titles; empty: left to be written by hand."),
    )
    document = forms.FileField(label=_("Signed document (PDF, DOCX)"), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, parents=None, amending=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["implements"].queryset = parents if parents is not None else Plan.objects.none()
        if amending:
            self.fields["reason"] = _reason_field(True)

    def clean_document(self):
        """A PDF or .docx by its content, whatever its name; stored under the extension
        of what it is, which is also the type it is served with."""
        document = self.cleaned_data.get("document")
        if not document:
            return document
        kind = document_type(document)
        if kind is None:
            raise forms.ValidationError(NOT_A_DOCUMENT)
        stem = document.name.rsplit("/", 1)[-1].rsplit(".", 1)[0] or "van-ban"
        document.name = stem + DOCUMENT_TYPES[kind]
        return document

    def clean(self):
        data = super().clean()
        first, last = data.get("first_year"), data.get("last_year")
        if first and last and last < first:
            self.add_error("last_year", _("The last year cannot come before the first year."))
        return data


class IssueForm(forms.Form):
    number = forms.CharField(label=_("Number"), max_length=20, help_text=_("e.g. 97"))
    issued_on = DateField(label=_("Issued on"))


class CloseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class CopyForm(forms.Form):
    year = YearField(label=_("Year"))
    title = forms.CharField(label=_("Title"), max_length=500, required=False, help_text=_("Empty: the same title."))


class ImplementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=500)
    symbol = forms.CharField(label=_("Symbol"), max_length=30, help_text=_("e.g. KH/TU, KH/HU, KH/ThU, KH/ĐU"))
    first_year = YearField(label=_("First year"))
    last_year = YearField(label=_("Last year"), required=False)


# The fields each kind of rule reads (the others are hidden in the editor and ignored on save).
SELECTOR_FIELDS = ("applies_to_each", "target", "org_forms", "sectors", "depth")
KIND_FIELDS = {
    RuleKind.COUNT: (*SELECTOR_FIELDS, "category", "min_count", "max_count", "max_is_cap", "is_soft"),
    RuleKind.SHARE_OF_ADMISSIONS: (*SELECTOR_FIELDS, "category", "min_percent", "max_percent", "max_is_cap", "is_soft"),
    RuleKind.SHARE_OF_MEMBERSHIP: (*SELECTOR_FIELDS, "min_percent", "max_percent", "max_is_cap", "is_soft"),
    RuleKind.ALLOCATION: ("target", "category", "min_count", "is_soft"),
    RuleKind.CELL_SIZE: (*SELECTOR_FIELDS, "min_count", "is_soft"),
    RuleKind.INACTIVITY: (*SELECTOR_FIELDS, "years_without"),
}
# Shown for every kind.
COMMON_FIELDS = ("kind", "note", "reason", "in_force_from", "version")
# Shown only with "for every matching organization" (checked) or without it (unchecked).
EACH_ONLY, ONE_ONLY = ("org_forms", "sectors", "depth"), ("target",)


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of rule"), choices=RuleKind.choices)
    applies_to_each = forms.BooleanField(
        label=_("For every matching organization"),
        required=False,
        help_text=_("Select by form, sector and level instead of naming one organization."),
    )
    target = ScopedOrganizationChoiceField(
        label=_("Organization"),
        queryset=None,
        required=False,
        help_text=_("Empty: the issuing organization itself."),
    )
    org_forms = forms.MultipleChoiceField(
        label=_("Forms"), choices=OrgForm.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    sectors = forms.MultipleChoiceField(
        label=_("Sectors"), choices=Sector.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    depth = forms.IntegerField(
        label=_("Levels below the issuer"),
        min_value=1,
        max_value=10,
        required=False,
        help_text=_("1 = directly under the issuer; empty = any level."),
    )
    category = forms.ChoiceField(
        label=_("Candidate category"), choices=[("", _("All new members"))] + list(Category.choices), required=False
    )
    min_count = forms.IntegerField(label=_("At least"), min_value=0, required=False)
    max_count = forms.IntegerField(label=_("At most"), min_value=0, required=False)
    min_percent = forms.DecimalField(label=_("At least (%)"), max_digits=5, decimal_places=2, required=False)
    max_percent = forms.DecimalField(label=_("At most (%)"), max_digits=5, decimal_places=2, required=False)
    years_without = forms.IntegerField(label=_("Years without admission"), min_value=1, required=False)
    is_soft = forms.BooleanField(label=_("Target to strive for (phấn đấu)"), required=False, initial=True)
    max_is_cap = forms.BooleanField(
        label=_("not more than (binding upper limit)"),
        required=False,
        help_text=_("Only when the plan says “không quá” or “tối đa”: going over the maximum then fails the rule."),
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, targets, amending=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = targets
        if amending:
            self.fields["reason"] = _reason_field(True)
            self.fields["in_force_from"] = in_force_field()

    def kinds_of(self, name: str) -> str:
        """The kinds a field belongs to, space separated ("" for every kind): the editor shows
        only the fields of the chosen kind."""
        if name in COMMON_FIELDS:
            return ""
        return " ".join(kind for kind, names in KIND_FIELDS.items() if name in names)

    def fields_by_kind(self):
        """(bound field, kinds, "each"/"one"/"") for the template."""
        for field in self.visible_fields():
            name = field.name
            scope = "each" if name in EACH_ONLY else "one" if name in ONE_ONLY else ""
            yield field, self.kinds_of(name), scope

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        used = KIND_FIELDS.get(kind)
        if used is None:
            return data
        # A field of another kind, filled before the user changed the kind, is hidden: ignore it.
        # ("is_soft" is kept: an inactivity rule prints no "phấn đấu" whatever it holds.)
        empty = {"org_forms": [], "sectors": [], "applies_to_each": False, "max_is_cap": False}
        for name in self.fields:
            if name not in (*COMMON_FIELDS, "is_soft") and name not in used and name in data:
                data[name] = empty.get(name, "" if name == "category" else None)
        if data.get("applies_to_each"):
            data["target"] = None
        else:
            data.update(org_forms=[], sectors=[], depth=None)
        return data

    def rule_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["forms"] = data.pop("org_forms")
        for name in ("version", "reason", "in_force_from"):
            data.pop(name, None)
        return data


class AllocationImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def __init__(self, *args, amending=False, **kwargs):
        super().__init__(*args, **kwargs)
        if amending:
            self.fields["reason"] = _reason_field(True)
            self.fields["in_force_from"] = in_force_field()


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("What is due"), max_length=300)
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("As its words say")), *MilestoneKind.choices],
        required=False,
        help_text=_("A report goes to the level above; dossiers and other tasks are deadlines of their own."),
    )
    due_on = DateField(label=_("Due on"))
    recurrence = forms.ChoiceField(label=_("Recurrence"), choices=Recurrence.choices)
    responsible = forms.CharField(label=_("Responsible"), max_length=200, required=False)

    def __init__(self, *args, amending=False, **kwargs):
        super().__init__(*args, **kwargs)
        if amending:
            self.fields["reason"] = _reason_field(True)
