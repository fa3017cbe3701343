"""Formatting of report cells for the HTML page (the same rows Excel and PDF render)."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..report import INT, PERCENT, STATUS, STATUS_CLASS, status_label

register = template.Library()


@register.filter
def index(sequence, i):
    try:
        return sequence[i]
    except (IndexError, TypeError, KeyError):
        return None


def format_value(value, kind) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):  # "—", "no data"
        return value
    if kind == PERCENT:
        return f"{value * 100:.1f}".replace(".", ",") + "%"
    return str(value)


@register.simple_tag
def cell(value, column, link, query, can_see_names, position):
    """A <td>: numbers right-aligned, statuses as badges; the organization links to its
    dashboard and the achieved figure to the admissions behind it (for users who may see names)."""
    if column.kind == STATUS:
        if not value:
            return mark_safe("<td></td>")
        return format_html('<td><span class="badge {}">{}</span></td>', STATUS_CLASS[value], status_label(value))
    text = format_value(value, column.kind)
    css = ' class="num"' if column.kind in (INT, PERCENT) else ""
    if link and position == 1 and column.kind == "text":
        url = reverse("reports:dashboard", args=[link["org"]]) + "?" + query
        return format_html('<td><a href="{}">{}</a></td>', url, text)
    if link and can_see_names and column.kind == INT and _is_achieved(column) and value not in (None, ""):
        params = query + ("&" + urlencode({"category": link["category"]}) if link.get("category") else "")
        url = reverse("reports:admissions", args=[link["org"]]) + "?" + params
        return format_html('<td class="num"><a href="{}">{}</a></td>', url, text)
    return format_html("<td{}>{}</td>", mark_safe(css), text)


def _is_achieved(column) -> bool:
    from django.utils.translation import gettext as _

    return column.title in (_("Achieved"), _("Achieved (total)"))


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def plain(value, column):
    """A cell's text for the PDF."""
    if column.kind == STATUS:
        return status_label(value)
    return format_value(value, column.kind)
