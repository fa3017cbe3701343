"""The rows of Biểu 2 and the form a renderer lays out: the head rows, the groups (each adding
up to the total), the grassroots organizations, the continuation sheet's lines.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from admissions.categories import OCCUPATIONS
from admissions.models import GeneralEducation, ProfessionalLevel, TheoryLevel
from organizations.models import Organization
from organizations.positions import NamesOnDay

from ..periods import Period

NOT_STATED = gettext_lazy("Not stated")
AGE_BANDS = (
    ("18-30", gettext_lazy("18 to 30"), 30),
    ("31-40", gettext_lazy("31 to 40"), 40),
    ("41-50", gettext_lazy("41 to 50"), 50),
    ("51-60", gettext_lazy("51 to 60"), 60),
    ("over-60", gettext_lazy("Over 60"), None),
)
# The groups of rows, each adding up to the total: (prefix, heading, [(key, label)]).
GROUPS = (
    ("occupation", gettext_lazy("By occupation"), OCCUPATIONS),
    ("age", gettext_lazy("By age"), [(key, label) for key, label, _top in AGE_BANDS]),
    ("education", gettext_lazy("By general education"), GeneralEducation.choices),
    ("professional", gettext_lazy("By professional level"), ProfessionalLevel.choices),
    ("theory", gettext_lazy("By political theory level"), TheoryLevel.choices),
)
HEAD_ROWS = (
    ("total", gettext_lazy("Total new members admitted")),
    ("readmitted", gettext_lazy("of whom: re-admitted")),
    ("women", gettext_lazy("women")),
    ("ethnic_minority", gettext_lazy("ethnic minorities")),
    ("religious", gettext_lazy("religious believers")),
    ("youth_union", gettext_lazy("Youth Union members")),
    ("youth_union.not_stated", gettext_lazy("Youth Union membership not stated")),
)
ORGANIZATION_ROWS = (
    ("organizations.admitted", gettext_lazy("Grassroots organizations that admitted new members")),
    ("organizations.none_admitted", gettext_lazy("Grassroots organizations that admitted nobody")),
    ("organizations.no_candidates", gettext_lazy("Grassroots organizations with no candidates left on the road")),
)


def percent_of(this, last) -> float | str:
    """this ÷ last in percent, to one decimal; "—" when last is 0 (no percentage then)."""
    if not last:
        return "—"
    return round(this * 100 / last, 1)


@dataclass
class Row:
    key: str
    label: str
    this_period: int | float | None
    same_period_last_year: int | float | None
    group: str = ""  # the group's prefix ("occupation"), "" for the rows above the groups
    links: bool = True  # a count of admissions (mean_age is not)
    # False when counts were entered for a year of either column (Form.entered): the records
    # alone are not the year's figure; or when the organization was founded after last year's
    # column began (it holds part of it): no percentage compares them.
    comparable: bool = True

    @property
    def percent(self) -> float | str:
        if self.this_period is None or self.same_period_last_year is None or not self.comparable:
            return "—"
        return percent_of(self.this_period, self.same_period_last_year)

    @property
    def indent(self) -> bool:
        return self.key not in ("total",) and not self.key.startswith("organizations.") and self.group == ""


@dataclass
class Line:
    """A line of the continuation sheet (an ethnic group, a religion)."""

    label: str
    this_period: int
    same_period_last_year: int


@dataclass
class Form:
    organization: Organization
    period: Period
    last_period: Period
    rows: list[Row]
    organization_rows: list[Row]
    by_ethnicity: list[Line]
    by_religion: list[Line]
    ids: dict[tuple[str, str], list[int]]  # (row key, "this" | "last") → admission ids; empty without names
    counted_to: dt.date | None = None  # while the period runs: today (last year's column ends a year before)
    # The names of the form's day (its period's end, or today) of organizations renamed
    # since: `organization` carries its own (the header reads those above it on that day:
    # bieu2_exports.heading).
    names: NamesOnDay | None = None
    # New members entered as counts (historical results) inside the organization for the
    # years of either column, {(first year, last year): n}: not in the form, which counts
    # admissions person by person (entered_note).
    entered: dict[tuple[int, int], int] = field(default_factory=dict)
    comparable: bool = True  # whether a percentage compares the columns (Row.comparable)

    def percent(self, this, last) -> float | str:
        """this ÷ last as the form's rows compare them: "—" when they compare nothing
        (Row.comparable: counts entered, or founded during last year's column)."""
        return percent_of(this, last) if self.comparable else "—"

    @property
    def groups(self) -> list[tuple[str, list[Row]]]:
        """(heading, rows) for the page: the rows above the groups, then each group."""
        headings = {prefix: str(heading) for prefix, heading, _choices in GROUPS}
        result: list[tuple[str, list[Row]]] = []
        for row in self.rows:
            heading = headings.get(row.group, "")
            if not result or result[-1][0] != heading:
                result.append((heading, []))
            result[-1][1].append(row)
        return result

    def table(self) -> list[tuple[str, str, Row | None, str]]:
        """The form's table as every renderer lays it out: (number, label, row or None for a
        heading, style: "total", "heading", "sub" or "")."""
        lines: list[tuple[str, str, Row | None, str]] = []
        number = 0
        for heading, rows in self.groups:
            if heading:
                number += 1
                lines.append((str(number), heading, None, "heading"))
            for row in rows:
                if row.key == "total":
                    number += 1
                    lines.append((str(number), row.label, row, "total"))
                else:
                    lines.append(("", row.label, row, "sub"))
        number += 1
        lines.append((str(number), _("Grassroots organizations"), None, "heading"))
        lines.extend(("", row.label, row, "sub") for row in self.organization_rows)
        return lines

    def row(self, key: str) -> Row | None:
        return next((r for r in [*self.rows, *self.organization_rows] if r.key == key), None)
