"""What a reorganization does to other apps' rows, as those apps tell it.

Organizations lie below the apps that point at them (quotas' plans, allocation rows and
rules), so this app does not read their tables: an app registers an effect in its
`AppConfig.ready()`, and the preview (the page, the command, the applied record) lists
what the effects return.

An effect is called as `effect(moved=..., ended=..., user=...)`: `moved` the pks of the
existing organizations that move, merge or dissolve (children carried by a merge too),
`ended` those that merge or dissolve, `user` the one previewing (None for a command: no
scope); it returns named lists of rows ({"plans": [...], ...}), each row with a pk, as
far as the user may see them.
"""

from collections.abc import Callable

Effect = Callable[..., dict[str, list]]

_effects: list[Effect] = []


def register_effect(effect: Effect) -> None:
    """Add an app's effect to every reorganization preview (once, however often called)."""
    if effect not in _effects:
        _effects.append(effect)


def affected_by(*, moved: set[int], ended: set[int], user) -> dict[str, list]:
    """Every registered effect's lists, in the order the apps registered them."""
    affected: dict[str, list] = {}
    for effect in _effects:
        affected.update(effect(moved=moved, ended=ended, user=user))
    return affected
