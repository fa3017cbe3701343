from django import template
from django.utils.translation import gettext, gettext_noop

register = template.Library()


@register.filter
def reason(value) -> str:
    """A change's reason in the reader's language. The services store their own reasons as
    English keys (marked with gettext_noop); reasons people typed are shown as typed."""
    return gettext(value) if value else ""


# simple-history's own labels ("Created", …) have no Vietnamese translation.
HISTORY_TYPES = {"+": gettext_noop("created"), "~": gettext_noop("edited"), "-": gettext_noop("deleted")}


@register.filter
def history_type(value) -> str:
    """A history record's type (+ ~ -) in the reader's language."""
    return gettext(HISTORY_TYPES[value]) if value in HISTORY_TYPES else str(value)
