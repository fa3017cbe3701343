"""The tables of the rules: one row per rule in the summary, and each rule's own table
(every organization it measures, or only those not meeting it above `LIST_ALL_UP_TO`)."""

import datetime as dt

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quotas.models import RuleKind
from quotas.sentences import percent, two_digits

from ..engine import (
    STRUCTURAL,
    FailingList,
    Measurement,
    OrganizationRow,
    RuleResult,
)
from ..engine.rules import selector_signature
from .periods import ended_name
from .table import INT, PERCENT, STATUS, TEXT, Column, Table, figure_or_no_data, fraction

# A rule over at most this many organizations lists each of them; above it, only those
# not meeting it (all of them, or as many as the engine kept if it capped the list).
LIST_ALL_UP_TO = 200


# Short names of the kinds (a workbook sheet's name: at most 31 characters), in order.
KIND_SHEETS = {
    RuleKind.COUNT: gettext_lazy("Counts"),
    RuleKind.SHARE_OF_ADMISSIONS: gettext_lazy("Shares of new members"),
    RuleKind.SHARE_OF_MEMBERSHIP: gettext_lazy("Shares of membership"),
    RuleKind.ALLOCATION: gettext_lazy("Allocations"),
    RuleKind.CELL_SIZE: gettext_lazy("Cell size"),
    RuleKind.INACTIVITY: gettext_lazy("Inactive cells"),
}


def _share_range(low, high) -> str:
    """A share as a plan writes it: "2–5%" for a range (one level to reach, not two limits),
    "≥ 2%" or "≤ 5%" for one bound."""
    if low is not None and high is not None:
        return percent(low) if low == high else f"{percent(low)[:-1]}–{percent(high)}"
    if low is not None:
        return "≥ " + percent(low)
    return "≤ " + percent(high) if high is not None else ""


def target_text(m: Measurement, kind: str) -> str:
    if kind in (RuleKind.SHARE_OF_ADMISSIONS, RuleKind.SHARE_OF_MEMBERSHIP):
        text = _share_range(m.share_min, m.share_max)
        if m.implied_min is not None:
            text += " (≈ " + two_digits(m.implied_min) + ")"
        return text
    if kind == RuleKind.INACTIVITY:
        return ""
    low, high = m.target_min, m.target_max
    if low is not None and high is not None:
        return two_digits(low) if low == high else f"{two_digits(low)}–{two_digits(high)}"
    if low is not None:
        return "≥ " + two_digits(low)
    if high is not None:
        return "≤ " + two_digits(high)
    return ""


def achieved(m: Measurement, kind: str):
    """What a row shows achieved: a size rule's members, else the admissions."""
    return m.members if kind == RuleKind.CELL_SIZE else m.actual


def same_target_key(r) -> tuple:
    """What makes two rule results one target: the same kind, category and bounds over the
    same organizations (97-KH/TU and 159-KH/HU both ask every high school of Đức Trọng for
    one pupil). Rules over many organizations compare the organizations measured (the
    selectors may be written differently), size and inactivity rules their selector and
    where it looks from; read as a plain list (a past day's tree, which lists the failing
    organizations only), their selector, how many they measure, meet and fail, and which.
    And the same statuses and figures, counted to the same day: on a district's last day
    its plan's year is over (not met) where the province's same target runs on (on track),
    and after it the district's counts stop there (2 to 30/06) where the province's go on
    (3 by 31/12); one line would show only the first."""
    rule = r.rule
    if not r.many:
        m = r.single
        who = ("one", r.subject.pk if r.subject else None, m and (m.actual, m.ended_on))
    elif isinstance(r.measurements, FailingList):
        who = ("selector", r.measurements.spec.anchor, r.measurements.spec.signature)
    elif r.kind in STRUCTURAL:  # read as a plain list (a past day's tree): the failing ones only
        failing = frozenset(m.org.pk for m in r.measurements)
        who = ("measured", selector_signature(rule), r.matched, r.meeting, failing)
    else:
        who = ("each", frozenset((m.org.pk, m.status, m.actual, m.ended_on) for m in r.measurements))
    bounds = (rule.min_count, rule.max_count, rule.min_percent, rule.max_percent, rule.years_without)
    return (r.kind, r.category or "", who, bounds, rule.max_is_cap, r.status)


def group_same_targets(rules) -> list[tuple]:
    """The rule results grouped by `same_target_key`, in the order of their first: each
    (first result, [every plan setting it])."""
    groups: dict[tuple, tuple] = {}
    for r in rules:
        key = same_target_key(r)
        if key in groups:
            groups[key][1].append(r.plan)
        else:
            groups[key] = (r, [r.plan])
    return list(groups.values())


def _rule_row(index: int, r: RuleResult, plans=None) -> list:
    """The summary's row of a target; `plans`: every plan setting it (group_same_targets)."""
    plan = " · ".join(p.number_label for p in plans) if plans else r.plan.number_label
    subject = r.subject.name if r.subject else _("%(n)d organizations") % {"n": r.matched}
    if r.many:
        if r.kind in STRUCTURAL:  # the rule's own minimum: its rows are read only when listed
            target = target_text(Measurement(org=None, target_min=r.rule.min_count), r.kind)
        else:
            target = target_text(r.measurements[0], r.kind) if r.measurements else ""
        actual = _("%(meeting)d of %(total)d meet it") % {"meeting": r.meeting, "total": r.matched}
        return [index, plan, r.sentence, subject, target, actual, None, None, r.status]
    m = r.single
    actual_value = achieved(m, r.kind)
    share = _rate(m, r.kind)
    return [
        index,
        plan,
        r.sentence,
        ended_name(m) if m.ended_on else subject,
        target_text(m, r.kind),
        actual_value,
        m.base,
        fraction(share),
        r.status,
    ]


def rule_columns(kind: str) -> list[Column]:
    """The columns of a rule's table: the same for every rule of a kind (one sheet per kind)."""
    organization = [Column("STT", INT, 8), Column(_("Organization"), TEXT, 44)]
    if kind in STRUCTURAL:  # long lists of cells whose names repeat: say what each is part of
        organization.append(Column(_("Part of"), TEXT, 36))
    if kind == RuleKind.CELL_SIZE:
        return [
            *organization,
            Column(_("Target"), TEXT, 14),
            Column(_("Members"), INT, 12),
            Column(_("Status"), STATUS, 16),
        ]
    if kind == RuleKind.INACTIVITY:
        return [
            *organization,
            Column(_("Last admission"), INT, 14),
            Column(_("Achieved"), INT, 12),
            Column(_("Forecast"), INT, 10),
            Column(_("Status"), STATUS, 16),
        ]
    return [
        *organization,
        Column(_("Target"), TEXT, 14),
        Column(_("Achieved"), INT, 12),
        Column(_("Base"), INT, 10),
        Column(_("Share / progress"), PERCENT, 12),
        Column(_("Forecast"), INT, 10),
        Column(_("Status"), STATUS, 14),
    ]


def _rate(m: Measurement, kind: str):
    """The share, or the progress towards the target; none for "at least 01" (met or not is
    all it says: 4 admissions against "≥ 01" are not "400%")."""
    if m.share is not None:
        return m.share
    if kind == RuleKind.COUNT and m.target_min == 1 and m.target_max is None:
        return None
    return m.percent


def _parent_name(org) -> str:
    """The parent's name where the engine read it (rows of organizations failing a size or
    inactivity rule: names like "Chi bộ thôn 1" repeat across a province)."""
    return org.parent if isinstance(org, OrganizationRow) else ""


def _measurement_row(i: int, m: Measurement, kind: str, closed: bool = False, count_day: dt.date | None = None) -> list:
    """One organization's row; a closed year shows no forecast. Counted up to a day before
    the report's `count_day` (its issuer's last, or its own): named with that day; counted
    to the report's own day (a district's cells on its last day, 30/06/2025), by its name
    alone, as the page lists it."""
    forecast = None if closed else m.forecast
    earlier = m.counted_to is not None and (count_day is None or m.counted_to < count_day)
    name = ended_name(m) if earlier else m.org.name
    if kind == RuleKind.CELL_SIZE:
        return [i, name, _parent_name(m.org), target_text(m, kind), m.members, m.status]
    if kind == RuleKind.INACTIVITY:
        return [i, name, _parent_name(m.org), m.last_admission_year, m.actual, forecast, m.status]
    return [i, name, target_text(m, kind), m.actual, m.base, fraction(_rate(m, kind)), forecast, m.status]


def lists_every_organization(r: RuleResult) -> bool:
    """Whether a rule's table lists every organization it measured, or only those not meeting it.

    Size and inactivity rules over many organizations list only the failing ones whatever
    the scope: the engine answers them in the database and returns no others."""
    if r.kind in STRUCTURAL:
        return False
    return r.matched <= LIST_ALL_UP_TO


def _rule_table(index: int, r: RuleResult, closed: bool = False, count_day: dt.date | None = None) -> Table:
    every = not r.many or lists_every_organization(r)
    listed = r.measurements if every else r.failing
    kind, link = r.kind, {"category": r.category}

    def source():
        for i, m in enumerate(listed, start=1):
            yield _measurement_row(i, m, kind, closed, count_day), {**link, "org": m.org.pk}

    lead = ""
    if r.many:
        counts = {"meeting": r.meeting, "total": r.matched, "failing": r.failing_count, "listed": len(listed)}
        if every or not r.failing_count:  # no "the 0 that do not are listed"
            lead = _("%(meeting)s of %(total)s organizations meet it.") % counts
        elif len(listed) < r.failing_count:
            lead = (
                _(
                    "%(meeting)s of %(total)s organizations meet it; the first %(listed)s of the %(failing)s "
                    "that do not are listed."
                )
                % counts
            )
        else:
            lead = _("%(meeting)s of %(total)s organizations meet it; the %(failing)s that do not are listed.") % counts
    table = Table(
        key=f"rule-{r.rule.pk}",
        title=f"{index}. {r.sentence}",
        columns=rule_columns(kind),
        source=source,
        count=len(listed),
        caption=r.plan.label,
        lead=lead,
    )
    if not r.many and r.single and r.single.history:
        table.extra.append(year_on_year(r.single))
    return table


def year_on_year(m: Measurement) -> Table:
    """The same figure for earlier years: records, or historical results entered as counts.
    A year without data reads "no data"; a total entered for a period (2020–2023) is a
    row of its own, the period's total, not split into its years."""
    table = Table(
        key="history",
        title=_("Year on year"),
        columns=[
            Column(_("Year"), INT, 8),
            Column(_("Achieved"), INT, 12),
            Column(_("Base"), INT, 10),
            Column(_("Share"), PERCENT, 10),
        ],
    )
    for figure in m.periods:
        table.add([figure.label, figure.actual, None, None])
    for figure in m.history:
        table.add([figure.year, figure_or_no_data(figure.actual), figure.base, fraction(figure.share)])
    return table
