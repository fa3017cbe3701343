"""Writes to an allocation table: its rows saved all or none, versioned, amended on an issued plan."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from admissions.categories import Category
from common.audit import stamp as _stamp
from organizations.models import Organization

from ..models import Allocation, PlanAmendment, Rule, RuleKind, SubQuota
from ..sentences import allocation_notation
from .amendments import StaleVersion, _amend, _change, _in_force_from, _is_issued, _require_editable


@dataclass(frozen=True)
class RowInput:
    """One row of an allocation grid as the user entered it."""

    organization_id: int
    total: int | None  # None: no quota for this organization (row removed)
    sub_quotas: dict[str, int]
    version: int = 0  # the version read; 0 = the row did not exist


def allocation_candidates(rule: Rule):
    """The organizations an allocation table may list: active organizations below its
    committee, and those it lists or listed before an amendment (a table issued before a
    reorganization keeps its rows where their organizations stand now, and can still be
    corrected)."""
    owner = rule.target or rule.plan.issuer
    below = Q(path__startswith=owner.path, dissolved_on__isnull=True)
    listed = Q(pk__in=Allocation.objects.filter(rule=rule).values("organization_id"))
    earlier = _listed_before(rule)
    if earlier:  # a row an amendment removed can be put back, even of a commune merged since
        listed |= Q(pk__in=earlier)
    return Organization.objects.filter(below | listed).exclude(pk=owner.pk)


def _listed_before(rule: Rule) -> set[int]:
    """The organizations earlier versions of the table listed (what its amendments replaced)."""
    key = str(rule.pk)
    return {
        row[0]
        for before in PlanAmendment.objects.filter(plan_id=rule.plan_id).values_list("before", flat=True)
        for row in before.get("tables", {}).get(key, [])
    }


# Five digits, as the appendix writes a quota (imports._NOTATION): far above any
# organization's quota, far below the column's limit (a bigger number overflowed on save).
MAX_QUOTA = 99_999


def quota_problems(total: int | None, sub_quotas: dict[str, int]) -> list[str]:
    """What is wrong with the figures of one row: the rule of the grid, of the import
    (imports.parse_notation) and of every save."""
    problems = []
    if total is not None and total < 0:
        problems.append(_("the quota cannot be negative"))
    elif total is not None and total > MAX_QUOTA:
        problems.append(_("a quota cannot be larger than %(max)s") % {"max": MAX_QUOTA})
    counts = list(sub_quotas.values())
    if any(n < 0 for n in counts):
        problems.append(_("a sub-quota cannot be negative"))
    elif any(n > MAX_QUOTA for n in counts):
        problems.append(_("a sub-quota cannot be larger than %(max)s") % {"max": MAX_QUOTA})
    elif total is None and sum(counts):
        problems.append(_("a sub-quota needs a quota"))
    elif total is not None and 0 <= total <= MAX_QUOTA and sum(counts) > total:
        # a person is of one category: the sub-quotas share the row's quota, not each its own
        problems.append(
            _("the sub-quotas add up to %(sum)s, more than the row's quota %(total)s")
            % {"sum": sum(counts), "total": total}
        )
    return problems


def _validate_row(row: RowInput, allowed: set[int]) -> list[str]:
    problems = []
    if row.organization_id not in allowed:
        problems.append(_("the organization is not below the committee of this table"))
    problems += [_("unknown category %(value)s") % {"value": c} for c in row.sub_quotas if c not in Category.values]
    return problems + quota_problems(row.total, row.sub_quotas)


def _founded_after(plan, row: RowInput, current, founded: dict, day: dt.date) -> bool:
    """Whether an issued plan's row is set or changed for an organization founded after the
    day the amendment takes effect (a commune formed on 01/07/2025, given a quota from
    01/03/2025): the reports of the days before its founding would read it."""
    if not _is_issued(plan) or row.total is None or row.organization_id not in founded:
        return False
    if founded[row.organization_id] <= day:
        return False
    subs = {c: n for c, n in row.sub_quotas.items() if n}
    if current is not None:
        old = _notation(current.total, {s.category: s.count for s in current.sub_quotas.all()})
        if old == _notation(row.total, subs):
            return False  # unchanged: the row stands as it was
    return True


def _notation(total, subs: dict[str, int]) -> str:
    return "" if total is None else allocation_notation(total, subs)


@transaction.atomic
def allocation_set(
    *,
    rule: Rule,
    rows: list[RowInput],
    user=None,
    today: dt.date,
    reason: str = "",
    check_versions: bool = True,
    in_force_from: dt.date | None = None,
) -> list[Allocation]:
    """Save the given rows of an allocation table, all or none. On an issued plan an
    amendment: reports of the days before `in_force_from` (default today) read the table
    as it was.

    A row whose version differs from the stored one was saved by someone else since
    it was read: the whole save is refused (StaleVersion), nothing is lost on either
    side. A row with total None removes the organization from the table.
    """
    rule = Rule.objects.select_for_update(of=("self",)).select_related("plan__issuer", "target").get(pk=rule.pk)
    if rule.kind != RuleKind.ALLOCATION:
        raise ValidationError(_("This rule is not an allocation table."))
    reason = _require_editable(rule.plan, reason)
    in_force_from = _in_force_from(rule.plan, in_force_from, today, key=("tables", rule.pk))
    allowed = set(allocation_candidates(rule).values_list("pk", flat=True))
    existing = {a.organization_id: a for a in rule.allocations.select_for_update().prefetch_related("sub_quotas")}
    table_before = [
        [a.organization_id, a.total, {s.category: s.count for s in a.sub_quotas.all()}]
        for a in sorted(existing.values(), key=lambda a: (a.order, a.pk))
    ]
    found = Organization.objects.filter(pk__in=[r.organization_id for r in rows])
    found = found.values_list("pk", "name", "founded_on")
    names = {pk: name for pk, name, _founded in found}
    founded = {pk: day for pk, _name, day in found if day is not None}
    errors, stale = [], []
    for row in rows:
        for problem in _validate_row(row, allowed):
            errors.append(f"{names.get(row.organization_id, row.organization_id)}: {problem}")
        if _founded_after(rule.plan, row, existing.get(row.organization_id), founded, in_force_from):
            errors.append(
                _(
                    "%(organization)s: founded on %(founded)s, after the day this amendment takes effect"
                    " (%(day)s); the reports of the days between would show a row for an organization not yet"
                    " standing. Give %(founded)s or a later day for the change."
                )
                % {
                    "organization": names[row.organization_id],
                    "founded": date_format(founded[row.organization_id], "d/m/Y"),
                    "day": date_format(in_force_from, "d/m/Y"),
                }
            )
        current = existing.get(row.organization_id)
        if check_versions and (current.version if current else 0) != row.version:
            stale.append(names.get(row.organization_id, str(row.organization_id)))
    if errors:
        raise ValidationError(errors)
    if stale:
        raise StaleVersion(
            _(
                "Someone else saved these rows while you were editing: %(rows)s. Nothing was saved; "
                "their values are shown next to yours."
            )
            % {"rows": ", ".join(stale)}
        )
    changes, saved = [], []
    next_order = max((a.order for a in existing.values()), default=0) + 1
    for row in rows:
        current = existing.get(row.organization_id)
        subs = {c: n for c, n in row.sub_quotas.items() if n}
        old_subs = {s.category: s.count for s in current.sub_quotas.all()} if current else {}
        old_text = _notation(current.total if current else None, old_subs)
        new_text = _notation(row.total, subs)
        if old_text == new_text:
            if current:
                saved.append(current)
            continue
        changes.append(_change(names[row.organization_id], old_text, new_text))
        if row.total is None:
            _stamp(current, user, reason or gettext_noop("removed"))
            current.delete()
            continue
        if current is None:
            current = Allocation(rule=rule, organization_id=row.organization_id, total=row.total, order=next_order)
            next_order += 1
        else:
            current.total = row.total
            current.version += 1  # the rows are locked (select_for_update) until commit
        _stamp(current, user, reason or gettext_noop("allocated"))
        current.save()
        current.sub_quotas.exclude(category__in=list(subs)).delete()
        for category, count in subs.items():
            SubQuota.objects.update_or_create(allocation=current, category=category, defaults={"count": count})
        saved.append(current)
    if changes:
        Rule.objects.filter(pk=rule.pk).update(version=F("version") + 1)
    _amend(
        plan=rule.plan,
        user=user,
        today=today,
        reason=reason,
        changes=changes,
        in_force_from=in_force_from,
        before={"tables": {str(rule.pk): table_before}},
    )
    return saved
