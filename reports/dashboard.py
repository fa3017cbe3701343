"""The dashboard's body: rendered once per data version, and for big scopes refreshed by
the task worker while readers are shown the previous figures (common.cache.get_or_compute
with `stale_ok`).

The body depends only on the data, the period, the language and what the reader may
see, so the rendered HTML is cached under the scope's data version (reports/cache.py):
any write inside the scope, or to a plan of an organization above it, changes that
version; writes elsewhere leave it. For a commune or a province the next reader just
renders it again (well under a second). For the national root that takes ~2 s (the
engine reads every province's plans), and writes come in all day: so when the last
rendering took longer than SLOW_SECONDS, the next reader is shown the previous body,
dated, and a task renders the new one in the background. Bodies older than MAX_STALE
(say, no worker is running) are never shown: the reader then waits for a new one.

So that the next reader rarely sees old figures at all, the slow bodies rendered for
readers in the last hours are also re-rendered after writes: the first write schedules one task, run
REFRESH_DELAY seconds later (a burst of writes, e.g. an import, costs one rendering).
"""

import dataclasses
import datetime as dt
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common import clock
from common.cache import PREVIOUS, TIMEOUT, get_or_compute, key, recompute
from common.db import report_reads
from organizations import access, positions
from organizations.models import Organization

from . import answers, charts, periods
from .cache import attainment_cached, data_version, database_tag
from .engine import Status
from .forms import CUSTOM, Chosen, PeriodForm
from .report import (
    INT,
    NO_PERCENT,
    STATUS_CLASS,
    STATUS_LABELS,
    Column,
    Table,
    build_report,
    cut_note,
    group_same_targets,
    period_span_label,
    same_span_label,
)

LAGGARDS_SHOWN = 50
# A target's list of organizations not meeting it opens by itself up to this many (longer
# lists open on a click, so the targets after it stay near the first screen).
LAGGARDS_OPEN_UP_TO = 3
# Above this many rules from plans of organizations below the scope (a province has ~100
# commune committees with a plan each, the country 3,400), the page shows those rules
# as counts per child organization instead of one card each: the national page had
# 3,600 cards and 51,000 allocation rows (32 MB of HTML). Every rule is still in the
# exports and on the child's own dashboard.
BELOW_SHOWN_UP_TO = 40
SLOW_SECONDS = 1.0
MAX_STALE = dt.timedelta(minutes=15)
REFRESH_LOCK_SECONDS = 300
REFRESH_DELAY = 30  # seconds after the first write of a burst
SLOW_VIEWS_KEPT = 20  # the most recently rendered slow bodies re-rendered after writes
READ_WITHIN = dt.timedelta(hours=6)  # … if a reader asked for them within this time


@dataclass(frozen=True)
class View:
    """One version of the dashboard: what the body depends on besides the data."""

    org_pk: int
    year: int
    as_of: str  # ISO date
    language: str
    can_see_names: bool
    can_edit_history: bool
    # "1"/"0" per parent of the count day (positions.ancestors_on): may the reader open its dashboard?
    chain_visible: str
    period: str = ""  # a reports.periods key; "" = the year
    # The reader's VIEW subtrees outside the organization's own ("," joined, "*": everywhere):
    # a table row of an organization standing elsewhere today links only if the reader may open it.
    reach: str = ""

    def parts(self) -> tuple:
        """What the body is cached under (common.cache), besides the data version."""
        return ("dashboard-html", database_tag(), *dataclasses.astuple(self))

    def latest_key(self) -> str:
        """The key of the body last rendered (bench/dashboard.py drops it for a cold start)."""
        return key(*self.parts(), PREVIOUS)


@dataclass
class Body:
    html: str
    name: str  # the organization's name on the report's count day (its title, as its heading)
    computed_at: dt.datetime | None = None  # set when the figures are older than the data


def body(view: View, organization: Organization | None = None) -> Body:
    """The body for this view: current, or (big scopes) the previous one while a task renders it."""
    if organization is None:
        organization = Organization.objects.get(pk=view.org_pk)
    version = data_version(organization)
    rendered = get_or_compute(
        view.parts(),
        _rendering(view, version, organization),
        version=version,
        stale_ok=_may_show_previous,
        in_background=lambda: refresh_dashboard.enqueue(*dataclasses.astuple(view)),
        lock_timeout=REFRESH_LOCK_SECONDS,
    )
    name = rendered.get("name", organization.name)  # (a body cached before it was kept)
    if rendered["version"] != version:
        return Body(rendered["html"], name, computed_at=rendered["at"])
    return Body(rendered["html"], name)


def _may_show_previous(rendered: dict) -> bool:
    """The previous body is shown while a task renders the new one when rendering is slow
    (and it is recent: without a worker it would stay forever)."""
    return rendered["seconds"] > SLOW_SECONDS and timezone.now() - rendered["at"] < MAX_STALE


def _rendering(view: View, version: str, organization: Organization | None = None, *, for_reader: bool = True):
    """The function rendering the body now, for common.cache (kept under `version`: the data
    version read before the engine ran, so a change during the rendering makes it stale at
    once). A slow body rendered for a reader (now, or by the task a reader started) is
    re-rendered after writes for READ_WITHIN."""

    def render() -> dict:
        started, at = time.perf_counter(), timezone.now()
        scope = organization or Organization.objects.get(pk=view.org_pk)
        with translation.override(view.language):
            html, name = _render(scope, view)
        seconds = time.perf_counter() - started
        if seconds > SLOW_SECONDS and for_reader:
            _remember_slow(view, at)
        return {"html": html, "name": name, "version": version, "at": at, "seconds": seconds}

    return render


def _refresh(view: View, organization: Organization, *, for_reader: bool = True) -> None:
    version = data_version(organization)
    rendering = _rendering(view, version, organization, for_reader=for_reader)
    recompute(view.parts(), rendering, version=version, stale_ok=_may_show_previous)


def _slow_views_key() -> str:
    return key("dashboard-slow-views", database_tag())


def _remember_slow(view: View, at: dt.datetime) -> None:
    views = cache.get(_slow_views_key()) or {}
    views[dataclasses.astuple(view)] = at
    kept = sorted(views.items(), key=lambda item: item[1], reverse=True)[:SLOW_VIEWS_KEPT]
    cache.set(_slow_views_key(), dict(kept), timeout=TIMEOUT)


def data_written(**_kwargs) -> None:
    """Signal receiver (every write the engine reads): schedule one re-rendering of the
    slow bodies (and one computing of the command's slow documents, reports/answers.py)
    for the burst of writes this one starts."""
    if not cache.get(_slow_views_key()) and not answers.asked_lately():
        return
    if cache.add(key("dashboard-refresh-scheduled", database_tag()), 1, timeout=REFRESH_DELAY):
        transaction.on_commit(_enqueue_refresh)


def _enqueue_refresh() -> None:
    task = refresh_after_writes
    if task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + dt.timedelta(seconds=REFRESH_DELAY))
    task.enqueue()


@task
def refresh_after_writes() -> None:
    """Re-render for the current data the slow bodies rendered for readers lately (not the
    ones only this task kept rendering: nobody may be reading those any more), then the
    command's slow documents asked for lately."""
    since = timezone.now() - READ_WITHIN
    try:
        for fields, rendered_at in list((cache.get(_slow_views_key()) or {}).items()):
            view = View(*fields)
            organization = Organization.objects.filter(pk=view.org_pk).first()
            if organization is None or rendered_at < since:
                continue
            _refresh(view, organization, for_reader=False)
    finally:  # a body failing to render leaves the documents to compute
        answers.refresh()


# Tasks queued under the name it had before it refreshed the command's documents too.
refresh_slow_dashboards = refresh_after_writes


@task
def refresh_dashboard(
    org_pk, year, as_of, language, can_see_names, can_edit_history, chain_visible, period="", reach=""
) -> None:
    view = View(org_pk, year, as_of, language, can_see_names, can_edit_history, chain_visible, period, reach)
    _refresh(view, Organization.objects.get(pk=org_pk))


def _chosen_day(chosen: Chosen) -> dt.date | None:
    """The chooser's "as of": empty for the period's own day (its last, or today while it
    runs), which kept in the field would be a day before the next year or period chosen
    (refused: reports.periods.choose); a day the reader chose, or the last day of an
    organization that ended, is shown."""
    return None if chosen.as_of == chosen.period.as_of(clock.today()) else chosen.as_of


def _bieu2_query(period, counted_to: dt.date | None) -> str:
    """Biểu 2 of the admissions the page counts: its period, or from its first day to the
    page's day when that is before the period's end (a form has no "as of": it is the
    span 01/01/2025–30/06/2025, not the year); a period that runs is counted to today by both."""
    if counted_to is not None and counted_to < min(period.end, clock.today()):
        return urlencode({"from": period.start.isoformat(), "to": counted_to.isoformat()})
    if ".." in period.key:
        return urlencode({"from": period.start.isoformat(), "to": period.end.isoformat()})
    return urlencode({"period": period.key})


def _render(organization: Organization, view: View) -> tuple[str, str]:
    """The body's HTML, and the organization's name on the count day (the engine's scope)."""
    year, as_of = view.year, dt.date.fromisoformat(view.as_of)
    chosen = Chosen(periods.parse(view.period or str(year)), year, as_of)
    with report_reads():
        att = attainment_cached(scope=organization, year=year, as_of=as_of, period=chosen.period)
    att, below = split_below(att)
    report = build_report(att)
    # The breadcrumbs of the count day (as reports/views.py `_chain` reads them for the
    # flags): the parents of that day, under their names then. The body is kept per as_of
    # and under the data version, which every move, merger and rename changes.
    ancestors = positions.ancestors_on(organization, periods.count_day(organization, year, as_of))
    chain = list(zip(ancestors, [flag == "1" for flag in view.chain_visible], strict=False))
    rules = _rules_view(att)
    context = {
        "org": organization,
        "att": att,
        "report": report,
        "year": year,
        "as_of": as_of,
        # A failing organization counted to an earlier last day says so; one counted to this
        # day (a district's cells on its last day, 30/06/2025) needs no "(up to …)".
        "count_day": min(as_of, dt.date(year, 12, 31)),
        "query": urlencode(chosen.params()),
        "bieu2_query": _bieu2_query(chosen.period, att.period_to),
        "chain": chain,
        "period_form": PeriodForm(
            initial={
                "year": year,
                "as_of": _chosen_day(chosen),
                **(
                    {"period": CUSTOM, "from": chosen.period.start, "to": chosen.period.end}
                    if ".." in chosen.period.key
                    else {"period": chosen.period.key}
                ),
            }
        ),
        "period": chosen.period,
        "period_kpi": period_kpi(att),
        "cumulative_svg": charts.cumulative_chart(att),
        "history_svg": charts.history_chart(att),
        "status_labels": STATUS_LABELS,
        "status_class": STATUS_CLASS,
        "can_see_names": view.can_see_names,
        "can_edit_history": view.can_edit_history,
        "rules": rules,
        "rule_groups": group_by_plan(rules),
        "allocation_tables": [
            with_forecast(t, a, att) for t, a in zip(report.allocation_tables, att.allocations, strict=True)
        ],
        "below": below,
        "without_target": without_target(report.children),
    }
    tables = [report.children, report.period, *context["allocation_tables"]]
    named = [o.pk for item in rules for o in (item["m"] and item["m"].org, *(f.org for f in item["failing"])) if o]
    named += [row["org"].pk for row in (below or {}).get("rows", [])]
    context["unlinked"] = unlinked(organization, view.reach, tables, named)
    return render_to_string("reports/_dashboard_body.html", context), att.scope.name


def reach_of(user, organization: Organization) -> str:
    """View.reach: the reader's VIEW subtrees other than those inside the organization's;
    "*" (link all, no query) for a reader who sees everywhere, or the whole tree an active
    organization stands in (all it may link stood in that tree: only one moved since into
    another tree, which no reorganization within a province makes, would stay linked)."""
    paths = access.scope_paths(user, access.Perm.VIEW)
    root = organization.path[: Organization.steplen]
    if paths is None or (organization.is_active and root in paths):
        return "*"
    return ",".join(p for p in paths if not p.startswith(organization.path))


def unlinked(organization: Organization, reach: str, tables, named=()) -> set[int]:
    """The organizations the tables link (and the `named` pks: the rules' laggards and
    subjects, the organizations below) that the reader may not open, their pages a 404 for
    them: standing today outside both the organization's subtree and `reach` (moved away
    since the report's day). One query, none for a reader who sees everything."""
    pks = {link["org"] for table in tables if table for link in table.links if link} | set(named)
    if reach == "*" or not pks:
        return set()
    visible = access.paths_q([organization.path, *filter(None, reach.split(","))])
    return set(Organization.objects.filter(pk__in=pks).exclude(visible).values_list("pk", flat=True))


def without_target(children: Table) -> int:
    """How many organizations of the committees table have no target (its third column):
    the page says why their target and status are empty. The row of what counts at the
    organization itself (no link: it is no organization under it) has none to have."""
    return sum(1 for row, link in zip(children.rows, children.links, strict=True) if row[2] is None and link)


def period_kpi(att) -> dict | None:
    """The period's figures for the head of the page (no logic in the template)."""
    figure = att.period_figure
    if figure is None:
        return None
    percent = figure.percent
    return {
        "label": att.period.label,
        "span": period_span_label(att),
        "same_span": same_span_label(att),
        "actual": figure.actual,
        "last_year": figure.last_year,
        "difference": figure.difference,
        "percent": NO_PERCENT if percent is None else f"{percent}".replace(".", ",") + "%",
        "note": cut_note(att),
    }


# Rule cards of the first plan are shown open; those of the other plans open on a click
# when there are more than this many cards in all.
RULES_OPEN_UP_TO = 6


def group_by_plan(rows: list[dict]) -> list[dict]:
    """The target cards per plan (the first plan naming the target), in the order of their
    first card; the first plan open, the others folded when the page would be long."""
    groups: dict[int, dict] = {}
    for row in rows:
        plan = row["result"].plan
        groups.setdefault(plan.pk, {"plan": plan, "items": []})["items"].append(row)
    result = list(groups.values())
    for n, group in enumerate(result):
        group["open"] = n == 0 or len(rows) <= RULES_OPEN_UP_TO
    return result


def with_forecast(table: Table, allocation, att) -> Table:
    """An allocation table of the report (`allocation`: the engine's table it was built
    from) with the pipeline ("Dự kiến") after the achieved figure, for the page: the status
    of a row is computed with it, so it is shown beside it, the same on every page that
    shows the table. None (empty) for a row whose year is over."""
    position = 4  # after STT, TCCSĐ, quota, achieved
    shown = Table(
        key=table.key,
        title=table.title,
        caption=table.caption,
        note=table.note,
        columns=[*table.columns[:position], Column(_("Forecast"), INT, 10), *table.columns[position:]],
    )
    for row, link, counted in zip(table.rows, table.links, allocation.rows, strict=True):
        shown.add([*row[:position], counted.forecast, *row[position:]], link)
    if table.totals:
        values = [row.forecast for row in allocation.rows if row.forecast is not None]
        total = sum(values) if values and not att.year_over else None
        shown.totals = [*table.totals[:position], total, *table.totals[position:]]
    return shown


def split_below(att):
    """The answer the page shows in full, and the standing per child organization of the
    rules set below the scope when they are too many to show one by one (else None)."""
    path = att.scope.path
    below = [r for r in att.rules if r.plan.issuer.path != path and r.plan.issuer.path.startswith(path)]
    if len(below) <= BELOW_SHOWN_UP_TO:
        return att, None
    below_pks = {r.rule.pk for r in below}
    by_child = {c.org.path: {"org": c.org, "rules": 0, "lagging": 0, "not_met": 0} for c in att.children}
    for r in below:
        row = by_child.get(r.plan.issuer.path[: len(path) + Organization.steplen])
        if row is None:  # issued under a child the report does not list
            continue
        row["rules"] += 1
        row["lagging"] += r.status in Status.LAGGING
        row["not_met"] += r.status == Status.NOT_MET
    shown = dataclasses.replace(
        att,
        rules=[r for r in att.rules if r.rule.pk not in below_pks],
        allocations=[t for t in att.allocations if t.rule.pk not in below_pks],
    )
    summary = {
        "rules": len(below),
        "lagging": sum(1 for r in below if r.status in Status.LAGGING),
        "rows": [v for v in by_child.values() if v["rules"]],
    }
    return shown, summary


def _rules_view(att):
    """Per target, the figures the template shows (no logic in the template). The same
    target set by several plans is one card naming every plan, its laggards listed once."""
    rows = []
    for r, plans in group_same_targets(att.rules):
        m = r.single
        progress = None
        if m is not None and m.target_min:
            progress = min(100, int(m.actual * 100 / m.target_min))
        elif r.many and r.matched:
            progress = int(r.meeting * 100 / r.matched)
        history = []
        if m is not None and r.kind not in ("cell_size",):
            history = [(y.label, y.actual) for y in (*m.periods, *m.history[:-1])]
        rows.append(
            {
                "result": r,
                "plans": [p.label for p in plans],
                "m": m,
                "progress": progress,
                "css": STATUS_CLASS[r.status],
                "history": history,
                # Its one subject ended by the report's day: counted to its last day.
                "ended_to": m.counted_to if m is not None else None,
                # An inactivity rule looks for an admission from this year on.
                "window_from": att.year - (r.rule.years_without or 1) + 1,
                # A national scope can fail thousands of cells: the page lists the first
                # ones, the Excel export lists them all.
                "failing": r.failing[:LAGGARDS_SHOWN],
                "failing_more": max(0, r.failing_count - LAGGARDS_SHOWN),
                "failing_open": r.failing_count <= LAGGARDS_OPEN_UP_TO,
            }
        )
    return rows
