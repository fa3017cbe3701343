"""The checks of a reorganization file: the tree simulated row after row, as the file
changes it (a code created in row 3 exists for row 5, an organization merged in row 4 is
gone for row 6, a committee can be dissolved once the rows above emptied it).
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max
from django.db.models.functions import Left
from django.utils.translation import gettext as _

from ..models import Organization, OrganizationPath
from ..nesting import nesting_problem
from .operations import CREATE, DISSOLVE, MERGE, MOVE, NEEDS_TARGET, RENAME, Operation


@dataclass
class _Node:
    """An organization as the file leaves it, row after row."""

    key: int | str  # the pk, or "new:<code>" for one the file creates
    code: str
    name: str
    parent: int | str | None
    active: bool
    founded_on: dt.date | None
    form: str = ""
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
                form=organization.form,
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

    def create(self, *, code: str, name: str, form: str, parent: _Node | None, on_date: dt.date | None) -> _Node:
        node = _Node(f"new:{code}", code, name, parent.key if parent else None, True, on_date, form, children=set())
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
        if on_date and node.last_move and on_date < node.last_move:
            errors.append(
                _("“%(code)s” was already moved on %(date)s; a new move cannot be dated before that day")
                % {"code": node.code, "date": node.last_move.strftime("%d/%m/%Y")}
            )
            return False
        return True

    def nests(form: str, parent_form: str | None, errors, child: _Node | None = None) -> bool:
        """Whether `form` may stand under `parent_form` (None: at the top; organizations.nesting);
        a problem when not, after the child's code when it is not the row's own organization."""
        problem = nesting_problem(form, parent_form) if form and parent_form != "" else None
        if problem:
            errors.append(f"“{child.code}”: {problem}" if child is not None else problem)
        return not problem

    def form_above(node: _Node) -> str | None:
        parent = tree.nodes.get(node.parent) if node.parent is not None else None
        return parent.form if parent is not None else None

    seen_codes: dict[str, int] = {}
    for op in operations:
        errors = problems[op.row]
        if op.kind == CREATE:
            parent = find(op.target, errors) if op.target else None
            nested = parent is None or nests(op.form, parent.form, errors)
            if op.code in taken:
                errors.append(_("code %(code)s already exists") % {"code": op.code})
            elif op.code in seen_codes:
                errors.append(_("code %(code)s repeats row %(row)d") % {"code": op.code, "row": seen_codes[op.code]})
            elif op.code:
                seen_codes[op.code] = op.row
                # (refused under its parent: created nowhere, as under a parent not found)
                tree.create(
                    code=op.code, name=op.name, form=op.form, parent=parent if nested else None, on_date=op.on_date
                )
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
            if op.form and op.form != node.form:
                children = [tree.nodes[key] for key in sorted(node.children or (), key=str)]
                fits = [nests(op.form, form_above(node), errors)]
                fits += [nests(child.form, op.form, errors, child) for child in children]
                if all(fits):
                    node.form = op.form
        elif op.kind == MOVE and target is not None:
            after_founding(node, op.on_date, errors)
            after_founding(target, op.on_date, errors)
            if tree.within(target, node):
                errors.append(
                    _("“%(code)s” cannot be moved under itself or its own subtree (“%(target)s”)")
                    % {"code": op.code, "target": op.target}
                )
            elif node.parent == target.key:
                errors.append(_("“%(code)s” is already under “%(target)s”") % {"code": op.code, "target": op.target})
            elif nests(node.form, target.form, errors) and op.on_date and movable(node, op.on_date, errors):
                tree.move(node, target, op.on_date)
        elif op.kind == MERGE and target is not None:
            after_founding(node, op.on_date, errors)
            after_founding(target, op.on_date, errors)
            if node.key == target.key:
                errors.append(_("an organization cannot be merged into itself"))
            elif tree.within(target, node):
                errors.append(
                    _("“%(code)s” cannot be merged into its own subtree (“%(target)s”)")
                    % {"code": op.code, "target": op.target}
                )
            elif op.on_date:
                children = [tree.nodes[key] for key in sorted(node.children or (), key=str)]
                fit = all([nests(child.form, target.form, errors, child) for child in children])
                if fit and all(movable(child, op.on_date, errors) for child in children):
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
