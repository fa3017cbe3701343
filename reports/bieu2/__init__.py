"""The statistical form of new members ("Biểu 2", 11-HD/BTCTW), filled from the records.

For an organization and a period: the admissions (not archived) whose ceremony falls in
the period (while it runs, up to today), inside the organization's subtree, each placed
where its organization stood on its ceremony date; from the day of a merger, a merged
organization's admissions count with its successor (organizations.positions, as
reports/past.py places them). The same
figures for the same period a year before (while the period runs, its days so far: to the
day a year before today, as the dashboard compares), and this ÷ last as a percentage ("—"
when last year is 0).

Rows (`Row.key`): `total`; of whom `readmitted`, `women`, `ethnic_minority`, `religious`,
`youth_union` (and `youth_union.not_stated`); the groups `occupation.<key>` (the list of
admissions.categories.OCCUPATIONS), `age.<band>` with `mean_age`, `education.<key>`,
`professional.<key>` and `theory.<key>`: each group ends with `.not_stated` where the
records lack the field, so every group adds up to `total`. Under the table the
grassroots organizations (admitted anyone, admitted nobody, have no candidates left on
the road on the last day), and the continuation sheet by ethnic group and by religion.

How the tree is read: the period is cut at every day an organization moved or was
merged (one query tells which days); inside each piece the tree stands still, so one
query reads its admissions (today's tree when nothing changed since the piece began,
else the tree of the piece's last day, organizations.positions.tree_on). In the usual
case (nothing moved since the period began) a form is a handful of queries whatever the
number of admissions: the rows are counted in Python from one read of the admissions.

Counts entered for a year (historical results: no person behind them) are not in the
form; it names them under the table and then gives no percentage (`entered_note`).

Differs from `attainment` only when organizations moved or merged inside the period:
`attainment` counts the whole year where each organization stood on its count day, the
form where it stood on each ceremony date.

The rooms: `rows` (the form's rows and the Form renderers lay out), `counting` (one
period placed and tallied), `form` (`bieu2()`, its JSON, the note on moves).
"""

from .form import bieu2, entered_note, form_json, founded_note, moved_note, moved_within
from .rows import AGE_BANDS, GROUPS, HEAD_ROWS, NOT_STATED, ORGANIZATION_ROWS, Form, Line, Row, percent_of

__all__ = [
    "AGE_BANDS",
    "GROUPS",
    "HEAD_ROWS",
    "NOT_STATED",
    "ORGANIZATION_ROWS",
    "Form",
    "Line",
    "Row",
    "bieu2",
    "entered_note",
    "founded_note",
    "form_json",
    "moved_note",
    "moved_within",
    "percent_of",
]
