from django import template

from organizations import access
from organizations.access import Perm

register = template.Library()


@register.simple_tag(takes_context=True)
def may_see_candidates(context, organization) -> bool:
    """Whether the current user may open the candidate pages of `organization` (asks access.py)."""
    return access.has_perm(context["request"].user, organization, Perm.VIEW_PERSONAL)


@register.simple_tag(takes_context=True)
def may_see_any_candidates(context) -> bool:
    """Whether the current user may see candidates anywhere (for the navigation link)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return False
    return access.scope_paths(request.user, Perm.VIEW_PERSONAL) != []


@register.simple_tag
def due_with_days_late(due, today):
    """A deadline and, when past on `today`, its days late: the same marker as the list's."""
    from admissions.tables import due_with_days_late

    return due_with_days_late(due, today=today) if due else ""


@register.filter
def candidate_note(candidate) -> str:
    """The candidate's notes as the pages show them: without the demo's markers."""
    from admissions.forms import candidate_note_parts

    return candidate_note_parts(candidate.notes)[0]


@register.filter
def invented_person(candidate) -> bool:
    """A person the demo invented (marked so in the notes, shown as a badge instead)."""
    from admissions.models import DEMO_NOTE

    return (candidate.notes or "").startswith(DEMO_NOTE)
