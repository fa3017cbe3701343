"""A reorganization decided at once (the 2025 mergers): read it from .xlsx, check every row,
preview it, then apply it row by row through the organization services, all or nothing.

The file lists operations in the order they apply, so the checks simulate the tree as the
file changes it: a code created in row 3 exists for row 5, an organization merged in row 4
is gone for row 6, a committee can be dissolved once the rows above emptied it.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.db.models.functions import Left
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.imports import read_or_fail
from common.text import fold
from common.xlsx import ImportFailed, RowError, choice_lookup, parse_date

from . import access, services
from .models import Organization, OrganizationPath, OrgForm, Reorganization, Sector

COLUMNS = {
    "operation": ("Thao tác", "Operation"),
    "on_date": ("Ngày hiệu lực", "Effective date"),
    "code": ("Mã", "Code"),
    "target": ("Mã đích", "Target code"),
    "name": ("Tên mới", "New name"),
    "form": ("Loại hình", "Form"),
    "sector": ("Lĩnh vực", "Sector"),
}

CREATE, RENAME, MOVE, MERGE, DISSOLVE = "create", "rename", "move", "merge", "dissolve"
OPERATION_LABELS = {
    CREATE: gettext_lazy("found"),
    RENAME: gettext_lazy("rename"),
    MOVE: gettext_lazy("move"),
    MERGE: gettext_lazy("merge"),
    DISSOLVE: gettext_lazy("dissolve"),
}
# The spellings of the file (compared without case or diacritics), and English keys.
OPERATIONS = {
    fold(spelling): operation
    for operation, spellings in {
        CREATE: ("thành lập", "create", "found"),
        RENAME: ("đổi tên", "rename"),
        MOVE: ("chuyển", "move"),
        MERGE: ("sáp nhập", "hợp nhất", "merge"),
        DISSOLVE: ("giải thể", "dissolve"),
    }.items()
    for spelling in spellings
}
OPERATION_SPELLINGS = "thành lập, đổi tên, chuyển, sáp nhập, giải thể"
# Which columns an operation reads besides its code; a value in another column is a mistake.
NEEDS_TARGET = {CREATE, MOVE, MERGE}
NEEDS_DATE = {MOVE, MERGE, DISSOLVE}
TAKES_NAME = {CREATE, RENAME}
TAKES_FORM = {CREATE, RENAME}


@dataclass
class Operation:
    row: int
    kind: str
    code: str
    target: str = ""
    name: str = ""
    form: str = ""
    sector: str = ""
    on_date: dt.date | None = None
    # filled in by the checks, for the preview
    old_name: str = ""
    target_name: str = ""
    carried: list[str] = field(default_factory=list)  # codes of children a merge moves

    @property
    def label(self) -> str:
        return str(OPERATION_LABELS[self.kind])

    @property
    def description(self) -> str:
        values = {
            "code": self.code,
            "name": self.name or self.old_name,
            "old": self.old_name,
            "target": self.target_name,
        }
        if self.kind == CREATE:
            return _("Found “%(name)s” (%(code)s) under “%(target)s”") % values
        if self.kind == RENAME:
            return _("Rename “%(old)s” (%(code)s) to “%(name)s”") % values
        if self.kind == MOVE:
            return _("Move “%(name)s” (%(code)s) under “%(target)s”") % values
        if self.kind == MERGE:
            text = _("Merge “%(name)s” (%(code)s) into “%(target)s”") % values
            if self.carried:
                text += " " + _("(its %(n)d active child organizations move with it)") % {"n": len(self.carried)}
            return text
        return _("Dissolve “%(name)s” (%(code)s)") % values


@dataclass
class Preview:
    operations: list[Operation]
    counts: dict[str, int]
    plans: list  # quotas.Plan issued by organizations merged or dissolved
    allocations: list  # quotas.Allocation rows naming organizations that move, merge or dissolve
    rules: list  # quotas.Rule whose target moves, merges or dissolves
    file_name: str = ""

    def summary(self) -> dict:
        """What the Reorganization record keeps (JSON)."""
        return {
            "counts": self.counts,
            "operations": [
                {
                    "row": op.row,
                    "operation": op.kind,
                    "code": op.code,
                    "target": op.target,
                    "name": op.name,
                    "on_date": op.on_date.isoformat() if op.on_date else None,
                    "description": op.description,
                }
                for op in self.operations
            ],
            "plans": [plan.pk for plan in self.plans],
            "allocations": [row.pk for row in self.allocations],
            "rules": [rule.pk for rule in self.rules],
        }


@dataclass
class _Node:
    """An organization as the file leaves it, row after row."""

    key: int | str  # the pk, or "new:<code>" for one the file creates
    code: str
    name: str
    parent: int | str | None
    active: bool
    founded_on: dt.date | None
    last_move: dt.date | None = None
    children: set | None = None  # keys of the active children; None when not loaded
    gone_in: int = 0  # the row that merged or dissolved it


class _Tree:
    """The organizations a file names (with their ancestors and children), simulated."""

    def __init__(self, named: list[Organization]):
        self.nodes: dict[int | str, _Node] = {}
        self.by_code: dict[str, _Node] = {}
        # what a row may name: the organizations in scope and those the file creates (the
        # ancestors loaded to follow the tree may lie outside the scope)
        self.nameable = {o.code for o in named}
        named_paths = {o.path for o in named}
        ancestor_paths = {p for o in named for p in o.ancestor_paths()} - named_paths
        loaded = list(named) + list(Organization.objects.filter(path__in=ancestor_paths))
        by_depth: dict[int, list[str]] = {}
        for organization in named:
            by_depth.setdefault(organization.depth, []).append(organization.path)
        for depth, paths in by_depth.items():
            loaded += list(
                Organization.objects.annotate(above=Left("path", depth * Organization.steplen))
                .filter(depth=depth + 1, dissolved_on__isnull=True, above__in=paths)
                .exclude(path__in=named_paths)
            )
        pk_by_path = {o.path: o.pk for o in loaded}
        last_moves = dict(
            OrganizationPath.objects.filter(organization_id__in=[o.pk for o in loaded])
            .values("organization_id")
            .annotate(last=Max("valid_until"))
            .values_list("organization_id", "last")
        )
        for organization in loaded:
            if organization.pk in self.nodes:
                continue
            node = _Node(
                key=organization.pk,
                code=organization.code,
                name=organization.name,
                parent=pk_by_path.get(organization.parent_path()),
                active=organization.is_active,
                founded_on=organization.founded_on,
                last_move=last_moves.get(organization.pk),
                children=set() if organization.path in named_paths else None,
            )
            self.nodes[node.key] = node
            self.by_code[node.code] = node
        for node in self.nodes.values():
            parent = self.nodes.get(node.parent)
            if node.active and parent is not None and parent.children is not None:
                parent.children.add(node.key)

    def chain(self, node: _Node):
        """The node and its ancestors, as the file has left them."""
        while node is not None:
            yield node
            node = self.nodes.get(node.parent)

    def within(self, node: _Node, root: _Node) -> bool:
        return any(n.key == root.key for n in self.chain(node))

    def create(self, *, code: str, name: str, parent: _Node | None, on_date: dt.date | None) -> _Node:
        node = _Node(f"new:{code}", code, name, parent.key if parent else None, True, on_date, children=set())
        self.nodes[node.key] = node
        self.by_code[code] = node
        self.nameable.add(code)
        if parent is not None and parent.children is not None:
            parent.children.add(node.key)
        return node

    def move(self, node: _Node, parent: _Node, on_date: dt.date) -> None:
        old = self.nodes.get(node.parent)
        if old is not None and old.children is not None:
            old.children.discard(node.key)
        node.parent = parent.key
        if parent.children is not None:
            parent.children.add(node.key)
        for other in self.nodes.values():  # the subtree moves with it
            if self.within(other, node):
                other.last_move = max(other.last_move or on_date, on_date)

    def end(self, node: _Node, row: int) -> None:
        node.active = False
        node.gone_in = row
        parent = self.nodes.get(node.parent)
        if parent is not None and parent.children is not None:
            parent.children.discard(node.key)


def _scope(user, under: Organization | None, perm: access.Perm):
    """The organizations a file may name: the user's scope for `perm` (everything for a
    command run without a user), below `under` when given."""
    if user is not None:
        return access.organizations(user, perm) if under is None else access.organizations_under(user, under, perm)
    return Organization.objects.all() if under is None else Organization.objects.filter(path__startswith=under.path)


def _parse(rows, today: dt.date) -> tuple[list[Operation], dict[int, list[str]]]:
    forms, sectors = choice_lookup(OrgForm), choice_lookup(Sector)
    operations, problems = [], {}
    for row in rows:
        errors = problems.setdefault(row.number, [])
        kind = OPERATIONS.get(fold(row.text("operation")))
        if kind is None:
            errors.append(
                _("unknown operation “%(value)s” (use: %(choices)s)")
                % {"value": row.text("operation"), "choices": OPERATION_SPELLINGS}
            )
            continue
        op = Operation(row=row.number, kind=kind, code=row.text("code"), target=row.text("target"))
        if not op.code:
            errors.append(_("the code (Mã) is empty"))
        if kind in NEEDS_TARGET and not op.target:
            errors.append(_("the target code (Mã đích) is empty"))
        elif kind not in NEEDS_TARGET and op.target:
            errors.append(_("the target code (Mã đích) is not used by this operation"))
        op.name = row.text("name")
        if kind in TAKES_NAME and not op.name:
            errors.append(_("the new name (Tên mới) is empty"))
        elif kind not in TAKES_NAME and op.name:
            errors.append(_("the new name (Tên mới) is not used by this operation"))
        for key, lookup, message, empty in (
            ("form", forms, _("unknown form “%(value)s”"), _("the form (Loại hình) is empty")),
            ("sector", sectors, _("unknown sector “%(value)s”"), _("the sector (Lĩnh vực) is empty")),
        ):
            value = row.text(key)
            if not value:
                if kind == CREATE:
                    errors.append(empty)
                continue
            if kind not in TAKES_FORM:
                errors.append(_("column %(column)s is not used by this operation") % {"column": COLUMNS[key][0]})
            elif lookup.get(fold(value)) is None:
                errors.append(message % {"value": value})
            else:
                setattr(op, key, lookup[fold(value)])
        if row.values.get("on_date") not in (None, ""):
            op.on_date = parse_date(row.values.get("on_date"))
            if op.on_date is None:
                errors.append(_("unreadable date “%(value)s” (use dd/mm/yyyy)") % {"value": row.text("on_date")})
            elif op.on_date > today:
                errors.append(_("the date is in the future"))
        elif kind in NEEDS_DATE:
            errors.append(_("the effective date (Ngày hiệu lực) is empty"))
        operations.append(op)
    return operations, problems


def _simulate(operations: list[Operation], tree: _Tree, taken: set[str], problems: dict[int, list[str]]) -> None:
    """Walk the rows in order over the simulated tree, adding each row's problems."""
    created_in: dict[str, int] = {op.code: op.row for op in operations if op.kind == CREATE and op.code}

    def find(code: str, errors: list[str]) -> _Node | None:
        node = tree.by_code.get(code) if code in tree.nameable else None
        if node is None:
            if code in created_in:
                later = {"code": code, "row": created_in[code]}
                errors.append(_("organization “%(code)s” is created only in row %(row)d") % later)
            else:
                errors.append(_("organization “%(code)s” not found in your scope") % {"code": code})
            return None
        if not node.active:
            if node.gone_in:
                errors.append(
                    _("organization “%(code)s” was merged or dissolved in row %(row)d")
                    % {"code": code, "row": node.gone_in}
                )
            else:
                errors.append(_("organization “%(code)s” is dissolved") % {"code": code})
            return None
        return node

    def after_founding(node: _Node, on_date, errors):
        if on_date and node.founded_on and on_date < node.founded_on:
            errors.append(
                _("“%(code)s” was founded on %(date)s, after this date")
                % {"code": node.code, "date": node.founded_on.strftime("%d/%m/%Y")}
            )

    def movable(node: _Node, on_date, errors) -> bool:
        if on_date and node.last_move and on_date <= node.last_move:
            errors.append(
                _("“%(code)s” was already moved on %(date)s; a new move must come later")
                % {"code": node.code, "date": node.last_move.strftime("%d/%m/%Y")}
            )
            return False
        return True

    seen_codes: dict[str, int] = {}
    for op in operations:
        errors = problems[op.row]
        if op.kind == CREATE:
            parent = find(op.target, errors) if op.target else None
            if op.code in taken:
                errors.append(_("code %(code)s already exists") % {"code": op.code})
            elif op.code in seen_codes:
                errors.append(_("code %(code)s repeats row %(row)d") % {"code": op.code, "row": seen_codes[op.code]})
            elif op.code:
                seen_codes[op.code] = op.row
                tree.create(code=op.code, name=op.name, parent=parent, on_date=op.on_date)
            if parent is not None:
                op.target_name = parent.name
            continue
        node = find(op.code, errors) if op.code else None
        target = find(op.target, errors) if op.target and op.kind in NEEDS_TARGET else None
        if node is None:
            continue
        op.old_name = node.name
        if target is not None:
            op.target_name = target.name
        if op.kind == RENAME:
            if op.name:
                node.name = op.name
        elif op.kind == MOVE and target is not None:
            if tree.within(target, node):
                errors.append(
                    _("“%(code)s” cannot be moved under itself or its own subtree (“%(target)s”)")
                    % {"code": op.code, "target": op.target}
                )
            elif node.parent == target.key:
                errors.append(_("“%(code)s” is already under “%(target)s”") % {"code": op.code, "target": op.target})
            elif op.on_date and movable(node, op.on_date, errors):
                tree.move(node, target, op.on_date)
        elif op.kind == MERGE and target is not None:
            after_founding(node, op.on_date, errors)
            if node.key == target.key:
                errors.append(_("an organization cannot be merged into itself"))
            elif tree.within(target, node):
                errors.append(
                    _("“%(code)s” cannot be merged into its own subtree (“%(target)s”)")
                    % {"code": op.code, "target": op.target}
                )
            elif op.on_date:
                children = [tree.nodes[key] for key in sorted(node.children or (), key=str)]
                if all(movable(child, op.on_date, errors) for child in children):
                    for child in children:
                        tree.move(child, target, op.on_date)
                    op.carried = [child.code for child in children]
                    tree.end(node, op.row)
        elif op.kind == DISSOLVE:
            after_founding(node, op.on_date, errors)
            if node.children:
                codes = sorted(tree.nodes[key].code for key in node.children)
                listed = ", ".join(codes[:5]) + (", …" if len(codes) > 5 else "")
                errors.append(
                    _("“%(code)s” still has active child organizations: %(children)s")
                    % {"code": op.code, "children": listed}
                )
            else:
                tree.end(node, op.row)


def _affected(operations: list[Operation], tree: _Tree, user) -> tuple[list, list, list]:
    """Plans of organizations merged or dissolved; allocation rows and rule targets naming
    organizations that move, merge or dissolve (as far as the user may see them)."""
    from quotas.models import Allocation, Plan, Rule

    ended, moved = set(), set()
    for op in operations:
        node = tree.by_code.get(op.code)
        if node is None or not isinstance(node.key, int):
            continue
        if op.kind in (MERGE, DISSOLVE):
            ended.add(node.key)
        if op.kind in (MOVE, MERGE, DISSOLVE):
            moved.add(node.key)
        for code in op.carried:
            carried = tree.by_code[code]
            if isinstance(carried.key, int):
                moved.add(carried.key)
    plans = Plan.objects.filter(issuer_id__in=ended).select_related("issuer")
    allocations = Allocation.objects.filter(organization_id__in=moved).select_related(
        "organization", "rule__plan__issuer"
    )
    rules = Rule.objects.filter(target_id__in=moved).select_related("target", "plan__issuer")
    if user is not None:
        plans = access.scoped(plans, user, org_field="issuer")
        allocations = access.scoped(allocations, user, org_field="rule__plan__issuer")
        rules = access.scoped(rules, user, org_field="plan__issuer")
    return (
        list(plans.order_by("issuer__path", "-first_year", "pk")),
        list(allocations.order_by("rule__plan__issuer__path", "rule__plan__first_year", "rule", "order", "pk")),
        list(rules.order_by("plan__issuer__path", "plan__first_year", "pk")),
    )


def reorganization_preview(
    *,
    upload,
    today: dt.date,
    user=None,
    under: Organization | None = None,
    perm: access.Perm = access.Perm.MANAGE,
    file_name: str = "",
) -> Preview:
    """Read and check every row of a reorganization file; raise ImportFailed listing every
    bad row, or return what applying it would do. Changes nothing.

    Every organization the file names must lie in the user's scope for `perm` (below
    `under` when given); `user=None` (a command) may name any organization.
    """
    rows = read_or_fail(upload, COLUMNS, required=set(COLUMNS), exact=True)
    operations, problems = _parse(rows, today)
    codes = {op.code for op in operations if op.code} | {op.target for op in operations if op.target}
    named = list(_scope(user, under, perm).filter(code__in=codes))
    tree = _Tree(named)
    new_codes = [op.code for op in operations if op.kind == CREATE and op.code]
    taken = set(Organization.objects.filter(code__in=new_codes).values_list("code", flat=True))
    _simulate(operations, tree, taken, problems)
    errors = [RowError(number, "; ".join(messages)) for number, messages in sorted(problems.items()) if messages]
    if errors:
        raise ImportFailed(errors)
    counts = {kind: 0 for kind in ("created", "renamed", "moved", "merged", "dissolved")}
    for op in operations:
        key = {CREATE: "created", RENAME: "renamed", MOVE: "moved", MERGE: "merged", DISSOLVE: "dissolved"}[op.kind]
        counts[key] += 1
        counts["moved"] += len(op.carried)
    plans, allocations, rules = _affected(operations, tree, user)
    return Preview(operations, counts, plans, allocations, rules, file_name=file_name)


def decision_reason(decision: str, decision_date: dt.date | None) -> str:
    """What each changed organization's history says about why."""
    decision = (decision or "").strip()
    date = decision_date.strftime("%d/%m/%Y") if decision_date else ""
    if decision and date:
        return _("%(decision)s of %(date)s") % {"decision": decision, "date": date}
    if decision:
        return decision
    if date:
        return _("reorganization of %(date)s") % {"date": date}
    return _("reorganization")


def _apply_one(op: Operation, *, user, today: dt.date, reason: str) -> None:
    get = Organization.objects.get
    if op.kind == CREATE:
        services.organization_create(
            parent=get(code=op.target),
            code=op.code,
            name=op.name,
            form=op.form,
            sector=op.sector,
            founded_on=op.on_date,
            user=user,
            reason=reason,
        )
        return
    organization = get(code=op.code)
    dated = {"on_date": op.on_date, "today": today, "user": user, "reason": reason}
    if op.kind == RENAME:
        fields = {"name": op.name} | {key: getattr(op, key) for key in ("form", "sector") if getattr(op, key)}
        services.organization_update(organization=organization, user=user, reason=reason, **fields)
    elif op.kind == MOVE:
        services.organization_move(organization=organization, new_parent=get(code=op.target), **dated)
    elif op.kind == MERGE:
        services.organization_merge(source=organization, target=get(code=op.target), **dated)
    else:
        services.organization_dissolve(organization=organization, **dated)


def _common_root(paths: list[str]) -> str:
    """The longest path (whole steps) every one of `paths` starts with."""
    if not paths:
        return ""
    prefix = min(paths)
    last = max(paths)
    length = 0
    while length < len(prefix) and prefix[length] == last[length]:
        length += 1
    return prefix[: length - length % Organization.steplen]


@transaction.atomic
def reorganization_apply(
    *,
    upload,
    today: dt.date,
    user=None,
    under: Organization | None = None,
    decision: str = "",
    decision_date: dt.date | None = None,
    file_name: str = "",
) -> Reorganization:
    """Check the file, then apply its rows in order through the organization services.

    All or nothing: a bad row (found by the checks or refused by a service) raises
    ImportFailed naming it, and nothing is changed. Needs the administrator's scope.
    """
    preview = reorganization_preview(
        upload=upload, today=today, user=user, under=under, perm=access.Perm.MANAGE, file_name=file_name
    )
    reason = decision_reason(decision, decision_date)
    touched: list[str] = []  # codes of the committees whose children change
    current = None
    try:
        with transaction.atomic():
            for current in preview.operations:
                if current.kind != CREATE:  # the committee it leaves changes too
                    acted = Organization.objects.get(code=current.code)
                    parents = Organization.objects.filter(path=acted.parent_path()).values_list("code", flat=True)
                    touched += list(parents)
                touched += [current.target] if current.target else []
                _apply_one(current, user=user, today=today, reason=reason)
            root = under
            if root is None:  # a command: file the record under the committee holding the result
                kept = Organization.objects.filter(code__in=touched, dissolved_on__isnull=True)
                kept = kept.values_list("path", flat=True)
                common = _common_root(list(kept))
                root = Organization.objects.filter(path=common).first() if common else None
            record = Reorganization.objects.create(
                decision=(decision or "").strip(),
                decision_date=decision_date,
                organization=root,
                applied_at=timezone.now(),
                applied_by=user if user is not None and user.is_authenticated else None,
                file_name=file_name[:255],
                summary=preview.summary(),
            )
    except ValidationError as exc:
        raise ImportFailed([RowError(current.row, "; ".join(exc.messages))]) from None
    except IntegrityError:
        raise ImportFailed([RowError(current.row if current else 0, _("the database refused this change"))]) from None
    return record
