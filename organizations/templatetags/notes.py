from django import template

from common.text import public_note as _public_note

register = template.Library()


@register.filter
def public_note(value) -> str:
    """A note as the pages show it: without the demo's provenance markers ("(seed 003)")."""
    return _public_note(value or "")
