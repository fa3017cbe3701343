"""Report periods: the spans boards report on, always set beside the same span a year before.

A period is a quarter (`2025-Q1` … `2025-Q4`), the first 6 or 9 months (`2025-6M`,
`2025-9M`), the year (`2025`), or any span of days (`2025-02-01..2025-04-30`). The key is
what URLs, exports and the `attainment`/`bieu2` commands take (`--period`); the label is
what a report prints ("Quý I năm 2025", "6 tháng đầu năm 2025").
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

QUARTER_NAMES = {1: "I", 2: "II", 3: "III", 4: "IV"}
_NAMED = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<months>[69])M))?$", re.IGNORECASE)
_SPAN = re.compile(r"^(?P<start>\d{4}-\d{2}-\d{2})\.\.(?P<end>\d{4}-\d{2}-\d{2})$")


def _month_end(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def a_year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    key: str

    @property
    def year(self) -> int:
        """The plan year the period reports on (the year of its last day)."""
        return self.end.year

    @property
    def is_year(self) -> bool:
        return self.start == dt.date(self.end.year, 1, 1) and self.end == dt.date(self.end.year, 12, 31)

    @property
    def from_year_start(self) -> bool:
        """Q1, 6M, 9M and the year count from 1 January: their figures are the year's to date."""
        return self.start == dt.date(self.end.year, 1, 1)

    @property
    def label(self) -> str:
        named = _NAMED.match(self.key)
        if named:
            year = named["year"]
            if named["quarter"]:
                return _("Quarter %(quarter)s of %(year)s") % {
                    "quarter": QUARTER_NAMES[int(named["quarter"])],
                    "year": year,
                }
            if named["months"]:
                return _("First %(months)s months of %(year)s") % {"months": named["months"], "year": year}
            return _("Year %(year)s") % {"year": year}
        return _("From %(start)s to %(end)s") % {
            "start": self.start.strftime("%d/%m/%Y"),
            "end": self.end.strftime("%d/%m/%Y"),
        }

    def same_period_last_year(self) -> "Period":
        named = _NAMED.match(self.key)
        if named:
            return parse(str(int(named["year"]) - 1) + self.key[4:], checked=False)
        return between(a_year_before(self.start), a_year_before(self.end))

    def as_of(self, today: dt.date) -> dt.date:
        """The day the period's figures are read as of: its last day, or today while it runs.
        Never a day after today: a period not begun yet is read as of today, a day before it
        (`not_begun`): nothing of it is counted, and no report of it is dated in the future."""
        return min(self.end, today)

    def not_begun(self, as_of: dt.date) -> bool:
        """Whether a report counted to `as_of` holds no day of the period."""
        return as_of < self.start

    def is_over(self, today: dt.date) -> bool:
        return self.end < today

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return self.key


FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years a report may be of (the report form's)


def between(start: dt.date, end: dt.date, checked: bool = False) -> Period:
    """Any span of days; a span that is a named period gets the named key. `checked`: one a
    user typed is of the years a report may be of (not one derived from a report's: the
    same period last year of a report of 2000)."""
    if end < start:
        raise ValueError(_("The report period ends before it starts."))
    if checked and not (FIRST_YEAR <= start.year and end.year <= LAST_YEAR):
        raise ValueError(_("Choose a day of a year from 2000 to 2100."))
    for period in named_periods(end.year):
        if (period.start, period.end) == (start, end):
            return period
    return Period(start=start, end=end, key=f"{start.isoformat()}..{end.isoformat()}")


def parse(text: str, checked: bool = True) -> Period:
    """`2025`, `2025-Q1`…`2025-Q4`, `2025-6M`, `2025-9M` or `YYYY-MM-DD..YYYY-MM-DD`;
    ValueError (with a message for the user) otherwise, and for a year no report may be of
    (`checked`, as `between`)."""
    text = (text or "").strip()
    named = _NAMED.match(text)
    if named:
        year = int(named["year"])
        if not (1 < year < 9999) or (checked and not FIRST_YEAR <= year <= LAST_YEAR):
            raise ValueError(_("“%(text)s” is not a report period.") % {"text": text})
        if named["quarter"]:
            quarter = int(named["quarter"])
            start = dt.date(year, 3 * quarter - 2, 1)
            return Period(start=start, end=_month_end(year, 3 * quarter), key=f"{year}-Q{quarter}")
        if named["months"]:
            months = int(named["months"])
            return Period(start=dt.date(year, 1, 1), end=_month_end(year, months), key=f"{year}-{months}M")
        return Period(start=dt.date(year, 1, 1), end=dt.date(year, 12, 31), key=str(year))
    span = _SPAN.match(text)
    if span:
        try:
            start, end = dt.date.fromisoformat(span["start"]), dt.date.fromisoformat(span["end"])
        except ValueError:
            raise ValueError(_("“%(text)s” is not a report period.") % {"text": text}) from None
        return between(start, end, checked)
    raise ValueError(
        _(
            "“%(text)s” is not a report period: write 2025, 2025-Q1 … 2025-Q4, 2025-6M, 2025-9M"
            " or 2025-01-01..2025-03-31."
        )
        % {"text": text}
    )


def named_periods(year: int) -> list[Period]:
    """The periods boards report on in a year, in the order they fall due."""
    keys = [f"{year}-Q1", f"{year}-6M", f"{year}-Q2", f"{year}-9M", f"{year}-Q3", f"{year}-Q4", str(year)]
    return [parse(key, checked=False) for key in keys]


def choose(
    today: dt.date,
    *,
    period: Period | None = None,
    year: int | None = None,
    as_of: dt.date | None = None,
    last_day: dt.date | None = None,
    founded_on: dt.date | None = None,
) -> tuple[Period, dt.date]:
    """The period a report is for and the day it is counted to: the one rule of the report
    pages, their exports and the `attainment`/`export_report` commands.

    The period: `period`, else the plan year `year`, else the year of `as_of` (a report asked
    as of 30/06/2025 is of 2025), else this year. An organization that ended (`last_day`)
    reads a later year as its last day's year, as of that day.
    The day: `as_of` (one after the period's end reads as its end: the period whole), else
    the period's last day, or today while it runs; never after today (a period not begun
    yet is read as of today: its targets), nor after `last_day`.
    ValueError (a message for the user) for an `as_of` before a period that has begun: a
    report counted to a day before its period holds nothing of it and would read as zeros;
    and for a period begun after `last_day`, or ended before `founded_on` (the organization's
    founding: Biểu 2 and the reports sent upward refuse it too)."""
    if period is None:
        if year is None:
            year = as_of.year if as_of else min(today, last_day or today).year
        if last_day is not None and year > last_day.year:
            year, as_of = last_day.year, last_day
        period = parse(str(year))
    if last_day is not None and last_day < period.start:
        # A period begun after an organization ended holds none of its days (Biểu 2 and the
        # reports sent upward refuse it too: stood_in); a later year reads as its last, above.
        raise ValueError(
            _("Its last day was %(last)s, before %(period)s began: it has no report of that period.")
            % {"last": last_day.strftime("%d/%m/%Y"), "period": period.label}
        )
    if founded_on is not None and founded_on > period.end:
        raise ValueError(
            _("It was founded on %(day)s, after %(period)s ended: it has no report of that period.")
            % {"day": founded_on.strftime("%d/%m/%Y"), "period": period.label}
        )
    if as_of is not None and as_of < period.start:
        if period.start <= today:
            raise ValueError(
                _(
                    "The day %(day)s is before %(period)s began (%(start)s): no report of a period is"
                    " counted to a day before it. Give a day of the period, or no year and no period"
                    " for the report of %(year)s."
                )
                % {
                    "day": as_of.strftime("%d/%m/%Y"),
                    "period": period.label,
                    "start": period.start.strftime("%d/%m/%Y"),
                    "year": as_of.year,
                }
            )
        as_of = None  # a period not begun is read as of today, whatever day was asked
    day = period.as_of(today) if as_of is None else min(as_of, period.end, today)
    if last_day is not None:
        day = min(day, last_day)
    return period, day


def count_day(organization, year: int, as_of: dt.date) -> dt.date:
    """The day a report of `year` as of `as_of` counts to (the engine's): the day, within
    the year, and up to an ended organization's last day. A page's title names the
    organization, and its breadcrumbs its parents, as they were that day."""
    return min(as_of, dt.date(year, 12, 31), organization.last_day or as_of)


def stood_in(organization, period: Period) -> bool:
    """Whether `organization` existed on some day of `period`: founded by its last day, and
    not ended (merged or dissolved) before its first. Only such a period has a Biểu 2 (one
    it stood only in part has one too: a committee founded mid-quarter, or a dissolved
    one's closing form up to its last day) or a report sent upward, which also needs it
    to stand at the period's end (submissions.services.not_standing_reason)."""
    day = max(period.start, organization.founded_on or period.start)
    return day <= period.end and organization.existed_on(day)


def not_standing_message(organization, period: Period) -> str | None:
    """Why `organization` has no report of `period` (it did not exist on any of its days),
    or None when it has one (`stood_in`)."""
    if stood_in(organization, period):
        return None
    if organization.founded_on is not None and organization.founded_on > period.end:
        return _("%(org)s was founded on %(day)s, after %(period)s ended: it has no report of that period.") % {
            "org": organization.name,
            "day": organization.founded_on.strftime("%d/%m/%Y"),
            "period": period.label,
        }
    return _(
        "%(org)s was merged or dissolved on %(day)s (its last day: %(last)s), before %(period)s began:"
        " it has no report of that period."
    ) % {
        "org": organization.name,
        "day": organization.dissolved_on.strftime("%d/%m/%Y"),
        "last": organization.last_day.strftime("%d/%m/%Y"),
        "period": period.label,
    }


def before_founding_message(organization, year: int, as_of: dt.date) -> str | None:
    """Why no report of `year` as of `as_of` is made (pages' exports and commands alike):
    its count day is before the organization was founded, a report of zeros about an
    organization that did not exist yet (as a period ended before it is refused, by
    `choose`). None when it stood that day. Its page of that day says so, and names the
    organizations merged into it since, whose reports hold that day's figures."""
    day = count_day(organization, year, as_of)
    if organization.founded_on is None or day >= organization.founded_on:
        return None
    return _("It was founded on %(day)s, after %(as_of)s: it has no report counted to that day.") % {
        "day": organization.founded_on.strftime("%d/%m/%Y"),
        "as_of": day.strftime("%d/%m/%Y"),
    }


def not_begun_message(period: Period) -> str:
    """Why no report of `period` is made yet (pages and commands alike)."""
    return _("%(period)s begins on %(day)s: there is no report of it before that day.") % {
        "period": period.label,
        "day": period.start.strftime("%d/%m/%Y"),
    }
