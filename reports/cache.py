"""The engine's answers, kept until the data behind them changes.

Many board members open the same dashboards; the figures change only when someone
records an admission, edits a plan or moves an organization. `attainment_cached` keeps
each answer (per scope, year and "as of" date) under a data version of its scope
(`data_version(scope)`), so a cached answer is never served after a change to what it
shows, and a change elsewhere leaves it warm.

Versions by subtree. A report of a scope shows figures of its own subtree only (the
engine measures, allocates and lists organizations inside the scope: a province's
allocation table on a district's page has the district's rows only, without the
province's total), plus the plans of the organizations above it (their rules, targets
and allocated totals). So a scope's version combines, from tokens kept in the cache:
* the global token: moves, mergers, renames (the tree itself), holidays, anything a
  write cannot place;
* the subtree token of its path, and of each path it had before a move (a report of a
  past day reads the subtree it had then): bumped by every write inside that subtree;
* the "own rows" token of each organization above it (at those paths): bumped by a
  write to a plan, rule, allocation or sub-quota that organization issued.
A write bumps, once its transaction commits (signals connected in ReportsConfig): the
subtree tokens of every prefix of its organization's path, of its past paths
(OrganizationPath) and of its merger successor's; for plans, also the issuer's own
token. A province's admission thus bumps ≤ 5 subtree tokens; another province's pages
stay warm. A write to a plan of a committee that ended makes every answer stale: the units
it held read its rules wherever they stand since (a dissolved district's in a new commune's
report), which no token of its subtree reaches.

Tokens are random, never counters: two processes bumping at once can lose neither
change (a counter's get-and-set could write back a value a reader already used), and a
token evicted from the cache is replaced by a new one, never by a value used before.

Answers are kept through common.cache.get_or_compute (keys from parts, one reader computes
while the others wait); lower apps report bulk writes through common.cache.changed,
received here (`changed_below`). The cache is Django's (file-based by default so every gunicorn worker of one machine
shares it; REDIS_URL for several app servers: partyplans/settings.py).
"""

import datetime as dt
import functools
import hashlib
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.dispatch import receiver

from common import cache as computed
from common.cache import key
from organizations.models import Organization, OrganizationPath

from .engine import Attainment, FailingList, attainment

# Answers listing more rows than this are not kept: the national answer (~155,000
# measurements and allocation rows) took 3.9 s to pickle and 3.1 s to load back, more
# than the engine takes to compute it again (bench/RESULTS.md).
STORE_UP_TO = 20_000
# Bump when the engine's answers change shape or meaning (a new release): answers cached by
# older code are then never read back.
ANSWERS_VERSION = 10
STEP = Organization.steplen


def database_tag() -> str:
    """Which database the answers come from: a file cache may outlive a switch of
    DATABASE_URL (the demo on SQLite, a national copy on PostgreSQL), whose ids collide."""
    db = settings.DATABASES["default"]
    where = f"{db['ENGINE']}|{db.get('HOST')}|{db.get('PORT')}|{db['NAME']}"
    return hashlib.sha1(where.encode()).hexdigest()[:10]


# Folders of the project whose files make no page: skipped by code_tag.
_NOT_CODE = {"tests", "bench", "scripts", "node_modules", "static", "staticfiles", "var", "docs", "fixtures"}


@functools.cache
def code_tag() -> str:
    """Which code made the answers and pages: the project's templates, Python files
    (packages inside apps too: the engine is reports/engine/) and translations, by name,
    size and modification time (read once per process). A deployment that changes a template or the
    engine never serves a page cached by the code before it."""
    base = Path(settings.BASE_DIR)
    stats = []
    for folder, dirs, files in os.walk(base):
        dirs[:] = sorted(
            d for d in dirs if not d.startswith((".", "__")) and not (folder == str(base) and d in _NOT_CODE)
        )
        for name in sorted(files):
            if name.endswith((".py", ".html", ".po")):
                path = Path(folder) / name
                st = path.stat()
                stats.append(f"{path.relative_to(base)}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha1("\n".join(stats).encode()).hexdigest()[:10]


def _version_key() -> str:
    return key("attainment", "data-version", database_tag())


def _any_key() -> str:
    return key("attainment", "any-write", database_tag())


def _subtree_key(path: str) -> str:
    return key("attainment", "subtree", database_tag(), path)


def _own_key(path: str) -> str:
    return key("attainment", "own", database_tag(), path)


def _new_token() -> str:
    return secrets.token_hex(8)


def _tokens(keys: list[str]) -> list[str]:
    """The current token of each key, a new one for a key the cache does not hold."""
    found = cache.get_many(keys)
    missing = [k for k in keys if k not in found]
    if missing:
        for name in missing:
            cache.add(name, _new_token(), timeout=None)
        found.update(cache.get_many(missing))
    # A cache that keeps nothing (DummyCache): a token of its own, never matched again.
    return [str(found.get(k) or _new_token()) for k in keys]


def _prefixes(path: str) -> list[str]:
    return [path[:i] for i in range(STEP, len(path) + 1, STEP)]


def scope_paths(scope: Organization, global_token: str) -> list[str]:
    """The scope's path and every path it had before a move (kept under the global token:
    moves bump it), one query when not cached."""

    def read():
        past = OrganizationPath.objects.filter(organization_id=scope.pk).values_list("path", flat=True)
        return sorted({scope.path, *past})

    parts = ("attainment", "scope-paths", database_tag(), scope.pk, scope.path)
    return computed.get_or_compute(parts, read, version=global_token, lock_timeout=None)  # one small query


def data_version(scope: Organization | None = None) -> str:
    """A token that changes with every change to what a report of `scope` shows (any
    change at all without a scope), to the database or to the code's answers."""
    (global_token,) = _tokens([_version_key()])
    if scope is None:
        keys = [_any_key()]
    else:
        keys, seen = [], set()
        for path in scope_paths(scope, global_token):
            for name in (_subtree_key(path), *(_own_key(p) for p in _prefixes(path)[:-1])):
                if name not in seen:
                    seen.add(name)
                    keys.append(name)
    digest = hashlib.sha1("|".join([global_token, *_tokens(keys)]).encode()).hexdigest()[:16]
    return f"{ANSWERS_VERSION}.{code_tag()}.{database_tag()}.{digest}"


def bump() -> None:
    """Every cached answer is stale from now on."""
    token = _new_token()
    cache.set_many({_version_key(): token, _any_key(): token}, timeout=None)


class Changes:
    """What the writes of one transaction touched, bumped after it commits (or at once
    outside a transaction). Related rows are looked up at the bump: a few queries per
    transaction, none per row."""

    def __init__(self):
        self.everything = False
        self.orgs: set[int] = set()  # rows of these organizations (their subtree and above)
        self.issuers: set[int] = set()  # plans issued by these (seen by every scope below)
        self.candidates: set[int] = set()
        self.plans: set[int] = set()
        self.rules: set[int] = set()
        self.allocations: set[int] = set()

    def add(self, sender, instance, pk_set=None) -> None:
        from admissions.models import Admission, Candidate, StepRecord
        from organizations.models import MemberCount
        from quotas.models import Allocation, Plan, Rule, SubQuota

        from .models import HistoricalResult

        if isinstance(instance, (Admission, Candidate, MemberCount, HistoricalResult)):
            self.orgs.add(instance.organization_id)
        elif isinstance(instance, StepRecord):
            self.candidates.add(instance.candidate_id)
        elif isinstance(instance, Plan):
            self.orgs.add(instance.issuer_id)
            self.issuers.add(instance.issuer_id)
            if sender is Plan.implements.through:  # the plans on the other side as well
                self.plans.update(pk_set or ())
        elif isinstance(instance, Rule):
            self.plans.add(instance.plan_id)
            if instance.target_id:
                self.orgs.add(instance.target_id)
        elif isinstance(instance, Allocation):
            self.orgs.add(instance.organization_id)
            self.rules.add(instance.rule_id)
        elif isinstance(instance, SubQuota):
            self.allocations.add(instance.allocation_id)
        else:  # the tree itself (Organization, OrganizationPath), holidays, or unknown
            self.everything = True

    def __call__(self) -> None:
        """Bump (after the commit). Whatever cannot be placed, or fails to be, makes
        everything stale: never a stale answer."""
        subtree = own = None
        if not self.everything:
            try:
                self._resolve()
                subtree, own = self._paths()
            except Exception:  # noqa: BLE001 (_Unplaced, or the database failing after the commit)
                self.everything = True
        if self.everything:
            bump()
            return
        token = _new_token()
        keys = {_any_key(): token}
        keys.update({_subtree_key(p): token for path in subtree for p in _prefixes(path)})
        keys.update({_own_key(p): token for p in own})
        cache.set_many(keys, timeout=None)

    def _resolve(self) -> None:
        from admissions.models import Candidate
        from quotas.models import Allocation, Plan, Rule

        def issuers(queryset, ids, issuer):
            found = dict(queryset.filter(pk__in=ids).values_list("pk", issuer))
            if len(found) < len(ids):
                raise _Unplaced  # deleted since: cannot say where it was
            self.orgs.update(found.values())
            self.issuers.update(found.values())

        if self.allocations:
            issuers(Allocation.objects, self.allocations, "rule__plan__issuer_id")
        if self.rules:
            issuers(Rule.objects, self.rules, "plan__issuer_id")
        if self.plans:
            issuers(Plan.objects, self.plans, "issuer_id")
        if self.candidates:
            found = dict(Candidate.objects.filter(pk__in=self.candidates).values_list("pk", "organization_id"))
            if len(found) < len(self.candidates):
                raise _Unplaced
            self.orgs.update(found.values())
        if self.issuers and Organization.objects.filter(pk__in=self.issuers, dissolved_on__isnull=False).exists():
            # A plan of a committee that ended is read by the reports of the units it held,
            # wherever they stand since (reports.engine.rules.ended_above: a district's 2025
            # rules in a new commune's report), which its subtree's tokens do not reach.
            raise _Unplaced

    def _paths(self) -> tuple[set[str], set[str]]:
        """Every path whose prefixes' subtree tokens are bumped (the organizations' paths
        now and before their moves, and their merger successors'), and the own-rows
        paths of the issuers. 2 queries, and 1 for the mergers."""
        subtree: set[str] = set()
        own: set[str] = set()
        frontier, seen = set(self.orgs), set()
        while frontier:
            seen |= frontier
            rows = list(Organization.objects.filter(pk__in=frontier).values_list("pk", "path"))
            rows += OrganizationPath.objects.filter(organization_id__in=frontier).values_list("organization_id", "path")
            for pk, path in rows:
                subtree.add(path)
                if pk in self.issuers:
                    own.add(path)
            # Whose figures count for another (a merger): the successor's subtree as well.
            prefixes = {p for _pk, path in rows for p in _prefixes(path)}
            frontier = (
                set(
                    Organization.objects.filter(path__in=prefixes, merged_into__isnull=False).values_list(
                        "merged_into_id", flat=True
                    )
                )
                - seen
            )
        return subtree, own


class _Unplaced(Exception):
    pass


def _after_commit(func) -> None:
    transaction.on_commit(func, robust=True)


def _record(note) -> None:
    """Note a change in this transaction's Changes, bumped once after the commit (dropped
    with the transaction, or the savepoint, if it rolls back); outside a transaction, at once."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        changes = Changes()
        note(changes)
        changes()
        return
    changes = next((entry[1] for entry in connection.run_on_commit if isinstance(entry[1], Changes)), None)
    if changes is None:
        changes = Changes()
        _after_commit(changes)
        # (tests run the callback at once: then the change is noted below and bumped now)
    note(changes)
    if not any(entry[1] is changes for entry in connection.run_on_commit):
        changes()  # the callback already ran (tests): bump this change now


def data_changed(sender=None, instance=None, action=None, pk_set=None, **_kwargs) -> None:
    """Signal receiver: cached answers showing the change are stale once it commits. One
    bump per transaction, after its commit: a reader never stores figures of the old data
    under the new version (the race of bumping before the commit), and an import or the
    demo writing thousands of rows bumps once, not once per row. Outside a transaction: at
    once. Called without an instance: everything is stale."""
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed: the post_ signal follows

    def note(changes):
        if action == "post_clear":  # the plans on the other side are not named
            changes.everything = True
        changes.add(sender, instance, pk_set)

    _record(note)


def organizations_changed(organization_ids) -> None:
    """For writes that send no signals (bulk inserts and updates of admissions, candidates,
    member counts or historical results, e.g. a set-based import): the answers showing
    these organizations' rows are stale once the transaction commits (one bump for it)."""
    ids = set(organization_ids)
    _record(lambda changes: changes.orgs.update(ids))


@receiver(computed.changed, dispatch_uid="attainment-changed")
def changed_below(organization_ids=None, **_kwargs) -> None:
    """What lower apps report through common.cache (bulk writes, a seeded calendar): stale
    once their transaction commits; the slow dashboards re-rendered after it."""
    from .dashboard import data_written

    if organization_ids is None:
        _record(lambda changes: setattr(changes, "everything", True))
    else:
        organizations_changed(organization_ids)
    data_written()


def attainment_cached(
    *, scope: Organization, year: int, as_of: dt.date, period=None, store: bool = True, list_failing: bool = False
) -> Attainment:
    """The cached answer, else the engine's, kept for the next reader unless `store` is False
    or the answer is too big to be worth keeping (STORE_UP_TO). `period`: a
    reports.periods.Period (default: the year). `list_failing`: see engine.attainment; an
    answer found in the cache reads its failing lists when they are listed instead (the
    cache keeps their description, not their rows), with the same figures."""
    return computed.get_or_compute(
        ("attainment", scope.pk, scope.path, year, as_of.isoformat(), period or year),
        lambda: attainment(scope=scope, year=year, as_of=as_of, period=period, list_failing=list_failing),
        version=data_version(scope),
        # One reader computes, the others wait for it; not when nothing is kept to wait for.
        lock_timeout=computed.LOCK_SECONDS if store else None,
        keep=lambda answer: store and answer_rows(answer) <= STORE_UP_TO,
    )


def answer_rows(att: Attainment) -> int:
    """How many rows an answer holds: its measurements and allocation rows (the failing
    organizations of size and inactivity rules are read when listed: not held)."""
    held = sum(len(r.measurements) for r in att.rules if not isinstance(r.measurements, FailingList))
    return held + sum(len(t.rows) for t in att.allocations)
