"""Whether the reader may open an organization's pages, for templates that link to one
they did not choose (a plan's issuer above the reader, say): a link the reader cannot
open (404 outside their subtrees) is shown as its name only. Asks organizations/access.py."""

from django import template

from organizations import access
from organizations.access import Perm

register = template.Library()


@register.simple_tag(takes_context=True)
def may_view(context, organization) -> bool:
    """`{% may_view org as visible %}`: the current user holds Perm.VIEW on `organization`."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or organization is None:
        return False
    return access.has_perm(user, organization, Perm.VIEW)
