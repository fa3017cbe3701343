"""Server-side SVG charts (pygal), inline in the page and in the PDF: no JavaScript."""

import functools
import itertools
import math
import re

from django.utils.translation import gettext as _

from .engine import Attainment

# pygal is imported when a chart is drawn, not when the app starts (0.2-0.6 s of every
# command's and worker's start-up: manage.py loads every view).
STYLE = dict(
    background="white",
    plot_background="white",
    foreground="#24292f",
    foreground_strong="#24292f",
    foreground_subtle="#57606a",
    colors=("#b3261e", "#1f6feb", "#57606a", "#d4a72c"),
    font_family="Liberation Serif, Times New Roman, serif",
    title_font_size=15,
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=12,
    value_font_size=11,
    guide_stroke_color="#d0d7de",
    major_guide_stroke_color="#afb8c1",
    guide_stroke_dasharray="1,0",
    major_guide_stroke_dasharray="1,0",
)


@functools.cache
def _style():
    from pygal.style import Style

    return Style(**STYLE)


_SCRIPT = re.compile(r"<script.*?</script>", re.S)
MONTHS = [f"{m:02d}" for m in range(1, 13)]


def _config(**extra):
    # js=[]: pygal would otherwise reference its tooltip script on a CDN.
    config = dict(
        style=_style(),
        js=[],
        disable_xml_declaration=True,
        width=640,
        height=260,
        show_legend=True,
        legend_at_bottom=True,
        print_values=False,
    )
    config.update(extra)
    return config


def _number(value) -> str:
    """A value as a Vietnamese page writes it: a whole number plainly, else one decimal
    after a comma ("7,3")."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}".replace(".", ",")


def _count_axis(*series) -> dict:
    """The count axis of the values in `series`: whole-number ticks from 0 (counts are
    whole numbers; pygal would label a small scale 0.2, 0.4, …), at most about ten of them."""
    top = max((v for values in series for v in values if v is not None), default=0)
    steps = (m * 10**e for e in itertools.count() for m in (1, 2, 5))  # 1, 2, 5, 10, 20, 50, …
    step = next(s for s in steps if top / s <= 10)
    last = max(1, math.ceil(top / step)) * step
    return dict(y_labels=list(range(0, last + 1, step)), value_formatter=_number)


def cumulative_chart(att: Attainment) -> str:
    """Cumulative admissions by month against the target line."""
    import pygal

    chart = pygal.Line(**_config(title=_("Cumulative new members, %(year)d") % {"year": att.year}, show_dots=True))
    chart.x_labels = MONTHS
    chart.add(_("Admitted"), att.months)
    drawn = [att.months]
    if att.forecast and not att.year_over:
        # The forecast band: candidates past the cell's resolution, added from the last month shown.
        last = max((i for i, n in enumerate(att.months) if n is not None), default=None)
        if last is not None:
            band = [None] * 12
            band[last] = att.months[last]
            for i in range(last + 1, 12):
                band[i] = att.months[last] + att.forecast
            drawn.append(band)
            chart.add(
                _("Forecast"),
                band,
                show_dots=False,
                allow_interruptions=True,
                stroke_style={"width": 3, "dasharray": "3,3"},
            )
    if att.target:
        chart.add(_("Target"), [att.target] * 12, show_dots=False, stroke_style={"dasharray": "6,4"})
        pace = [round(att.target * m / 12, 1) for m in range(1, 13)]
        chart.add(_("Even pace"), pace, show_dots=False, stroke_style={"dasharray": "2,3"})
        drawn.append([att.target])
    for name, value in _count_axis(*drawn).items():
        setattr(chart, name, value)
    return _inline(chart)


def history_chart(att: Attainment) -> str:
    """New members per year (records and entered historical counts). A year without data
    has no bar and is labelled "no data" (never a bar of 0); totals entered for a period
    of several years (2020–2023) are no year's bar: they are named under the chart."""
    title = _("New members by year")
    if att.periods:
        totals = "; ".join(f"{p.label}: {p.actual}" for p in att.periods)
        title += " (" + _("totals of periods: %(totals)s") % {"totals": totals} + ")"
    import pygal

    values = [y.actual for y in att.history]
    chart = pygal.Bar(**_config(title=title, print_values=True, **_count_axis(values)))
    chart.x_labels = [str(y.year) if y.actual is not None else f"{y.year}: {_('no data')}" for y in att.history]
    chart.add(att.scope.name, values)
    return _inline(chart)


def _inline(chart) -> str:
    """The SVG without pygal's inline script (tooltips need JavaScript we do not load)."""
    return _SCRIPT.sub("", chart.render(is_unicode=True))
