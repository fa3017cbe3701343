"""The organizations failing a size or inactivity rule over many organizations, read
lazily from the database: `FailingList` and the queries behind it.

An inactivity rule ("no admission for K years or more") cannot be failed by an
organization younger than its K years: one founded after 1 January of the window's first
year (year - K + 1), unless an organization merged into it by the count day stood by then
(its records count as the successor's own, so they go back that far). Such an
organization is measured (among `matched`) and meets the rule: it is never listed as
failing, so "meeting/matched" and the list agree on every road (here, the tree of a past
day in reports/past.py, an ended issuer's in ended.py: `stood_since`, `too_young`)."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, IntegerField, OuterRef, Q, Subquery, Sum

from admissions.models import Tally
from organizations.models import Organization
from organizations.positions import NamesOnDay, alive_on
from quotas.models import RuleKind

from ..status import Status
from .counts import pipeline_at
from .results import Measurement
from .rows import OrganizationRow, _members_on, _organization_rows, name_rows
from .rules import _signature_q

STEP = Organization.steplen


@dataclass(frozen=True)
class _FailingSpec:
    """Which organizations fail one size or inactivity rule over many organizations: those
    under `anchor` (and the anchor itself when `own_pk` is set) matching the signature and
    below `threshold` members, or without admissions for `threshold` years, on the count day."""

    kind: str
    signature: tuple
    threshold: int
    anchor: str
    own_pk: int | None
    year: int
    count_day: dt.date
    first_year: int
    status: str  # of each failing organization
    target_min: int | None  # CELL_SIZE: the rule's minimum, shown in each row
    # The names of the count day of organizations renamed after it (set by the engine).
    names: "NamesOnDay | None" = field(default=None, compare=False)
    # INACTIVITY: the day whose pipeline the rows forecast when it changed since (the
    # tallies hold today's; set by the engine: measure._forecast_of_day).
    pipeline_day: dt.date | None = None


def _entered_under(first_year: int, last_year: int):
    """Historical results (more than 0 new members) of the years first_year..last_year
    under the outer row's path, from the tallies (kind ENTERED: reports/entered.py; a
    merged organization's count at its successor's path, as everywhere else)."""
    return Tally.objects.filter(
        kind=Tally.Kind.ENTERED, path=OuterRef("path"), n__gt=0, year__gte=first_year, year__lte=last_year
    )


def window_start(years: int, year: int) -> dt.date:
    """1 January of the first year an inactivity rule of `years` looks at in `year`."""
    return dt.date(year - years + 1, 1, 1)


def too_young(stood_since: dt.date | None, years: int, year: int) -> bool:
    """Whether an organization that stood since `stood_since` (None: long-standing; see
    `stood_since`) is younger than an inactivity rule of `years` in `year`: it meets it."""
    return stood_since is not None and stood_since > window_start(years, year)


def stood_since(org, predecessors) -> dt.date | None:
    """The earliest founding of `org` and of `predecessors` (those merged into it by the
    count day), None when any of them has none (long-standing)."""
    days = [o.founded_on for o in (org, *predecessors)]
    return None if None in days else min(days)


def _merged_into_outer(count_day: dt.date):
    """The organizations merged into the outer row's by the count day, directly or through
    up to three mergers in a row (as the tallies follow them: counting_path)."""
    day = count_day
    into = (
        Q(merged_into=OuterRef("pk"))
        | Q(merged_into__merged_into=OuterRef("pk"), merged_into__dissolved_on__lte=day)
        | Q(
            merged_into__merged_into__merged_into=OuterRef("pk"),
            merged_into__dissolved_on__lte=day,
            merged_into__merged_into__dissolved_on__lte=day,
        )
    )
    return Organization.objects.filter(into, dissolved_on__lte=day)


def old_enough(years: int, year: int, count_day: dt.date) -> Q:
    """The organizations an inactivity rule of `years` can fail in `year` (too_young's
    converse, in the database): standing since 1 January of its first year (or long-standing),
    themselves or an organization merged into them by the count day."""
    start = window_start(years, year)
    older = _merged_into_outer(count_day).filter(Q(founded_on__isnull=True) | Q(founded_on__lte=start))
    return Q(founded_on__isnull=True) | Q(founded_on__lte=start) | Exists(older)


def _failing(kind, signature, threshold, within: str, year, count_day):
    """Alive organizations under the path `within` matching `signature` and failing the rule
    on the count day (nothing after the count day: see _structural). An organization
    younger than an inactivity rule's years meets it (`too_young`)."""
    rows = (
        Organization.objects.filter(path__startswith=within)
        .filter(alive_on(count_day), _signature_q(signature))
        .order_by()
    )
    if kind == RuleKind.CELL_SIZE:
        return rows.annotate(**_members_on(members_now=count_day)).filter(
            Q(members_now__isnull=True) | Q(members_now__lt=threshold)
        )
    window = year - threshold + 1
    rows = rows.filter(old_enough(threshold, year, count_day))
    # NOT EXISTS each, not NOT (… OR …): PostgreSQL then runs each as an anti-join.
    rows = rows.exclude(
        Exists(
            Tally.objects.filter(
                kind=Tally.Kind.ADMITTED, path=OuterRef("path"), n__gt=0, year__gte=window, year__lte=year
            )
        )
    )
    return rows.exclude(Exists(_entered_under(window, year)))


def _tally_sum(kind: str, year: int) -> Subquery:
    """An organization's tallied count of `kind` in `year` (every category)."""
    rows = Tally.objects.filter(kind=kind, path=OuterRef("path"), year=year).values("path").annotate(s=Sum("n"))
    return Subquery(rows.values("s")[:1], output_field=IntegerField())


def _idle_figures(first_year: int, last_recorded: int, year: int) -> dict:
    """What an idle organization's row shows: the latest year with admissions on record
    (from first_year to last_recorded) and with historical results entered (to year), and
    its pipeline."""
    recorded = Tally.objects.filter(kind=Tally.Kind.ADMITTED, path=OuterRef("path"), n__gt=0)
    return {
        "recorded": Subquery(
            recorded.filter(year__gte=first_year, year__lte=last_recorded).order_by("-year").values("year")[:1]
        ),
        "entered": Subquery(_entered_under(first_year, year).order_by("-year").values("year")[:1]),
        "forecast": _tally_sum(Tally.Kind.PIPELINE, 0),
    }


def _failing_page(spec: _FailingSpec, limit: int, after_path: str | None = None) -> list[Measurement]:
    """Up to `limit` failing organizations of one rule in path order, from `after_path` on."""
    depth = len(spec.anchor) // STEP
    rows = _failing(spec.kind, spec.signature, spec.threshold, spec.anchor, spec.year, spec.count_day)
    rows = rows.filter(Q(depth__gt=depth) | Q(pk=spec.own_pk or 0))
    if after_path is not None:
        rows = rows.filter(path__gt=after_path)
    if spec.kind == RuleKind.CELL_SIZE:  # members only: a size rule's table shows no admissions
        found = _organization_rows(rows.order_by("path")[:limit], ("members_now",), with_parent=True)
    else:
        rows = rows.annotate(**_idle_figures(spec.first_year, spec.year, spec.year))
        found = _organization_rows(rows.order_by("path")[:limit], ("recorded", "entered", "forecast"), with_parent=True)
    return _failing_measurements(spec, found)


def _failing_measurements(spec: _FailingSpec, found: list["OrganizationRow"]) -> list[Measurement]:
    if spec.names:
        name_rows(found, spec.names)
    if spec.kind == RuleKind.CELL_SIZE:
        return [
            Measurement(org=org, status=spec.status, target_min=spec.target_min, members=org.figures[0])
            for org in found
        ]
    forecasts = pipeline_at([org.path for org in found], spec.pipeline_day) if spec.pipeline_day else {}
    return [
        Measurement(
            org=org,
            forecast=forecasts.get(org.path, org.figures[2] or 0),
            last_admission_year=max(org.figures[0] or 0, org.figures[1] or 0) or None,
            status=spec.status,
        )
        for org in found
    ]


class FailingList:
    """The organizations failing a size or inactivity rule over many organizations (77,000
    cells below ten members in the country): counted by the engine, read from the database
    when listed, page by page in path order. Behaves as a read-only list of Measurements;
    pickles as its description, not its rows."""

    PAGE = 5000

    def __init__(self, spec: _FailingSpec, count: int, rows: "list[Measurement] | None" = None):
        self.spec, self.count = spec, count
        self.rows = rows  # read with the answer (attainment(list_failing=True)): no query when listed

    def __getstate__(self):  # the description, not the rows (the cache keeps answers)
        return {"spec": self.spec, "count": self.count, "rows": None}

    @property
    def status(self) -> str:
        return self.spec.status if self.count else Status.MET

    def __len__(self) -> int:
        return self.count

    def __bool__(self) -> bool:
        return self.count > 0

    def __iter__(self):
        if not self.count:
            return
        if self.rows is not None:
            yield from self.rows
            return
        after = None
        while True:
            page = _failing_page(self.spec, self.PAGE, after)
            yield from page
            if len(page) < self.PAGE:
                return
            after = page[-1].org.path

    def __getitem__(self, index):
        if self.rows is not None:
            return self.rows[index]
        if isinstance(index, slice):
            start, stop, step = index.indices(self.count)
            return _failing_page(self.spec, stop)[start:stop:step] if start < stop else []
        if index < 0:
            index += self.count
        if not 0 <= index < self.count:
            raise IndexError(index)
        return _failing_page(self.spec, index + 1)[index]

    def __eq__(self, other):
        if isinstance(other, list | tuple | FailingList):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None

    def __repr__(self):
        return f"<FailingList {self.spec.kind} under {self.spec.anchor}: {self.count}>"
