"""Which form of organization may stand under which: only what the party statute makes
certain (docs/domain.md, "The organization tree"). Everything else stays allowed.

- a cell and a grassroots cell hold no organization (a cell is the base unit);
- a partial committee holds only cells;
- a grassroots committee holds only partial committees and cells;
- the central committee stands under nothing; a provincial committee stands only under
  the central committee, or at the top.

The one place of the rule: every write of the tree (the services, the tree import, the
reorganization file's simulation) asks `nesting_problem`. Writes only: a tree stored before
the rule that breaks it still reads and reports.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Organization, OrgForm

# What a form may hold; a form not listed here may hold any form (the central and provincial
# committees aside, see nesting_problem).
HOLDS_ONLY = {
    OrgForm.CELL: frozenset(),
    OrgForm.GRASSROOTS_CELL: frozenset(),
    OrgForm.PARTIAL_COMMITTEE: frozenset({OrgForm.CELL}),
    OrgForm.GRASSROOTS_COMMITTEE: frozenset({OrgForm.PARTIAL_COMMITTEE, OrgForm.CELL}),
}


def _form_name(form: str) -> str:
    """The form's name inside a sentence ("a grassroots cell", "một chi bộ cơ sở")."""
    return str(OrgForm(form).label).lower() if form in OrgForm.values else form


def nesting_problem(form: str, parent_form: str | None) -> str | None:
    """Why an organization of `form` may not stand under one of `parent_form` (None: at the
    top of the tree), in the user's language; None when it may."""
    if form == OrgForm.CENTRAL and parent_form is not None:
        return _("The central committee stands under no organization.")
    if form == OrgForm.PROVINCIAL and parent_form not in (None, OrgForm.CENTRAL):
        return _("A provincial committee stands only under the central committee.")
    if parent_form not in HOLDS_ONLY or form in HOLDS_ONLY[parent_form]:
        return None
    if parent_form == OrgForm.CELL:
        return _("A cell holds no organization under it: it is the base unit of the party.")
    if parent_form == OrgForm.GRASSROOTS_CELL:
        return _("A grassroots cell holds no organization under it: it is the base unit of the party.")
    if parent_form == OrgForm.PARTIAL_COMMITTEE:
        return _("A partial committee holds only cells, not a %(form)s.") % {"form": _form_name(form)}
    return _("A grassroots committee holds only partial committees and cells, not a %(form)s.") % {
        "form": _form_name(form)
    }


def parent_forms(form: str) -> list[str]:
    """The forms an organization of `form` may stand under: what the move page offers."""
    return [parent for parent in OrgForm.values if nesting_problem(form, parent) is None]


def holder_forms(child_forms) -> list[str]:
    """The forms that may hold organizations of every form in `child_forms`: where a merger
    may carry an organization's children (the merge page offers only these)."""
    child_forms = set(child_forms)
    return [form for form in OrgForm.values if all(nesting_problem(child, form) is None for child in child_forms)]


def check_nesting(form: str, parent_form: str | None, *, name: str = "") -> None:
    """Raise ValidationError with `nesting_problem`'s message (after `name`, when given)."""
    problem = nesting_problem(form, parent_form)
    if problem:
        raise ValidationError(f"{name}: {problem}" if name else problem)


def misplaced():
    """Active organizations standing under a parent whose form may not hold them, with the
    reason, in path order: what a tree stored before the rule may hold (`manage.py
    check_nesting`). Reads every active organization's path and form once; an organization
    at the top of the tree breaks none."""
    forms = dict(Organization.objects.filter(dissolved_on__isnull=True).values_list("path", "form"))
    found = []
    for path, form in sorted(forms.items()):
        parent_form = forms.get(path[: -Organization.steplen])
        problem = nesting_problem(form, parent_form) if parent_form is not None else None
        if problem:
            found.append((path, problem))
    by_path = Organization.objects.in_bulk([path for path, _problem in found], field_name="path")
    return [(by_path[path], problem) for path, problem in found]


def outlived():
    """Organizations that stood under their parent after the parent ended (merged or
    dissolved before them: possible in a database written before a merger or dissolution
    checked it; the reports of those days count their admissions under no row), with the
    reason, in path order (`manage.py check_nesting`). Reads every organization's path and
    end once."""
    ends = dict(Organization.objects.values_list("path", "dissolved_on"))
    found = []
    for path, end in sorted(ends.items()):
        parent_end = ends.get(path[: -Organization.steplen])
        if parent_end is not None and (end is None or end > parent_end):
            found.append((path, path[: -Organization.steplen], parent_end))
    by_path = Organization.objects.in_bulk(
        [p for found_path, parent, _end in found for p in (found_path, parent)], field_name="path"
    )
    return [
        (
            by_path[path],
            _("stood under %(parent)s after it ended on %(day)s")
            % {"parent": by_path[parent].name, "day": parent_end.strftime("%d/%m/%Y")},
        )
        for path, parent, parent_end in found
    ]
