"""The statistical form of new members (Biểu 2) as .xlsx and as PDF, in the layout boards file.

Both lay out `Form.table()` and the continuation lists of the same form object as the
page, so the three never disagree. The workbook: the header (the party organization
above, the issuing body, "Biểu 2"), the title, the organization and the period, the
table (STT | Chỉ tiêu | Kỳ này | Cùng kỳ năm trước | So sánh (%)), the footer "Người lập
biểu" / "BAN TỔ CHỨC", A4 portrait fitted to the width; the continuation sheet by ethnic
group and by religion. Every text is written as text (a name starting with "=" stays text).
"""

import datetime as dt

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from common.pdf import html_to_pdf
from organizations.documents import party_body, place_name
from organizations.positions import ancestors_on
from quotas.document import committee

from .bieu2 import Form, Line, entered_note, founded_note, moved_note, moved_within
from .report import gc_paused
from .workbook import Book, Sheet

WIDTHS = [6, 52, 12, 14, 12]


def heading(form: Form) -> dict:
    """What the header block says: the party organization above, the issuing body, the place,
    as on the form's day (its period's end, or today while it runs): those it stood under
    then, named as then (positions.ancestors_on). A school's form of the first half of 2025
    is headed by the district it stood under on 30/06/2025, not by the commune committee
    founded on 01/07/2025 that holds it now."""
    scope = form.organization
    ancestors = ancestors_on(scope, form.counted_to or form.period.end)
    parent = ancestors[-1] if ancestors else None
    return {
        "superior": party_body(parent),
        "issuer": committee(scope).upper(),  # the committee, as on the reports it signs
        "place": place_name(scope, ancestors),
    }


def _cell(value):
    return "" if value is None else value


def render_xlsx(form: Form, *, today: dt.date) -> bytes:
    with gc_paused():
        return _render_xlsx(form, heading(form), today, moved_within(form))


def _table_sheet(book: Book, name: str, head: dict, title: str, form: Form, freeze: bool = False) -> Sheet:
    sheet = book.sheet(name, WIDTHS)
    styles = book.styles
    if freeze:  # the table's header (row 8) stays on screen and is printed on every page
        sheet.freeze_below(8)
    left, right = styles(size=12), styles(bold=True, size=12, align="right")
    sheet.append([(left, head["superior"]), (left, ""), (left, ""), (left, ""), (right, _("Form 2"))])
    sheet.merged.append(f"A{sheet.row}:B{sheet.row}")
    sheet.append([(styles(bold=True, size=12), head["issuer"])])
    sheet.merged.append(f"A{sheet.row}:B{sheet.row}")
    sheet.append()
    sheet.line(title, bold=True, size=14, align="center")
    sheet.line(form.organization.name, bold=True, size=12, align="center")
    span = {
        "period": form.period.label,
        "start": form.period.start.strftime("%d/%m/%Y"),
        "end": form.period.end.strftime("%d/%m/%Y"),
    }
    if form.counted_to:  # the period runs: last year's column ends a year before this day
        line = _("%(period)s (from %(start)s to %(end)s, counted to %(day)s)") % {
            **span,
            "day": form.counted_to.strftime("%d/%m/%Y"),
        }
    else:
        line = _("%(period)s (from %(start)s to %(end)s)") % span
    # The span last year's column counts, as the page and the PDF say it (a running
    # period's ends a year before today).
    last = form.last_period
    line += f"; {_('same period last year')}: {last.start:%d/%m/%Y} – {last.end:%d/%m/%Y}"
    sheet.line(line, italic=True, align="center")
    sheet.append()
    return sheet


def _header(sheet: Sheet, styles, titles: list[str]) -> None:
    style = styles(bold=True, border=True, fill=True, wrap=True, align="center")
    sheet.append([(style, t) for t in titles])


def _footer(sheet: Sheet, styles, head: dict, today: dt.date) -> None:
    sheet.append()
    italic = styles(italic=True, align="center")
    bold = styles(bold=True, align="center")
    row = sheet.append(
        [
            (italic, ""),
            (italic, ""),
            (italic, f"{head['place']}, ngày {today:%d} tháng {today:%m} năm {today:%Y}"),
        ]
    )
    sheet.merged.append(f"C{row}:E{row}")
    row = sheet.append([(bold, ""), (bold, _("Report drawn up by")), (bold, _("ORGANIZATION BOARD"))])
    sheet.merged.append(f"C{row}:E{row}")


def _render_xlsx(form: Form, head: dict, today: dt.date, moved: bool = False) -> bytes:
    book = Book()
    styles = book.styles
    sheet = _table_sheet(book, _("Form 2"), head, _("NEW PARTY MEMBERS ADMITTED"), form, freeze=True)
    _header(sheet, styles, [_("No."), _("Indicator"), _("This period"), _("Same period last year"), _("Compared (%)")])
    number = styles(border=True, align="right", fmt="0")
    decimal = styles(border=True, align="right", fmt="0.0")
    for stt, label, row, kind in form.table():
        bold = kind in ("total", "heading")
        text = styles(border=True, wrap=True, bold=bold, italic=kind == "heading")
        centre = styles(border=True, align="center", bold=bold)
        if row is None:
            sheet.append([(centre, stt), (text, label), (text, ""), (text, ""), (text, "")])
            continue
        fmt = decimal if row.key == "mean_age" else number
        percent = row.percent
        sheet.append(
            [
                (centre, stt),
                (text, label if kind != "sub" else f"   {label}"),
                (fmt, _cell(row.this_period)),
                (fmt, _cell(row.same_period_last_year)),
                (decimal if isinstance(percent, float) else styles(border=True, align="center"), percent),
            ]
        )
    if moved:
        sheet.append()
        sheet.line("(*) " + moved_note(), italic=True, wrap=True, height=48)
    if form.entered:
        sheet.append()
        sheet.line("(**) " + entered_note(form), italic=True, wrap=True, height=48)
    if founded := founded_note(form):
        sheet.append()
        sheet.line("(***) " + founded, italic=True, wrap=True, height=48)
    _footer(sheet, styles, head, today)
    sheet.close()

    title = _("NEW PARTY MEMBERS ADMITTED (CONTINUED)")
    more = _table_sheet(book, _("Form 2 (continued)"), head, title, form)
    for title, lines in ((_("By ethnic group"), form.by_ethnicity), (_("By religion"), form.by_religion)):
        more.line(title, merged=False, bold=True)
        column = _("Ethnicity") if lines is form.by_ethnicity else _("Religion")
        _header(more, styles, [_("No."), column, _("This period"), _("Same period last year"), _("Compared (%)")])
        _lines(more, styles, lines, form)
        more.append()
    _footer(more, styles, head, today)
    more.close()
    return book.save()


def _lines(sheet: Sheet, styles, lines: list[Line], form: Form) -> None:
    text = styles(border=True, wrap=True)
    centre = styles(border=True, align="center")
    number = styles(border=True, align="right", fmt="0")
    decimal = styles(border=True, align="right", fmt="0.0")
    for n, line in enumerate(lines, start=1):
        percent = form.percent(line.this_period, line.same_period_last_year)
        sheet.append(
            [
                (centre, str(n)),
                (text, line.label),
                (number, line.this_period),
                (number, line.same_period_last_year),
                (decimal if isinstance(percent, float) else centre, percent),
            ]
        )
    bold = styles(border=True, bold=True, align="right", fmt="0")
    this, last = sum(li.this_period for li in lines), sum(li.same_period_last_year for li in lines)
    percent = form.percent(this, last)
    sheet.append(
        [
            (styles(border=True), ""),
            (styles(border=True, bold=True), _("Total")),
            (bold, this),
            (bold, last),
            (decimal if isinstance(percent, float) else centre, percent),
        ]
    )


def render_pdf_html(form: Form, *, today: dt.date) -> str:
    def with_percent(lines):
        return [(li, form.percent(li.this_period, li.same_period_last_year)) for li in lines]

    def total(lines):
        this, last = sum(li.this_period for li in lines), sum(li.same_period_last_year for li in lines)
        return this, last, form.percent(this, last)

    context = {
        "form": form,
        "table": form.table(),
        "date": today,
        "sections": [
            (_("By ethnic group"), _("Ethnicity"), with_percent(form.by_ethnicity), total(form.by_ethnicity)),
            (_("By religion"), _("Religion"), with_percent(form.by_religion), total(form.by_religion)),
        ],
        "moved_note": moved_note() if moved_within(form) else "",
        "entered_note": entered_note(form),
        "founded_note": founded_note(form),
        **heading(form),
    }
    return render_to_string("reports/bieu2_pdf.html", context)


def render_pdf(form: Form, *, today: dt.date) -> bytes:
    return html_to_pdf(render_pdf_html(form, today=today))
