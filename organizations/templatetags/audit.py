from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def reason(value) -> str:
    """A change's reason in the reader's language. The services store their own reasons as
    English keys (marked with gettext_noop); reasons people typed are shown as typed."""
    return gettext(value) if value else ""
