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
def cells(row, columns, link, query, can_see_names, unlinked=()):
    """The <td>s of one row: numbers right-aligned, statuses as badges; the organization
    links to its dashboard and the achieved figures to the admissions behind them (for
    users who may see names; none for an organization in `unlinked`, which the reader may
    not open). One tag per row, its links reversed once: a tag per cell cost a province's
    dashboard more than its figures."""
    if link and unlinked and link["org"] in unlinked:
        link = None
    dashboard_url = admissions_url = None
    if link:
        dashboard_url = reverse("reports:dashboard", args=[link["org"]]) + "?" + query
    achieved = _achieved_titles()
    if link and can_see_names and any(column.kind == INT and column.title in achieved for column in columns):
        params = query
        if link.get("as_of"):  # a row counted to an earlier day (a committee's that ended): that day's
            params = urlencode({"year": link["as_of"].year, "as_of": link["as_of"].isoformat()})
        if link.get("category"):
            params += "&" + urlencode({"category": link["category"]})
        admissions_url = reverse("reports:admissions", args=[link["org"]]) + "?" + params
    return mark_safe(
        "".join(
            _cell(value, column, dashboard_url if position == 1 else None, admissions_url, achieved)
            for position, (value, column) in enumerate(zip(row, columns, strict=False))
        )
    )


def _cell(value, column, dashboard_url, admissions_url, achieved) -> str:
    if column.kind == STATUS:
        if not value:
            return "<td></td>"
        return format_html('<td><span class="badge {}">{}</span></td>', STATUS_CLASS[value], status_label(value))
    text = format_value(value, column.kind)
    if dashboard_url and column.kind == "text":
        return format_html('<td><a href="{}">{}</a></td>', dashboard_url, text)
    if admissions_url and column.kind == INT and column.title in achieved and value not in (None, ""):
        return format_html('<td class="num"><a href="{}">{}</a></td>', admissions_url, text)
    css = ' class="num"' if column.kind in (INT, PERCENT) else ""
    return format_html("<td{}>{}</td>", mark_safe(css), text)


def _achieved_titles() -> tuple[str, str]:
    from django.utils.translation import gettext as _

    return _("Achieved"), _("ACHIEVED")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.simple_tag
def plain(value, column):
    """A cell's text for the PDF."""
    if column.kind == STATUS:
        return status_label(value)
    return format_value(value, column.kind)
